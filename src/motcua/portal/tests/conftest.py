from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def clean_limits() -> Iterator[None]:
    """The look-up limiter counts failures in the cache: every test starts and ends with none."""
    cache.clear()
    yield
    cache.clear()
