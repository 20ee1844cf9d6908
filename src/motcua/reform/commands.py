"""The reform command table: every write to a round or an assessment is one `Command`, run by `execute`.

One declaration (who may, in which state of the assessment and of its round, what input) drives
both what the screens offer and what the server accepts. Each run appends a `ReformEvent`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from motcua.core.text import nfc
from motcua.organizations import access
from motcua.organizations.access import Action
from motcua.reform import scoring
from motcua.reform.models import (
    Assessment,
    AssessmentStatus,
    CriteriaSet,
    Evidence,
    Method,
    ReformEvent,
    Round,
    RoundStatus,
    Score,
)

A, R = AssessmentStatus, RoundStatus
EVENT_LABELS = {
    "self_scored": "Lưu điểm tự chấm",
    "evidence_uploaded": "Tải tài liệu kiểm chứng",
    "figures_refreshed": "Cập nhật số liệu hệ thống",
    "submitted": "Gửi thẩm định",
    "returned": "Trả lại đơn vị",
    "adjusted": "Điều chỉnh điểm thẩm định",
    "survey_entered": "Nhập kết quả điều tra",
    "finalised": "Chốt kết quả",
}
MAX_COMMENT = 4000


class ReformError(Exception):
    """A refusal: Vietnamese message, stable code, optional per-field messages."""

    def __init__(self, message: str, code: str = "invalid", fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields = fields or {}


def log(type: str, actor: Any, at: datetime, payload: dict[str, Any], **target: Any) -> None:
    ReformEvent.objects.create(
        type=type, actor=actor if getattr(actor, "pk", None) else None, at=at, payload=payload, **target
    )


# --- figures and results -------------------------------------------------------------------------


def leaves_of(assessment: Assessment) -> list[scoring.Leaf]:
    out = []
    for s in assessment.scores.select_related("criterion").order_by("criterion__order"):
        system = s.computed.get("points")
        out.append(
            scoring.Leaf(
                code=s.criterion.code,
                maximum=s.criterion.max_points,
                method=s.criterion.method,
                self_points=s.self_points,
                system_points=Decimal(system) if system is not None else None,
                appraised=s.appraised_points,
            )
        )
    return out


def history(unit_id: int) -> dict[int, str]:
    """{year: band} of the unit's final assessments (the multi-year record the KL 91 consequences read)."""
    qs = Assessment.objects.filter(unit_id=unit_id, status=A.FINAL).select_related("round")
    return {a.round.year: a.result.get("band") for a in qs if a.result.get("band")}


def recompute(assessment: Assessment) -> None:
    """Score the assessment (scoring.evaluate) into `result`, with the KL 91 consequences of its year."""
    crit_set = assessment.round.criteria_set
    names = dict(crit_set.criteria.filter(parent__isnull=True).values_list("code", "name"))
    figures = assessment.figures or {}
    result = scoring.evaluate(
        leaves_of(assessment),
        names,
        late_share=figures.get("late_share"),
        satisfaction=figures.get("satisfaction"),
    )
    past = history(assessment.unit_id)
    past[assessment.round.year] = result["band"]
    # The consequences follow a final ranking only (a draft's points are not a ranking yet).
    final = assessment.status == A.FINAL
    result["consequences"] = scoring.consequences(past, assessment.round.year) if final else []
    result["provisional"] = assessment.status != A.FINAL
    assessment.result = result


def refresh(assessment: Assessment, now: datetime) -> None:
    """Re-read the system's figures (computed criteria, KL 91 figures) for the unit and year."""
    from motcua.reform import metrics

    metrics.clear_cache()
    code, year = assessment.unit.code, assessment.round.year
    for s in assessment.scores.select_related("criterion").filter(criterion__method=Method.COMPUTED):
        metric = metrics.REGISTRY.get(s.criterion.metric)
        if metric is None:
            s.computed = {"error": "unknown_metric", "at": now.isoformat()}
        else:
            fig = metric.figure(code, year)
            points = scoring.rule_points(s.criterion.max_points, fig["share"], s.criterion.rule)
            s.computed = {**fig, "points": str(points) if points is not None else None, "at": now.isoformat()}
        s.save(update_fields=["computed"])
    assessment.figures = {**metrics.kl91_figures(code, year), "at": now.isoformat()}


# --- opening a round (province) --------------------------------------------------------------------


