"""`POST /sim/dvcqg/api/receiver`: the national side's receiver of the province's messages.

Acknowledges each (dossier code, sequence) exactly once and only in order: the next sequence is
applied and acknowledged (`{"ack": seq}`); an old one is acknowledged again without effect (a
retry after a lost answer); a gap is refused with 409 so the province re-sends in order. When the
receiver is switched off (`ReceiverSwitch`, the simulator's control page) it answers 503, as a
national portal that is down would.

Feedback (PAKN) messages (`feedback.published`, `feedback.supplement`) are keyed by the feedback's
own code (`PAKN-…`, never a dossier code), and their `seq` is the feedback's event number: only some
events travel, so a later sequence is taken even with a gap (an old one is acknowledged again).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua.nationalportal import protocol
from motcua.portalsim.models import Citizen, PortalDossier, PortalFeedback, ProvinceMessage, ReceiverSwitch

FEEDBACK_TYPES = ("feedback.published", "feedback.supplement")


def _dossier_for(message: dict[str, Any]) -> PortalDossier | None:
    ref, code = str(message.get("portal_ref") or ""), str(message.get("code") or "")
    found = PortalDossier.objects.filter(ref=ref).first() if ref else None
    found = found or PortalDossier.objects.filter(code=code).first()
    if found is None and message.get("type") == "created":
        # A dossier received at a counter or filed with a clerk's help: the citizen sees it too.
        applicant = message.get("applicant") or {}
        procedure, unit = message.get("procedure") or {}, message.get("unit") or {}
        found = PortalDossier.objects.create(
            ref=ref or f"TINH-{code}",
            code=code,
            citizen=Citizen.objects.filter(id_number=applicant.get("id_number", "")).first(),
            procedure_code=procedure.get("code", ""),
            procedure_name=procedure.get("name", ""),
            unit_code=unit.get("code", ""),
            unit_name=unit.get("name", ""),
            delivery="delivered",
        )
    return found


def apply(d: PortalDossier | None, message: dict[str, Any]) -> str:
    """Update the portal's view of the dossier; '' or the reason the message cannot be taken."""
    if d is None:
        return ""
    kind = message.get("type")
    result = message.get("result")
    if kind == "result" and isinstance(result, dict):
        try:
            data = base64.b64decode(str(result.get("content") or ""), validate=True)
        except (binascii.Error, ValueError):
            return "result content is not base64"
        if hashlib.sha256(data).hexdigest() != result.get("sha256"):
            return "result content does not match its sha256"
        d.result_content, d.result_sha256 = data, str(result.get("sha256"))
        d.result_filename, d.result_code = (
            str(result.get("filename") or "ket-qua.pdf"),
            str(result.get("result_code") or ""),
        )
    if kind == "supplement_requested":
        d.supplement_items = list(message.get("items") or [])
        d.supplement_reason = str(message.get("reason") or "")
        d.supplement_answered = False
    d.code = str(message.get("code") or d.code)
    d.status = str(message.get("status") or d.status)
    d.status_label = str(message.get("status_label") or d.status_label)
    d.due_at = str(message.get("due_at") or "")
    d.appointment_at = str(message.get("appointment_at") or "")
    d.save()
    return ""


@csrf_exempt  # authenticated by the HMAC signature
@require_POST
def receive(request: HttpRequest) -> JsonResponse:
    if not ReceiverSwitch.is_online():
        return JsonResponse({"detail": "the national portal's receiver is unavailable"}, status=503)
    body = request.body
    if not protocol.verify_headers(settings.NATIONAL_SECRET, body, request.headers):
        return JsonResponse({"detail": "bad or missing signature"}, status=401)
    try:
        message = json.loads(body)
        code, seq = str(message["code"]), int(message["seq"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"detail": "need a JSON object with code and seq"}, status=400)
    if str(message.get("type") or "").startswith("feedback."):
        return _feedback(message, code, seq)
    with transaction.atomic():
        last = ProvinceMessage.objects.filter(code=code).aggregate(m=Max("seq"))["m"] or 0
        if seq <= last:
            return JsonResponse({"ack": seq, "duplicate": True})
        if seq != last + 1:
            return JsonResponse({"detail": f"out of order: expected seq {last + 1}"}, status=409)
        d = _dossier_for(message)
        problem = apply(d, message)
        if problem:
            transaction.set_rollback(True)
            return JsonResponse({"detail": problem}, status=422)
        stored = {k: v for k, v in message.items() if k != "result"}
        try:
            with transaction.atomic():
                ProvinceMessage.objects.create(
                    code=code, seq=seq, type=str(message.get("type", "")), payload=stored, dossier=d
                )
        except IntegrityError:
            return JsonResponse({"ack": seq, "duplicate": True})
    return JsonResponse({"ack": seq})


def _feedback(message: dict[str, Any], code: str, seq: int) -> JsonResponse:
    kind = str(message.get("type"))
    if kind not in FEEDBACK_TYPES:
        return JsonResponse({"detail": f"unsupported feedback message {kind!r}"}, status=422)
    with transaction.atomic():
        last = ProvinceMessage.objects.filter(code=code).aggregate(m=Max("seq"))["m"] or 0
        if seq <= last:
            return JsonResponse({"ack": seq, "duplicate": True})
        # A feedback not sent from this simulator (e.g. the demo's) is acknowledged and kept, as a
        # dossier message for a dossier the portal does not show is.
        fb = PortalFeedback.objects.select_for_update().filter(ref=str(message.get("external_id") or "")).first()
        if fb is not None:
            fb.code = code
            if kind == "feedback.published":
                fb.status = "published"
                fb.answer = str(message.get("answer") or "")
                fb.answered_at = str(message.get("answered_at") or "")[:40]
                fb.published_at = str(message.get("published_at") or "")[:40]
            else:
                fb.status = "supplement"
                fb.supplement_message = str(message.get("message") or "")
            fb.save()
        try:
            with transaction.atomic():
                ProvinceMessage.objects.create(code=code, seq=seq, type=kind[:40], payload=message)
        except IntegrityError:
            return JsonResponse({"ack": seq, "duplicate": True})
    return JsonResponse({"ack": seq})
