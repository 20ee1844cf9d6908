"""Pure formulas of analytics: Biểu 06a classification (contracts §5), 766 scoring (§6), Kết luận 91.

No Django here. Two ways to compute the §5 report are provided and must agree:

* `classify_for_period` follows §5 literally for one dossier and one period (the reference);
* `contributions` turns one dossier into per-day counters ("measures") that do not depend on any
  period; `row_from_prefixes` rebuilds every §5 column of any period [F, T] from the prefix sums of
  those counters at F−1 and at T. This is what the rollup tables store, so a report over years of
  history reads a few hundred thousand rollup rows instead of millions of dossiers.

Derivation (non-refused dossiers, e = end date only for terminal statuses, e ≥ r always):
  to_handle(F,T)   = #{r ≤ T} − #{terminal, e < F}
  carried_over     = #{r < F} − #{terminal, e < F}
  resolved/wos     = #{terminal of that kind, F ≤ e ≤ T}            (e ≥ F implies the dossier is to handle)
  in_progress(T)   = #{r ≤ T} − #{terminal, e ≤ T}
  overdue(T)       = #{r ≤ T, u < T} − #{terminal, e ≤ T, u < T}
                   = #{max(r, u+1) ≤ T} − #{terminal, max(e, u+1) ≤ T}
so each counter is a count of dossiers by one derived day, and every column is a difference of
prefix sums.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from motcua.calendar.engine import classify_dates
from motcua.config import time_zone

LOCAL_TZ: Final = time_zone()

RESOLVED_STATUSES: Final = frozenset({"finished", "returned"})
WOS_STATUSES: Final = frozenset({"withdrawn", "stopped", "closed"})
TERMINAL_STATUSES: Final = RESOLVED_STATUSES | WOS_STATUSES
REFUSED: Final = "refused"
# Submitted online but not yet received by the one-stop desk: counted nowhere until received.
NOT_RECEIVED: Final = frozenset({"submitted"})
# Statuses whose source line must carry `finished_at` (contracts §4).
ENDED_STATUSES: Final = TERMINAL_STATUSES | {REFUSED}
ALL_STATUSES: Final = frozenset(
    {
        "received",
        "processing",
        "supplement",
        "awaiting_fee",
        "stopped",
        "closed",
        "withdrawn",
        "refused",
        "finished",
        "returned",
    }
)
CHANNELS: Final = frozenset({"direct", "online", "postal"})
# Periods a report can cover: the working calendar's years (the prefix sums step a day and a month
# beyond the ends, which Python dates cannot do at year 1 or 9999).
EARLIEST: Final = date(1901, 1, 1)
LATEST: Final = date(2199, 12, 31)

# Counters stored per (unit, procedure, day). Names are the rollup columns.
MEASURES: Final = (
    "new_online",  # r = day, channel online
    "new_direct_postal",  # r = day, channel direct or postal
    "refused",  # refused, r = day
    "res_early",  # resolved status, e = day, e < u
    "res_on_time",  # resolved status, e = day, e = u (or no due date)
    "res_late",  # resolved status, e = day, e > u
    "wos",  # withdrawn / stopped / closed, e = day
    "od_start",  # u known, day = max(r, u + 1): from then on overdue while in progress
    "od_end",  # terminal, u known, day = max(e, u + 1)
    "synced",  # new (r = day) flags for the 766 index and the indicators
    "e_result",
    "digitized",
    "reused",
    "negative",
    "fee_bearing",  # fee_amount > 0
    "paid_online",  # fee_amount > 0 and paid online
)


def local_date(t: datetime | None) -> date | None:
    """The local (`MOTCUA_TIME_ZONE`) calendar date of an aware datetime."""
    if t is None:
        return None
    if t.tzinfo is None:
        raise ValueError("datetime must be timezone-aware")
    return t.astimezone(LOCAL_TZ).date()


@dataclass(frozen=True)
class DossierFacts:
    """What §5 and §6 need of one dossier, with local dates already taken."""

    status: str
    channel: str
    r: date
    e: date | None
    u: date | None
    fee_amount: int = 0
    paid_online: bool = False
    digitized: bool = False
    reused: bool = False
    e_result: bool = False
    synced: bool = False
    negative: bool = False

    @property
    def end(self) -> date | None:
        """The end date as counted: only terminal statuses have one (a stray finished_at is ignored)."""
        return self.e if self.status in TERMINAL_STATUSES else None


def resolution_class(e: date, u: date | None) -> str:
    """early / on_time / late by local dates (`calendar.engine.classify_dates`); no due date counts as on time."""
    return "on_time" if u is None else classify_dates(u, e)


# --- §5 reference: one dossier, one period --------------------------------------------------------


def classify_for_period(d: DossierFacts, start: date, end: date) -> dict[str, int]:
    """The §5 cells (0/1) this dossier adds to a row for [start, end], literally as in the contract."""
    cells = dict.fromkeys(ROW_CELLS, 0)
    if d.status in NOT_RECEIVED:
        return cells
    if d.status == REFUSED:
        if start <= d.r <= end:
            cells["refused"] = 1
        return cells
    e = d.end
    if start <= d.r <= end:
        cells["online" if d.channel == "online" else "direct_postal"] = 1
    elif d.r < start and (e is None or e >= start):
        cells["carried_over"] = 1
    else:
        return cells
    if d.status in RESOLVED_STATUSES and e is not None and e <= end:
        cells[resolution_class(e, d.u)] = 1
    elif d.status in WOS_STATUSES and e is not None and e <= end:
        cells["withdrawn_or_stopped"] = 1
    elif d.u is not None and d.u < end:
        cells["overdue"] = 1
    else:
        cells["within_time"] = 1
    return cells


ROW_CELLS: Final = (
    "online",
    "direct_postal",
    "carried_over",
    "early",
    "on_time",
    "late",
    "withdrawn_or_stopped",
    "within_time",
    "overdue",
    "refused",
)


def rate(numerator: int, denominator: int) -> float:
    """A share rounded to 4 decimals; 0 when the denominator is 0."""
    if denominator <= 0:
        return 0.0
    return round(numerator / denominator, 4)


def shape_row(cells: Mapping[str, int]) -> dict[str, Any]:
    """The §5 JSON fields of a row from its flat cells."""
    received = cells["online"] + cells["direct_postal"] + cells["carried_over"]
    resolved = cells["early"] + cells["on_time"] + cells["late"]
    in_progress = cells["within_time"] + cells["overdue"]
    good = cells["early"] + cells["on_time"] + cells["withdrawn_or_stopped"] + cells["within_time"]
    return {
        "received": {
            "total": received,
            "online": cells["online"],
            "direct_postal": cells["direct_postal"],
            "carried_over": cells["carried_over"],
        },
        "resolved": {"total": resolved, "early": cells["early"], "on_time": cells["on_time"], "late": cells["late"]},
        "withdrawn_or_stopped": cells["withdrawn_or_stopped"],
        "in_progress": {"total": in_progress, "within_time": cells["within_time"], "overdue": cells["overdue"]},
        "refused": cells["refused"],
        "on_time_rate": rate(good, received),
        "late_rate": rate(cells["late"] + cells["overdue"], received),
    }


def add_cells(into: dict[str, int], cells: Mapping[str, int]) -> None:
    for k, v in cells.items():
        into[k] = into.get(k, 0) + v


# --- rollup counters -----------------------------------------------------------------------------


def contributions(d: DossierFacts) -> dict[tuple[date, str], int]:
    """The per-day counters of one dossier (see the module docstring); independent of any period."""
    out: dict[tuple[date, str], int] = {}

    def bump(day: date, measure: str) -> None:
        out[(day, measure)] = out.get((day, measure), 0) + 1

    if d.status in NOT_RECEIVED:
        return out
    if d.status == REFUSED:
        bump(d.r, "refused")
        return out
    bump(d.r, "new_online" if d.channel == "online" else "new_direct_postal")
    for flag, measure in (
        (d.synced, "synced"),
        (d.e_result, "e_result"),
        (d.digitized, "digitized"),
        (d.reused, "reused"),
        (d.negative, "negative"),
        (d.fee_amount > 0, "fee_bearing"),
        (d.fee_amount > 0 and d.paid_online, "paid_online"),
    ):
        if flag:
            bump(d.r, measure)
    e = d.end
    if e is not None:
        if d.status in RESOLVED_STATUSES:
            bump(e, "res_" + resolution_class(e, d.u))
        else:
            bump(e, "wos")
    if d.u is not None:
        bump(max(d.r, d.u + timedelta(days=1)), "od_start")
        if e is not None:
            bump(max(e, d.u + timedelta(days=1)), "od_end")
    return out


def zero_measures() -> dict[str, int]:
    return dict.fromkeys(MEASURES, 0)


def cells_from_prefixes(before: Mapping[str, int], upto: Mapping[str, int]) -> dict[str, int]:
    """§5 cells of [F, T] from prefix sums of the counters at F−1 (`before`) and at T (`upto`)."""

    def period(m: str) -> int:
        return upto[m] - before[m]

    terminal_before = before["res_early"] + before["res_on_time"] + before["res_late"] + before["wos"]
    carried = before["new_online"] + before["new_direct_postal"] - terminal_before
    received_upto = upto["new_online"] + upto["new_direct_postal"]
    terminal_upto = upto["res_early"] + upto["res_on_time"] + upto["res_late"] + upto["wos"]
    in_progress = received_upto - terminal_upto
    overdue = upto["od_start"] - upto["od_end"]
    return {
        "online": period("new_online"),
        "direct_postal": period("new_direct_postal"),
        "carried_over": carried,
        "early": period("res_early"),
        "on_time": period("res_on_time"),
        "late": period("res_late"),
        "withdrawn_or_stopped": period("wos"),
        "within_time": in_progress - overdue,
        "overdue": overdue,
        "refused": period("refused"),
    }


def prefix_sums(
    days: Iterable[tuple[date, Mapping[str, int]]], before: date, upto: date
) -> tuple[dict[str, int], dict[str, int]]:
    """Prefix sums of per-day counters at `before` and `upto` (inclusive)."""
    a, b = zero_measures(), zero_measures()
    for day, counters in days:
        for m, v in counters.items():
            if day <= before:
                a[m] += v
            if day <= upto:
                b[m] += v
    return a, b


# --- §6 scoring ----------------------------------------------------------------------------------


def points(maximum: float, numerator: int, denominator: int, threshold: float) -> tuple[float | None, float]:
    """(share, points) with `points = max × min(1, share / threshold)`, 2 decimals; share None when denominator is 0."""
    if denominator <= 0:
        return None, 0.0
    share = numerator / denominator
    return round(share, 4), points_for_share(maximum, share, threshold)


def points_for_share(maximum: float, share: float, threshold: float) -> float:
    """`max × min(1, share / threshold)` rounded half-up to 2 decimals (threshold 0 = full points)."""
    ratio = 1.0 if threshold <= 0 else min(1.0, share / threshold)
    value = Decimal(repr(float(maximum))) * Decimal(repr(max(0.0, ratio)))
    return float(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def satisfaction_share(late_share: float, negative_share: float) -> float:
    """766 criterion 5.3: 100% − (late share + complaint share), floored at 0."""
    return max(0.0, 1.0 - late_share - negative_share)


# --- Kết luận 91-KL/TU ---------------------------------------------------------------------------

KL91_UNIT_LATE: Final = 0.05
KL91_UNIT_SATISFACTION: Final = 0.80
KL91_OFFICIAL_LATE: Final = 0.10


def kl91_unit_flags(
    late_share: float,
    satisfaction: float | None,
    late_threshold: float = KL91_UNIT_LATE,
    satisfaction_threshold: float = KL91_UNIT_SATISFACTION,
) -> list[str]:
    """Why a unit cannot be ranked "Tốt": late share ≥ 5% or satisfaction ≤ 80% (None = unknown, not flagged)."""
    reasons: list[str] = []
    if late_share >= late_threshold:
        reasons.append("late")
    if satisfaction is not None and satisfaction <= satisfaction_threshold:
        reasons.append("satisfaction")
    return reasons


def kl91_official_flagged(late: int, handled: int, threshold: float = KL91_OFFICIAL_LATE) -> bool:
    """An official with ≥ 10% late dossiers among those handled is flagged (none handled → not flagged)."""
    return handled > 0 and late / handled >= threshold
