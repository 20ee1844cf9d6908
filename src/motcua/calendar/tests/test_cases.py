"""Hand-checked deadline cases (contracts §2). Each expected value was worked out on paper from the
rules and the 2025–2027 public-sector calendar (regulation-addendum §F), not by running the code."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from motcua.calendar.engine import TZ, classify, explain_vi
from motcua.calendar.holidays_vn import vietnam_calendar

CAL = vietnam_calendar()


def vn(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


# (received, amount, unit, cutoff, expected official receipt, expected due, why)
CASES = [
    # working days
    (vn(2026, 2, 13, 16, 30), 5, "working_days", None, vn(2026, 2, 13, 16, 30), vn(2026, 2, 27, 17), "§2.5 Tết 2026"),
    (vn(2025, 1, 24, 10), 3, "working_days", None, vn(2025, 1, 24, 10), vn(2025, 2, 5, 17), "Tết 2025 27–31/01 off"),
    (vn(2025, 1, 29, 9), 1, "working_days", None, vn(2025, 2, 3, 7), vn(2025, 2, 4, 17), "received during Tết 2025"),
    (vn(2025, 4, 25, 14), 2, "working_days", None, vn(2025, 4, 25, 14), vn(2025, 4, 28, 17), "Sat 26/04/2025 works"),
    (vn(2025, 4, 26, 8), 1, "working_days", None, vn(2025, 4, 26, 8), vn(2025, 4, 28, 17), "receipt on swapped Sat"),
    (vn(2025, 4, 29, 10), 1, "working_days", None, vn(2025, 4, 29, 10), vn(2025, 5, 5, 17), "30/4–2/5/2025 off"),
    (
        vn(2025, 4, 29, 17, 30),
        1,
        "working_days",
        None,
        vn(2025, 5, 5, 7),
        vn(2025, 5, 6, 17),
        "after hours before 30/4",
    ),
    (
        vn(2025, 4, 26, 17, 5),
        1,
        "working_days",
        None,
        vn(2025, 4, 28, 7),
        vn(2025, 4, 29, 17),
        "after hours swapped Sat",
    ),
    (
        vn(2026, 4, 24, 9),
        1,
        "working_days",
        None,
        vn(2026, 4, 24, 9),
        vn(2026, 4, 28, 17),
        "Hùng Kings 2026 → Mon 27/04",
    ),
    (vn(2026, 4, 24, 9), 3, "working_days", None, vn(2026, 4, 24, 9), vn(2026, 5, 4, 17), "27/04, 30/04, 01/05/2026"),
    (vn(2025, 8, 29, 15), 1, "working_days", None, vn(2025, 8, 29, 15), vn(2025, 9, 3, 17), "2/9/2025 Mon+Tue"),
    (vn(2026, 8, 21, 10), 1, "working_days", None, vn(2026, 8, 21, 10), vn(2026, 8, 22, 17), "Sat 22/08/2026 works"),
    (vn(2026, 8, 28, 10), 1, "working_days", None, vn(2026, 8, 28, 10), vn(2026, 9, 3, 17), "29/08–02/09/2026 off"),
    (vn(2025, 12, 31, 16), 1, "working_days", None, vn(2025, 12, 31, 16), vn(2026, 1, 5, 17), "01–04/01/2026 off"),
    (vn(2026, 1, 9, 11), 1, "working_days", None, vn(2026, 1, 9, 11), vn(2026, 1, 10, 17), "Sat 10/01/2026 works"),
    (vn(2026, 11, 23, 8), 1, "working_days", None, vn(2026, 11, 23, 8), vn(2026, 11, 25, 17), "24/11/2026 culture day"),
    (vn(2027, 2, 3, 10), 1, "working_days", None, vn(2027, 2, 3, 10), vn(2027, 2, 11, 17), "Tết 2027 04–10/02"),
    (vn(2027, 9, 1, 10), 1, "working_days", None, vn(2027, 9, 1, 10), vn(2027, 9, 6, 17), "2/9/2027 02–05/09"),
    (vn(2026, 3, 3, 12), 1, "working_days", None, vn(2026, 3, 3, 13, 30), vn(2026, 3, 4, 17), "lunch → 13:30"),
    (vn(2026, 3, 2, 6), 2, "working_days", None, vn(2026, 3, 2, 7), vn(2026, 3, 4, 17), "before opening"),
    (vn(2026, 3, 2, 17), 1, "working_days", None, vn(2026, 3, 3, 7), vn(2026, 3, 4, 17), "17:00 is excluded"),
    (vn(2026, 3, 2, 11, 30), 1, "working_days", None, vn(2026, 3, 2, 13, 30), vn(2026, 3, 3, 17), "11:30 is excluded"),
    (vn(2026, 3, 7, 9), 1, "working_days", None, vn(2026, 3, 9, 7), vn(2026, 3, 10, 17), "ordinary Saturday"),
    (
        datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
        1,
        "working_days",
        None,
        vn(2026, 3, 2, 8),
        vn(2026, 3, 3, 17),
        "UTC input 01:00Z = 08:00",
    ),
    (
        datetime(2026, 3, 2, 10, 30, tzinfo=UTC),
        1,
        "working_days",
        None,
        vn(2026, 3, 3, 7),
        vn(2026, 3, 4, 17),
        "UTC input 10:30Z = 17:30",
    ),
    # working hours
    (vn(2026, 3, 2, 8), 8, "working_hours", None, vn(2026, 3, 2, 8), vn(2026, 3, 3, 8), "8 h across lunch+night"),
    (vn(2026, 3, 2, 10), 2, "working_hours", None, vn(2026, 3, 2, 10), vn(2026, 3, 2, 14), "across lunch"),
    (vn(2026, 3, 2, 10), 1.5, "working_hours", None, vn(2026, 3, 2, 10), vn(2026, 3, 2, 11, 30), "ends at 11:30"),
    (vn(2026, 3, 2, 12, 15), 3.5, "working_hours", None, vn(2026, 3, 2, 13, 30), vn(2026, 3, 2, 17), "lunch receipt"),
    (vn(2026, 2, 13, 16), 4, "working_hours", None, vn(2026, 2, 13, 16), vn(2026, 2, 23, 10), "across Tết 2026"),
    (vn(2025, 4, 25, 16), 2, "working_hours", None, vn(2025, 4, 25, 16), vn(2025, 4, 26, 8), "into swapped Sat"),
    (vn(2025, 12, 31, 16, 30), 1, "working_hours", None, vn(2025, 12, 31, 16, 30), vn(2026, 1, 5, 7, 30), "New Year"),
    (vn(2026, 3, 2, 7), 0.25, "working_hours", None, vn(2026, 3, 2, 7), vn(2026, 3, 2, 7, 15), "fraction of an hour"),
    (vn(2026, 3, 2, 17, 30), 16, "working_hours", None, vn(2026, 3, 3, 7), vn(2026, 3, 4, 17), "night receipt, 2 days"),
    # calendar days (Civil Code arts. 147–148)
    (vn(2026, 3, 2, 9), 5, "calendar_days", None, vn(2026, 3, 2, 9), vn(2026, 3, 9, 17), "ends Sat → Mon"),
    (vn(2026, 3, 2, 9), 3, "calendar_days", None, vn(2026, 3, 2, 9), vn(2026, 3, 5, 17), "ends on a working day"),
    (
        vn(2026, 4, 23, 10),
        3,
        "calendar_days",
        None,
        vn(2026, 4, 23, 10),
        vn(2026, 4, 28, 17),
        "ends on Hùng Kings 2026",
    ),
    (vn(2026, 2, 9, 10), 10, "calendar_days", None, vn(2026, 2, 9, 10), vn(2026, 2, 23, 17), "ends in Tết 2026"),
    (vn(2026, 1, 6, 9), 4, "calendar_days", None, vn(2026, 1, 6, 9), vn(2026, 1, 10, 17), "ends on swapped Sat"),
    (vn(2025, 8, 29, 18), 1, "calendar_days", None, vn(2025, 9, 3, 7), vn(2025, 9, 4, 17), "after hours before 2/9"),
    (vn(2026, 4, 29, 10), 1, "calendar_days", None, vn(2026, 4, 29, 10), vn(2026, 5, 4, 17), "ends on 30/04/2026"),
    # same day
    (vn(2026, 3, 2, 14, 59), 1, "same_day", None, vn(2026, 3, 2, 14, 59), vn(2026, 3, 2, 17), "before 15:00"),
    (vn(2026, 3, 2, 15), 1, "same_day", None, vn(2026, 3, 2, 15), vn(2026, 3, 3, 17), "at 15:00 → next day"),
    (
        vn(2026, 2, 13, 15, 30),
        1,
        "same_day",
        None,
        vn(2026, 2, 13, 15, 30),
        vn(2026, 2, 23, 17),
        "after 15:00 before Tết",
    ),
    (vn(2026, 3, 2, 15, 30), 0, "same_day", time(16), vn(2026, 3, 2, 15, 30), vn(2026, 3, 2, 17), "cut-off 16:00"),
    (vn(2026, 3, 2, 10), 1, "same_day", time(10), vn(2026, 3, 2, 10), vn(2026, 3, 3, 17), "cut-off 10:00"),
    (vn(2026, 3, 2, 12), 1, "same_day", time(13), vn(2026, 3, 2, 13, 30), vn(2026, 3, 3, 17), "official 13:30 ≥ 13:00"),
    (vn(2026, 3, 2, 18), 1, "same_day", None, vn(2026, 3, 3, 7), vn(2026, 3, 3, 17), "night → next morning"),
    (vn(2025, 4, 29, 16), 1, "same_day", None, vn(2025, 4, 29, 16), vn(2025, 5, 5, 17), "after 15:00 before 30/4"),
]


@pytest.mark.parametrize(("received", "amount", "unit", "cutoff", "official", "due", "why"), CASES)
def test_hand_checked(received, amount, unit, cutoff, official, due, why):
    dl = CAL.due(received, amount, unit, cutoff)
    assert (dl.official_receipt, dl.due) == (official, due), why
    assert dl.due.tzinfo == TZ and dl.official_receipt.tzinfo == TZ
    assert dl.due.utcoffset() == timedelta(hours=7)


def test_at_least_forty_cases():
    assert len(CASES) >= 40


# (received, working days, pauses, expected due after pauses)
PAUSES = [
    (vn(2026, 3, 2, 8), 5, [(vn(2026, 3, 3, 8), vn(2026, 3, 3, 10))], vn(2026, 3, 10, 9)),
    (vn(2026, 2, 9, 8), 5, [(vn(2026, 2, 13, 16), vn(2026, 2, 24, 8))], vn(2026, 2, 25, 9)),  # across Tết: 10 h
    (vn(2026, 3, 2, 8), 1, [(vn(2026, 3, 4, 8), vn(2026, 3, 5, 8))], vn(2026, 3, 3, 17)),  # starts after due
    (
        vn(2026, 3, 2, 8),
        1,
        [(vn(2026, 3, 4, 7), vn(2026, 3, 4, 7, 30)), (vn(2026, 3, 2, 16), vn(2026, 3, 2, 17))],
        vn(2026, 3, 4, 8, 30),
    ),  # chronological order: the first pause moves due to 04/03 08:00, so the second counts
    (vn(2025, 4, 24, 8), 2, [(vn(2025, 4, 25, 16), vn(2025, 4, 28, 8))], vn(2025, 4, 29, 9)),  # incl. Sat 26/04
    (vn(2026, 2, 9, 8), 5, [(vn(2026, 2, 17, 8), vn(2026, 2, 19, 8))], vn(2026, 2, 23, 17)),  # only holidays
]


@pytest.mark.parametrize(("received", "n", "pauses", "expected"), PAUSES)
def test_pauses(received, n, pauses, expected):
    due = CAL.due(received, n, "working_days").due
    assert CAL.apply_pauses(due, pauses) == expected


@pytest.mark.parametrize(
    ("finished", "expected"),
    [
        (vn(2026, 2, 27, 8), "on_time"),
        (vn(2026, 2, 27, 23, 59), "on_time"),
        (vn(2026, 2, 26, 23, 59), "early"),
        (vn(2026, 2, 28, 0, 0), "late"),
        (datetime(2026, 2, 26, 18, 0, tzinfo=UTC), "on_time"),  # 27/02 01:00 local
        (datetime(2026, 2, 27, 17, 30, tzinfo=UTC), "late"),  # 28/02 00:30 local
        (datetime(2026, 2, 26, 16, 59, tzinfo=UTC), "early"),  # 26/02 23:59 local
    ],
)
def test_classify(finished, expected):
    assert classify(vn(2026, 2, 27, 17), finished) == expected


def test_office_time_and_remaining():
    assert CAL.office_time(vn(2026, 2, 13, 16), vn(2026, 2, 23, 8)) == timedelta(hours=2)
    assert CAL.office_time(vn(2026, 3, 2, 0), vn(2026, 3, 3, 0)) == timedelta(hours=8)
    assert CAL.office_time(vn(2026, 3, 3, 0), vn(2026, 3, 2, 0)) == timedelta(0)
    assert CAL.remaining(vn(2026, 3, 2, 16), vn(2026, 3, 3, 8)) == timedelta(hours=2)
    assert CAL.remaining(vn(2026, 3, 3, 8), vn(2026, 3, 2, 16)) == -timedelta(hours=2)
    assert CAL.advance(vn(2026, 3, 2, 11, 30), timedelta(0)) == vn(2026, 3, 2, 11, 30)
    assert CAL.advance(vn(2026, 3, 2, 11, 0), timedelta(hours=1)) == vn(2026, 3, 2, 14)


def test_tiny_working_hours_never_move_before_the_receipt():
    dl = CAL.due(vn(2026, 3, 3, 7), 1e-12, "working_hours")
    assert dl.due == dl.official_receipt == vn(2026, 3, 3, 7)


def test_is_working_day():
    assert CAL.is_working_day(date(2025, 4, 26))  # swapped Saturday
    assert not CAL.is_working_day(date(2025, 5, 2))
    assert not CAL.is_working_day(date(2026, 1, 2))
    assert CAL.is_working_day(date(2026, 1, 10))
    assert not CAL.is_working_day(date(2026, 4, 27))
    assert not CAL.is_working_day(date(2026, 8, 31))
    assert CAL.is_working_day(date(2026, 8, 22))
    assert not CAL.is_working_day(date(2026, 11, 24))
    assert CAL.is_working_day(date(2025, 11, 24))  # the culture day starts in 2026


def test_explain_vi_names_the_tet_break():
    text = explain_vi(CAL, vn(2026, 2, 13, 16, 30), 5, "working_days")
    assert text.startswith("Nhận lúc 16:30 thứ Sáu 13/02/2026")
    assert "nghỉ Tết từ 14/02 đến 22/02" in text
    assert text.endswith("hạn trả 17:00 thứ Sáu 27/02/2026")


def test_explain_vi_official_receipt_and_pause():
    text = explain_vi(CAL, vn(2026, 3, 2, 12), 1, "working_days", pauses=[(vn(2026, 3, 3, 8), vn(2026, 3, 3, 10))])
    assert "tiếp nhận chính thức 13:30 thứ Hai 02/03/2026" in text
    assert "(2 giờ làm việc)" in text
    assert text.endswith("hạn trả 09:00 thứ Tư 04/03/2026")


@pytest.mark.parametrize(
    ("received", "amount", "unit", "fragments"),
    [
        (
            vn(2026, 4, 24, 9),
            3,
            "working_days",
            [
                "nghỉ lễ Giỗ Tổ Hùng Vương từ 25/04 đến 27/04",
                "nghỉ lễ Chiến thắng, Quốc tế Lao động từ 30/04 đến 03/05",
            ],
        ),
        (vn(2026, 8, 28, 9), 2, "working_days", ["nghỉ lễ Quốc khánh từ 29/08 đến 02/09", "hạn trả 17:00 thứ Sáu"]),
        (vn(2025, 12, 31, 16), 10, "working_hours", ["nghỉ Tết Dương lịch từ 01/01 đến 04/01", "10 giờ làm việc"]),
        (vn(2027, 2, 3, 16), 3, "calendar_days", ["nghỉ Tết từ 04/02 đến 10/02", "thời hạn 3 ngày;"]),
        (
            vn(2026, 11, 23, 18),
            1,
            "same_day",
            ["tiếp nhận chính thức 07:00 thứ Tư 25/11/2026", "nghỉ lễ Văn hóa Việt Nam ngày 24/11"],
        ),
    ],
)
def test_explain_vi_names_breaks(received, amount, unit, fragments):
    text = explain_vi(CAL, received, amount, unit)
    for fragment in fragments:
        assert fragment in text


def test_days_2026_lists_every_non_ordinary_day():
    got = {(e.date, e.kind) for e in CAL.days(2026)}
    expected = {
        (date(2026, 1, 1), "holiday"),
        (date(2026, 1, 2), "day_off"),
        (date(2026, 1, 10), "working_day"),
        *((date(2026, 2, d), "holiday") for d in range(16, 21)),
        (date(2026, 4, 26), "holiday"),
        (date(2026, 4, 27), "day_off"),
        (date(2026, 4, 30), "holiday"),
        (date(2026, 5, 1), "holiday"),
        (date(2026, 8, 22), "working_day"),
        (date(2026, 8, 31), "day_off"),
        (date(2026, 9, 1), "holiday"),
        (date(2026, 9, 2), "holiday"),
        (date(2026, 11, 24), "holiday"),
    }
    assert got == expected
    assert all(e.name for e in CAL.days(2026))


def test_days_2025_swap_and_2027_tet():
    d25 = {e.date: e.kind for e in CAL.days(2025)}
    assert d25[date(2025, 4, 26)] == "working_day" and d25[date(2025, 5, 2)] == "day_off"
    assert date(2025, 11, 24) not in d25
    d27 = {e.date for e in CAL.days(2027) if e.kind != "working_day"}
    assert {date(2027, 2, d) for d in range(4, 11)} <= d27
    assert {date(2027, 9, 2), date(2027, 9, 3)} <= d27


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: CAL.due(vn(2026, 3, 2, 8), 1, "weeks"), "unknown unit"),
        (lambda: CAL.due(vn(2026, 3, 2, 8), 0, "working_days"), "whole number"),
        (lambda: CAL.due(vn(2026, 3, 2, 8), -3, "calendar_days"), "whole number"),
        (lambda: CAL.due(vn(2026, 3, 2, 8), 1.5, "working_days"), "whole number"),
        (lambda: CAL.due(vn(2026, 3, 2, 8), 0, "working_hours"), "> 0"),
        (lambda: CAL.due(vn(2026, 3, 2, 8), -1, "working_hours"), "> 0"),
        (lambda: CAL.due(vn(2026, 3, 2, 8), -1, "same_day"), "negative"),
        (lambda: CAL.due(vn(2026, 3, 2, 8), float("inf"), "working_days"), "finite"),
        (lambda: CAL.due(vn(2026, 3, 2, 8), Decimal("NaN"), "working_hours"), "finite"),
        (lambda: CAL.due(vn(2026, 3, 2, 8), "5", "working_days"), "must be a number"),
        (lambda: vietnam_calendar().due(vn(2026, 3, 2, 8), 10**9, "working_days"), "between"),
        (lambda: vietnam_calendar().due(vn(2026, 3, 2, 8), 10**9, "working_hours"), "between"),
        (lambda: CAL.due(datetime(2026, 3, 2, 8), 1, "working_days"), "time zone"),
        (lambda: CAL.apply_pauses(vn(2026, 3, 5, 17), [(vn(2026, 3, 3), vn(2026, 3, 2))]), "before it starts"),
        (lambda: CAL.advance(vn(2026, 3, 2, 8), timedelta(hours=-1)), "negative"),
        (lambda: classify(datetime(2026, 3, 2), vn(2026, 3, 2)), "time zone"),
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_index_grows_on_demand_and_agrees_with_a_wide_index():
    from motcua.calendar.engine import WorkCalendar
    from motcua.calendar.holidays_vn import BUILTIN_OVERRIDES, statutory_days

    narrow = WorkCalendar("n", days=BUILTIN_OVERRIDES, base=statutory_days, years=(2026, 2026))
    wide = WorkCalendar("w", days=BUILTIN_OVERRIDES, base=statutory_days, years=(1990, 2070))
    for t, n, unit in [
        (vn(2065, 12, 30, 16), 20, "working_days"),
        (vn(1995, 1, 2, 8), 300, "working_hours"),
        (vn(2026, 12, 31, 16), 40, "working_days"),
        (vn(2026, 12, 31, 16), 90, "calendar_days"),
    ]:
        assert narrow.due(t, n, unit) == wide.due(t, n, unit)
    assert narrow.office_time(vn(1995, 1, 1), vn(2026, 1, 1)) == wide.office_time(vn(1995, 1, 1), vn(2026, 1, 1))
    with pytest.raises(ValueError, match="between"):
        narrow.due(vn(2300, 1, 2, 8), 1, "working_days")


def test_builtin_overrides_are_exactly_what_holidays_lacks():
    """holidays 0.109 already has the other 2025–2027 decisions; the built-ins fill only the gap."""
    from motcua.calendar.holidays_vn import BUILTIN_OVERRIDES, statutory_days

    base = {e.date: e.kind for y in (2025, 2026, 2027) for e in statutory_days(y)}
    for e in BUILTIN_OVERRIDES:
        assert base.get(e.date) != e.kind, e
        assert e.legal_basis
    # What the package already yields (if a new version drops one, this fails and an override is due).
    assert base[date(2025, 4, 26)] == "working_day" and base[date(2025, 5, 2)] == "day_off"
    assert base[date(2026, 8, 22)] == "working_day" and base[date(2026, 8, 31)] == "day_off"
    assert base[date(2026, 4, 27)] == "day_off" and base[date(2026, 11, 24)] == "holiday"
    assert all(base.get(date(2025, 1, d)) for d in range(27, 32))
    assert all(base.get(date(2027, 2, d)) for d in range(4, 11))


def test_batch_grows_the_index_and_accepts_any_datetime64_unit():
    import numpy as np

    from motcua.calendar.engine import WorkCalendar
    from motcua.calendar.holidays_vn import BUILTIN_OVERRIDES, statutory_days

    cal = WorkCalendar("n", days=BUILTIN_OVERRIDES, base=statutory_days, years=(2026, 2026))
    instants = [vn(2026, 12, 31, 16, 59), vn(2026, 12, 31, 17), vn(2045, 6, 1, 8), vn(1999, 12, 31, 23, 59)]
    received = np.array([t.astimezone(UTC).replace(tzinfo=None) for t in instants], dtype="datetime64[ns]")
    amounts = np.array([30, 30, 3, 1])
    got = cal.batch_due_working_days(received, amounts).tolist()
    assert got == [
        cal.due(t, int(n), "working_days").due.astimezone(UTC).replace(tzinfo=None)
        for t, n in zip(instants, amounts, strict=True)
    ]
    # 31/12/2026 16:59 is received that day; at 17:00 it is received on the next working day.
    assert got[0] != got[1]
    with pytest.raises(ValueError):
        cal.batch_due_working_days(received, np.array([1, 0, 1, 1]))


def test_engine_modules_do_not_import_django():
    import subprocess
    import sys

    code = (
        "import sys, motcua.calendar.engine, motcua.calendar.holidays_vn, motcua.calendar.reference; "
        "sys.exit(1 if any(m == 'django' or m.startswith('django.') for m in sys.modules) else 0)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
