"""Verify an applicant against the population database: the rules (what must match) and the record
(an `IdentityCheck` per check of a dossier, a row in the personal-data read trail per look-up).

Counter intake: a 12-digit personal ID is looked up; an unknown ID or typed data that differs from
the database stops the intake with a Vietnamese message; the service down lets the intake go on and
marks the dossier "chưa xác thực" (re-verified later from the list of such dossiers)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.backoffice import audit
from motcua.population import adapters
from motcua.population.models import IdentityCheck, Outcome
from motcua.population.synthetic import Citizen

PURPOSE_INTAKE = "tiep_nhan_ho_so"
PURPOSE_PREFILL = "dien_thong_tin_tiep_nhan"
PURPOSE_REVERIFY = "xac_thuc_lai"


def normalise_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def differences(citizen: Citizen, name: str, birth_date: date | None = None, sex: str = "") -> dict[str, str]:
    """Typed fields that differ from the population database (absent typed values are not compared)."""
    diff: dict[str, str] = {}
    if normalise_name(name) != normalise_name(citizen.name):
        diff["name"] = citizen.name
    if birth_date is not None and birth_date != citizen.birth_date:
        diff["birth_date"] = citizen.birth_date.strftime("%d/%m/%Y")
    if sex and sex != citizen.sex:
        diff["sex"] = citizen.sex
    return diff


FIELD_LABELS = {"name": "Họ và tên", "birth_date": "Ngày sinh", "sex": "Giới tính"}


def not_found_message(id_number: str) -> str:
    return _(
        "Không tìm thấy số định danh cá nhân %(id)s trong Cơ sở dữ liệu quốc gia về dân cư. "
        "Kiểm tra lại số trên thẻ căn cước của người nộp."
    ) % {"id": id_number}


def unavailable_message() -> str:
    return _(
        "Không kết nối được Cơ sở dữ liệu quốc gia về dân cư. Vẫn tiếp nhận được hồ sơ; hồ sơ sẽ được "
        "đánh dấu “chưa xác thực” để xác thực lại sau."
    )


def look_up(user: Any, id_number: str, purpose: str, dossier: Any = None) -> adapters.Lookup:
    """One look-up, written to the personal-data read trail (who, when, why, which dossier)."""
    result = adapters.lookup(id_number, purpose)
    audit.record(
        user,
        "population_lookup",
        dossier,
        id_number=id_number,
        purpose=purpose,
        outcome=result.outcome,
        **({"detail": result.detail} if result.detail else {}),
    )
    return result


@dataclass
class IntakeCheck:
    id_number: str
    lookup: adapters.Lookup | None
    typed: dict[str, str]
    diff: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str | None:
        if self.lookup is None or self.lookup.outcome == adapters.NOT_APPLICABLE:
            return None
        if self.lookup.outcome == adapters.UNAVAILABLE:
            return Outcome.UNAVAILABLE
        if self.lookup.outcome == adapters.NOT_FOUND:
            return Outcome.NOT_FOUND
        return Outcome.MISMATCH if self.diff else Outcome.VERIFIED


def check_intake(user: Any, data: dict[str, Any]) -> IntakeCheck:
    """Look the applicant up before receiving; `errors` (Vietnamese) stop the intake."""
    id_number = str(data.get("applicant_id_number") or "")
    birth = data.get("applicant_birth_date")
    typed = {
        "name": str(data.get("applicant_name") or ""),
        "birth_date": birth.isoformat() if isinstance(birth, date) else "",
        "sex": str(data.get("applicant_sex") or ""),
    }
    if not adapters.PERSONAL_ID.match(id_number):
        return IntakeCheck(id_number, None, typed)
    result = adapters.lookup(id_number, PURPOSE_INTAKE)
    check = IntakeCheck(id_number, result, typed)
    if result.outcome == adapters.NOT_FOUND:
        check.errors.append(not_found_message(id_number))
    elif result.outcome == adapters.FOUND and result.citizen is not None:
        check.diff = differences(
            result.citizen, typed["name"], birth if isinstance(birth, date) else None, typed["sex"]
        )
        for key, value in check.diff.items():
            check.errors.append(
                _(
                    "%(field)s không khớp với Cơ sở dữ liệu quốc gia về dân cư (%(value)s). Bấm “Tra cứu CSDL dân cư” để điền đúng."
                )
                % {"field": FIELD_LABELS[key], "value": value}
            )
    return check


def conclude(user: Any, check: IntakeCheck, dossier: Any = None) -> IdentityCheck | None:
    """Write the intake look-up to the read trail, and the dossier's identity check when it was received."""
    if check.lookup is None:
        return None
    audit.record(
        user,
        "population_lookup",
        dossier,
        id_number=check.id_number,
        purpose=PURPOSE_INTAKE,
        outcome=check.lookup.outcome,
        **({"detail": check.lookup.detail} if check.lookup.detail else {}),
    )
    outcome = check.outcome
    if dossier is None or outcome is None:
        return None
    return IdentityCheck.objects.create(
        dossier=dossier,
        id_number=check.id_number,
        outcome=outcome,
        detail={"typed": check.typed, "differences": check.diff, "service": check.lookup.detail},
        checked_by=user,
        checked_at=timezone.now(),
    )


def latest(dossier: Any) -> IdentityCheck | None:
    return IdentityCheck.objects.filter(dossier=dossier).order_by("-checked_at", "-pk").first()


def reverify(user: Any, dossier: Any) -> IdentityCheck:
    """Look the dossier's applicant up again (after the service was down) and record the outcome."""
    previous = latest(dossier)
    typed = dict((previous.detail or {}).get("typed", {})) if previous else {}
    typed.setdefault("name", dossier.applicant_name)
    result = look_up(user, dossier.applicant_id_number, PURPOSE_REVERIFY, dossier)
    diff: dict[str, str] = {}
    if result.outcome == adapters.FOUND and result.citizen is not None:
        birth = date.fromisoformat(typed["birth_date"]) if typed.get("birth_date") else None
        diff = differences(result.citizen, dossier.applicant_name, birth, typed.get("sex", ""))
        outcome = Outcome.MISMATCH if diff else Outcome.VERIFIED
    elif result.outcome == adapters.NOT_FOUND:
        outcome = Outcome.NOT_FOUND
    else:
        outcome = Outcome.UNAVAILABLE
    return IdentityCheck.objects.create(
        dossier=dossier,
        id_number=dossier.applicant_id_number,
        outcome=outcome,
        detail={"typed": typed, "differences": diff, "service": result.detail},
        checked_by=user,
        checked_at=timezone.now(),
    )
