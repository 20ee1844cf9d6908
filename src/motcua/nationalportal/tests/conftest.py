from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.tests import factories as f
from motcua.nationalportal import channel
from motcua.nationalportal.tests.helpers import via_client
from motcua.organizations.models import Role


@pytest.fixture(autouse=True)
def _templates(request: pytest.FixtureRequest) -> None:
    if "django_db" in request.keywords or {"db", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("db" if "transactional_db" not in request.fixturenames else "transactional_db")
        from motcua.notifications.seed import ensure_templates

        ensure_templates()


@pytest.fixture
def wired(monkeypatch: pytest.MonkeyPatch) -> None:
    """Outbound messages reach the simulator's receiver through the test client."""
    monkeypatch.setattr(channel, "post", via_client)


@pytest.fixture
def commune(db: None) -> Any:
    unit = f.unit("H32.27.01", name="UBND phường Nha Trang")
    f.procedure("1.001193", amount=5, name="Đăng ký khai sinh")
    return unit


@pytest.fixture
def clerk(commune: Any) -> Any:
    return f.official("clerk", commune, Role.CLERK)


@pytest.fixture
def specialist(commune: Any) -> Any:
    return f.official("specialist", commune, Role.SPECIALIST)
