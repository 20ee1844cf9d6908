"""Shared pytest fixtures."""

from __future__ import annotations

import pytest
from django.db import connection


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip `postgres`-marked tests when the suite runs on SQLite."""
    from django.conf import settings

    if str(settings.DATABASES["default"]["ENGINE"]).endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (run `make test-postgres`)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
