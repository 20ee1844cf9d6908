"""Counter intake of the demo catalogue's liên thông group: one form, one code, a sub-dossier per unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.backoffice.tests.walker import client_for, demo_world
from motcua.dossiers.models import Dossier

pytestmark = pytest.mark.django_db


def test_clerk_receives_the_birth_registration_group() -> None:
    people = demo_world()
    c = client_for(people["clerk"])
    page = c.get(reverse("backoffice:intake_linked"), {"group": "3.000722"}).content.decode()
    # Suggested units: the commune, its police post for residence and ID, the provincial social insurance.
    for procedure, unit in [("1.001193", "H32.101"), ("1.004222", "H32.101.01"), ("1.014137", "H32.41")]:
        select = page[page.index(f'name="unit_{procedure}"') :]
        assert f'<option value="{unit}" selected>' in select[: select.index("</select>")], procedure
    form = {
        "group": "3.000722",
        "receiving_unit": "H32.101",
        "idempotency_key": "lt-1",
        "applicant_name": "Lê Thị Mai",
        "applicant_id_number": "056190004321",
        "applicant_phone": "0905111222",
        "unit_1.001193": "H32.101",
        "unit_1.004222": "H32.101.01",
        "unit_1.014137": "H32.41",
        "unit_1.116410": "H32.101.01",
    }
    response = c.post(reverse("backoffice:intake_linked"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    lead = Dossier.objects.get(parent__isnull=True)
    assert lead.linked_group.code == "3.000722" and lead.unit.code == "H32.101"
    assert sorted(lead.children.values_list("unit__code", flat=True)) == ["H32.101.01", "H32.101.01", "H32.41"]
    # A retry of the same form (same key) changes nothing.
    assert c.post(reverse("backoffice:intake_linked"), form).status_code == 302
    assert Dossier.objects.count() == 4
