"""core.ratelimit.FailureLimiter: N failures per window per key, then blocked until the window passes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache

from motcua.core.ratelimit import FailureLimiter


@pytest.fixture(autouse=True)
def clean() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def limiter(now: list[float], limit: int = 3, window: int = 60) -> FailureLimiter:
    lim = FailureLimiter("test", limit=limit, window=window)
    lim.clock = lambda: now[0]
    return lim


def test_blocks_after_the_limit_until_the_window_from_the_first_failure_passes() -> None:
    now = [1000.0]
    lim = limiter(now)
    assert [lim.fail("a") for _ in range(2)] == [1, 2]
    assert not lim.blocked("a")
    now[0] += 30
    assert lim.fail("a") == 3
    assert lim.blocked("a") and lim.retry_after("a") == 30  # the window began at the first failure
    assert not lim.blocked("b")
    now[0] += 29.5
    assert lim.blocked("a")
    now[0] += 0.5
    assert not lim.blocked("a")
    assert lim.fail("a") == 1  # a new window


def test_limits_read_at_call_time_and_reset() -> None:
    now = [0.0]
    setting = {"limit": 1}
    lim = FailureLimiter("test2", limit=lambda: setting["limit"], window=lambda: 60)
    lim.clock = lambda: now[0]
    lim.fail("a")
    assert lim.blocked("a")
    setting["limit"] = 5
    assert not lim.blocked("a")
    setting["limit"] = 1
    lim.reset("a")
    assert not lim.blocked("a")


def test_scopes_are_separate() -> None:
    now = [0.0]
    one, two = limiter(now, limit=1), FailureLimiter("other", limit=1, window=60)
    two.clock = one.clock
    one.fail("a")
    assert one.blocked("a") and not two.blocked("a")
