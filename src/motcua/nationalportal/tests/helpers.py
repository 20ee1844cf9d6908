"""Test helpers: signed posts through the Django test client, and the outbound adapter routed to the
simulator's receiver through the test client (same protocol, no sockets)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client

from motcua.dossiers.tests import factories as f
from motcua.nationalportal import protocol


def signed_post(client: Client, path: str, message: dict[str, Any], secret: str | None = None) -> Any:
    body = protocol.body_of(message)
    headers = protocol.sign(secret or settings.NATIONAL_SECRET, body)
    return client.post(
        path,
        data=body,
        content_type="application/json",
        headers={k: v for k, v in headers.items() if k != "Content-Type"},
    )


def via_client(url: str, message: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Stand-in for `channel.post`: the same signed request, handed to the simulator's receiver."""
    response = signed_post(Client(), urlsplit(url).path, message)
    return response.status_code, response.json()


def attachment(component: str, name: str, data: bytes, *, send: bool = True) -> dict[str, Any]:
    item: dict[str, Any] = {
        "component": component,
        "filename": name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
    }
    if send:
        item["content"] = base64.b64encode(data).decode()
    return item


def submitted(
    ref: str = "G22.260304.0001", *, attachments: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "message_id": f"{ref}:submit",
        "type": "dossier.submitted",
        "portal_ref": ref,
        "procedure": "1.001193",
        "unit": "H32.27.01",
        "applicant": {
            "id_number": "056090000001",
            "name": "Nguyễn Văn Ánh",
            "phone": "0905123456",
            "address": "12 Trần Phú, phường Nha Trang",
            "vneid_subject": "vneid-056090000001",
            "verified": True,
        },
        "form": {"noi_dung": "Đăng ký khai sinh cho con"},
        "attachments": attachments
        if attachments is not None
        else [
            attachment("1", "to-khai.pdf", f.PDF + b"1"),
            attachment("2", "giay-chung-sinh.pdf", f.PDF + b"2"),
        ],
        **extra,
    }
