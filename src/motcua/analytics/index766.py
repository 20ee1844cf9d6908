"""The 766 service index (contracts §6) with a configurable scoring table and drill-downs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from motcua.analytics.report import FLAGS, Scope, cells_by_group_base, flag_counts, prefixes_by_group
from motcua.analytics.rules import (
    ROW_CELLS,
    add_cells,
    cells_from_prefixes,
    points,
    points_for_share,
    rate,
    satisfaction_share,
    shape_row,
)

GROUPS = [
    ("1", "Công khai, minh bạch"),
    ("2", "Tiến độ, kết quả giải quyết"),
    ("3a", "Cung cấp dịch vụ trực tuyến"),
    ("3b", "Thanh toán trực tuyến"),
    ("4", "Số hóa hồ sơ"),
    ("5", "Mức độ hài lòng"),
]
# id: (group, name, max, threshold)
DEFAULT_SCORING: dict[str, dict[str, Any]] = {
    "1.1": {"group": "1", "name": "Thủ tục hành chính công bố đúng hạn", "max": 6, "threshold": 1.0},
    "1.2": {"group": "1", "name": "Thủ tục hành chính công khai đúng hạn", "max": 4, "threshold": 1.0},
    "1.3": {"group": "1", "name": "Thủ tục hành chính công khai đầy đủ thông tin", "max": 4, "threshold": 1.0},
    "1.4": {"group": "1", "name": "Hồ sơ đồng bộ lên Cổng DVC quốc gia", "max": 4, "threshold": 1.0},
    "2.1": {"group": "2", "name": "Hồ sơ xử lý trước hạn, đúng hạn", "max": 20, "threshold": 1.0},
    "3.1": {"group": "3a", "name": "Thủ tục cung cấp dịch vụ trực tuyến", "max": 4, "threshold": 0.8},
    "3.2": {"group": "3a", "name": "Dịch vụ trực tuyến phát sinh hồ sơ", "max": 2, "threshold": 1.0},
    "3.3": {"group": "3a", "name": "Hồ sơ trực tuyến", "max": 6, "threshold": 0.5},
    "3.5": {"group": "3b", "name": "Thủ tục có phí cho phép thanh toán trực tuyến", "max": 4, "threshold": 0.8},
    "3.6": {"group": "3b", "name": "Hồ sơ thanh toán trực tuyến", "max": 6, "threshold": 0.3},
    "4.1": {"group": "4", "name": "Hồ sơ có kết quả điện tử", "max": 6, "threshold": 0.8},
    "4.2": {"group": "4", "name": "Hồ sơ được số hóa thành phần", "max": 10, "threshold": 0.8},
    "4.3": {"group": "4", "name": "Hồ sơ tái sử dụng dữ liệu số hóa", "max": 6, "threshold": 0.8},
    "5.1": {"group": "5", "name": "Phản ánh, kiến nghị xử lý đúng hạn", "max": 6, "threshold": 1.0},
    "5.2": {"group": "5", "name": "Hài lòng về xử lý phản ánh, kiến nghị", "max": 6, "threshold": 1.0},
    "5.3": {"group": "5", "name": "Hài lòng trong tiếp nhận, giải quyết hồ sơ", "max": 6, "threshold": 0.9},
}
NOTES = {
    "1.1": "procedure versions with a decision date in the period and an effective date",
    "1.2": "no publicity dates in the catalogue: zero denominator",
    "5.1": "feedback (PAKN, contracts §9.3): on time / reached a final step; none in the period",
    "5.2": "feedback (PAKN, contracts §9.3): ratings 4–5 / rated; none rated in the period",
}


class ScoringError(ValueError):
    pass


def load_scoring(path: str | None = None) -> dict[str, dict[str, Any]]:
    """The default table, overridden by the active ScoringTable row, then by a JSON/YAML file."""
    table = {k: dict(v) for k, v in DEFAULT_SCORING.items()}
    overrides: list[dict[str, Any]] = []
    from motcua.analytics.models import ScoringTable

    row = ScoringTable.objects.filter(active=True).order_by("-id").first()
    if row is not None:
        overrides.append(row.criteria)
    if path:
        text = Path(path).read_text(encoding="utf-8")
        try:
            if path.endswith((".yaml", ".yml")):
                import yaml

                data = yaml.safe_load(text)
            else:
                data = json.loads(text)
        except Exception as exc:
            raise ScoringError(f"cannot read scoring file {path}: {exc}") from None
        overrides.append(data.get("criteria", data) if isinstance(data, dict) else {})
    for o in overrides:
        if not isinstance(o, dict):
            raise ScoringError("scoring overrides must be a mapping of criterion id to {max, threshold}")
        for cid, spec in o.items():
            if cid not in table or not isinstance(spec, dict):
                raise ScoringError(f"unknown criterion {cid!r} in scoring overrides")
            for k in ("max", "threshold"):
                if k in spec:
                    v = spec[k]
                    if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
                        raise ScoringError(f"criterion {cid}: {k} must be a non-negative number")
                    table[cid][k] = float(v)
    return table


def _publication_on_time(decision: date, effective: date, working_days: int = 5) -> bool:
    """Decree 63/2010 Art. 15 as operated for provinces: decision ≤ effective date − 5 working days."""
    from datetime import timedelta

    from motcua.calendar.holidays_vn import vietnam_calendar

    cal = vietnam_calendar()
    day, left = effective, working_days
    while left > 0:
        day -= timedelta(days=1)
        if cal.is_working_day(day):
            left -= 1
    return decision <= day


def _catalogue(procedure_ids: set[int] | None, start: date, end: date) -> dict[str, tuple[int, int]]:
    """(numerator, denominator) of the catalogue criteria.

    1.1: procedures with a version whose decision date falls in the period and that has an effective
    date; late if any such version's decision came later than 5 working days before the effective date.
    1.2: no publicity date exists in the catalogue: zero denominator.
    1.3: complete = a name, at least one required component, a stated time limit and at least one result.
    3.1: online level full or partial. 3.5: fee-bearing (fee > 0 or a fee rule) and open to online payment:
    offered online with an online gateway available (`payments.fees.online_payment_open`), or actually
    paid online (a settled VNPAY/DVCQG payment) during the period.
    """
    from django.db.models import Count

    from motcua.catalog.models import Procedure, ProcedureVersion

    qs = Procedure.objects.filter(active=True)
    if procedure_ids is not None:
        qs = qs.filter(id__in=procedure_ids)
    procs = list(
        qs.annotate(n_components=Count("components", distinct=True), n_results=Count("results", distinct=True)).values(
            "id", "name", "online", "fee", "fee_rule", "deadline_unit", "n_components", "n_results", "extra"
        )
    )
    complete = sum(1 for p in procs if p["name"] and p["n_components"] and p["deadline_unit"] and p["n_results"])
    online = sum(1 for p in procs if p["online"] in ("full", "partial"))
    fee_bearing = [p for p in procs if p["fee"] > 0 or p["fee_rule"]]
    payable = len(_open_to_online_payment([dict(p) for p in fee_bearing], start, end))
    versions = ProcedureVersion.objects.filter(
        procedure_id__in=[p["id"] for p in procs],
        decision_date__range=(start, end),
        effective_date__isnull=False,
    ).values_list("procedure_id", "decision_date", "effective_date")
    published: dict[int, bool] = {}
    for pid, decision, effective in versions:
        if decision is None or effective is None:
            continue
        published[pid] = published.get(pid, True) and _publication_on_time(decision, effective)
    return {
        "1.1": (sum(published.values()), len(published)),
        "1.2": (0, 0),
        "1.3": (complete, len(procs)),
        "3.1": (online, len(procs)),
        "3.5": (payable, len(fee_bearing)),
    }


def _open_to_online_payment(procs: list[dict[str, Any]], start: date, end: date) -> set[int]:
    """Ids of these procedures that accept online payment (criterion 3.5), from the catalogue and real payments."""
    from datetime import datetime, time, timedelta

    from motcua import config
    from motcua.payments.fees import online_payment_open
    from motcua.payments.models import ONLINE_CHANNELS, SETTLED, Payment

    class _P:  # the attribute view `online_payment_open` reads
        def __init__(self, row: dict[str, Any]) -> None:
            self.online, self.extra = row["online"], row["extra"]

    ids = {p["id"] for p in procs if online_payment_open(_P(p))}
    tz = config.time_zone()
    paid = Payment.objects.filter(
        channel__in=ONLINE_CHANNELS,
        status__in=SETTLED,
        paid_at__gte=datetime.combine(start, time.min, tzinfo=tz),
        paid_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
        dossier__procedure_id__in=[p["id"] for p in procs],
    ).values_list("dossier__procedure_id", flat=True)
    return ids | set(paid)


def _online_services(procedure_ids: set[int] | None) -> set[str]:
    from motcua.catalog.models import Procedure

    qs = Procedure.objects.filter(active=True, online__in=["full", "partial"])
    if procedure_ids is not None:
        qs = qs.filter(id__in=procedure_ids)
    return set(qs.values_list("code", flat=True))


def rollup_cells_and_flags(
    start: date, end: date, scope: Scope
) -> tuple[dict[tuple[str, str], dict[str, int]], dict[str, int]]:
    """§5 cells per procedure and the new-dossier flag counts from one rollup query."""
    cells: dict[tuple[str, str], dict[str, int]] = {}
    flags = dict.fromkeys(("new", "online", *FLAGS), 0)
    for k, (a, b) in prefixes_by_group(start, end, "procedure", scope).items():
        c = cells_from_prefixes(a, b)
        if any(c.values()):
            cells[k] = c
        flags["new"] += b["new_online"] + b["new_direct_postal"] - a["new_online"] - a["new_direct_postal"]
        flags["online"] += b["new_online"] - a["new_online"]
        for f in FLAGS:
            flags[f] += b[f] - a[f]
    return cells, flags


def feedback_unit_ids(scope: Scope) -> set[int] | None:
    """The units whose feedback counts (contracts §9.3: by the feedback's unit); the level filter applies."""
    if not scope.level:
        return scope.unit_ids
    from motcua.organizations.models import Unit

    qs = Unit.objects.filter(level=scope.level)
    if scope.unit_ids is not None:
        qs = qs.filter(id__in=scope.unit_ids)
    return set(qs.values_list("id", flat=True))


def feedback_group5(start: date, end: date, scope: Scope) -> dict[str, tuple[int, int]]:
    """5.1 and 5.2 from the feedback (PAKN) data (`feedback.metrics.group5`)."""
    from motcua.feedback.metrics import group5

    return group5(start, end, feedback_unit_ids(scope))


def index_766(
    start: date,
    end: date,
    scope: Scope | None = None,
    unit_code: str | None = None,
    source: str = "rollup",
    scoring: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    scope = scope or Scope()
    table = scoring or load_scoring()
    if source == "rollup":
        by_proc, flags = rollup_cells_and_flags(start, end, scope)
    else:
        by_proc, flags = cells_by_group_base(start, end, "procedure", scope), flag_counts(start, end, scope, "base")
    total: dict[str, int] = {}
    online_by_proc: dict[str, int] = {}
    for (code, _name), cells in by_proc.items():
        add_cells(total, cells)
        online_by_proc[code] = cells["online"]
    row = shape_row(total or dict.fromkeys(ROW_CELLS, 0))
    new = flags["new"]
    services = _online_services(scope.procedure_ids)
    with_online = sum(1 for c in services if online_by_proc.get(c, 0) > 0)
    received = row["received"]["total"]
    good = (
        row["resolved"]["early"]
        + row["resolved"]["on_time"]
        + row["withdrawn_or_stopped"]
        + row["in_progress"]["within_time"]
    )
    late = row["resolved"]["late"] + row["in_progress"]["overdue"]
    fractions: dict[str, tuple[int, int]] = {
        **_catalogue(scope.procedure_ids, start, end),
        "1.4": (flags["synced"], new),
        "2.1": (good, received),
        "3.2": (with_online, len(services)),
        "3.3": (flags["online"], new),
        "3.6": (flags["paid_online"], flags["fee_bearing"]),
        "4.1": (flags["e_result"], new),
        "4.2": (flags["digitized"], new),
        "4.3": (flags["reused"], new),
        **feedback_group5(start, end, scope),
    }
    groups = []
    grand = 0.0
    for gid, gname in GROUPS:
        criteria = []
        for cid, spec in table.items():
            if spec["group"] != gid:
                continue
            if cid == "5.3":
                if received == 0 or new == 0:
                    share, pts = None, 0.0
                    num, den = 0, 0
                else:
                    sat = satisfaction_share(rate(late, received), rate(flags["negative"], new))
                    share = round(sat, 4)
                    threshold = float(spec["threshold"])
                    pts = points_for_share(float(spec["max"]), sat, threshold)
                    num, den = late + flags["negative"], received
                item = {"id": cid, "name": spec["name"], "numerator": num, "denominator": den, "share": share}
                item["late_share"] = rate(late, received)
                item["complaint_share"] = rate(flags["negative"], new)
            else:
                num, den = fractions[cid]
                share, pts = points(float(spec["max"]), num, den, float(spec["threshold"]))
                item = {"id": cid, "name": spec["name"], "numerator": num, "denominator": den, "share": share}
            item["max"] = float(spec["max"])
            item["points"] = pts
            if cid in NOTES and not (cid in ("1.1", "5.1", "5.2") and item["denominator"]):
                item["note"] = NOTES[cid]
            criteria.append(item)
        gpoints = round(sum(c["points"] for c in criteria), 2)
        gmax = round(sum(c["max"] for c in criteria), 2)
        grand += gpoints
        groups.append({"id": gid, "name": gname, "max": gmax, "points": gpoints, "criteria": criteria})
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "unit": unit_code,
        "total": round(grand, 2),
        "groups": groups,
    }
