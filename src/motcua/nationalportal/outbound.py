"""Outbound sync: every synchronised event of a dossier known to the national portal becomes one outbox row.

`on_dossier_state_changed` runs inside the transaction that appends the event (the dossier row is
locked), so the message exists if and only if the event does. Messages are numbered per dossier
(`seq` = 1, 2, 3 … with no gaps) and keyed `dvcqg:<code>:<seq>`: the outbox enqueues each key once,
the delivery adapter sends them in order (`channel.py`) and the national side acknowledges each
sequence once (a repeat is acknowledged again without effect).

Which dossiers: those filed on the national portal or through assisted filing (they have a
`NationalDossier`), and — with `MOTCUA_NATIONAL_SYNC_ALL=1` — every dossier received at a counter
too. Liên thông sub-dossiers speak through their lead dossier.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from motcua.dossiers import clock
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.nationalportal.models import NationalDossier, Source
from motcua.notifications import outbox

CHANNEL = "dvcqg"

# Event type -> message type on the national side.
KINDS = {
    "received": "accepted",
    "refused": "refused",
    "supplement_requested": "supplement_requested",
    "supplement_supplied": "supplement_received",
    "closed": "status",
    "step_started": "progress",
    "step_completed": "progress",
    "fee_requested": "fee_requested",
    "fee_confirmed": "status",
    "clock_paused": "status",
    "clock_resumed": "status",
    "stopped": "status",
    "apology_approved": "apology",
    "finished": "status",
    "result_recorded": "result",
    "early_return_notice": "status",
    "returned": "status",
    "withdrawn": "status",
    "due_recomputed": "status",
}
# Payload keys that may go to the national side (no internal ids besides documents).
PAYLOAD_KEYS = ("reason", "items", "new_appointment_at", "result_code", "amount", "close_after", "restarted")


def enabled() -> bool:
    return bool(getattr(settings, "NATIONAL_ADAPTER", "http"))


def sync_all() -> bool:
    return bool(getattr(settings, "NATIONAL_SYNC_ALL", False))


def message_for(
    d: Dossier, nd: NationalDossier, seq: int, type_: str, at: Any, payload: dict[str, Any]
) -> dict[str, Any]:
    kind = KINDS[type_]
    if seq == 1 and nd.source != Source.PORTAL:
        kind = "created"  # the national side hears of this dossier for the first time
    message: dict[str, Any] = {
        "message_id": f"{CHANNEL}:{d.code}:{seq}",
        "code": d.code,
        "portal_ref": nd.portal_ref or "",
        "seq": seq,
        "type": kind,
        "event": type_,
        "at": clock.iso(at),
        "status": d.status,
        "status_label": str(Status(d.status).label),
        "procedure": {"code": d.procedure.code, "name": d.procedure.name},
        "unit": {"code": d.unit.code, "name": d.unit.name},
        "received_at": clock.iso(d.received_at) if d.status != Status.SUBMITTED else None,
        "due_at": clock.iso(d.due_at),
        "appointment_at": clock.iso(d.appointment_at),
        "finished_at": clock.iso(d.finished_at),
        "returned_at": clock.iso(d.returned_at),
    }
    for key in PAYLOAD_KEYS:
        if key in payload:
            message[key] = payload[key]
    if isinstance(payload.get("step"), dict):
        message["step"] = payload["step"].get("name", "")
    if type_ == "result_recorded":
        message["result"] = {
            "document": payload.get("document"),
            "filename": payload.get("filename"),
            "sha256": payload.get("sha256"),
            "result_code": payload.get("result_code"),
        }
    if kind == "created":
        message["channel"] = d.channel
        message["applicant"] = {
            "name": d.applicant_name,
            "id_number": d.applicant_id_number,
            "phone": d.applicant_phone,
            "email": d.applicant_email,
        }
    return message


def on_dossier_state_changed(sender: Any, dossier: Dossier, before: Any = None, **kwargs: Any) -> None:
    """Receiver of `dossier_state_changed` (same transaction as the event)."""
    d = dossier
    if kwargs.get("flags_only") or not enabled() or d.parent_id is not None:
        return
    if d.channel != "online" and not sync_all():
        return
    event = DossierEvent.objects.filter(dossier=d, seq=d.event_count).values_list("type", "at", "payload").first()
    if event is None:
        return
    type_, at, payload = event
    if type_ not in KINDS:
        return
    nd = NationalDossier.objects.filter(dossier=d).first()
    if nd is None:
        if not sync_all():
            return
        nd = NationalDossier.objects.create(
            dossier=d,
            source=Source.COUNTER,
            procedure_code=d.procedure.code,
            unit_code=d.unit.code,
            applicant_name=d.applicant_name,
        )
    nd.out_seq += 1
    nd.save(update_fields=["out_seq", "updated_at"])
    message = message_for(d, nd, nd.out_seq, type_, at, payload or {})
    outbox.enqueue(
        key=message["message_id"],
        channel=CHANNEL,
        recipient=nd.portal_ref or d.code,
        template=message["type"],
        context=message,
        dossier=d,
    )
