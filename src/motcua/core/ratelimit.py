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
                key = client_address(raw)
                wait = lim.retry_after(key)
                if wait:
                    return too_many(raw, wait)
                lim.fail(key)
            return view(*args, **kwargs)

        wrapper.limiter = lim  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
