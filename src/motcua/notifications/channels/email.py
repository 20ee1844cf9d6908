"""E-mail through Django's backend: SMTP when `MOTCUA_EMAIL_URL` is set, otherwise locmem.

SMTP has no idempotency key; the outbox key becomes the Message-ID so that mail servers and
clients can drop a duplicate after a crash-and-retry.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from motcua.notifications.channels import DeliveryError, PermanentDeliveryError, Rendered, register, simulator


def _connection() -> Any:
    url = getattr(settings, "EMAIL_URL", "")
    if not url:
        return get_connection()
    parts = urlsplit(url)
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=parts.hostname or "localhost",
        port=parts.port or 25,
        username=unquote(parts.username or "") or None,
        password=unquote(parts.password or "") or None,
        use_tls=parts.scheme in {"smtp+tls", "submission"},
        use_ssl=parts.scheme == "smtps",
        timeout=30,
    )


class DjangoEmail:
    def send(self, message: Rendered) -> str:
        if "@" not in message.recipient:
            raise PermanentDeliveryError(f"Địa chỉ thư điện tử không hợp lệ: {message.recipient!r}")
        digest = hashlib.sha256(message.key.encode()).hexdigest()[:32]
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"
        message_id = f"<{digest}@{domain}>"
        mail = EmailMessage(
            subject=message.subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"Message-ID": message_id, "X-Idempotency-Key": message.key},
            connection=_connection(),
        )
        try:
            mail.send(fail_silently=False)
        except OSError as exc:
            raise DeliveryError(f"SMTP: {exc}") from exc
        if not getattr(settings, "EMAIL_URL", ""):
            # Offline: also record in the simulator, so the demo shows what the citizen received.
            simulator.deliver(message)
        return message_id


register("email", "smtp")(DjangoEmail)
