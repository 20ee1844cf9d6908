"""The demo loader gives a newcomer every outcome to look at, and a second run changes nothing."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import time_machine

from motcua.assignments import demo, queries, rules
from motcua.assignments.models import Decision, ExtensionRequest, Task
from motcua.backoffice.tests import factories as f
from motcua.calendar.engine import TZ

pytestmark = pytest.mark.django_db


def test_demo_has_each_outcome_and_a_pending_extension() -> None:
    from motcua.organizations.models import Unit

    province = Unit.objects.create(code="H32", name="UBND tỉnh", level="province")
    f.user("reform", province, "reform_officer")
    for code, name in (("H32.101", "unitadmin"), ("H32.102", ""), ("H32.27", "unitadmin.stp")):
        u = Unit.objects.create(code=code, name=code, level="district", parent=province)
        if name:
            f.user(name, u, "unit_admin")
    now = datetime(2026, 11, 30, 9, tzinfo=TZ)
    with time_machine.travel(now, tick=False):
        out = io.StringIO()
        demo.load(out, now=now)
        demo.load(out, now=now)
        found = {queries.outcome(t, now.date()) for t in Task.objects.all()}
    assert found == set(rules.OUTCOMES)
    assert ExtensionRequest.objects.filter(decision=Decision.PENDING).count() == 1
    assert "already present" in out.getvalue()
