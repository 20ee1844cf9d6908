"""Counter intake by post (with the tracking number), for a competent unit other than the receiving one,
and a return by post: each through the screens a clerk uses."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.test_same_rules import _browser, _staff
from motcua.backoffice.tests.test_screens import component_ids, intake_post
from motcua.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def _form(**extra: str) -> dict[str, str]:
    form = {**intake_post(), **extra}
    for pk in component_ids():
        form[f"component_{pk}"] = "on"
    return form


def test_postal_intake_needs_and_keeps_the_tracking_number() -> None:
    w = _staff()
    c = _browser(w["clerk"])
    page = c.post(reverse("backoffice:intake"), _form(channel="postal", unit=w["unit"].code))
    assert page.status_code == 200 and "số hiệu bưu gửi" in page.content.decode()
    response = c.post(reverse("backoffice:intake"), _form(channel="postal", postal_tracking="EB123456789VN"))
    assert response.status_code == 302
    d = Dossier.objects.get()
    assert d.channel == "postal"
    assert d.events.get(type="received").payload["postal_tracking"] == "EB123456789VN"


def test_a_citizen_files_at_another_commune() -> None:
    """Filing regardless of administrative boundary: received at one commune, decided by another."""
    w = _staff()
    other = f.units()["b"]
    c = _browser(w["clerk"])
    checklist = c.get(reverse("backoffice:intake_checklist"), {"procedure": "1.001193"}).content.decode()
    assert f'value="{other.code}"' in checklist and f'value="{w["unit"].code}" selected' in checklist
    assert c.post(reverse("backoffice:intake"), _form(competent_unit=other.code)).status_code == 302
    d = Dossier.objects.get()
    assert (d.unit, d.receiving_unit) == (other, w["unit"])


def test_return_by_post_records_the_tracking_number() -> None:
    from motcua.dossiers import services

    w = _staff()
    d = f.received(w["clerk"], w["unit"])
    services.start_step(w["specialist"], d)
    services.forward(w["specialist"], d)
    services.complete_step(w["leader"], d)
    services.finish_dossier(w["leader"], d)
    services.announce_early_return(w["clerk"], d)
    c = _browser(w["clerk"])
    page = c.post(reverse("backoffice:act", args=[d.code, "return_result"]), {"method": "postal"}, follow=True)
    assert "số hiệu bưu gửi" in page.content.decode()
    c.post(reverse("backoffice:act", args=[d.code, "return_result"]), {"method": "postal", "tracking_number": "EB1VN"})
    d.refresh_from_db()
    assert d.status == "returned"
    assert d.events.get(type="returned").payload == {"method": "postal", "tracking_number": "EB1VN"}
