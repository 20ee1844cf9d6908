"""The pure formulas against simple references (exhaustive small cases and hypothesis properties)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.analytics.rules import (
    ALL_STATUSES,
    ENDED_STATUSES,
    ROW_CELLS,
    DossierFacts,
    add_cells,
    cells_from_prefixes,
    classify_for_period,
    contributions,
    kl91_official_flagged,
    kl91_unit_flags,
    points,
    prefix_sums,
    resolution_class,
    shape_row,
)

D0 = date(2025, 1, 1)


@st.composite
def facts(draw: st.DrawFn) -> DossierFacts:
    status = draw(st.sampled_from(sorted(ALL_STATUSES | {"submitted"})))
    r = D0 + timedelta(days=draw(st.integers(0, 40)))
    e = r + timedelta(days=draw(st.integers(0, 15))) if status in ENDED_STATUSES else None
    u = None if draw(st.integers(0, 9)) == 0 else r + timedelta(days=draw(st.integers(-2, 12)))
    return DossierFacts(
        status=status,
        channel=draw(st.sampled_from(["direct", "online", "postal"])),
        r=r,
        e=e,
        u=u,
        fee_amount=draw(st.sampled_from([0, 0, 5000])),
        paid_online=draw(st.booleans()),
        negative=draw(st.booleans()),
    )


def report_reference(ds: list[DossierFacts], start: date, end: date) -> dict[str, int]:
    total = dict.fromkeys(ROW_CELLS, 0)
    for d in ds:
        add_cells(total, classify_for_period(d, start, end))
    return total


def report_from_counters(ds: list[DossierFacts], start: date, end: date) -> dict[str, int]:
    days: list[tuple[date, dict[str, int]]] = []
    for d in ds:
        for (day, m), n in contributions(d).items():
            days.append((day, {m: n}))
    before, upto = prefix_sums(days, start - timedelta(days=1), end)
    return cells_from_prefixes(before, upto)


@settings(max_examples=400, deadline=None)
@given(st.lists(facts(), max_size=30), st.integers(0, 50), st.integers(0, 20))
def test_counters_equal_reference_and_invariant(ds: list[DossierFacts], offset: int, length: int) -> None:
    start = D0 + timedelta(days=offset)
    end = start + timedelta(days=length)
    ref = report_reference(ds, start, end)
    assert report_from_counters(ds, start, end) == ref
    row = shape_row(ref)
    assert (
        row["received"]["total"] == row["resolved"]["total"] + row["withdrawn_or_stopped"] + row["in_progress"]["total"]
    )
    assert 0 <= row["on_time_rate"] <= 1 and 0 <= row["late_rate"] <= 1


def test_each_dossier_lands_in_exactly_one_outcome() -> None:
    """Exhaustive over small day offsets: a counted dossier is resolved, withdrawn/stopped or in progress."""
    start, end = D0 + timedelta(days=3), D0 + timedelta(days=5)
    for status, channel, r, de, du in itertools.product(
        sorted(ALL_STATUSES), ["online", "direct"], range(8), range(4), range(-1, 4)
    ):
        rd = D0 + timedelta(days=r)
        e = rd + timedelta(days=de) if status in ENDED_STATUSES else None
        u = None if du < 0 else rd + timedelta(days=du)
        cells = classify_for_period(DossierFacts(status, channel, rd, e, u), start, end)
        received = cells["online"] + cells["direct_postal"] + cells["carried_over"]
        outcomes = sum(cells[c] for c in ("early", "on_time", "late", "withdrawn_or_stopped", "within_time", "overdue"))
        assert received == outcomes <= 1
        if status == "refused":
            assert cells["refused"] == (start <= rd <= end) and received == 0


def test_resolution_class_boundaries() -> None:
    d = date(2025, 3, 10)
    assert resolution_class(d, d) == "on_time"
    assert resolution_class(d, d + timedelta(days=1)) == "early"
    assert resolution_class(d, d - timedelta(days=1)) == "late"
    assert resolution_class(d, None) == "on_time"


def test_points() -> None:
    assert points(6, 0, 0, 1.0) == (None, 0.0)
    assert points(6, 1, 3, 0.5) == (0.3333, 4.0)
    assert points(6, 2, 3, 0.5) == (0.6667, 6.0)  # capped at max
    assert points(20, 7, 12, 1.0) == (0.5833, 11.67)
    assert points(4, 1, 8, 0.8) == (0.125, 0.63)  # 0.625 rounds half up
    assert points(4, 0, 5, 0.8) == (0.0, 0.0)


@given(
    st.integers(0, 1000),
    st.integers(1, 1000),
    st.sampled_from([0.3, 0.5, 0.8, 0.9, 1.0]),
    st.sampled_from([2, 4, 6, 10, 20]),
)
def test_points_property(n: int, d: int, threshold: float, maximum: int) -> None:
    n = min(n, d)
    share, pts = points(maximum, n, d, threshold)
    assert share is not None
    assert 0 <= pts <= maximum
    assert abs(pts - maximum * min(1, (n / d) / threshold)) <= 0.005 + 1e-9


def test_kl91_thresholds() -> None:
    assert kl91_unit_flags(0.05, 0.9) == ["late"]  # 5% late is already too many
    assert kl91_unit_flags(0.0499, 0.8) == ["satisfaction"]  # satisfaction 80% or lower
    assert kl91_unit_flags(0.0499, 0.8001) == []
    assert kl91_unit_flags(0.2, None) == ["late"]
    assert kl91_official_flagged(1, 10) and not kl91_official_flagged(1, 11) and not kl91_official_flagged(0, 0)
