"""Acceptance: no 500 anywhere on the demo — every live demo dossier's page and every form PDF it lists
open for every demo official who can see it, and each offered action's form renders."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.dossiers.visibility import visible_dossiers

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_every_demo_dossier_page_and_form_opens() -> None:
    from motcua.analytics import demo as history_demo
    from motcua.calendar import demo as calendar_demo
    from motcua.catalog import demo as catalog_demo
    from motcua.dossiers import demo as dossier_demo
    from motcua.organizations import demo as organizations_demo

    out = io.StringIO()
    for loader in (calendar_demo, catalog_demo, organizations_demo, dossier_demo, history_demo):
        loader.load(out)
    live = Dossier.objects.filter(code__startswith="H32").exclude(imported=True)
    assert live.count() >= 20, out.getvalue()
    statuses = set(live.values_list("status", flat=True))
    assert {"submitted", "received", "processing", "supplement", "awaiting_fee", "finished", "returned"} <= statuses
    # Of the 3,000 imported historical dossiers, one of each status.
    imported = Dossier.objects.filter(imported=True)
    assert imported.count() > 2000, out.getvalue()
    sample = {d.status: d.pk for d in imported.only("pk", "status")}
    live = Dossier.objects.filter(pk__in=[*live.values_list("pk", flat=True), *sample.values()])
    opened = 0
    for user in User.objects.filter(username__in=["clerk", "specialist", "leader", "clerk.stp", "inspector"]):
        c = Client()
        c.force_login(user)
        assert c.get(reverse("backoffice:worklist")).status_code == 200
        for d in visible_dossiers(user).filter(pk__in=live):
            page = c.get(reverse("backoffice:dossier", args=[d.code]))
            assert page.status_code == 200, (user.username, d.code)
            for kind in sorted(
                set(re.findall(rf"/backoffice/d/{re.escape(d.code)}/forms/([a-z0-9_-]+)\.pdf", page.content.decode()))
            ):
                pdf = c.get(reverse("backoffice:form_pdf", args=[d.code, kind]))
                assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf", (d.code, kind)
                assert pdf.content.startswith(b"%PDF")
                opened += 1
    assert opened > 40
