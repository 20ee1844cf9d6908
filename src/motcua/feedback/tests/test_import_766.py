"""`motcua feedback import` (contracts §9.2) and the 766 criteria 5.1 / 5.2 (§9.3) on a small set.

The set (March 2026 has no holiday; working days Mon–Fri):
- A-1 H32.27 received Mon 02/03, answered Fri 13/03 (due 23/03), published Mon 16/03 (due 17/03), rated 4: on time.
- A-2 H32.27 received Tue 03/03, rejected Fri 06/03 (due 05/03): late.
- A-3 H32.27 received Wed 04/03, answered Tue 17/03 (due 25/03), published Fri 20/03 (due 19/03), rated 2: late.
- A-4 H32.27 received Thu 05/03, still received: not final.
- A-5 H32.27 received 27/02 (outside March): not counted.
- B-1 H32.28 received Mon 02/03, forwarded Fri 06/03 (due 09/03), answered Thu 26/03: due 15 wd from the
  forwarding = 27/03 (from the receipt it would be 23/03), rated 5: on time.
- B-2 H32.28 received Mon 09/03, forwarded Tue 17/03 (due 16/03, late) and still forwarded: not final.
Province, March: 5.1 = on time {A-1, B-1} / final {A-1, A-2, A-3, B-1} = 2/4 → 6 × 0.5 = 3.0 points;
5.2 = ratings 4–5 {A-1, B-1} / rated {A-1, A-3, B-1} = 2/3 → 4.0 points.
Unit H32.27: 5.1 = 1/3 → 2.0 points; 5.2 = 1/2 → 3.0 points.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from motcua.feedback.importer import import_lines
from motcua.feedback.models import Feedback

pytestmark = pytest.mark.django_db


def line(code: str, unit: str, received: str, status: str, **times: Any) -> str:
    doc = {
        "code": code,
        "unit": unit,
        "received_at": f"{received}T09:00:00+07:00",
        "status": status,
        "forwarded_at": None,
        "rejected_at": None,
        "answered_at": None,
        "published_at": None,
        "rating": None,
    }
    for k, v in times.items():
        doc[k] = f"{v}T10:00:00+07:00" if k.endswith("_at") and v else v
    return json.dumps(doc)


SET = [
    line(
        "PAKN-H32.27-2603-0001",
        "H32.27",
        "2026-03-02",
        "published",
        answered_at="2026-03-13",
        published_at="2026-03-16",
        rating=4,
    ),
    line("PAKN-H32.27-2603-0002", "H32.27", "2026-03-03", "rejected", rejected_at="2026-03-06"),
    line(
        "PAKN-H32.27-2603-0003",
        "H32.27",
        "2026-03-04",
        "published",
        answered_at="2026-03-17",
        published_at="2026-03-20",
        rating=2,
    ),
    line("PAKN-H32.27-2603-0004", "H32.27", "2026-03-05", "received"),
    line(
        "PAKN-H32.27-2602-0001",
        "H32.27",
        "2026-02-27",
        "published",
        answered_at="2026-03-02",
        published_at="2026-03-03",
        rating=1,
    ),
    line(
        "PAKN-H32.28-2603-0001",
        "H32.28",
        "2026-03-02",
        "answered",
        forwarded_at="2026-03-06",
        answered_at="2026-03-26",
        rating=5,
    ),
    line("PAKN-H32.28-2603-0002", "H32.28", "2026-03-09", "forwarded", forwarded_at="2026-03-17"),
]


def criteria(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for g in doc["groups"] for c in g["criteria"]}


def test_import_and_766_group5_for_province_and_unit(world: dict[str, Any]) -> None:
    result = import_lines(SET)
    assert result.errors == [] and result.imported == 7
    b1 = Feedback.objects.get(code="PAKN-H32.28-2603-0001")
    assert [(s["kind"], s["due"][:10], s["met"]) for s in b1.steps] == [
        ("forward", "2026-03-09", True),
        ("answer", "2026-03-27", True),
    ]
    from motcua.analytics.index766 import index_766
    from motcua.analytics.report import Scope

    province = criteria(index_766(date(2026, 3, 1), date(2026, 3, 31), Scope()))
    assert (province["5.1"]["numerator"], province["5.1"]["denominator"], province["5.1"]["points"]) == (2, 4, 3.0)
    assert (province["5.2"]["numerator"], province["5.2"]["denominator"], province["5.2"]["points"]) == (2, 3, 4.0)
    assert province["5.1"]["share"] == 0.5 and "note" not in province["5.1"]
    unit = criteria(index_766(date(2026, 3, 1), date(2026, 3, 31), Scope(unit_ids={world["a"].pk}), unit_code="H32.27"))
    assert (unit["5.1"]["numerator"], unit["5.1"]["denominator"], unit["5.1"]["points"]) == (1, 3, 2.0)
    assert (unit["5.2"]["numerator"], unit["5.2"]["denominator"], unit["5.2"]["points"]) == (1, 2, 3.0)
    # The drill-down lists the feedback that cost points.
    from motcua.analytics.drill import drill

    late = drill("5.1", date(2026, 3, 1), date(2026, 3, 31), Scope())
    assert sorted(f["code"] for f in late["parts"][0]["feedback"]) == ["PAKN-H32.27-2603-0002", "PAKN-H32.27-2603-0003"]
    unhappy = drill("5.2", date(2026, 3, 1), date(2026, 3, 31), Scope())
    assert [f["code"] for f in unhappy["parts"][0]["feedback"]] == ["PAKN-H32.27-2603-0003"]
    from motcua.feedback.audit import verify

    assert verify().ok
    # The periodic report counts the same set.
    from motcua.feedback.report import pakn_report, to_pdf, to_xlsx

    doc = pakn_report(date(2026, 3, 1), date(2026, 3, 31))
    t = doc["total"]
    assert (
        t["received"],
        t["rejected"],
        t["forwarded"],
        t["answered"],
        t["published"],
        t["rated"],
        t["satisfied"],
    ) == (6, 1, 2, 3, 2, 3, 2)
    assert (t["answered_on_time"], t["answered_late"], t["in_progress"]) == (2, 1, 2)
    assert to_xlsx(doc, "http://x/danh-sach/")[:2] == b"PK"
    assert to_pdf(doc, "http://x/danh-sach/")[:5] == b"%PDF-"


def test_a_bad_line_imports_nothing_and_is_named(world: dict[str, Any]) -> None:
    bad = line("PAKN-X-1", "H32.27", "2026-03-02", "published", published_at="2026-03-03")  # no answered_at
    result = import_lines([SET[0], SET[1], bad, SET[3]])
    assert result.errors == [{"line": 3, "error": "status published needs answered_at"}]
    assert Feedback.objects.count() == 0
    cases = [
        ('{"code": 1}', "code must be"),
        (line("C", "H99", "2026-03-02", "received"), "unknown unit"),
        (line("C", "H32.27", "2026-03-02", "done"), "status 'done'"),
        (line("C", "H32.27", "2026-03-02", "rejected", rejected_at="2026-03-01"), "rejected_at is before received_at"),
        (line("C", "H32.27", "2026-03-02", "answered", answered_at="2026-03-03", rating=7), "rating 7"),
        (line("C", "H32.27", "2026-03-02", "received", rating=3), "rating needs an answer"),
        (
            '{"code": "C", "unit": "H32.27", "received_at": "2026-03-02T09:00:00", "status": "received"}',
            "no UTC offset",
        ),
        ("not json", "not valid JSON"),
        ("[1]", "JSON object"),
    ]
    for text, expected in cases:
        errors = import_lines([text]).errors
        assert errors and expected in errors[0]["error"], (text, errors)
    dup = import_lines([SET[0], SET[0]])
    assert dup.errors == [{"line": 2, "error": "duplicate code PAKN-H32.27-2603-0001 (also on line 1)"}]
    assert import_lines([SET[0]], dry_run=True).imported == 1 and Feedback.objects.count() == 0
    import_lines([SET[0]])
    assert import_lines([SET[0]]).errors == [{"line": 1, "error": "code PAKN-H32.27-2603-0001 already exists"}]


def test_cli_import_dry_run_and_bad_line(tmp_path: Path, world: dict[str, Any], capsys: Any) -> None:
    """The console command: one line on stderr naming the line, non-zero exit, nothing written."""
    from motcua.cli import main

    path = tmp_path / "pakn.jsonl"
    path.write_text("\n".join([SET[0], "{oops", SET[1]]) + "\n", encoding="utf-8")
    assert main(["feedback", "import", str(path), "--dry-run"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("motcua: error: ") and "line 2: not valid JSON" in err[0]
    assert Feedback.objects.count() == 0
    path.write_text("\n".join(SET) + "\n", encoding="utf-8")
    assert main(["feedback", "import", str(path), "--dry-run", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"lines": 7, "imported": 7, "dry_run": True, "errors": []}
    assert Feedback.objects.count() == 0
    assert main(["feedback", "import", str(path)]) == 0
    assert Feedback.objects.count() == 7
    assert main(["feedback", "import", str(tmp_path / "missing.jsonl")]) == 2
