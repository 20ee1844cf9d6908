"""The same rules through the REST API and the Django admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.catalog.models import Procedure

VISIBLE = {
    "clerk": ({"clerk", "specialist", "leader", "unitadmin"}, {"clerk2", "specialist.stp"}),
    "specialist": ({"clerk", "leader"}, {"clerk2", "specialist.stp"}),
    "leader": ({"specialist"}, {"clerk2", "inspector"}),
    "unitadmin": ({"clerk", "specialist"}, {"clerk2", "provinceadmin"}),
    "specialist.stp": ({"specialist.stp"}, {"clerk", "clerk2"}),
    "provinceadmin": ({"clerk", "clerk2", "specialist.stp", "inspector"}, set()),
    "inspector": ({"clerk", "clerk2", "specialist.stp", "provinceadmin"}, set()),
}


@pytest.mark.parametrize("username", list(VISIBLE))
def test_officials_endpoint_is_scoped_to_visible_units(org: dict[str, Any], client: Client, username: str) -> None:
    must, must_not = VISIBLE[username]
    client.force_login(org["users"][username])
    response = client.get("/api/v1/officials/")
    assert response.status_code == 200
    seen = {row["username"] for row in response.json()["results"]}
    assert must <= seen
    assert not (must_not & seen)
    # Asking for another unit's officials explicitly does not widen the scope.
    if username == "clerk":
        assert client.get("/api/v1/officials/?unit=H32.102").json()["results"] == []


def test_officials_need_a_login(org: dict[str, Any], client: Client) -> None:
    response = client.get("/api/v1/officials/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_catalogue_is_public_with_accent_insensitive_search(org: dict[str, Any], client: Client) -> None:
    for q in ("khai sinh", "dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "1.001193"):
        codes = [p["code"] for p in client.get("/api/v1/procedures/", {"q": q}).json()["results"]]
        assert codes == ["1.001193"], q
    assert [p["code"] for p in client.get("/api/v1/procedures/", {"q": "ket hon"}).json()["results"]] == ["1.000894"]
    detail = client.get("/api/v1/procedures/1.001193/").json()
    assert detail["deadline"] == {"amount": 0.0, "unit": "same_day", "cutoff": "15:00"}
    assert detail["components"][0]["name"] == "Tờ khai đăng ký khai sinh"
    assert detail["results"] == [{"name": "Giấy khai sinh", "code": "KQ.G15.000031"}]
    assert [s["role"] for s in detail["process"]] == ["clerk", "specialist", "leader", "clerk"]
    assert client.get("/api/v1/units/H32.101.01/").json()["parent"] == "H32.101"
    assert [f["code"] for f in client.get("/api/v1/fields/").json()["results"]] == ["HT"]
    assert client.get("/api/v1/procedures/9.999999/").status_code == 404


def _changelist(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_unit_admin_sees_only_their_subtree_in_the_admin(org: dict[str, Any], client: Client) -> None:
    client.force_login(org["users"]["unitadmin"])
    units = org["units"]
    body = _changelist(client, "/admin/organizations/unit/")
    assert "H32.101.01" in body and "H32.102" not in body and "H32.27" not in body
    assert client.get(f"/admin/organizations/unit/{units['H32.101'].pk}/change/").status_code == 200
    assert client.get(f"/admin/organizations/unit/{units['H32.102'].pk}/change/").status_code != 200
    officials = _changelist(client, "/admin/organizations/official/")
    assert ">clerk<" in officials and "clerk2" not in officials and "specialist.stp" not in officials
    other = org["users"]["clerk2"]
    assert client.get(f"/admin/organizations/official/{other.pk}/change/").status_code != 200
    # The catalogue is read-only for a unit administrator.
    assert client.get("/admin/catalog/procedure/").status_code == 200
    assert client.get("/admin/catalog/procedure/add/").status_code == 403


def test_province_admin_manages_everything_in_the_admin(org: dict[str, Any], client: Client) -> None:
    client.force_login(org["users"]["provinceadmin"])
    assert "H32.102" in _changelist(client, "/admin/organizations/unit/")
    assert "clerk2" in _changelist(client, "/admin/organizations/official/")
    assert client.get("/admin/catalog/procedure/add/").status_code == 200
    # Accent-insensitive admin search on the procedure name.
    assert "1.001193" in _changelist(client, "/admin/catalog/procedure/?q=dang+ky+khai+sinh")
    assert "1.000894" not in _changelist(client, "/admin/catalog/procedure/?q=dang+ky+khai+sinh")
    procedure = Procedure.objects.get(code="1.000894")
    assert client.get(f"/admin/catalog/procedure/{procedure.pk}/change/").status_code == 200


def test_inspector_reads_everything_but_changes_nothing_in_the_admin(org: dict[str, Any], client: Client) -> None:
    client.force_login(org["users"]["inspector"])
    assert "H32.102" in _changelist(client, "/admin/organizations/unit/")
    procedure = Procedure.objects.get(code="1.000894")
    assert client.get(f"/admin/catalog/procedure/{procedure.pk}/change/").status_code == 200
    response = client.post(f"/admin/catalog/procedure/{procedure.pk}/change/", {"name": "x"})
    assert response.status_code == 403
    assert Procedure.objects.get(pk=procedure.pk).name == "Thủ tục đăng ký kết hôn"
    unit = org["units"]["H32.101"]
    assert client.post(f"/admin/organizations/unit/{unit.pk}/change/", {"name": "x"}).status_code == 403


@pytest.mark.parametrize("username", ["clerk", "specialist", "leader"])
def test_front_line_roles_have_no_admin(org: dict[str, Any], client: Client, username: str) -> None:
    user = org["users"][username]
    client.force_login(user)
    assert client.get("/admin/organizations/unit/").status_code == 302  # not staff: to the login page
    user.is_staff = True  # even a staff flag does not open what the role does not allow
    user.save()
    assert client.get("/admin/organizations/unit/").status_code == 403
    assert client.get("/admin/catalog/procedure/").status_code == 403


def test_unit_admin_cannot_hand_out_province_wide_roles(org: dict[str, Any], client: Client) -> None:
    clerk = org["users"]["clerk"]
    client.force_login(org["users"]["unitadmin"])
    body = _changelist(client, f"/admin/organizations/official/{clerk.pk}/change/")
    assert 'value="specialist"' in body
    assert 'value="province_admin"' not in body and 'value="inspector"' not in body
    client.force_login(org["users"]["provinceadmin"])
    assert 'value="province_admin"' in _changelist(client, f"/admin/organizations/official/{clerk.pk}/change/")


def test_every_admin_page_of_the_foundation_renders(org: dict[str, Any], client: Client) -> None:
    from django.contrib import admin

    client.force_login(org["users"]["provinceadmin"])
    procedure = Procedure.objects.get(code="1.001193")
    definition = procedure.process_definitions.get()
    for model in admin.site._registry:
        if model._meta.app_label not in {"organizations", "catalog"}:
            continue
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(base).status_code == 200, base
        assert client.get(base + "add/").status_code in (200, 403), base
    assert client.get(f"/admin/catalog/processdefinition/{definition.pk}/change/").status_code == 200
    # The autocomplete used by inlines only offers what the user may see.
    client.force_login(org["users"]["unitadmin"])
    response = client.get(
        "/admin/autocomplete/",
        {"app_label": "organizations", "model_name": "membership", "field_name": "unit", "term": "H32"},
    )
    assert response.status_code == 200
    codes = {row["text"].split(" ")[0] for row in response.json()["results"]}
    assert codes == {"H32.101", "H32.101.01"}


def test_a_process_changed_in_the_admin_is_a_new_version(org: dict[str, Any], client: Client) -> None:
    client.force_login(org["users"]["provinceadmin"])
    procedure = Procedure.objects.get(code="1.001193")
    data = {
        "procedure": procedure.pk,
        "active": "on",
        "note": "Quy trình rút gọn",
        "effective_from": "",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-order": "1",
        "steps-0-name": "Tiếp nhận và trả kết quả",
        "steps-0-unit": "",
        "steps-0-role": "clerk",
        "steps-0-duration_amount": "1",
        "steps-0-duration_unit": "working_hours",
        "steps-0-parallel_group": "",
    }
    response = client.post("/admin/catalog/processdefinition/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    versions = list(procedure.process_definitions.order_by("version").values_list("version", "active", "origin"))
    assert versions == [(1, False, "default"), (2, True, "admin")]
    # An explicit (admin) process survives a re-import of a file without `process:`.
    from motcua.catalog.importer import import_document
    from motcua.catalog.process import current_definition

    import_document({"procedures": [{"code": "1.001193", "name": "Thủ tục đăng ký khai sinh", "field": "HT"}]})
    current = current_definition(procedure)
    assert current is not None and current.version == 2
    # The unit administrator cannot add versions.
    client.force_login(org["users"]["unitadmin"])
    assert client.post("/admin/catalog/processdefinition/add/", data).status_code == 403
