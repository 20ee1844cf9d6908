"""Glue to the national-portal adapter (built on branch `online`, `motcua.nationalportal`).

Inbound: the adapter's message types `feedback.submitted` (a PAKN sent on the national portal),
`feedback.rated` (the citizen's 1–5 rating of a published answer) and `feedback.supplemented` (the
citizen's answer to a supplement request) map to `inbound.receive(..., channel="portal")`,
`inbound.rating_from_portal` and `inbound.supplement_from_portal`. `connect()` registers them with the adapter's
`nationalportal.inbound.register` when that module is installed (from `FeedbackConfig.ready`).

Outbound: `commands.publish` / `request_supplement` enqueue outbox rows on channel `dvcqg` whose
body is the JSON document built here (`document`), delivered by the adapter of that channel.
"""

from __future__ import annotations

from typing import Any

from motcua.feedback.commands import FeedbackError


def handle_submitted(message: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """{"message_id", "type": "feedback.submitted", "external_id"?, "unit", "title", "content",
    "submitter": {...}, "received_at"?, "topic"?, "attachments"?} → (status, answer)."""
    from motcua.feedback import inbound
    from motcua.feedback.models import Feedback

    payload = {k: v for k, v in message.items() if k not in ("type", "message_id", "seq")}
    payload.setdefault("external_id", str(message.get("message_id") or ""))
    existed = Feedback.objects.filter(channel="portal", external_id=payload["external_id"]).exists()
    try:
        fb = inbound.receive(payload, channel="portal")
    except FeedbackError as exc:
        return 400, {"detail": exc.message, "code": exc.code, "fields": exc.fields}
    return (200 if existed else 201), {"code": fb.code, "status": fb.status, "external_id": fb.external_id}


def handle_rated(message: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """{"type": "feedback.rated", "external_id", "rating": 1..5} → (status, answer)."""
    from motcua.feedback import inbound

    try:
        fb = inbound.rating_from_portal(str(message.get("external_id") or ""), message.get("rating"))  # type: ignore[arg-type]
    except FeedbackError as exc:
        status = 404 if exc.code == "not_found" else 409 if exc.code in ("already_rated", "illegal_transition") else 400
        return status, {"detail": exc.message, "code": exc.code}
    return 200, {"code": fb.code, "rating": fb.rating}


def handle_supplemented(message: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """{"type": "feedback.supplemented", "external_id", "content"} → (status, answer)."""
    from motcua.feedback import inbound

    content = message.get("content")
    try:
        fb = inbound.supplement_from_portal(str(message.get("external_id") or ""), content)  # type: ignore[arg-type]
    except FeedbackError as exc:
        status = 404 if exc.code == "not_found" else 409 if exc.code == "illegal_transition" else 400
        return status, {"detail": exc.message, "code": exc.code, "fields": exc.fields}
    return 200, {"code": fb.code, "status": fb.status}


def connect() -> bool:
    """Register the handlers with the national-portal adapter when it is installed."""
    try:
        from motcua.nationalportal import inbound as national  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError:
        return False

    def wrap(fn: Any) -> Any:
        return lambda message: national.Answer(*fn(message))

    national.register("feedback.submitted", wrap(handle_submitted))
    national.register("feedback.rated", wrap(handle_rated))
    national.register("feedback.supplemented", wrap(handle_supplemented))
    return True
