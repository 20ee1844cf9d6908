from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _templates(request: pytest.FixtureRequest) -> None:
    """Seeded templates survive a transactional test's flush."""
    if "django_db" in request.keywords or {"db", "transactional_db"} & set(request.fixturenames):
        request.getfixturevalue("db" if "transactional_db" not in request.fixturenames else "transactional_db")
        from motcua.notifications.seed import ensure_templates

        ensure_templates()
