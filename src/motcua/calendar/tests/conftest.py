from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    """Tests roll their transactions back; a calendar cached inside one must not leak into the next."""
    from motcua.calendar import service

    service.invalidate()
    yield
    service.invalidate()
