"""Acceptance 4: the province administrator records, previews and applies a merger from the admin screens."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from motcua.dossiers.audit import verify
from motcua.dossiers.models import Dossier
from motcua.organizations.models import Unit
from motcua.restructure.engine import local_today
from motcua.restructure.models import Decision, DecisionStatus

# The restructuring world; the headless Chromium fixtures come from this folder's conftest (one
# Playwright per session: importing them into another folder would start a second one).
from motcua.restructure.tests.conftest import Province, open_dossiers, province  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_province_admin_previews_and_applies_a_merger(
    context: Any,
    live_server: Any,
    province: Province,  # noqa: F811
    settings: Any,
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    p = province
    d = open_dossiers(p)
    admin = p.people["admin"]
    admin.is_staff = True
    admin.set_password("mat-khau-123")
    admin.save()

    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/admin/restructure/decision/add/")
    page.locator("#id_username").fill("admin.prov")
    page.locator("#id_password").fill("mat-khau-123")
    page.keyboard.press("Enter")
    page.locator("#id_number").wait_for()
    page.locator("#id_number").fill("1667/NQ-UBTVQH15")
    today = local_today().isoformat()  # the effective date has come: applying carries it out at once
    page.locator("#id_signed_on").fill(today)
    page.locator("#id_effective_on").fill(today)
    page.locator("#id_legal_basis").fill("Nghị quyết 1667/NQ-UBTVQH15")
    page.locator("#id_kind").select_option("merge")
    codes = [str(u.pk) for u in (p.a, p.b, p.c)]
    page.locator("#id_sources").select_option(codes)
    page.locator("#id_new_code").fill("H32.210")
    page.locator("#id_new_name").fill("Xã Nam Cam Ranh")
    page.locator("input[name=_save]").click()

    # The preview: what will move, before anything changes.
    page.locator("#plan-dossiers").wait_for()
    listed = page.locator("#plan-dossiers tbody tr td:first-child").all_inner_texts()
    open_codes = sorted(x.code for k, x in d.items() if k != "c_returned")
    assert sorted(listed) == open_codes
    assert "clerk.a" in page.locator("#plan-memberships").inner_text()
    assert "H32.210" in page.locator("#plan-units").inner_text()
    assert not Unit.objects.filter(code="H32.210").exists()
    assert Decision.objects.get().status == DecisionStatus.DRAFT
    if out := os.environ.get("MOTCUA_SCREENS_DIR"):  # docs/screens/restructure-preview.png
        page.screenshot(path=str(Path(out) / "restructure-preview.png"), full_page=True)

    page.locator("#apply-decision").click()
    page.locator("#decision-status").wait_for()
    assert page.locator("#decision-status").inner_text() == "Đã thực hiện"
    new = Unit.objects.get(code="H32.210")
    assert sorted(Dossier.objects.filter(unit=new).values_list("code", flat=True)) == open_codes
    assert verify().ok
    assert not page.locator("#cancel-decision").count()  # applied: no longer reversible
