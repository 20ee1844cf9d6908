"""The public status look-up (contracts §8.1): one rule shared by the API and the /tra-cuu/ page.

A dossier is shown only to whoever knows both its code and the applicant's phone. An unknown code
and a wrong phone get the same answer, failures are limited per client address
(`core.ratelimit`), and the answer carries no personal data. Nothing here writes to the dossier,
and nothing here logs the phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from motcua import config
from motcua.core import ratelimit, replica
from motcua.core.ratelimit import FailureLimiter
from motcua.dossiers.models import Dossier, StepRun

MAX_CODE = 64
_SEPARATORS = re.compile(r"[\s.\-()]")
_PHONE = re.compile(r"0[0-9]{8,10}")

limiter = FailureLimiter(
    "public-lookup",
    limit=lambda: config.env_int("MOTCUA_LOOKUP_MAX_FAILURES"),
    window=lambda: config.env_int("MOTCUA_LOOKUP_WINDOW_SECONDS"),
)

NOT_FOUND = {"code": "not_found", "detail": "Không tìm thấy hồ sơ với mã hồ sơ và số điện thoại đã nhập."}
TOO_MANY = {"code": "too_many_failures", "detail": "Tra cứu sai quá nhiều lần. Vui lòng thử lại sau ít phút."}


def normalise_phone(raw: str) -> str | None:
    """'0905 123 456', '0905.123.456', '+84 905 123 456', '84905123456' → '0905123456'; None if not a phone."""
    digits = _SEPARATORS.sub("", raw or "")
    for prefix in ("+84", "0084", "84"):
        if digits.startswith(prefix) and len(digits) > len(prefix) + 7:
            digits = "0" + digits[len(prefix) :]
            break
    return digits if _PHONE.fullmatch(digits) else None


def client_address(request: HttpRequest) -> str:
    """The address failures are counted against (behind a proxy: `MOTCUA_TRUSTED_PROXIES`)."""
    return ratelimit.client_address(request)


def _iso(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


# The look-up reads plain rows (`values_list`), not model instances: a public, unauthenticated path
# that must stay cheap under load (docs/benchmarks.md, look-up; session 4: −20 % Python calls).
PUBLIC_COLUMNS = (
    "pk",
    "code",
    "status",
    "received_at",
    "appointment_at",
    "finished_at",
    "returned_at",
    "applicant_phone",
    "procedure__code",
    "procedure__name",
    "unit__code",
    "unit__name",
)


def _view(row: tuple[Any, ...]) -> dict[str, Any]:
    pk, code, status, received, appointment, finished, returned, _phone, p_code, p_name, u_code, u_name = row
    steps = (
        StepRun.objects.filter(dossier_id=pk)
        .order_by("started_at", "pk")
        .values_list("name", "unit__name", "started_at", "finished_at")
    )
    return {
        "code": code,
        "procedure": {"code": p_code, "name": p_name},
        "unit": {"code": u_code, "name": u_name},
        "status": status,
        "received_at": _iso(received),
        "appointment_at": _iso(appointment),
        "finished_at": _iso(finished),
        "returned_at": _iso(returned),
        "steps": [
            {"name": name, "unit": unit, "started_at": _iso(started), "finished_at": _iso(ended)}
            for name, unit, started, ended in steps
        ],
    }


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    dossier_id: int | None = None  # the dossier shown (200 only), e.g. for the kiosk's rating
    retry_after: int = 0
    errors: dict[str, str] = field(default_factory=dict)


def bad_request(errors: dict[str, str]) -> Answer:
    return Answer(400, {"code": "invalid", "detail": " ".join(errors.values()), "errors": errors}, errors=errors)


def look_up(client: str, code: str | None, phone: str | None) -> Answer:
    """200 with the public view, 400 for missing or malformed input, 404 (one body), 429 when blocked."""
    wait = limiter.retry_after(client)
    if wait:
        return Answer(429, TOO_MANY, retry_after=wait)
    code = (code or "").strip()
    errors = {}
    if not code:
        errors["code"] = "Thiếu mã hồ sơ."
    elif len(code) > MAX_CODE:
        errors["code"] = f"Mã hồ sơ dài quá {MAX_CODE} ký tự."
    wanted = normalise_phone(phone or "")
    if not (phone or "").strip():
        errors["phone"] = "Thiếu số điện thoại."
    elif wanted is None:
        errors["phone"] = "Số điện thoại không hợp lệ (ví dụ 0905 123 456)."
    if errors:
        return bad_request(errors)
    with replica.reads():  # read-only: the replica answers when it keeps up (core/replica.py)
        # Only the columns the answer shows (and the phone it checks).
        row = Dossier.objects.filter(code=code).order_by("pk").values_list(*PUBLIC_COLUMNS).first()
        if row is None or normalise_phone(row[7]) != wanted:
            row = None
        else:
            answer = Answer(200, _view(row), dossier_id=row[0])
    if row is None:
        limiter.fail(client)
        return Answer(404, NOT_FOUND)
    return answer
