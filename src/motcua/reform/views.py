"""Back-office screens for PAR scoring: rounds, a unit's self-assessment and its appraisal, the ranking.

Every button and form shown comes from the command table (`commands.offered`); every post goes
through `commands.execute`, so what the page offers is what the server accepts.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from motcua.organizations import access
from motcua.organizations.access import Action
from motcua.reform import commands, exports, ranking, scoring
from motcua.reform.commands import ReformError
from motcua.reform.models import Assessment, CriteriaSet, Evidence, Method, Round, UnitGroup

PROVINCE_READ = (Action.MANAGE_REFORM, Action.APPRAISE, Action.INSPECT)


def may_use(user: Any) -> bool:
    """Anyone holding a reform action (province-wide, or for a unit) sees the reform screens."""
    if any(access.can(user, a) for a in PROVINCE_READ):
        return True
    return access.units_where(user, Action.REPORT_REFORM).exists()


def may_view(user: Any, a: Assessment) -> bool:
    return any(access.can(user, x) for x in PROVINCE_READ) or access.can(user, Action.REPORT_REFORM, a.unit)


def _require_use(user: Any) -> None:
    if not may_use(user):
        raise PermissionDenied("Bạn không có quyền sử dụng chức năng chấm điểm CCHC.")


def _assessment(user: Any, pk: int) -> Assessment:
    a = get_object_or_404(Assessment.objects.select_related("round__criteria_set", "unit"), pk=pk)
    if not may_view(user, a):
        raise PermissionDenied("Bạn không có quyền xem kết quả chấm điểm của đơn vị này.")
    return a


@login_required
def rounds(request: HttpRequest) -> HttpResponse:
    _require_use(request.user)
    province = any(access.can(request.user, x) for x in PROVINCE_READ)
    mine = Assessment.objects.select_related("round__criteria_set", "unit").filter(
        unit__in=access.units_where(request.user, Action.REPORT_REFORM)
    )
    manage = access.can(request.user, Action.MANAGE_REFORM)
    unopened = CriteriaSet.objects.filter(rounds__isnull=True) if manage else CriteriaSet.objects.none()
    return render(
        request,
        "reform/rounds.html",
        {
            "rounds": Round.objects.select_related("criteria_set").all() if province else [],
            "mine": [] if province else mine.order_by("-round__year", "unit__code"),
            "unopened": unopened,
            "manage": manage,
            "nav": "reform",
            "title": "Chấm điểm Chỉ số CCHC",
        },
    )


@login_required
@require_POST
def import_set(request: HttpRequest) -> HttpResponse:
    from motcua.reform.importer import ImportFailed
    from motcua.reform.importer import import_set as run_import

    access.require(request.user, Action.MANAGE_REFORM)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Chọn tệp bộ chỉ số (YAML hoặc XLSX).")
        return redirect("reform:rounds")
    try:
        result = run_import(upload.name or "", upload.read(), actor=request.user)
    except ImportFailed as exc:
        # The importer speaks plain English (CLI); the screen lists the located problems as they are.
        messages.error(request, "Không nhập được bộ chỉ số: " + "; ".join(exc.errors[:5]))
        return redirect("reform:rounds")
    messages.success(request, f"Đã nhập bộ chỉ số {result.code} ({result.leaves} tiêu chí chấm điểm).")
    return redirect("reform:rounds")


@login_required
@require_POST
def open_round(request: HttpRequest, set_id: int) -> HttpResponse:
    cs = get_object_or_404(CriteriaSet, pk=set_id)
    try:
        rnd = commands.open_round(request.user, cs)
    except ReformError as exc:
        messages.error(request, exc.message)
        return redirect("reform:rounds")
    messages.success(request, f"Đã mở đợt chấm điểm năm {rnd.year} ({rnd.assessments.count()} đơn vị).")
    return redirect("reform:round", pk=rnd.pk)


@login_required
def round_page(request: HttpRequest, pk: int) -> HttpResponse:
    _require_use(request.user)
    rnd = get_object_or_404(Round.objects.select_related("criteria_set"), pk=pk)
    qs = rnd.assessments.select_related("unit")
    if not any(access.can(request.user, x) for x in PROVINCE_READ):
        qs = qs.filter(unit__in=access.units_where(request.user, Action.REPORT_REFORM))
    return render(
        request,
        "reform/round.html",
        {
            "rnd": rnd,
            "assessments": qs,
            "steps": commands.round_offered(request.user, rnd),
            "survey": access.can(request.user, Action.MANAGE_REFORM) and rnd.status != "final",
            "nav": "reform",
            "title": f"Đợt chấm điểm CCHC năm {rnd.year}",
        },
    )


@login_required
@require_POST
def survey_import(request: HttpRequest, pk: int) -> HttpResponse:
    """The survey component for the whole round: from motcua's SIPAS campaigns, or a file
    (XLSX or CSV with the columns unit, criterion, value in %), all or nothing."""
    rnd = get_object_or_404(Round.objects.select_related("criteria_set"), pk=pk)
    access.require(request.user, Action.MANAGE_REFORM)
    upload = request.FILES.get("file")
    try:
        if request.POST.get("from") == "sipas":
            rows, source = commands.sipas_rows(rnd), "SIPAS (motcua)"
            if not rows:
                raise ReformError("Chưa có kết quả khảo sát SIPAS nào cho các đơn vị trong năm.", "empty")
        elif upload is not None:
            rows, source = _survey_rows(upload.name or "", upload.read()), upload.name or "tệp"
        else:
            raise ReformError("Chọn tệp kết quả điều tra (XLSX hoặc CSV).", "invalid_input")
        n = commands.import_survey(request.user, rnd, rows, source)
    except ReformError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Đã nhập {n} kết quả điều tra.")
    return redirect("reform:round", pk=pk)


def _survey_rows(name: str, data: bytes) -> list[tuple[str, str, Any]]:
    import csv
    import io

    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
            raw = [list(r) for r in sheet.iter_rows(values_only=True)] if sheet is not None else []
        except Exception:
            raise ReformError("Không đọc được tệp XLSX.", "invalid_file") from None
    elif name.lower().endswith(".csv"):
        try:
            raw = [list(r) for r in csv.reader(io.StringIO(data.decode("utf-8-sig")))]
        except UnicodeDecodeError:
            raise ReformError("Tệp CSV phải mã hóa UTF-8.", "invalid_file") from None
    else:
        raise ReformError("Chỉ nhận tệp XLSX hoặc CSV.", "invalid_file")
    rows = [r for r in raw if r and any(c not in (None, "") for c in r)]
    if rows and str(rows[0][0] or "").strip().lower() in ("unit", "don_vi", "mã đơn vị"):
        rows = rows[1:]
    if not rows or any(len(r) < 3 for r in rows):
        raise ReformError("Mỗi dòng cần 3 cột: mã đơn vị, mã tiêu chí, chỉ số (%).", "invalid_file")
    return [(str(r[0] or ""), str(r[1] or ""), r[2]) for r in rows]


@login_required
@require_POST
def round_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    rnd = get_object_or_404(Round, pk=pk)
    try:
        commands.advance_round(name, request.user, rnd)
    except ReformError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã cập nhật trạng thái đợt chấm điểm.")
    return redirect("reform:round", pk=pk)


def criterion_rows(a: Assessment) -> list[dict[str, Any]]:
    """The tree in order: group rows with their subtotals, leaf rows with every score and figure."""
    scores = {s.criterion_id: s for s in a.scores.select_related("criterion").prefetch_related("evidence")}
    leaves = {s.criterion.code: s for s in scores.values()}
    rows: list[dict[str, Any]] = []
    for c in a.round.criteria_set.criteria.order_by("order"):
        row: dict[str, Any] = {"c": c, "depth": c.depth, "group": c.method == Method.GROUP}
        if row["group"]:
            under = [s for code, s in leaves.items() if code.startswith(c.code + ".")]
            row["final"] = sum((scoring.final_score(_leaf(s)) for s in under), Decimal(0))
        else:
            s = scores[c.pk]
            leaf = _leaf(s)
            row.update(
                s=s,
                self_score=scoring.self_score(leaf),
                final=scoring.final_score(leaf),
                share_pct=_pct(s.computed.get("share")),
                evidence=list(s.evidence.all()),
            )
        rows.append(row)
    return rows


def _leaf(s: Any) -> scoring.Leaf:
    system = s.computed.get("points")
    return scoring.Leaf(
        code=s.criterion.code,
        maximum=s.criterion.max_points,
        method=s.criterion.method,
        self_points=s.self_points,
        system_points=Decimal(system) if system is not None else None,
        appraised=s.appraised_points,
    )


def _plain(value: Decimal | None) -> str:
    return "" if value is None else f"{value:f}"


def _pct(share: Any) -> str:
    return "" if share is None else f"{float(share) * 100:.2f}".replace(".", ",") + "%"


@login_required
def assessment(request: HttpRequest, pk: int, errors: dict[str, str] | None = None) -> HttpResponse:
    a = _assessment(request.user, pk)
    offered = commands.offered(request.user, a)
    leaves = a.scores.select_related("criterion").order_by("criterion__order")
    rows = criterion_rows(a)
    posted = request.POST if errors else None
    for r in rows:  # what the inputs show: the refused post (nothing lost), else the stored scores
        if r["group"]:
            continue
        s, code = r["s"], r["c"].code
        r["in_points"] = posted.get(f"points-{code}", "") if posted else _plain(s.self_points)
        r["in_value"] = posted.get(f"value-{code}", "") if posted else _plain(s.self_value)
        r["in_comment"] = posted.get(f"comment-{code}", "") if posted else s.comment
        r["error"] = " ".join(v for k, v in (errors or {}).items() if k.endswith(f"-{code}"))
    events = list(a.events.select_related("actor").order_by("at", "id"))
    for e in events:
        e.label = commands.EVENT_LABELS.get(e.type, e.type)  # type: ignore[attr-defined]
    return render(
        request,
        "reform/assessment.html",
        {
            "a": a,
            "rows": rows,
            "late_pct": scoring.pct(a.figures.get("late_share")),
            "satisfaction_pct": scoring.pct(a.figures.get("satisfaction")),
            "offered": offered,
            "errors": errors or {},
            "adjustable": [s.criterion for s in leaves],
            "surveys": [s.criterion for s in leaves if s.criterion.method == Method.SURVEY],
            "events": events,
            "result": a.result,
            "history": ranking.unit_history(a.unit),
            "nav": "reform",
            "title": f"Chấm điểm CCHC {a.round.year} — {a.unit.name}",
        },
        status=400 if errors else 200,
    )


def _self_score_data(request: HttpRequest, a: Assessment) -> dict[str, Any]:
    scores: dict[str, Any] = {}
    for s in a.scores.select_related("criterion"):
        code = s.criterion.code
        if any(f"{k}-{code}" in request.POST for k in ("points", "value", "comment")):
            scores[code] = {
                "points": request.POST.get(f"points-{code}", ""),
                "value": request.POST.get(f"value-{code}", ""),
                "comment": request.POST.get(f"comment-{code}", ""),
            }
    return {"scores": scores}


@login_required
@require_POST
def run(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    a = _assessment(request.user, pk)
    if name not in commands.TABLE:
        raise Http404(name)
    if name == "self_score":
        data = _self_score_data(request, a)
    elif name == "upload_evidence":
        upload = request.FILES.get("file")
        data = {"criterion": request.POST.get("criterion", "")}
        if upload is not None:
            data.update(filename=upload.name or "tep", content=upload.read())
    else:
        data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
    try:
        commands.execute(name, request.user, a, data)  # no file chosen: refused as an empty file
    except ReformError as exc:
        messages.error(request, exc.message)
        return assessment(request, pk, errors=exc.fields or {"form": exc.message})
    messages.success(request, commands.TABLE[name].done)
    anchor = f"#c-{data['criterion']}" if name == "upload_evidence" else ""
    return redirect(reverse("reform:assessment", args=[pk]) + anchor)


@login_required
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    ev = get_object_or_404(
        Evidence.objects.select_related("score__assessment__unit", "score__assessment__round"), pk=pk
    )
    _assessment(request.user, ev.score.assessment_id)
    response = HttpResponse(bytes(ev.data), content_type=ev.content_type)
    response["Content-Disposition"] = f'attachment; filename="{ev.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    a = _assessment(request.user, pk)
    if fmt not in ("pdf", "xlsx"):
        raise Http404(fmt)
    rows = criterion_rows(a)
    history = ranking.unit_history(a.unit)
    if fmt == "pdf":
        data, ctype = exports.assessment_pdf(a, rows, history), "application/pdf"
    else:
        data = exports.assessment_xlsx(a, rows, history)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(data, content_type=ctype)
    response["Content-Disposition"] = f'attachment; filename="chi-so-cchc-{a.round.year}-{a.unit.code}.{fmt}"'
    return response


@login_required
def ranking_page(request: HttpRequest) -> HttpResponse:
    _require_use(request.user)
    group = request.GET.get("group", UnitGroup.COMMUNES)
    if group not in UnitGroup.values:
        group = UnitGroup.COMMUNES
    years = ranking.years(group)
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        year = years[0] if years else 0
    table = ranking.table(group, year)
    for row in table:
        row["viewable"] = may_view(request.user, row["a"])
    compare = ranking.comparison(group, years[:5])
    return render(
        request,
        "reform/ranking.html",
        {
            "group": group,
            "groups": UnitGroup.choices,
            "year": year,
            "years": years,
            "table": table,
            "compare": compare,
            "chart": mark_safe(ranking.chart(table, f"Chỉ số CCHC năm {year}")),
            "trend": mark_safe(ranking.trend_chart(compare)),
            "nav": "reform",
            "title": "Xếp hạng Chỉ số CCHC",
        },
    )
