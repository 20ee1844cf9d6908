"""Recording SIPAS answers (portal page, counter kiosk, paper import) and the campaign's questionnaire."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.surveys.models import Campaign, Questionnaire, Response, ResponseChannel
from motcua.surveys.questionnaire import clean_answers, default_definition, questions


class SurveyError(ValueError):
    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


def default_questionnaire() -> Questionnaire:
    d = default_definition()
    q, _ = Questionnaire.objects.get_or_create(
        code=d["code"], version=d["version"], defaults={"title": d["title"], "definition": d}
    )
    return q


def open_campaign(code: str, now: datetime | None = None) -> Campaign | None:
    """The campaign `code` when it is active and `now` lies in its period."""
    today = timezone.localtime(now or timezone.now()).date()
    c = Campaign.objects.select_related("questionnaire").filter(code=code, active=True).first()
    if c is None or not c.start <= today <= c.end:
        return None
    return c


def submit(
    campaign: Campaign,
    unit_code: str,
    raw: dict[str, Any],
    channel: str,
    *,
    dossier_code: str = "",
    session_key: str = "",
    now: datetime | None = None,
) -> Response:
    """Check and keep one respondent's answers; one answer per dossier code (and per session)."""
    unit = campaign.units.filter(code=unit_code).first()
    errors: dict[str, str] = {}
    if unit is None:
        errors["unit"] = "Chọn đơn vị được khảo sát."
    answers, profile, bad = clean_answers(campaign.questionnaire.definition, raw)
    errors.update(bad)
    if not answers and not bad:
        errors["answers"] = "Vui lòng trả lời ít nhất một câu hỏi."
    dossier_code = dossier_code.strip().upper()
    if dossier_code and Response.objects.filter(campaign=campaign, dossier_code=dossier_code).exists():
        errors["dossier_code"] = "Hồ sơ này đã được khảo sát."
    if session_key and Response.objects.filter(campaign=campaign, session_key=session_key).exists():
        errors["session"] = "Bạn đã trả lời khảo sát này."
    if errors:
        raise SurveyError(next(iter(errors.values())), errors)
    assert unit is not None
    try:
        with transaction.atomic():
            return Response.objects.create(
                campaign=campaign,
                unit=unit,
                channel=channel,
                questionnaire_version=campaign.questionnaire.version,
                dossier_code=dossier_code,
                session_key=session_key,
                answers=answers,
                profile=profile,
                submitted_at=now or timezone.now(),
            )
    except IntegrityError:
        raise SurveyError("Phiếu này đã được ghi nhận.", {"dossier_code": "Đã được khảo sát."}) from None


# --- paper answers typed into a spreadsheet --------------------------------------------------


@dataclass
class PaperImport:
    rows: int = 0
    imported: int = 0
    dry_run: bool = False
    errors: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "imported": self.imported, "dry_run": self.dry_run, "errors": self.errors}


def template_header(campaign: Campaign) -> list[str]:
    """The columns of the paper-answer sheet: unit, dossier_code, then every question id."""
    return ["unit", "dossier_code", *questions(campaign.questionnaire.definition)]


def read_table(filename: str, data: bytes) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        return [["" if v is None else str(v).strip() for v in row] for row in ws.iter_rows(values_only=True)]
    text = data.decode("utf-8-sig")
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def import_paper(campaign: Campaign, filename: str, data: bytes, dry_run: bool = False) -> PaperImport:
    """All-or-nothing: any bad row (named by its row number in the sheet, header = 1) imports nothing."""
    result = PaperImport(dry_run=dry_run)
    try:
        table = read_table(filename, data)
    except Exception as exc:  # an unreadable file is one error, not a crash
        result.errors.append({"row": 0, "error": f"cannot read the file: {type(exc).__name__}"})
        return result
    if not table:
        result.errors.append({"row": 1, "error": "empty file (expected a header row)"})
        return result
    header = table[0]
    known = set(template_header(campaign))
    unknown = [h for h in header if h and h not in known]
    if "unit" not in header or unknown:
        result.errors.append(
            {"row": 1, "error": f"header needs 'unit' and question ids; unknown: {', '.join(unknown) or '-'}"}
        )
        return result
    parsed: list[tuple[str, str, dict[str, Any]]] = []
    seen_dossiers: dict[str, int] = {}
    definition = campaign.questionnaire.definition
    units = set(campaign.units.values_list("code", flat=True))
    for n, row in enumerate(table[1:], start=2):
        if not any(row):
            continue
        result.rows += 1
        values = dict(zip(header, row, strict=False))
        unit = values.pop("unit", "")
        dossier = values.pop("dossier_code", "").upper()
        problems = []
        if unit not in units:
            problems.append(f"unit {unit!r} is not surveyed in this campaign")
        answers, _profile, bad = clean_answers(definition, {k: v for k, v in values.items() if k})
        problems += [f"{k}: {v}" for k, v in bad.items()]
        if not answers and not bad:
            problems.append("no answer")
        if dossier:
            if dossier in seen_dossiers:
                problems.append(f"dossier {dossier} also on row {seen_dossiers[dossier]}")
            elif Response.objects.filter(campaign=campaign, dossier_code=dossier).exists():
                problems.append(f"dossier {dossier} already answered")
            seen_dossiers[dossier] = n
        if problems:
            result.errors.append({"row": n, "error": "; ".join(problems)})
        else:
            parsed.append((unit, dossier, {k: v for k, v in values.items() if k}))
    if result.errors or dry_run:
        result.imported = 0 if result.errors else len(parsed)
        return result
    now = timezone.now()
    with transaction.atomic():
        for unit, dossier, raw in parsed:
            submit(campaign, unit, raw, ResponseChannel.PAPER, dossier_code=dossier, now=now)
    result.imported = len(parsed)
    return result
