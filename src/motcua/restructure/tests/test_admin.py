"""Admin screens without a browser: who may see, preview, apply and cancel."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from motcua.dossiers.tests import factories as f
from motcua.organizations.models import Role
from motcua.restructure import engine
from motcua.restructure.forms import create_decision
from motcua.restructure.models import Decision, DecisionStatus
from motcua.restructure.tests.conftest import Province, open_dossiers

pytestmark = pytest.mark.django_db


def staff(user: Any) -> Any:
    user.is_staff = True
    user.save()
    return user


def test_read_only_roles_see_but_do_not_act(province: Province, clock: Any, client: Any) -> None:
    p = province
    open_dossiers(p)
    decision = create_decision(
        kind="split", number="S1", signed_on=date(2026, 11, 20), effective_on=date(2026, 12, 1),
        unit_codes=[p.a.code], parts=[{"code": "H32.221", "name": "Bắc", "match": ["bắc"]}, {"code": "H32.222", "name": "Nam"}],
    )  # fmt: skip
    inspector = staff(f.official("insp", p.root, Role.INSPECTOR))
    client.force_login(inspector)
    preview = reverse("admin:restructure_decision_preview", args=[decision.pk])
    r = client.get(preview)
    assert r.status_code == 200 and "H32.221" in r.content.decode() and b"apply-decision" not in r.content
    assert client.post(reverse("admin:restructure_decision_apply", args=[decision.pk])).status_code == 403
    assert client.get(reverse("admin:restructure_decision_change", args=[decision.pk])).status_code == 200
    assert Decision.objects.get().status == DecisionStatus.DRAFT

    admin = staff(p.people["admin"])
    client.force_login(admin)
    r = client.get(reverse("admin:restructure_decision_change", args=[decision.pk]))
    assert "H32.221|Bắc|bắc" in r.content.decode()  # a draft's parts, editable
    r = client.post(reverse("admin:restructure_decision_apply", args=[decision.pk]), follow=True)
    assert "Chờ đến ngày hiệu lực" in r.content.decode()
    assert Decision.objects.get().status == DecisionStatus.SCHEDULED
    r = client.post(reverse("admin:restructure_decision_cancel", args=[decision.pk]), follow=True)
    assert "Đã hủy" in r.content.decode()
    assert client.get(reverse("admin:restructure_decision_change", args=[decision.pk])).status_code == 200


def test_an_applied_decision_shows_what_was_done(province: Province, clock: Any, client: Any) -> None:
    p = province
    open_dossiers(p)
    decision = create_decision(
        kind="merge", number="M9", signed_on=date(2026, 11, 20), effective_on=date(2026, 11, 25),
        unit_codes=[p.a.code, p.b.code], into=p.c.code,
    )  # fmt: skip
    engine.schedule(decision)
    client.force_login(staff(p.people["admin"]))
    r = client.get(reverse("admin:restructure_decision_preview", args=[decision.pk]))
    body = r.content.decode()
    assert "Đã thực hiện" in body and "Đang xử lý" in body and b"cancel-decision" not in r.content
    assert client.get(reverse("admin:restructure_decision_changelist")).status_code == 200
    # A bad form is refused with the same checks as the command line, in Vietnamese.
    r = client.post(
        reverse("admin:restructure_decision_add"),
        {
            "number": "M9",
            "signed_on": "2026-11-20",
            "effective_on": "2026-11-25",
            "kind": "merge",
            "sources": [p.other.pk],
        },
    )
    assert r.status_code == 200 and "Quyết định chưa hợp lệ" in r.content.decode()
