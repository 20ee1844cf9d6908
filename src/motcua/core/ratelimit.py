"""A small failure limiter on Django's cache, for public endpoints that must not be probed.

`FailureLimiter("lookup", limit=10, window=600)`: once a key (a client address) has `limit`
failures inside a window that starts at its first failure, `blocked(key)` is true until that
window has passed; then the count starts again. Successes are not counted. Limits may be callables
so that settings are read at call time. The window is kept as data (its start time) rather than
trusted to the cache's expiry, because some backends reset the expiry on `incr`.

The default cache is per process (LocMemCache): a server with several processes needs a shared
cache (`CACHES`) for the limit to hold across them.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable

from django.core.cache import caches

IntSetting = int | Callable[[], int]


def _value(setting: IntSetting) -> int:
    return setting() if callable(setting) else setting


class FailureLimiter:
    def __init__(self, scope: str, *, limit: IntSetting, window: IntSetting, cache_alias: str = "default") -> None:
        self.scope = scope
        self.limit = limit
        self.window = window
        self.cache_alias = cache_alias
        self.clock: Callable[[], float] = time.time

    def _keys(self, key: str) -> tuple[str, str]:
        # Hashed: cache keys stay short and valid for every backend, and hold no raw address.
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        base = f"motcua:ratelimit:{self.scope}:{digest}"
        return f"{base}:start", f"{base}:count"

    def _window_start(self, key: str, now: float) -> float | None:
        """Start of the key's current window, or None when it has none or it has passed."""
        start = caches[self.cache_alias].get(self._keys(key)[0])
        if start is None or now - float(start) >= _value(self.window):
            return None
        return float(start)

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again (0 when it is not blocked)."""
        now = self.clock()
        start = self._window_start(key, now)
        if start is None:
            return 0
        count = caches[self.cache_alias].get(self._keys(key)[1], 0)
        if count < _value(self.limit):
            return 0
        return max(1, math.ceil(start + _value(self.window) - now))

    def blocked(self, key: str) -> bool:
        return self.retry_after(key) > 0

    def fail(self, key: str) -> int:
        """Count one failure of `key`; returns the failures in its current window."""
        cache = caches[self.cache_alias]
        start_key, count_key = self._keys(key)
        now = self.clock()
        window = _value(self.window)
        if self._window_start(key, now) is None:
            cache.set(start_key, now, timeout=window)
            cache.set(count_key, 0, timeout=window)
        try:
            return int(cache.incr(count_key))
        except ValueError:  # expired between the two calls
            cache.set(count_key, 1, timeout=window)
            return 1

    def reset(self, key: str) -> None:
        caches[self.cache_alias].delete_many(list(self._keys(key)))
