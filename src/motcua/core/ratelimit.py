"""A small failure limiter on Django's cache, for public endpoints that must not be probed.

`FailureLimiter("lookup", limit=10, window=600)`: once a key (a client address) has `limit`
failures inside a window that starts at its first failure, `blocked(key)` is true until that
window has passed; then the count starts again. Successes are not counted. Limits may be callables
so that settings are read at call time. The window is kept as data (its start time) rather than
trusted to the cache's expiry, because some backends reset the expiry on `incr`.

`rate_limited(scope)` limits every request of a public view (not only failures) per client address:
a form or endpoint anyone may post to (feedback, online filing, a sign-in callback) wears it.

Counts live in Django's default cache, which settings make shared by every process of the server
(`MOTCUA_CACHE`: a file cache under the data dir, or the database cache table for several
machines), so `motcua serve`'s workers count together. Counting is approximate under races (a
lost increment lets one more request through), never stricter than the limit.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import caches
from django.http import HttpRequest, HttpResponse, JsonResponse

from motcua import config

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

    def _key(self, key: str) -> str:
        # Hashed: cache keys stay short and valid for every backend, and hold no raw address.
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        return f"motcua:ratelimit:{self.scope}:{digest}:window"

    # One cache entry per key, `(window start, count)`: a public request costs one read and one
    # write of the shared cache (with the file cache a write is a file replaced by rename, the
    # dearest step of a look-up: docs/benchmarks.md, session 4).
    def _current(self, cache_key: str, now: float, window: int) -> tuple[float, int] | None:
        """(start, count) of the key's current window, or None when it has none or it has passed."""
        value = caches[self.cache_alias].get(cache_key)
        if value is None:
            return None
        start, count = float(value[0]), int(value[1])
        return None if now - start >= window else (start, count)

    def _count(self, cache_key: str, now: float, window: int, current: tuple[float, int] | None) -> int:
        start, count = current or (now, 0)
        count += 1
        # The entry lives as long as its window (the window itself is checked from its start).
        caches[self.cache_alias].set(cache_key, (start, count), timeout=max(1, math.ceil(start + window - now)))
        return count

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again (0 when it is not blocked)."""
        now, window = self.clock(), _value(self.window)
        current = self._current(self._key(key), now, window)
        if current is None or current[1] < _value(self.limit):
            return 0
        return max(1, math.ceil(current[0] + window - now))

    def blocked(self, key: str) -> bool:
        return self.retry_after(key) > 0

    def fail(self, key: str) -> int:
        """Count one failure of `key`; returns the failures in its current window."""
        cache_key, now, window = self._key(key), self.clock(), _value(self.window)
        return self._count(cache_key, now, window, self._current(cache_key, now, window))

    def hit(self, key: str) -> int:
        """`retry_after(key)`, and when that is 0 also count one request: one read, one write."""
        cache_key, now, window = self._key(key), self.clock(), _value(self.window)
        current = self._current(cache_key, now, window)
        if current is not None and current[1] >= _value(self.limit):
            return max(1, math.ceil(current[0] + window - now))
        self._count(cache_key, now, window, current)
        return 0

    def reset(self, key: str) -> None:
        caches[self.cache_alias].delete(self._key(key))


F = TypeVar("F", bound=Callable[..., Any])


def client_address(request: HttpRequest) -> str:
    """The address limits count against: the socket's, or what the trusted proxies report
    (`MOTCUA_TRUSTED_PROXIES`, the same rule as the login lock-out)."""
    from motcua.core.auth import client_address as address

    return address(request) or "unknown"


def public_limiter(scope: str) -> FailureLimiter:
    """A limiter of every request to one public form or endpoint (`MOTCUA_PUBLIC_RATE_*`)."""
    return FailureLimiter(
        scope,
        limit=lambda: config.env_int("MOTCUA_PUBLIC_RATE_LIMIT"),
        window=lambda: config.env_int("MOTCUA_PUBLIC_RATE_WINDOW_SECONDS"),
    )


TOO_MANY_REQUESTS = "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau ít phút."


def too_many(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 with `Retry-After`: the API's error body under /api/, a short Vietnamese page otherwise."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "rate_limited", "detail": "Too many requests; retry later."}, status=429)
    else:
        response = HttpResponse(TOO_MANY_REQUESTS.encode(), status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(
    scope: str, *, methods: tuple[str, ...] = ("POST",), limiter: FailureLimiter | None = None
) -> Callable[[F], F]:
    """Limit a public view to `MOTCUA_PUBLIC_RATE_LIMIT` requests per window per client address.

    `methods`: which requests count and are refused (default POST: showing a form stays free;
    pass ("GET", "POST") for an endpoint that answers GETs). Works on function views and on view
    methods (DRF `APIView.post(self, request)`): the request is the first argument that is one.
    """
    lim = limiter or public_limiter(scope)

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            request = next(a for a in args if isinstance(a, HttpRequest) or hasattr(a, "_request"))
            raw: HttpRequest = getattr(request, "_request", request)
            if raw.method in methods:
                wait = lim.hit(client_address(raw))
                if wait:
                    return too_many(raw, wait)
            return view(*args, **kwargs)

        wrapper.limiter = lim  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
