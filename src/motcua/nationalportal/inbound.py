"""Inbound messages from the national portal (DVCQG): online dossiers, supplements, ratings, and hooks.

Each message is one signed JSON object (`protocol.py`) with a `message_id` and a `type`:

| type | effect |
|---|---|
| `dossier.submitted` | every attachment checked (present, size, SHA-256): complete → the dossier enters the intake queue (`submit_online` + `attach_document`, one transaction) with the VNeID-verified applicant; incomplete → held (`NationalDossier.state = held`, listed in the control room), never received empty |
| `supplement.answered` | the supplied files (checked the same way) and `supply_supplement` (the clock restarts) |
| `rating.submitted` | a per-dossier rating (Decree 118 Art. 33 answers, `ratings.service.record`) |
| anything else | a handler registered with `register(type, fn)`: `payment.made` (`payments.portal`), `feedback.submitted` / `feedback.rated` / `feedback.supplemented` (`feedback.portal`) |

A repeated `message_id` gets the first answer and changes nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from motcua.core.text import nfc_deep
from motcua.dossiers.commands import execute
from motcua.dossiers.commands.kernel import SYSTEM, DossierError, Upload
from motcua.dossiers.commands.pipeline import as_file
from motcua.nationalportal.models import InboundMessage, NationalDossier, Source, State


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


Handler = Callable[[dict[str, Any]], Answer]
# ---- HOOK for other apps -----------------------------------------------------------------------
# `pay` registers "payment.made" (a fee paid on the national portal) and `voice` registers
# "feedback.submitted" (PAKN from the portal) here, from their AppConfig.ready():
#     from motcua.nationalportal.inbound import Answer, register
#     register("payment.made", lambda message: Answer(200, {...}))
HANDLERS: dict[str, Handler] = {}


def register(type_: str, handler: Handler) -> None:
    HANDLERS[type_] = handler


MAX_ATTACHMENTS = 30


def bad(detail: str, **extra: Any) -> Answer:
    return Answer(400, {"detail": detail, **extra})


def check_attachments(items: Any) -> tuple[list[tuple[str, Upload]], list[dict[str, str]]]:
    """Each declared attachment must have arrived whole: ((component, upload) list, problems)."""
    if not isinstance(items, list) or len(items) > MAX_ATTACHMENTS:
        return [], [{"component": "", "filename": "", "problem": "attachments must be a list of at most 30"}]
    files: list[tuple[str, Upload]] = []
    problems: list[dict[str, str]] = []
    for item in items:
        if not isinstance(item, dict):
            problems.append({"component": "", "filename": "", "problem": "not_an_object"})
            continue
        component, name = str(item.get("component") or ""), str(item.get("filename") or "")
        declared, size = str(item.get("sha256") or "").lower(), item.get("size")
        content = item.get("content")
        problem = ""
        if not component or not name or len(declared) != 64:
            problem = "incomplete_manifest"
        elif not content:
            problem = "missing"
        else:
            try:
                data = base64.b64decode(str(content), validate=True)
            except (binascii.Error, ValueError):
                problem = "unreadable"
            else:
                if isinstance(size, int) and size != len(data):
                    problem = "size_mismatch"
                elif hashlib.sha256(data).hexdigest() != declared:
                    problem = "sha256_mismatch"
                else:
                    files.append((component, Upload(name, data)))
        if problem:
            problems.append({"component": component, "filename": name, "problem": problem})
    return files, problems


def _applicant(raw: Any) -> dict[str, Any]:
    a = raw if isinstance(raw, dict) else {}
    return {
        "applicant_name": str(a.get("name") or ""),
        "applicant_id_number": str(a.get("id_number") or ""),
        "applicant_phone": str(a.get("phone") or ""),
        "applicant_email": str(a.get("email") or ""),
        "applicant_address": str(a.get("address") or ""),
    }


def _dossier_error(exc: DossierError) -> Answer:
    return Answer(422, {"detail": str(exc.message), "code": exc.code, "fields": exc.fields})


def submitted(message: dict[str, Any], source: str = Source.PORTAL) -> Answer:
    ref = str(message.get("portal_ref") or "")
    if not ref or len(ref) > 64:
        return bad("portal_ref is required (at most 64 characters)")
    raw_applicant = message.get("applicant")
    applicant: dict[str, Any] = raw_applicant if isinstance(raw_applicant, dict) else {}
    if "attachments" not in message:
        return bad("attachments is required (the manifest of every file, with sha256 and size)")
    existing = NationalDossier.objects.filter(portal_ref=ref, state=State.RECEIVED).select_related("dossier").first()
    if existing is not None and existing.dossier is not None:
        return Answer(200, {"status": "received", "portal_ref": ref, "code": existing.dossier.code})
    files, problems = check_attachments(message["attachments"])
    raw_form = message.get("form")
    common: dict[str, Any] = {
        "procedure_code": str(message.get("procedure") or "")[:40],
        "unit_code": str(message.get("unit") or "")[:40],
        "applicant_name": str(applicant.get("name") or "")[:255],
        "vneid_subject": str(applicant.get("vneid_subject") or "")[:100],
        "identity_verified": applicant.get("verified") is True,
        "form": raw_form if isinstance(raw_form, dict) else {},
        "source": source,
    }
    if problems:
        NationalDossier.objects.update_or_create(
            portal_ref=ref, defaults={**common, "state": State.HELD, "problems": problems, "dossier": None}
        )
        return Answer(202, {"status": "held", "portal_ref": ref, "problems": problems})
    data = {
        "procedure": str(message.get("procedure") or ""),
        "unit": str(message.get("unit") or ""),
        "idempotency_key": f"dvcqg:{ref}",
        **_applicant(applicant),
    }
    try:
        with transaction.atomic():
            d = execute("submit_online", SYSTEM, data=data)
            if d.event_count == 1:  # a new dossier (a retry returns the first one, files already there)
                for component, upload in files:
                    execute("attach_document", SYSTEM, d, {"file": as_file(upload), "component": component})
            NationalDossier.objects.update_or_create(
                portal_ref=ref, defaults={**common, "state": State.RECEIVED, "problems": [], "dossier": d}
            )
    except DossierError as exc:
        return _dossier_error(exc)
    return Answer(201, {"status": "received", "portal_ref": ref, "code": d.code})


def _national(message: dict[str, Any]) -> NationalDossier | None:
    ref = str(message.get("portal_ref") or "")
    return NationalDossier.objects.filter(portal_ref=ref, state=State.RECEIVED).select_related("dossier").first()


def supplement_answered(message: dict[str, Any]) -> Answer:
    nd = _national(message)
    if nd is None or nd.dossier is None:
        return Answer(404, {"detail": "unknown portal_ref"})
    files, problems = check_attachments(message.get("attachments", []))
    if problems:
        return Answer(422, {"detail": "attachments did not all arrive intact; send them again", "problems": problems})
    try:
        with transaction.atomic():
            d = nd.dossier
            for component, upload in files:
                execute("attach_document", SYSTEM, d, {"file": as_file(upload), "component": component})
            execute("supply_supplement", SYSTEM, d, {})
    except DossierError as exc:
        return _dossier_error(exc)
    d.refresh_from_db()
    return Answer(200, {"status": d.status, "code": d.code, "due_at": d.due_at.isoformat() if d.due_at else None})


def rating_submitted(message: dict[str, Any]) -> Answer:
    from motcua.ratings import rules, service
    from motcua.ratings.models import RatingChannel

    nd = _national(message)
    if nd is None or nd.dossier is None:
        return Answer(404, {"detail": "unknown portal_ref"})
    try:
        rating = service.record(
            nd.dossier,
            RatingChannel.PORTAL,
            message.get("answers") or {},
            scale=str(message.get("scale") or rules.DEFAULT_SCALE),
            comment=str(message.get("comment") or ""),
        )
    except rules.RatingError as exc:
        return Answer(422, {"detail": str(exc)})
    except service.AlreadyRated:
        return Answer(409, {"detail": "this dossier was already rated on the national portal"})
    return Answer(200, {"status": "rated", "code": nd.dossier.code, "overall": rating.overall})


BUILTIN: dict[str, Handler] = {
    "dossier.submitted": submitted,
    "supplement.answered": supplement_answered,
    "rating.submitted": rating_submitted,
}


def handle(message: Any) -> Answer:
    """Dispatch one verified message; a repeated `message_id` gets its first (successful) answer."""
    if not isinstance(message, dict):
        return bad("the body must be a JSON object")
    message = nfc_deep(message)
    message_id, type_ = str(message.get("message_id") or ""), str(message.get("type") or "")
    if not message_id or len(message_id) > 120:
        return bad("message_id is required (at most 120 characters)")
    seen = InboundMessage.objects.filter(message_id=message_id).first()
    if seen is not None:
        return Answer(seen.status_code, seen.answer)
    handler = BUILTIN.get(type_) or HANDLERS.get(type_)
    if handler is None:
        return Answer(422, {"detail": f"unsupported message type {type_!r}"})
    answer = handler(message)
    if 200 <= answer.status < 300:
        try:
            with transaction.atomic():
                InboundMessage.objects.create(
                    message_id=message_id,
                    type=type_,
                    portal_ref=str(message.get("portal_ref") or "")[:64],
                    status_code=answer.status,
                    answer=answer.body,
                )
        except IntegrityError:  # a concurrent delivery of the same message recorded it first
            pass
    return answer
