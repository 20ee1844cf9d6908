"""The fast paths of `motcua audit verify` give exactly the results of the plain ones.

- `canonical_payload` (orjson) returns the same value and the same bytes as `json.loads` followed by
  the standard-library canonical encoding that `chain.canonical_bytes` uses, for any JSON text:
  non-ASCII Vietnamese text, control characters, nested dicts/lists, ints of any size, floats of any
  magnitude (incl. the ranges where orjson and Python format numbers differently), bools, None,
  and PostgreSQL's `jsonb::text` spacing.
- Parallel verification (PostgreSQL) reports the same counts and the same first broken dossier as
  one sequential pass.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from hypothesis import example, given, settings
from hypothesis import strategies as st

from motcua.dossiers import audit
from motcua.dossiers.chain import canonical_bytes

VIETNAMESE = "Nguyễn Thị Ánh Tuyết — Ủy ban nhân dân xã Đắk Lắk, thẩm định hồ sơ"

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.floats(min_value=-1e-3, max_value=1e-3, allow_nan=False)
    | st.sampled_from([1e-05, -1e-07, 1e16, 1e22, 5e-324, 0.0001, -0.0, 1.5e300, 2.0**64, float(2**63)])
    | st.text()
    | st.sampled_from([VIETNAMESE, '\x00\x1f\x7f\u2028\u2029"\\/', "e+", "0.00001", ""])
)
values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=25,
)


def reference(text: str) -> tuple[Any, bytes]:
    payload = json.loads(text)
    encoded = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()
    return payload, encoded


def same(a: Any, b: Any) -> bool:
    """Equal values of equal types (so an int decoded as a float would not pass)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return repr(a) == repr(b)
    return bool(a == b)


@settings(max_examples=1500)
@given(value=values, spaced=st.booleans())
@example(value={"a": 1e-05, "b": 10**30, "c": -(10**25), "d": 2**64 - 1}, spaced=False)
@example(value={"tên": VIETNAMESE, "z": [1, 2.5, None, True], "A": {"y": {}, "x": []}}, spaced=True)
def test_canonical_payload_equals_the_standard_library(value: Any, spaced: bool) -> None:
    # `spaced` mimics PostgreSQL's jsonb::text (", " and ": "), the form verify() reads.
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": ") if spaced else (",", ":"))
    got_value, got_bytes = audit.canonical_payload(text)
    want_value, want_bytes = reference(text)
    assert got_bytes == want_bytes
    assert same(got_value, want_value)


number_literals = st.from_regex(r"\A-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,30})?([eE][+-]?[0-9]{1,3})?\Z")


@settings(max_examples=1500)
@given(numbers=st.lists(number_literals, min_size=1, max_size=6))
@example(numbers=["-0", "1E5", "0.000001", "1.0e-7", "123456789012345678901234567890", "1e400"])
def test_canonical_payload_on_raw_number_literals(numbers: list[str]) -> None:
    text = '{"n": [' + ", ".join(numbers) + "]}"
    try:
        want_value, want_bytes = reference(text)
    except ValueError:
        return  # not representable by the standard library either (e.g. 1e400 → inf → "Infinity" is fine)
    got_value, got_bytes = audit.canonical_payload(text)
    assert got_bytes == want_bytes
    assert same(got_value, want_value)


@settings(max_examples=300)
@given(value=st.dictionaries(st.text(max_size=10), values, max_size=6), seq=st.integers(1, 10**6))
def test_verify_bytes_equal_canonical_bytes(value: dict[str, Any], seq: int) -> None:
    """The bytes verify() hashes (payload via canonical_payload) are canonical_bytes' bytes."""
    from datetime import UTC, datetime

    at = datetime(2026, 3, 2, 1, 2, 3, 4005, tzinfo=UTC)
    text = json.dumps(value, ensure_ascii=False)
    _, payload_json = audit.canonical_payload(text)
    expected = canonical_bytes(
        dossier_code="H32.27.01-260302-0001", seq=seq, type="received", actor_id=7, at=at, payload=json.loads(text)
    )
    at_utc = at.isoformat(timespec="microseconds")
    got = b'{"actor":7,"at":"%b","dossier":"H32.27.01-260302-0001","payload":%b,"seq":%d,"type":"received"}' % (
        at_utc.encode(),
        payload_json,
        seq,
    )
    assert got == expected


