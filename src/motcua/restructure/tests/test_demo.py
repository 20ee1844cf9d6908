"""The demo: one merger applied in the past (its history in the reports), one pending; idempotent."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest

from motcua.analytics.report import resolution_report
from motcua.dossiers.audit import verify
from motcua.dossiers.models import Dossier
from motcua.restructure import demo
from motcua.restructure.models import Decision, DecisionStatus

pytestmark = pytest.mark.django_db


def test_demo_loads_once(clock: Any) -> None:
    from motcua.catalog import demo as catalog_demo

    out = io.StringIO()
    catalog_demo.load(out)
    demo.load(out)
    demo.load(out)
    assert "already loaded" in out.getvalue()
    assert Decision.objects.get(number=demo.PAST).status == DecisionStatus.APPLIED
    pending = Decision.objects.get(number=demo.PENDING)
    assert pending.status == DecisionStatus.SCHEDULED and pending.effective_on > date(2026, 11, 25)
    # Clock at 25/11/2026: the merger took effect on 01/11; October shows the old communes.
    october = resolution_report(date(2026, 10, 1), date(2026, 10, 31), "unit")
    keys = {r["key"] for r in october["rows"]}
    assert {"H32.901", "H32.902"} <= keys and "H32.910" not in keys
    today = resolution_report(date(2026, 10, 1), date(2026, 10, 31), "unit", as_of=date(2026, 11, 25))
    assert "H32.910" in {r["key"] for r in today["rows"]} and today["total"] == october["total"]
    assert Dossier.objects.filter(code__startswith="CH-DEMO-", unit__code="H32.910").exists()
    assert verify().ok
