"""Delivery channels behind a small registry: one adapter per channel, chosen by settings.

An adapter's `send(message)` must pass `message.key` to the provider as its idempotency key, so
that a retry after a crash (sent, but not yet marked `sent`) never reaches the citizen twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Rendered:
    """A message ready to hand to a provider."""

    key: str
    channel: str
    recipient: str
    subject: str
    body: str


class DeliveryError(Exception):
    """A failure worth retrying (provider down, timeout)."""


class PermanentDeliveryError(DeliveryError):
    """A failure that retrying cannot fix (bad recipient, missing template): fail at once."""


class DeferredDelivery(DeliveryError):
    """Not this message's turn yet (an earlier message of the same dossier is still on its way):
    put it back without counting an attempt, to be tried again after `delay_seconds`."""

    def __init__(self, message: str, delay_seconds: float = 5.0) -> None:
        super().__init__(message)
        self.delay_seconds = delay_seconds


class Adapter(Protocol):
    def send(self, message: Rendered) -> str:
        """Deliver the message; return the provider's message id."""
        ...


_FACTORIES: dict[tuple[str, str], Callable[[], Adapter]] = {}


def register(channel: str, provider: str) -> Callable[[Callable[[], Adapter]], Callable[[], Adapter]]:
    def decorator(factory: Callable[[], Adapter]) -> Callable[[], Adapter]:
        _FACTORIES[(channel, provider)] = factory
        return factory

    return decorator


def provider_for(channel: str) -> str:
    from django.conf import settings

    return {
        "email": "smtp",
        "sms": getattr(settings, "SMS_PROVIDER", "simulator") or "simulator",
        "zalo": getattr(settings, "ZALO_PROVIDER", "simulator") or "simulator",
        "dvcqg": getattr(settings, "NATIONAL_ADAPTER", "http") or "off",
    }.get(channel, "simulator")


def adapter_for(channel: str) -> Adapter:
    """The configured adapter of a channel (importing the channel modules registers them)."""
    from motcua.notifications.channels import email, sms, zalo  # noqa: F401

    provider = provider_for(channel)
    factory = _FACTORIES.get((channel, provider))
    if factory is None:
        raise PermanentDeliveryError(f"Không có kênh gửi {channel}/{provider}.")
    return factory()