# ---- parallel verification ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_parallel_verify_matches_sequential(world: Any, monkeypatch: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("parallel verification runs on PostgreSQL only")
    from motcua.dossiers.models import DossierEvent
    from motcua.dossiers.tests.test_audit import sql, three_dossiers

    ds = three_dossiers(world)
    monkeypatch.setattr(audit, "PARALLEL_MIN", 0)
    assert len(audit._plan(2)) > 1
    seq_report = audit.verify(workers=1)
    par_report = audit.verify(workers=2)
    assert par_report.ok and seq_report.ok
    assert (par_report.dossiers, par_report.events) == (seq_report.dossiers, seq_report.events) == (3, 12)

    # Break two dossiers (an edited event in the 3rd, a deleted last event in the 2nd).
    table = DossierEvent._meta.db_table
    sql(f"UPDATE {table} SET payload = %s WHERE dossier_id = %s AND seq = 3", ['{"amount": 1}', ds[2].pk])
    sql(f"DELETE FROM {table} WHERE dossier_id = %s AND seq = 4", [ds[1].pk])
    for stop in (True, False):
        a = audit.verify(workers=1, stop_at_first=stop)
        b = audit.verify(workers=2, stop_at_first=stop)
        assert a.as_json() == b.as_json()
        assert a.problems[0].dossier == ds[1].code
    assert len(audit.verify(workers=2, stop_at_first=False).problems) == 2


# ---- incremental verification (audit_snapshot) --------------------------------------------------


@pytest.mark.django_db
def test_unchanged_dossiers_are_not_rederived(world: Any, monkeypatch: Any) -> None:
    """A second pass re-derives only the dossier whose rows changed; `full` re-derives all; same report."""
    if connection.vendor != "postgresql":
        pytest.skip("incremental verification runs on PostgreSQL only (SQLite has no sha256())")
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.tests.test_audit import sql, three_dossiers
    from motcua.trust.models import VerifiedState

    ds = three_dossiers(world)
    checked: list[int] = []
    batch = audit._Checker.batch

    def counting(self: Any, dossiers: list[Any], *args: Any) -> bool:
        checked.extend(row[0] for row in dossiers)
        return batch(self, dossiers, *args)

    monkeypatch.setattr(audit._Checker, "batch", counting)
    first = audit.verify(workers=1)
    assert first.ok and sorted(checked) == sorted(d.pk for d in ds)
    assert VerifiedState.objects.count() == 3
    checked.clear()
    second = audit.verify(workers=1)
    assert second.as_json() == first.as_json() and checked == []
    # A cached column edited without the key: only that dossier is re-derived, and the edit is named.
    sql(f"UPDATE {Dossier._meta.db_table} SET due_at = due_at + interval '1 day' WHERE id = %s", [ds[1].pk])
    third = audit.verify(workers=1, stop_at_first=False)
    assert checked == [ds[1].pk] and [p.dossier for p in third.problems] == [ds[1].code]
    assert (third.dossiers, third.events) == (first.dossiers, first.events)
    checked.clear()
    assert not audit.verify(workers=1, full=True, stop_at_first=False).ok and len(checked) == 3
    # A new checker version invalidates every MAC.
    sql(f"UPDATE {Dossier._meta.db_table} SET due_at = due_at - interval '1 day' WHERE id = %s", [ds[1].pk])
    audit.verify(workers=1)
    checked.clear()
    monkeypatch.setattr(audit.audit_snapshot, "version", lambda: b"another checker")
    assert audit.verify(workers=1).ok and len(checked) == 3