def units_of_group(group: str) -> Any:
    """The active units a criteria set's group covers (organizations.Unit level and category)."""
    from motcua.organizations.models import Category, Level, Unit

    qs = Unit.objects.filter(active=True)
    if group == "communes":
        return qs.filter(level=Level.COMMUNE, category=Category.PEOPLES_COMMITTEE)
    if group == "departments":
        return qs.filter(level=Level.PROVINCE, category=Category.DEPARTMENT)
    if group == "vertical_agencies":
        return qs.filter(category=Category.VERTICAL_AGENCY).exclude(level=Level.COMMUNE)
    return qs.filter(category=Category.PUBLIC_SERVICE_UNIT)


def open_round(
    actor: Any, criteria_set: CriteriaSet, unit_codes: list[str] | None = None, now: datetime | None = None
) -> Round:
    """Open the year's round for the set's group: one draft assessment per unit, one score per criterion."""
    from motcua.organizations.models import Unit

    if not access.can(actor, Action.MANAGE_REFORM):
        raise PermissionDenied("Bạn không có quyền mở đợt chấm điểm.")
    now = now or timezone.now()
    with transaction.atomic():
        if Round.objects.filter(year=criteria_set.year, criteria_set=criteria_set).exists():
            raise ReformError("Đợt chấm điểm của bộ chỉ số này đã được mở.", "exists")
        units = list(Unit.objects.filter(code__in=unit_codes) if unit_codes else units_of_group(criteria_set.group))
        if not units:
            raise ReformError("Không có đơn vị nào thuộc nhóm của bộ chỉ số.", "no_units")
        rnd = Round.objects.create(year=criteria_set.year, criteria_set=criteria_set, opened_at=now)
        leaves = list(criteria_set.criteria.exclude(method=Method.GROUP))
        for unit in units:
            a = Assessment.objects.create(round=rnd, unit=unit)
            Score.objects.bulk_create([Score(assessment=a, criterion=c) for c in leaves])
            refresh(a, now)  # the unit sees the system's figures from the start
            recompute(a)
            a.save()
        log("round_opened", actor, now, {"set": criteria_set.code, "units": [u.code for u in units]}, round=rnd)
    return rnd


# --- the table -------------------------------------------------------------------------------------


@dataclass
class Ctx:
    a: Assessment
    actor: Any
    data: dict[str, Any]
    now: datetime


@dataclass(frozen=True)
class Command:
    name: str
    label: str
    sources: tuple[str, ...]  # assessment statuses
    rounds: tuple[str, ...]  # round statuses
    action: str
    run: Callable[[Ctx], None]
    fields: tuple[str, ...] = ()  # the inputs the screen shows (reason, points, ...)
    done: str = "Đã thực hiện."


TABLE: dict[str, Command] = {}


def command(**kw: Any) -> Callable[[Callable[[Ctx], None]], Callable[[Ctx], None]]:
    def deco(fn: Callable[[Ctx], None]) -> Callable[[Ctx], None]:
        TABLE[kw["name"]] = Command(run=fn, **kw)
        return fn

    return deco


def _score(a: Assessment, code: Any) -> Score:
    s = a.scores.select_related("criterion").filter(criterion__code=str(code or "").strip()).first()
    if s is None:
        raise ReformError("Không có tiêu chí này.", "unknown_criterion", {"criterion": "Không có tiêu chí này."})
    return s


def _points(raw: Any, maximum: Decimal, field: str, required: bool = False) -> Decimal | None:
    if raw in (None, ""):
        if required:
            raise ReformError("Nhập số điểm.", "invalid_input", {field: "Nhập số điểm."})
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not 0 <= value <= maximum:
        msg = f"Điểm phải là số từ 0 đến {scoring.cents(maximum)}."
        raise ReformError(msg, "invalid_input", {field: msg})
    return scoring.cents(value)


def _share_pct(raw: Any, field: str) -> Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", ".").rstrip("%"))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or not 0 <= value <= 100:
        raise ReformError("Tỷ lệ phải từ 0 đến 100 (%).", "invalid_input", {field: "Tỷ lệ phải từ 0 đến 100 (%)."})
    return scoring.cents(value)


def _text(raw: Any, field: str, required: str = "") -> str:
    text = nfc(str(raw or "")).strip()
    if required and not text:
        raise ReformError(required, "invalid_input", {field: required})
    if len(text) > MAX_COMMENT:
        raise ReformError("Nội dung quá dài.", "invalid_input", {field: "Tối đa 4000 ký tự."})
    return text


