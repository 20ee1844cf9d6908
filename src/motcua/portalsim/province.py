"""How the simulated national portal talks to the province (motcua): only over HTTP.

Reads the public catalogue API (`/api/v1/procedures/`, `/api/v1/units/`) and posts signed messages
to the province's inbound endpoint (`/dvcqg/inbound`, `nationalportal.protocol`), exactly as the
real portal would; never motcua's tables.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from motcua.nationalportal import protocol
from motcua.portalsim.models import Delivery, PortalDossier, PortalFile

TIMEOUT = 15.0
CACHE_SECONDS = 300


def province_url(request: HttpRequest) -> str:
    """The province's address as the portal reaches it (the same server in the demo and tests)."""
    return request.build_absolute_uri("/").rstrip("/")


def _get_all(url: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    next_url: str | None = url
    while next_url:
        response = requests.get(next_url, timeout=TIMEOUT)
        response.raise_for_status()
        page = response.json()
        items += page["results"]
        next_url = page.get("next")
    return items


def procedures(request: HttpRequest) -> list[dict[str, Any]]:
    """The province's procedures offered online (cached a few minutes)."""
    base = province_url(request)
    key = f"portalsim:procedures:{base}"
    found: list[dict[str, Any]] | None = cache.get(key)
    if found is None:
        found = [p for p in _get_all(f"{base}/api/v1/procedures/?page_size=500") if p.get("online") != "none"]
        cache.set(key, found, CACHE_SECONDS)
    return found


def procedure(request: HttpRequest, code: str) -> dict[str, Any] | None:
    response = requests.get(f"{province_url(request)}/api/v1/procedures/{code}/", timeout=TIMEOUT)
    if response.status_code != 200:
        return None
    data: dict[str, Any] = response.json()
    return data


def units(request: HttpRequest, levels: list[str]) -> list[dict[str, Any]]:
    base = province_url(request)
    key = f"portalsim:units:{base}"
    found: list[dict[str, Any]] | None = cache.get(key)
    if found is None:
        found = _get_all(f"{base}/api/v1/units/?page_size=500")
        cache.set(key, found, CACHE_SECONDS)
    return [u for u in found if u.get("active", True) and (not levels or u.get("level") in levels)]


def send(request: HttpRequest, message: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Post one signed message to the province; (0, {...}) when it cannot be reached."""
    body = protocol.body_of(message)
    try:
        response = requests.post(
            f"{province_url(request)}/dvcqg/inbound",
            data=body,
            headers=protocol.sign(settings.NATIONAL_SECRET, body),
            timeout=TIMEOUT,
        )
    except requests.RequestException as exc:
        return 0, {"detail": str(exc)}
    try:
        answer = response.json()
    except ValueError:
        answer = {"detail": response.text[:200]}
    return response.status_code, answer


def attachment(f: PortalFile) -> dict[str, Any]:
    return {
        "component": f.component,
        "filename": f.filename,
        "sha256": f.sha256,
        "size": f.size,
        "content": base64.b64encode(bytes(f.content)).decode(),
    }


def deliver_filing(request: HttpRequest, d: PortalDossier) -> None:
    """Send a filed dossier to the province (again, if it was pending or held); record the answer."""
    citizen = d.citizen
    message = {
        "message_id": f"{d.ref}:submit:{secrets.token_hex(4)}",
        "type": "dossier.submitted",
        "portal_ref": d.ref,
        "procedure": d.procedure_code,
        "unit": d.unit_code,
        "applicant": {
            "id_number": citizen.id_number if citizen else "",
            "name": citizen.name if citizen else "",
            "birth_date": citizen.birth_date.isoformat() if citizen else "",
            "phone": citizen.phone if citizen else "",
            "email": citizen.email if citizen else "",
            "address": citizen.address if citizen else "",
            "vneid_subject": citizen.subject if citizen else "",
            "verified": citizen is not None,
        },
        "form": d.form,
        "attachments": [attachment(f) for f in d.files.filter(purpose="filing").order_by("id")],
    }
    status, answer = send(request, message)
    if status in (200, 201):
        d.delivery, d.code, d.delivery_note = Delivery.DELIVERED, str(answer.get("code", "")), ""
        if not d.status:
            d.status, d.status_label = "submitted", "Đã nộp, chờ tiếp nhận"
    elif status == 202:
        d.delivery, d.delivery_note = (
            Delivery.HELD,
            "; ".join(
                f"{p.get('filename') or p.get('component')}: {p.get('problem')}" for p in answer.get("problems", [])
            ),
        )
    elif status in (0, 500, 502, 503, 504):
        d.delivery, d.delivery_note = Delivery.PENDING, str(answer.get("detail", ""))[:500]
    else:
        d.delivery, d.delivery_note = Delivery.REJECTED, str(answer.get("detail", ""))[:500]
    d.save(update_fields=["delivery", "code", "delivery_note", "status", "status_label"])
