"""The committed OpenAPI document tells the truth about the running API.

Schemathesis reads `docs/openapi.yaml`, generates requests for every operation (valid and
invalid ones, a bounded number, deterministically) and sends them to the WSGI application, as a
signed-in clerk (token) and anonymously, over a small demo-like data set whose codes the path
parameters are drawn from. Every answer must be documented: no 5xx, a documented status code
and content type, a body that validates against the documented schema.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from motcua.core.tests.api_world import ApiWorld, build

pytestmark = pytest.mark.django_db  # ~25 s for both runs on an idle 2-core machine: not `slow`

SPEC = Path(__file__).resolve().parents[4] / "docs" / "openapi.yaml"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = int(os.environ.get("MOTCUA_SPEC_EXAMPLES", "10"))  # per operation and mode; raise it to hunt


@pytest.fixture
def wsgi_app(settings: Any) -> Iterator[WSGIHandler]:
    """The real WSGI handler, kept inside the test's transaction (as Django's test client does)."""
    settings.ALLOWED_HOSTS = ["localhost"]
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _negatable(operation: Any, with_path: bool) -> bool:
    """Whether negative mode can make anything of it invalid (a free-text path key cannot be)."""
    typed_path = any(p.definition.get("schema", {}).get("type") != "string" for p in operation.path_parameters)
    return bool(list(operation.query)) or bool(operation.body) or (with_path and typed_path)


def _strategy(operation: Any, mode: GenerationMode, headers: dict[str, str], world: ApiWorld) -> Any:
    """Generated cases whose path parameters are mostly real keys (so commands reach real dossiers),
    plus, for an intake, a body that succeeds (random procedure codes never do)."""
    names = [p.name for p in operation.path_parameters]
    real = world.keys.get(operation.path.split("/")[3], []) if names else []
    if mode == GenerationMode.NEGATIVE and not _negatable(operation, with_path=False):
        real = []  # with the key fixed nothing is left to make invalid
    variants = [operation.as_strategy(mode, headers=headers or None)]
    for key in real:
        variants.append(operation.as_strategy(mode, headers=headers or None, path_parameters={names[0]: key}))
    body = world.bodies.get(operation.path) if operation.method.upper() == "POST" else None
    if body is not None and mode == GenerationMode.POSITIVE:
        variants.append(operation.as_strategy(mode, headers=headers or None, body=body, media_type="application/json"))
    return st.one_of(*variants)


def _run(operation: Any, mode: GenerationMode, app: Any, headers: dict[str, str], world: ApiWorld) -> None:
    @given(case=_strategy(operation, mode, headers, world))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        response = case.call(app=app)
        case.validate_response(response, checks=CHECKS)

    check()


@pytest.mark.parametrize("who", ["anonymous", "clerk"])
def test_every_operation_answers_as_documented(who: str, wsgi_app: WSGIHandler) -> None:
    world = build()
    user = getattr(world, who, None)
    headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"} if user else {}
    schema = schemathesis.openapi.from_path(SPEC)
    schema.config.generation.update(with_security_parameters=False)
    failures, ran = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        ran += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            if mode == GenerationMode.NEGATIVE and not _negatable(operation, with_path=True):
                continue
            try:
                _run(operation, mode, wsgi_app, headers, world)
            except (Exception, BaseExceptionGroup) as exc:  # every operation's first failure, reported together
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert ran >= 40, "the document lost operations"
    assert not failures, f"{len(failures)} operations answer outside the document:\n\n" + "\n\n".join(failures)
