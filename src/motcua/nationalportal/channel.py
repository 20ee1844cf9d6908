"""Delivery of outbound sync messages to the national portal: the outbox adapter of channel `dvcqg`.

The adapter interface is the outbox's (`notifications.channels.Adapter`: `send(Rendered) -> id`),
chosen by `MOTCUA_NATIONAL_ADAPTER`: `http` (default) posts the signed JSON protocol of
`protocol.py` to `MOTCUA_NATIONAL_URL` + `/api/receiver` — the local simulator speaks it, and a
gateway to the real DVCQG endpoints registers another provider under the same channel
(`notifications.channels.register("dvcqg", "name")`). Empty: sync switched off (rows fail visibly).

Order per dossier (feedback messages: per feedback code, keys `feedback:<code>:<kind>:portal`): a message is sent only after every earlier message of its dossier was
acknowledged (otherwise it is deferred without counting an attempt; if an earlier one failed for
good, it fails too, and the control room's re-send restarts the queue in order). The receiver
acknowledges `{"ack": seq}`; a repeated sequence is acknowledged again without effect; a gap is
answered 409 and retried with back-off.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from django.conf import settings
from django.utils import timezone

from motcua.nationalportal import protocol
from motcua.notifications.channels import (
    DeferredDelivery,
    DeliveryError,
    PermanentDeliveryError,
    Rendered,
    register,
)
from motcua.notifications.models import OutboxMessage, OutboxStatus

TIMEOUT_SECONDS = 10.0


def national_url() -> str:
    return str(getattr(settings, "NATIONAL_URL", "")).rstrip("/")


def secret() -> str:
    return str(getattr(settings, "NATIONAL_SECRET", ""))


def _check_turn(row: OutboxMessage) -> None:
    if row.dossier_id is not None:
        same = OutboxMessage.objects.filter(dossier_id=row.dossier_id)
    elif row.key.startswith("feedback:"):  # feedback (PAKN) messages: in order per feedback code
        same = OutboxMessage.objects.filter(key__startswith=row.key.rsplit(":", 2)[0] + ":")
    else:
        return
    earlier = (
        same.filter(channel=row.channel, id__lt=row.id)
        .exclude(status=OutboxStatus.SENT)
        .order_by("id")
        .values_list("key", "status")
        .first()
    )
    if earlier is None:
        return
    key, status = earlier
    if status == OutboxStatus.FAILED:
        raise PermanentDeliveryError(f"waiting for {key}, which failed; re-send the dossier")
    raise DeferredDelivery(f"waiting for {key}")


def _with_files(message: dict[str, Any]) -> dict[str, Any]:
    """The electronic result travels with its message (base64), checked by its SHA-256 on the other side."""
    result = message.get("result")
    if isinstance(result, dict) and result.get("document"):
        from motcua.documents.models import Document

        doc = Document.objects.filter(pk=result["document"]).first()
        if doc is None:
            raise PermanentDeliveryError(f"result document {result['document']} is missing")
        with doc.file.open("rb") as fh:
            data = fh.read()
        message = {**message, "result": {**result, "content": base64.b64encode(data).decode()}}
    return message


def post(url: str, message: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """POST one signed message; (status, JSON answer). Network trouble is a retryable DeliveryError."""
    import requests

    body = protocol.body_of(message)
    try:
        response = requests.post(url, data=body, headers=protocol.sign(secret(), body), timeout=TIMEOUT_SECONDS)
    except requests.RequestException as exc:
        raise DeliveryError(f"national portal unreachable: {exc}") from exc
    try:
        answer = response.json()
    except ValueError:
        answer = {"detail": response.text[:200]}
    return response.status_code, answer if isinstance(answer, dict) else {"detail": str(answer)[:200]}


class HttpNationalPortal:
    def send(self, message: Rendered) -> str:
        row = OutboxMessage.objects.get(key=message.key)
        _check_turn(row)
        payload = _with_files(json.loads(message.body))
        if not national_url():
            raise PermanentDeliveryError("MOTCUA_NATIONAL_URL is not set")
        status, answer = post(f"{national_url()}/api/receiver", payload)
        if status == 200 and answer.get("ack") == payload["seq"]:
            acknowledged(row.dossier_id, int(payload["seq"]))
            return f"{payload['code']}#{payload['seq']}"
        detail = str(answer.get("detail") or answer)[:500]
        if status in (400, 401, 403, 404, 422):
            raise PermanentDeliveryError(f"national portal refused ({status}): {detail}")
        raise DeliveryError(f"national portal answered {status}: {detail}")


def acknowledged(dossier_id: int | None, seq: int) -> None:
    """The national side acknowledged message `seq`: record it; the first acknowledgement makes the
    dossier count as synchronised (766 criterion 1.4)."""
    from motcua.dossiers.flags import mark_flags
    from motcua.nationalportal.models import NationalDossier

    if dossier_id is None:
        return
    nd = NationalDossier.objects.filter(dossier_id=dossier_id).first()
    if nd is None:
        return
    changes = ["acked_seq", "updated_at"]
    nd.acked_seq = max(nd.acked_seq, seq)
    if nd.acknowledged_at is None:
        nd.acknowledged_at = timezone.now()
        changes.append("acknowledged_at")
    nd.save(update_fields=changes)
    mark_flags(dossier_id, synced_national=True)


def register_channel() -> None:
    register("dvcqg", "http")(HttpNationalPortal)
