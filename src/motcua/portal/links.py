"""Public links printed on paper (contracts §8.1): they must keep working, so they are built in one place."""

from __future__ import annotations

from urllib.parse import urlencode

from motcua import config

LOOKUP_PATH = "/tra-cuu/"


def lookup_url(code: str) -> str:
    """`{MOTCUA_PUBLIC_URL}/tra-cuu/?ma=CODE`: the receipt's QR code, opened by a phone camera."""
    return f"{config.public_url()}{LOOKUP_PATH}?{urlencode({'ma': code})}"
