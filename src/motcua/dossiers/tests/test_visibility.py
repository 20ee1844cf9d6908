"""One visibility model (`dossiers.visibility`): every read path shows the same dossiers.

A commune clerk never reaches another commune's dossier (lists, pages, PDFs, documents, the
applicant look-up, analytics lists and exports, the API); an inspector sees all; a citizen sees
only their own filings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from motcua.dossiers import services as s
from motcua.dossiers import visibility
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import PDF, at
from motcua.organizations.models import Role

PERIOD = {"from": "2026-03-01", "to": "2026-03-31"}


@dataclass
class Tree:
    mine: Dossier  # competent unit: commune A
    received_here: Dossier  # competent unit: the department, received at commune A's desk
    other: Dossier  # commune B
    filed: Dossier  # commune B, filed by the citizen
    clerk_a: Any
    clerk_b: Any
    inspector: Any
    citizen: Any


@pytest.fixture
def tree(world: Any) -> Tree:
    province = f.unit("H32", level="province", name="UBND tỉnh")
    department = f.unit("H32.27", level="province", parent=province, name="Sở Tư pháp")
    a, b = world.commune, world.other
    a.parent = b.parent = province
    a.save()
    b.save()
    clerk_a = f.official("clerk_a", a, Role.CLERK)
    clerk_b = f.official("clerk_b", b, Role.CLERK)
    inspector = f.official("inspector", province, Role.INSPECTOR)
    citizen = f.official("citizen", b)  # an account with no staff role
    proc = f.procedure(amount=5)
    proc.levels = ["commune", "province"]
    proc.save()
    when = at(2026, 3, 2, 9)

    def receive(clerk: Any, unit: Any, **kw: Any) -> Dossier:
        return s.receive_dossier(clerk, procedure=proc, unit=unit, applicant=world.applicant, now=when, **kw)

    mine = receive(clerk_a, a)
    received_here = receive(clerk_a, department, receiving_unit=a)
    other = receive(clerk_b, b)
    filed = receive(clerk_b, b)
    Dossier.objects.filter(pk=filed.pk).update(applicant_user=citizen)
    s.attach_document(clerk_b, other, upload=s.Upload("a.pdf", PDF), component="to_khai", now=at(2026, 3, 2, 10))
    return Tree(mine, received_here, other, filed, clerk_a, clerk_b, inspector, citizen)


def codes(user: Any) -> set[str]:
    return set(visibility.visible_dossiers(user).values_list("code", flat=True))


def test_the_model(tree: Tree) -> None:
    everything = {tree.mine.code, tree.received_here.code, tree.other.code, tree.filed.code}
    assert codes(tree.clerk_a) == {tree.mine.code, tree.received_here.code}
    assert codes(tree.clerk_b) == {tree.other.code, tree.filed.code}
    assert codes(tree.inspector) == everything
    assert codes(tree.citizen) == {tree.filed.code}
    assert visibility.dossier_or_404(tree.citizen, tree.filed.code) == tree.filed
    for user, code in [
        (tree.clerk_a, tree.other.code),
        (tree.citizen, tree.other.code),
        (tree.clerk_b, tree.mine.code),
    ]:
        with pytest.raises(Http404):
            visibility.dossier_or_404(user, code)


def test_anonymous_and_inactive_see_nothing(tree: Tree) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert codes(AnonymousUser()) == set()
    tree.inspector.is_active = False
    assert codes(tree.inspector) == set()


def _client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_back_office_paths(tree: Tree) -> None:
    c = _client(tree.clerk_a)
    worklist = c.get(reverse("backoffice:worklist")).content.decode()
    assert tree.mine.code in worklist and tree.other.code not in worklist
    doc = tree.other.documents.first()
    assert doc is not None
    for url in (
        reverse("backoffice:dossier", args=[tree.other.code]),
        reverse("backoffice:form_pdf", args=[tree.other.code, "receipt"]),
        reverse("backoffice:document", args=[tree.other.code, doc.pk]),
    ):
        assert c.get(url).status_code == 404, url
    lookup = c.get(reverse("backoffice:applicant_lookup"), {"id_number": "056090000001"}).content.decode()
    assert tree.other.code not in lookup
    inspector = _client(tree.inspector)
    assert inspector.get(reverse("backoffice:dossier", args=[tree.other.code])).status_code == 200
    assert inspector.get(reverse("backoffice:document", args=[tree.other.code, doc.pk])).status_code == 200


def test_analytics_paths(tree: Tree) -> None:
    c = _client(tree.clerk_a)
    listed = c.get(reverse("analytics:dossiers"), {**PERIOD, "cell": "received"}).content.decode()
    assert tree.mine.code in listed and tree.other.code not in listed and tree.filed.code not in listed
    assert c.get(reverse("analytics:overview"), {**PERIOD, "unit": tree.other.unit.code}).status_code == 403
    csv = c.get(reverse("analytics:export", args=["csv"]), {**PERIOD, "by": "unit"}).content.decode()
    assert tree.mine.unit.code in csv and tree.other.unit.code not in csv
    api = c.get("/api/v1/analytics/resolution", {**PERIOD, "by": "unit"}).json()
    assert {r["key"] for r in api["rows"]} == {tree.mine.unit.code}
    everything = _client(tree.inspector).get(reverse("analytics:dossiers"), {**PERIOD, "cell": "received"})
    assert tree.other.code in everything.content.decode() and tree.mine.code in everything.content.decode()
    citizen = _client(tree.citizen).get(reverse("analytics:dossiers"), {**PERIOD, "cell": "received"})
    assert tree.filed.code not in citizen.content.decode()  # statistics are for staff of the unit


def test_api_list(tree: Tree) -> None:
    def listed(user: Any) -> set[str]:
        body = _client(user).get("/api/v1/dossiers/").json()
        rows = body["results"] if isinstance(body, dict) else body
        return {r["code"] for r in rows}

    assert listed(tree.clerk_a) == codes(tree.clerk_a)
    assert listed(tree.citizen) == codes(tree.citizen) == {tree.filed.code}
    assert listed(tree.inspector) == codes(tree.inspector)
