"""API-wide behaviour: 401 with a challenge, token and session logins, pagination, one error body."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from motcua.cli import main
from motcua.core.tests.api_world import build
from motcua.dossiers.tests import factories as f
from motcua.organizations.models import Role

pytestmark = pytest.mark.django_db

SPEC = yaml.safe_load((Path(__file__).resolve().parents[4] / "docs" / "openapi.yaml").read_text())


def _operations(*, public: bool) -> list[tuple[str, str]]:
    """(method, path template) of the documented operations that do / do not allow anonymous access."""
    return [
        (method, path)
        for path, item in SPEC["paths"].items()
        for method, op in item.items()
        if ({} in op.get("security", [])) == public
    ]


def _concrete(path: str) -> str:
    return path.replace("{code}", "H32.27.01-260302-0001").replace("{id}", "1")


def test_every_authenticated_endpoint_answers_401_with_a_challenge() -> None:
    build()
    operations = _operations(public=False)
    assert len(operations) > 30  # the dossier commands, officials, analytics
    for method, path in operations:
        r = getattr(APIClient(), method)(_concrete(path), {}, format="json")
        assert r.status_code == 401, (method, path, r.status_code)
        assert r["WWW-Authenticate"] == "Token", (method, path)
        assert r.json()["code"] == "not_authenticated"
        assert "WWW-Authenticate" in SPEC["paths"][path][method]["responses"]["401"]["headers"]


def test_public_endpoints_need_no_credentials_and_refuse_bad_ones() -> None:
    build()
    for method, path in _operations(public=True):
        if "{" in path or method != "get" or "calendar" in path:
            continue
        if path == "/api/v1/public/lookup":  # needs code and phone: 400 without them (portal tests cover it)
            assert APIClient().get(path).status_code == 400
            continue
        assert APIClient().get(path).status_code == 200, path
    r = APIClient().get("/api/v1/procedures/", HTTP_AUTHORIZATION="Token not-a-token")
    assert r.status_code == 401 and r.json()["code"] == "authentication_failed"


def test_token_and_session_both_sign_in() -> None:
    world = build()
    key = Token.objects.create(user=world.clerk).key
    r = APIClient().get("/api/v1/dossiers/", HTTP_AUTHORIZATION=f"Token {key}")
    assert r.status_code == 200 and r.json()["count"] == 6
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.clerk)
    assert browser.get("/api/v1/dossiers/").json()["count"] == 6
    # A session still needs the CSRF token to write (a token client does not).
    code = r.json()["results"][-1]["code"]
    assert browser.post(f"/api/v1/dossiers/{code}/accept/", {}).status_code == 403
    r = APIClient().post(f"/api/v1/dossiers/{code}/accept/", {}, format="json", HTTP_AUTHORIZATION=f"Token {key}")
    assert r.status_code in (200, 409)


def test_every_list_is_paginated_and_documented() -> None:
    build()
    unit = f.unit("H32.27.01")
    for n in range(3):
        f.official(f"extra{n}", unit, Role.SPECIALIST)
    inspector = f.official("inspector", f.unit("H32", level="province"), Role.INSPECTOR)
    c = APIClient()
    c.force_authenticate(inspector)
    lists = [
        path
        for path, item in SPEC["paths"].items()
        if any(p["name"] == "page" for p in item.get("get", {}).get("parameters", []))
    ]
    assert {"/api/v1/dossiers/", "/api/v1/procedures/", "/api/v1/units/", "/api/v1/fields/"} <= set(lists)
    assert {"/api/v1/linked-groups/", "/api/v1/officials/"} <= set(lists)
    for path in lists:
        schema = SPEC["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert schema.split("/")[-1].startswith("Paginated"), path
        page = c.get(path, {"page_size": 2}).json()
        assert set(page) == {"count", "next", "previous", "results"}, path
        assert len(page["results"]) == min(2, page["count"]), path
    officials = c.get("/api/v1/officials/", {"page_size": 2}).json()
    assert officials["count"] >= 6 and "page=2" in officials["next"]
    assert len(c.get("/api/v1/officials/", {"page_size": 10_000}).json()["results"]) == officials["count"]
    r = c.get("/api/v1/officials/", {"page": 99})
    assert r.status_code == 404 and r.json()["code"] == "not_found"


def test_refusals_share_one_error_body() -> None:
    world = build()
    c = APIClient()
    c.force_authenticate(world.clerk)
    code = "H32.27.01-260302-0001"
    bodies = [
        c.post(f"/api/v1/dossiers/{code}/withdraw/", "{not json", content_type="application/json"),  # 400 parse
        c.post(f"/api/v1/dossiers/{code}/withdraw/", "[1, 2]", content_type="application/json"),  # 400 not an object
        c.post(f"/api/v1/dossiers/{code}/withdraw/", "x", content_type="text/plain"),  # 415
        c.get("/api/v1/dossiers/nope/"),  # 404 from DRF
        c.get("/api/v1/officials/1.5/"),  # 404 from Django's URL resolver
        c.get("/api/v1/calendar/days", {"year": "x"}),  # 400 from a query serializer
        c.get("/api/v1/analytics/resolution", {"from": "2026-02-01", "to": "2026-01-01"}),
    ]
    assert [r.status_code for r in bodies] == [400, 400, 415, 404, 404, 400, 400]
    for r in bodies:
        assert r["Content-Type"] == "application/json" and {"code", "detail"} <= set(r.json()), r.content
    assert bodies[5].json()["fields"] == {"year": ["A valid integer is required."]}
    assert "from" in bodies[6].json()["fields"]


def test_token_cli_issues_rotates_and_revokes(capsys: pytest.CaptureFixture[str]) -> None:
    world = build()
    assert main(["token", "create", "clerk"]) == 0
    key = capsys.readouterr().out.strip()
    assert Token.objects.get(user=world.clerk).key == key
    assert main(["token", "create", "clerk"]) == 0 and capsys.readouterr().out.strip() == key
    assert main(["token", "create", "clerk", "--rotate"]) == 0
    assert capsys.readouterr().out.strip() not in ("", key)
    assert main(["token", "revoke", "clerk"]) == 0 and not Token.objects.filter(user=world.clerk).exists()
    capsys.readouterr()
    assert main(["token", "create", "nobody"]) == 2
    assert capsys.readouterr().err.strip() == "motcua: error: no account named 'nobody'"


def test_every_command_documents_its_body_and_refusals() -> None:
    from rest_framework.fields import FileField

    from motcua.dossiers.commands import COMMANDS

    posts = {path: item["post"] for path, item in SPEC["paths"].items() if "post" in item}
    documented = 0
    for command in COMMANDS.values():
        intake = {"receive": "", "submit_online": "online/", "receive_linked": "linked/", "refuse_new": "refuse-new/"}
        if command.creates:
            path = f"/api/v1/dossiers/{intake[command.name]}"
        else:
            path = f"/api/v1/dossiers/{{code}}/{command.slug}/"
        op = posts[path]
        content = op["requestBody"]["content"]
        has_files = any(isinstance(f, FileField) for f in command.schema().fields.values())
        assert (set(content) == {"multipart/form-data"}) == has_files, path
        for media in content.values():
            assert media["schema"]["$ref"].endswith(f"/{command.schema.__name__}Request"), path
        codes = {"400", "401", "403"} if command.creates else {"400", "401", "403", "404", "409"}
        for code in codes:
            assert op["responses"][code]["content"]["application/json"]["schema"]["$ref"].endswith("/Error"), (
                path,
                code,
            )
        documented += 1
    assert documented == len(COMMANDS) >= 26


def test_counter_refusal_has_an_endpoint_like_every_other_command() -> None:
    world = build()
    c = APIClient()
    c.force_authenticate(world.clerk)
    r = c.post("/api/v1/dossiers/refuse-new/", world.bodies["/api/v1/dossiers/refuse-new/"], format="json")
    assert r.status_code == 201 and r.json()["status"] == "refused", r.content
    c.force_authenticate(world.specialist)  # refusing at the counter is the clerk's
    r = c.post("/api/v1/dossiers/refuse-new/", world.bodies["/api/v1/dossiers/refuse-new/"], format="json")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