@command(
    name="self_score",
    label="Lưu điểm tự chấm",
    sources=(A.DRAFT,),
    rounds=(R.OPEN,),
    action=Action.REPORT_REFORM,
    done="Đã lưu điểm tự chấm.",
)
def self_score(c: Ctx) -> None:
    """data = {"scores": {criterion code: {"points", "value", "comment"}}} (only the given criteria change)."""
    rows = c.data.get("scores")
    if not isinstance(rows, dict):
        raise ReformError("Không có điểm nào để lưu.", "invalid_input")
    errors: dict[str, str] = {}
    changed: dict[str, Any] = {}
    for code, row in rows.items():
        s = _score(c.a, code)
        if s.criterion.method == Method.SURVEY or not isinstance(row, dict):
            continue
        try:
            points = _points(row.get("points"), s.criterion.max_points, f"points-{code}")
            value = _share_pct(row.get("value"), f"value-{code}")
            comment = _text(row.get("comment"), f"comment-{code}")
        except ReformError as exc:
            errors.update(exc.fields)
            continue
        if (points, value, comment) != (s.self_points, s.self_value, s.comment):
            s.self_points, s.self_value, s.comment = points, value, comment
            s.save(update_fields=["self_points", "self_value", "comment"])
            changed[code] = {"points": str(points) if points is not None else None, "value": str(value or "")}
    if errors:
        raise ReformError("Một số điểm chưa hợp lệ, vui lòng kiểm tra lại.", "invalid_input", errors)
    log("self_scored", c.actor, c.now, {"changed": changed}, assessment=c.a, round=c.a.round)


