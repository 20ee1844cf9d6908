"""`motcua calendar ...` (contracts §1): exact JSON on stdout, one line on stderr and exit 2 on bad input."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from motcua.cli import main

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$")
RECEIVED = "2026-02-13T16:30:00+07:00"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["calendar", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received", "amount", "unit", "extra", "official", "due"),
    [
        (RECEIVED, "5", "working_days", [], "2026-02-13T16:30:00+07:00", "2026-02-27T17:00:00+07:00"),
        (RECEIVED, "4", "working_hours", [], "2026-02-13T16:30:00+07:00", "2026-02-23T10:30:00+07:00"),
        (RECEIVED, "10", "calendar_days", [], "2026-02-13T16:30:00+07:00", "2026-02-23T17:00:00+07:00"),
        (RECEIVED, "1", "same_day", [], "2026-02-13T16:30:00+07:00", "2026-02-23T17:00:00+07:00"),
        (
            "2026-03-02T15:30:00+07:00",
            "1",
            "same_day",
            ["--cutoff", "16:00"],
            "2026-03-02T15:30:00+07:00",
            "2026-03-02T17:00:00+07:00",
        ),
        ("2026-03-02T01:00:00Z", "1", "working_days", [], "2026-03-02T08:00:00+07:00", "2026-03-03T17:00:00+07:00"),
        ("2026-03-02T12:00", "1", "working_days", [], "2026-03-02T13:30:00+07:00", "2026-03-03T17:00:00+07:00"),
        (
            "2026-03-02T08:00:00+07:00",
            "5",
            "working_days",
            ["--pause", "2026-03-03T08:00:00+07:00/2026-03-03T10:00:00+07:00"],
            "2026-03-02T08:00:00+07:00",
            "2026-03-10T09:00:00+07:00",
        ),
    ],
)
def test_due_json_every_unit(capsys, received, amount, unit, extra, official, due):
    code, out, err = run(capsys, "due", "--received", received, "--amount", amount, "--unit", unit, *extra, "--json")
    assert code == 0, err
    assert out.endswith("\n") and out.count("\n") == 1
    doc = json.loads(out)
    assert list(doc) == ["official_receipt", "due"]
    assert doc == {"official_receipt": official, "due": due}
    assert ISO.match(doc["due"]) and ISO.match(doc["official_receipt"])


@pytest.mark.django_db
def test_due_same_day_without_amount(capsys):
    code, out, _ = run(capsys, "due", "--received", "2026-03-02T09:00:00+07:00", "--unit", "same_day", "--json")
    assert code == 0
    assert json.loads(out)["due"] == "2026-03-02T17:00:00+07:00"


@pytest.mark.django_db
def test_due_human_form_is_vietnamese(capsys):
    code, out, _ = run(capsys, "due", "--received", RECEIVED, "--amount", "5", "--unit", "working_days")
    assert code == 0
    assert "nghỉ Tết từ 14/02 đến 22/02" in out
    assert "2026-02-27T17:00:00+07:00" in out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "argv",
    [
        ["due", "--received", RECEIVED, "--amount", "5", "--unit", "weeks", "--json"],
        ["due", "--received", "13/02/2026 16:30", "--amount", "5", "--unit", "working_days", "--json"],
        ["due", "--received", RECEIVED, "--amount", "-5", "--unit", "working_days", "--json"],
        ["due", "--received", RECEIVED, "--amount", "0", "--unit", "working_hours", "--json"],
        ["due", "--received", RECEIVED, "--amount", "-1", "--unit", "same_day", "--json"],
        ["due", "--received", RECEIVED, "--amount", "1.5", "--unit", "calendar_days", "--json"],
        ["due", "--received", RECEIVED, "--amount", "abc", "--unit", "working_days", "--json"],
        ["due", "--received", RECEIVED, "--amount", "nan", "--unit", "working_days", "--json"],
        ["due", "--received", RECEIVED, "--unit", "working_days", "--json"],
        ["due", "--amount", "5", "--unit", "working_days", "--json"],
        ["due", "--received", RECEIVED, "--amount", "5", "--json"],
        ["due", "--received", RECEIVED, "--unit", "same_day", "--cutoff", "25:00", "--json"],
        ["due", "--received", RECEIVED, "--unit", "same_day", "--cutoff", "3pm", "--json"],
        [
            "due",
            "--received",
            RECEIVED,
            "--amount",
            "5",
            "--unit",
            "working_days",
            "--pause",
            "2026-02-24T08:00:00+07:00/2026-02-23T08:00:00+07:00",
            "--json",
        ],
        ["due", "--received", RECEIVED, "--amount", "5", "--unit", "working_days", "--pause", "2026-02-24", "--json"],
        ["due", "--received", RECEIVED, "--amount", "5", "--unit", "working_days", "--calendar", "nope", "--json"],
        ["classify", "--due", "2026-02-27T17:00:00+07:00", "--json"],
        ["classify", "--due", "yesterday", "--finished", "2026-02-27T17:00:00+07:00", "--json"],
        ["days", "--year", "twenty", "--json"],
        ["days", "--json"],
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("motcua: error: ")


def test_classify_json(capsys):
    for finished, expected in [
        ("2026-02-26T23:59:00+07:00", "early"),
        ("2026-02-27T18:00:00+07:00", "on_time"),
        ("2026-02-27T17:30:00Z", "late"),
    ]:
        code, out, _ = run(capsys, "classify", "--due", "2026-02-27T17:00:00+07:00", "--finished", finished, "--json")
        assert code == 0
        assert json.loads(out) == {"result": expected}


@pytest.mark.django_db
def test_days_json(capsys):
    code, out, _ = run(capsys, "days", "--year", "2026", "--json")
    assert code == 0
    rows = json.loads(out)
    by_date = {r["date"]: r for r in rows}
    assert by_date["2026-01-02"]["kind"] == "day_off"
    assert by_date["2026-01-10"]["kind"] == "working_day"
    assert by_date["2026-08-22"]["kind"] == "working_day"
    assert by_date["2026-04-27"]["kind"] == "day_off"
    assert by_date["2026-11-24"]["kind"] == "holiday"
    assert all(set(r) >= {"date", "kind", "name"} and r["name"] for r in rows)
    assert [r["date"] for r in rows] == sorted(r["date"] for r in rows)


def test_due_subprocess(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "MOTCUA_DATABASE_URL"}
    env["MOTCUA_DATA_DIR"] = str(tmp_path)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "motcua",
            "calendar",
            "due",
            "--received",
            RECEIVED,
            "--amount",
            "5",
            "--unit",
            "working_days",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == '{"official_receipt": "2026-02-13T16:30:00+07:00", "due": "2026-02-27T17:00:00+07:00"}\n'
