"""The demo loader: two finished years and an open round, idempotent."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from motcua.analytics.rules import LOCAL_TZ


def test_demo_rounds(province: dict[str, Any], staff: dict[str, Any]) -> None:
    from django.contrib.auth.models import User

    from motcua.organizations.models import Membership, Role
    from motcua.reform import demo
    from motcua.reform.models import Assessment, Round

    stp = User.objects.create_user("unitadmin.stp")
    Membership.objects.create(user=stp, unit=province["H32.27"], role=Role.UNIT_ADMIN)
    now = datetime(2026, 3, 2, 9, tzinfo=LOCAL_TZ)
    out = io.StringIO()
    demo.load(out, now=now)
    assert "open round 2026" in out.getvalue()
    assert set(Round.objects.values_list("year", "status")) == {(2024, "final"), (2025, "final"), (2026, "open")}
    finals = Assessment.objects.filter(round__year=2025, status="final")
    assert finals.filter(unit__code="H32.101").exists() and finals.filter(unit__code="H32.27").exists()
    assert Assessment.objects.get(round__year=2026, unit__code="H32.27").status == "submitted"
    demo.load(out, now=now)
    assert "already present" in out.getvalue()