@command(
    name="upload_evidence",
    label="Tải tài liệu kiểm chứng",
    sources=(A.DRAFT,),
    rounds=(R.OPEN,),
    action=Action.REPORT_REFORM,
    done="Đã tải tài liệu kiểm chứng.",
)
def upload_evidence(c: Ctx) -> None:
    """data = {"criterion": code, "filename": str, "content": bytes} (PDF, JPEG or PNG; documents.files)."""
    from django.conf import settings

    from motcua.documents import files

    s = _score(c.a, c.data.get("criterion"))
    content = c.data.get("content") or b""
    try:
        checked = files.check(nfc(str(c.data.get("filename") or "tep")), content, settings.MAX_UPLOAD_BYTES)
    except files.FileRejected as exc:
        raise ReformError(str(exc), "invalid_file", {"file": str(exc)}) from None
    if s.evidence.filter(sha256=checked.sha256).exists():
        return  # the same file again (a retried upload): nothing new
    ev = Evidence.objects.create(
        score=s,
        filename=checked.filename[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        data=content,
        uploaded_by=c.actor if getattr(c.actor, "pk", None) else None,
        uploaded_at=c.now,
    )
    payload = {"criterion": s.criterion.code, "file": ev.filename, "sha256": ev.sha256, "evidence": ev.pk}
    log("evidence_uploaded", c.actor, c.now, payload, assessment=c.a, round=c.a.round)


@command(
    name="refresh",
    label="Cập nhật số liệu từ hệ thống",
    sources=(A.DRAFT, A.SUBMITTED, A.APPRAISED),
    rounds=(R.OPEN, R.APPRAISAL),
    action=Action.REPORT_REFORM,
    done="Đã cập nhật số liệu từ hệ thống.",
)
def refresh_figures(c: Ctx) -> None:
    refresh(c.a, c.now)
    log("figures_refreshed", c.actor, c.now, {"figures": c.a.figures}, assessment=c.a, round=c.a.round)


@command(
    name="submit",
    label="Gửi thẩm định",
    sources=(A.DRAFT,),
    rounds=(R.OPEN,),
    action=Action.REPORT_REFORM,
    done="Đã gửi kết quả tự chấm điểm để thẩm định.",
)
def submit(c: Ctx) -> None:
    missing = [
        s.criterion.code
        for s in c.a.scores.select_related("criterion")
        if s.criterion.method == Method.MANUAL and s.self_points is None
    ]
    if missing:
        raise ReformError(
            "Chưa tự chấm các tiêu chí: " + ", ".join(sorted(missing, key=scoring.code_key)) + ".", "incomplete"
        )
    unproven = [
        s.criterion.code
        for s in c.a.scores.select_related("criterion").filter(
            criterion__evidence_required=True, self_points__gt=0, evidence__isnull=True
        )
    ]
    if unproven:
        codes = ", ".join(sorted(unproven, key=scoring.code_key))
        raise ReformError(f"Chưa có tài liệu kiểm chứng cho các tiêu chí: {codes}.", "no_evidence")
    refresh(c.a, c.now)
    c.a.status, c.a.submitted_at = A.SUBMITTED, c.now
    log("submitted", c.actor, c.now, {"figures": c.a.figures}, assessment=c.a, round=c.a.round)


@command(
    name="return",
    label="Trả lại đơn vị tự chấm lại",
    sources=(A.SUBMITTED,),
    rounds=(R.OPEN, R.APPRAISAL),
    action=Action.APPRAISE,
    fields=("reason",),
    done="Đã trả lại đơn vị.",
)
def send_back(c: Ctx) -> None:
    reason = _text(c.data.get("reason"), "reason", "Ghi rõ lý do trả lại.")
    c.a.status = A.DRAFT
    log("returned", c.actor, c.now, {"reason": reason}, assessment=c.a, round=c.a.round)


@command(
    name="adjust",
    label="Điều chỉnh điểm thẩm định",
    sources=(A.SUBMITTED, A.APPRAISED),
    rounds=(R.OPEN, R.APPRAISAL),
    action=Action.APPRAISE,
    fields=("criterion", "points", "reason"),
    done="Đã điều chỉnh điểm.",
)
def adjust(c: Ctx) -> None:
    """The council's points for one criterion, with a mandatory reason (kept beside the self score)."""
    s = _score(c.a, c.data.get("criterion"))
    points = _points(c.data.get("points"), s.criterion.max_points, "points", required=True)
    reason = _text(c.data.get("reason"), "reason", "Ghi rõ lý do điều chỉnh điểm.")
    before = s.appraised_points
    s.appraised_points, s.appraisal_reason = points, reason
    s.save(update_fields=["appraised_points", "appraisal_reason"])
    c.a.status = A.APPRAISED
    payload = {
        "criterion": s.criterion.code,
        "from": str(before) if before is not None else None,
        "self": str(s.self_points) if s.self_points is not None else None,
        "points": str(points),
        "reason": reason,
    }
    log("adjusted", c.actor, c.now, payload, assessment=c.a, round=c.a.round)


@command(
    name="survey",
    label="Nhập kết quả điều tra xã hội học",
    sources=(A.DRAFT, A.SUBMITTED, A.APPRAISED),
    rounds=(R.OPEN, R.APPRAISAL),
    action=Action.MANAGE_REFORM,
    fields=("criterion", "value"),
    done="Đã nhập kết quả điều tra.",
)
def survey(c: Ctx) -> None:
    """The survey component: an index in % for a survey criterion, turned into points by its rule."""
    s = _score(c.a, c.data.get("criterion"))
    if s.criterion.method != Method.SURVEY:
        raise ReformError(
            "Tiêu chí này không chấm bằng điều tra.", "not_survey", {"criterion": "Chọn tiêu chí điều tra."}
        )
    value = _share_pct(c.data.get("value"), "value")
    if value is None:
        raise ReformError("Nhập chỉ số (%).", "invalid_input", {"value": "Nhập chỉ số (%)."})
    share = float(value) / 100
    points = scoring.rule_points(s.criterion.max_points, share, s.criterion.rule)
    s.computed = {"share": share, "points": str(points), "source": nfc(str(c.data.get("source") or "")).strip()}
    s.save(update_fields=["computed"])
    log(
        "survey_entered", c.actor, c.now, {"criterion": s.criterion.code, **s.computed}, assessment=c.a, round=c.a.round
    )


@command(
    name="finalise",
    label="Chốt kết quả",
    sources=(A.SUBMITTED, A.APPRAISED),
    rounds=(R.APPRAISAL,),
    action=Action.APPRAISE,
    done="Đã chốt kết quả chấm điểm.",
)
def finalise(c: Ctx) -> None:
    refresh(c.a, c.now)
    c.a.status, c.a.finalised_at = A.FINAL, c.now
    log("finalised", c.actor, c.now, {"figures": c.a.figures}, assessment=c.a, round=c.a.round)


def refusal(name: str, actor: Any, a: Assessment) -> str:
    """Why `actor` may not run `name` on `a` now ('' when allowed)."""
    cmd = TABLE[name]
    if a.status not in cmd.sources or a.round.status not in cmd.rounds:
        return "Không thể thực hiện ở trạng thái hiện tại."
    unit = a.unit if cmd.action == Action.REPORT_REFORM else None
    if not access.can(actor, cmd.action, unit):
        if cmd.name == "refresh" and access.can(actor, Action.APPRAISE):
            return ""
        return "Bạn không có quyền thực hiện thao tác này."
    return ""


def offered(actor: Any, a: Assessment) -> dict[str, Command]:
    return {name: c for name, c in TABLE.items() if not refusal(name, actor, a)}


def execute(
    name: str, actor: Any, a: Assessment, data: dict[str, Any] | None = None, now: datetime | None = None
) -> Assessment:
    """Run one command in one transaction: lock → states → permission → input → run → rescore → save."""
    if name not in TABLE:
        raise ReformError("Thao tác không tồn tại.", "unknown_command")
    now = now or timezone.now()
    with transaction.atomic():
        a = Assessment.objects.select_for_update().select_related("round__criteria_set", "unit").get(pk=a.pk)
        why = refusal(name, actor, a)
        if why.startswith("Bạn không có quyền"):
            raise PermissionDenied(why)
        if why:
            raise ReformError(why, "illegal_transition")
        TABLE[name].run(Ctx(a, actor, data if isinstance(data, dict) else {}, now))
        recompute(a)
        a.version += 1
        a.save()
    return a


# --- round-level commands (province) ---------------------------------------------------------------


ROUND_STEPS = {
    "start_appraisal": (R.OPEN, R.APPRAISAL, "Chuyển sang thẩm định"),
    "publish": (R.APPRAISAL, R.FINAL, "Công bố kết quả"),
}


def round_offered(actor: Any, rnd: Round) -> dict[str, str]:
    if not access.can(actor, Action.MANAGE_REFORM):
        return {}
    return {name: label for name, (src, _dst, label) in ROUND_STEPS.items() if rnd.status == src}


def advance_round(name: str, actor: Any, rnd: Round, now: datetime | None = None) -> Round:
    """open → appraisal; appraisal → final (every assessment finalised first)."""
    if name not in ROUND_STEPS:
        raise ReformError("Thao tác không tồn tại.", "unknown_command")
    if not access.can(actor, Action.MANAGE_REFORM):
        raise PermissionDenied("Bạn không có quyền thực hiện thao tác này.")
    now = now or timezone.now()
    src, dst, _label = ROUND_STEPS[name]
    with transaction.atomic():
        rnd = Round.objects.select_for_update().get(pk=rnd.pk)
        if rnd.status != src:
            raise ReformError("Không thể thực hiện ở trạng thái hiện tại.", "illegal_transition")
        if dst == R.FINAL:
            left = rnd.assessments.exclude(status=A.FINAL).select_related("unit")
            if left.exists():
                codes = ", ".join(a.unit.code for a in left[:10])
                raise ReformError(f"Còn đơn vị chưa chốt kết quả: {codes}.", "not_final")
            rnd.finalised_at = now
        rnd.status = dst
        rnd.save()
        log(name, actor, now, {"status": dst}, round=rnd)
    return rnd


# --- the survey component for a whole round (province) ---------------------------------------------


def import_survey(
    actor: Any, rnd: Round, rows: list[tuple[str, str, Any]], source: str, now: datetime | None = None
) -> int:
    """Enter (unit code, survey criterion code, index %) rows through the `survey` command, all or nothing.

    Raises ReformError listing every refused row ("dòng N: ..."); returns the number of rows entered.
    """
    if not access.can(actor, Action.MANAGE_REFORM):
        raise PermissionDenied("Bạn không có quyền nhập kết quả điều tra.")
    now = now or timezone.now()
    by_unit = {a.unit.code: a for a in rnd.assessments.select_related("unit")}
    errors: list[str] = []
    with transaction.atomic():
        for i, (unit_code, criterion, value) in enumerate(rows, start=1):
            a = by_unit.get(str(unit_code).strip())
            if a is None:
                errors.append(f"dòng {i}: đơn vị {unit_code} không thuộc đợt chấm điểm")
                continue
            try:
                by_unit[a.unit.code] = execute(
                    "survey", actor, a, {"criterion": criterion, "value": value, "source": source}, now=now
                )
            except ReformError as exc:
                errors.append(f"dòng {i} ({unit_code}): {exc.message}")
        if errors:
            transaction.set_rollback(True)
            raise ReformError("Không nhập được kết quả điều tra: " + "; ".join(errors[:10]), "invalid_input")
    return len(rows)


def sipas_rows(rnd: Round) -> list[tuple[str, str, Any]]:
    """Rows for `import_survey` from motcua's own SIPAS campaigns of the round's year
    (`analytics.kl91.sipas_satisfaction`), for each survey criterion and each unit with answers."""
    from motcua.analytics.kl91 import sipas_satisfaction
    from motcua.reform.metrics import year_bounds

    start, end = year_bounds(rnd.year)
    codes = set(rnd.assessments.values_list("unit__code", flat=True))
    found = sipas_satisfaction(start, end, codes)
    criteria = rnd.criteria_set.criteria.filter(method=Method.SURVEY).values_list("code", flat=True)
    return [(unit, c, f"{found[unit]['index'] * 100:.2f}") for unit in sorted(found) for c in criteria]
