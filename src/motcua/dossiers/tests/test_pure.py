"""Property tests of the functional core (lifecycle, derive, chain, clock) against simple references."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.calendar.engine import WorkCalendar
from motcua.calendar.holidays_vn import BUILTIN_OVERRIDES, statutory_days
from motcua.dossiers import clock, lifecycle
from motcua.dossiers.audit import fast_canonical
from motcua.dossiers.chain import canonical_bytes
from motcua.dossiers.derive import State, apply

# ---- lifecycle: a reference written as explicit rules, independent of the table -------------------

WAITING = {"supplement", "awaiting_fee"}


def reference(status: str | None, resume: str | None, event: str) -> str | None:
    """The intended lifecycle in plain if/else form; None = forbidden."""
    active = status in ("received", "processing")
    open_ = status in ("received", "processing", "supplement", "awaiting_fee")
    rules = {
        "submitted": "submitted" if status is None else None,
        "received": "received" if status in (None, "submitted") else None,
        "refused": "refused" if status in (None, "submitted") else None,
        "supplement_requested": "supplement" if status in ("submitted", "received", "processing") else None,
        "supplement_supplied": resume if status == "supplement" else None,
        "closed": "closed" if status == "supplement" else None,
        "step_started": "processing" if active else None,
        "step_completed": status if status == "processing" else None,
        "fee_requested": "awaiting_fee" if active else None,
        "fee_confirmed": resume if status == "awaiting_fee" else None,
        "clock_paused": status if active else None,
        "clock_resumed": status if active else None,
        "stopped": "stopped" if open_ else None,
        "apology_recorded": status if status in ("received", "processing", "awaiting_fee") else None,
        "apology_approved": status if status in ("received", "processing", "awaiting_fee") else None,
        "finished": "finished" if active else None,
        "early_return_notice": status if status == "finished" else None,
        "returned": "returned" if status == "finished" else None,
        "withdrawn": "withdrawn" if status == "submitted" or open_ else None,
        "document_attached": status if status == "submitted" or open_ or status == "finished" else None,
        "result_recorded": status if active or status == "finished" else None,
        "linked_spawned": status if open_ else None,
        "document_routed": status if open_ or status == "finished" else None,
        "due_recomputed": status if open_ else None,
        # restructuring hands every dossier that is not final to the successor unit
        "unit_transferred": status if status == "submitted" or open_ or status == "finished" else None,
    }
    return rules[event]


@given(st.sampled_from([None, *lifecycle.STATUSES]), st.sampled_from(sorted(lifecycle.EVENT_TYPES)))
def test_table_matches_reference(status: str | None, event: str) -> None:
    resume = "processing"
    expected = reference(status, resume, event)
    try:
        got: str | None = lifecycle.next_status(status, event, resume)
    except lifecycle.IllegalTransition:
        got = None
    assert got == expected


def test_final_statuses_allow_nothing() -> None:
    for status in lifecycle.FINAL:
        assert lifecycle.available(status) == []


T0 = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
PAYLOADS = {
    "received": {
        "received_at": "2026-03-02T09:00:00+07:00",
        "official_receipt": "2026-03-02T09:00:00+07:00",
        "due_at": "2026-03-09T17:00:00+07:00",
        "deadline": {"amount": "5", "unit": "working_days", "cutoff": None},
        "regime": "nd118",
    },
    "supplement_supplied": {"due_at": "2026-03-13T17:00:00+07:00", "appointment_at": "2026-03-13T17:00:00+07:00"},
    "fee_confirmed": {"due_at": "2026-03-10T11:00:00+07:00"},
    "clock_resumed": {"due_at": "2026-03-10T11:00:00+07:00"},
    "due_recomputed": {"due_at": "2026-03-10T17:00:00+07:00"},
    "apology_approved": {"new_appointment_at": "2026-03-12T17:00:00+07:00", "reason": "x"},
    "step_started": {"step": {"order": 1, "name": "x"}, "seq": 0},
    "step_completed": {"started_seq": 0},
}


@settings(max_examples=300)
@given(st.lists(st.sampled_from(sorted(lifecycle.EVENT_TYPES)), max_size=25))
def test_derive_follows_the_reference_and_keeps_invariants(events: list[str]) -> None:
    state = State()
    status: str | None = None
    resume: str | None = None
    for n, event in enumerate(events):
        expected = reference(status, resume, event)
        at = T0 + timedelta(hours=n)
        payload = dict(PAYLOADS.get(event, {}))
        if event == "step_started":
            payload["seq"] = n
        if event == "step_completed":
            payload["started_seq"] = state.current_steps[0]["seq"] if state.current_steps else -1
        try:
            apply(state, event, at, payload)
        except lifecycle.IllegalTransition:
            assert expected is None
            continue
        assert expected is not None and state.status == expected
        if expected in WAITING and status not in WAITING:
            resume = status
        status = expected
        # Invariants of the cached state.
        assert (state.finished_at is not None) == (state.status in lifecycle.ENDED)
        assert (state.returned_at is not None) == (state.status == "returned")
        if state.status in lifecycle.ENDED:
            assert state.current_steps == [] and not state.clock_state.get("running")
        assert int(state.clock_state.get("extensions", 0)) <= events[: n + 1].count("apology_approved")


# ---- chain -------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


@settings(deadline=None)  # pure and fast; a loaded machine must not turn it into a time-out
@given(
    code=st.text(min_size=1, max_size=30),
    seq=st.integers(1, 10**6),
    type_=st.sampled_from(sorted(lifecycle.EVENT_TYPES)),
    actor=st.none() | st.integers(1, 10**9),
    at=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)),
    payload=st.dictionaries(st.text(max_size=10), json_values, max_size=6),
    label=st.text(max_size=20),
)
def test_fast_canonical_equals_canonical_bytes(
    code: str, seq: int, type_: str, actor: int | None, at: datetime, payload: dict[str, object], label: str
) -> None:
    expected = canonical_bytes(
        dossier_code=code, seq=seq, type=type_, actor_id=actor, at=at, payload=payload, actor_label=label
    )
    at_utc = at.astimezone(UTC).isoformat(timespec="microseconds")
    assert fast_canonical(code, seq, type_, actor, at_utc, payload, label) == expected


# ---- clock -------------------------------------------------------------------------------------

# The national calendar without database overrides (pure).
CAL = WorkCalendar("default", days=BUILTIN_OVERRIDES, base=statutory_days)
minutes = st.integers(0, 60 * 24 * 40)
BASE = datetime(2026, 3, 2, 0, 0, tzinfo=clock.TZ)


def slow_office_minutes(a: datetime, b: datetime) -> int:
    """Reference: count office minutes one by one (working day, 07:00–11:30 or 13:30–17:00)."""
    n = 0
    t = a.astimezone(clock.TZ)
    while t < b:
        hm = t.hour * 60 + t.minute
        if CAL.is_working_day(t.date()) and (7 * 60 <= hm < 11 * 60 + 30 or 13 * 60 + 30 <= hm < 17 * 60):
            n += 1
        t += timedelta(minutes=1)
    return n


@settings(max_examples=60, deadline=None)
@given(minutes, st.integers(0, 60 * 24 * 20), st.integers(0, 60 * 24 * 10))
def test_pause_moves_due_by_office_time_inside_it(due_m: int, p1_m: int, length: int) -> None:
    due = CAL.official_receipt(BASE + timedelta(minutes=due_m))
    p1 = BASE + timedelta(minutes=p1_m)
    p2 = p1 + timedelta(minutes=length)
    moved = clock.pause_due(CAL, due, p1, p2)
    if p1 >= due:
        assert moved == due
    else:
        assert moved >= due
        assert CAL.office_time(due, moved) == CAL.office_time(p1, p2)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 60 * 24 * 6), st.integers(0, 60 * 24 * 3))
def test_office_time_matches_minute_reference(start_m: int, length: int) -> None:
    a = BASE + timedelta(minutes=start_m)
    b = a + timedelta(minutes=length)
    assert CAL.office_time(a, b) == timedelta(minutes=slow_office_minutes(a, b))


def test_regime_by_receipt_date() -> None:
    assert clock.regime_for(datetime(2025, 6, 30, 16, 59, tzinfo=clock.TZ)).code == "nd61"
    assert clock.regime_for(datetime(2025, 7, 1, 7, 0, tzinfo=clock.TZ)).code == "nd118"
    # 30/06 23:30 local is already 01/07? No: local date decides; 30/06 17:30 UTC is 01/07 00:30 local.
    assert clock.regime_for(datetime(2025, 6, 30, 17, 30, tzinfo=UTC)).code == "nd118"


def test_replay_reproduces_recorded_due_times() -> None:
    deadline = clock.Deadline.from_payload({"amount": "5", "unit": "working_days", "cutoff": None})
    r = datetime(2025, 3, 3, 9, tzinfo=clock.TZ)
    events = [
        ("received", r, {"received_at": clock.iso(r)}),
        ("supplement_requested", datetime(2025, 3, 4, 10, tzinfo=clock.TZ), {}),
        ("supplement_supplied", datetime(2025, 3, 6, 10, tzinfo=clock.TZ), {}),
        ("fee_requested", datetime(2025, 3, 7, 9, tzinfo=clock.TZ), {}),
        ("fee_confirmed", datetime(2025, 3, 7, 11, tzinfo=clock.TZ), {}),
        (
            "apology_approved",
            datetime(2025, 3, 10, 9, tzinfo=clock.TZ),
            {"new_appointment_at": "2025-03-20T17:00:00+07:00"},
        ),
    ]
    c = clock.replay(CAL, deadline, events)
    assert c.regime == "nd61"
    assert c.due_at == datetime(2025, 3, 13, 9, tzinfo=clock.TZ)
    assert c.appointment_at == datetime(2025, 3, 20, 17, tzinfo=clock.TZ)
    r2 = datetime(2026, 3, 2, 9, tzinfo=clock.TZ)
    restart = clock.replay(
        CAL,
        deadline,
        [
            ("received", r2, {"received_at": clock.iso(r2)}),
            ("supplement_requested", datetime(2026, 3, 3, 10, tzinfo=clock.TZ), {}),
            ("supplement_supplied", datetime(2026, 3, 6, 14, tzinfo=clock.TZ), {}),
        ],
    )
    assert restart.regime == "nd118" and restart.due_at == datetime(2026, 3, 13, 17, tzinfo=clock.TZ)
