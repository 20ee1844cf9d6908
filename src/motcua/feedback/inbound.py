"""Feedback intake: one function for every channel.

`receive(payload, channel=...)` is what the public form of the centre, the staff intake form
(counter, e-mail, hotline) and the national-portal adapter call (the adapter with
`channel="portal"` and the portal's id as `external_id`, which makes a repeated delivery return
the first feedback). The Decree 92/2017 requirements and the attachments are checked here.

Payload (JSON-ready; also the body of `POST /api/v1/feedback/inbound`):
    {"unit": "H32.27", "title": "...", "content": "...", "external_id": "...",
     "received_at": "2026-03-02T09:00:00+07:00",              # optional, default now
     "topic": "procedure",                                      # optional
     "submitter": {"name", "phone", "email", "address", "kind": "individual"|"organisation"},
     "attachments": [{"filename": "a.pdf", "content_base64": "..."}]}
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from motcua.core.text import nfc_deep
from motcua.documents import files
from motcua.feedback import commands, rules
from motcua.feedback.commands import FeedbackError
from motcua.feedback.models import Attachment, Channel, Feedback, Status, Topic

MAX_ATTACHMENTS = 5


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def _str(payload: dict[str, Any], key: str, limit: int) -> str:
    value = payload.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str):
        raise FeedbackError(f"{key} phải là chuỗi ký tự.", "invalid_input", {key: "Phải là chuỗi ký tự."})
    value = value.strip()
    if len(value) > limit:
        raise FeedbackError(f"{key} quá dài.", "invalid_input", {key: f"Tối đa {limit} ký tự."})
    return value


def _uploads(raw: Any) -> list[Upload]:
    if raw in (None, []):
        return []
    if not isinstance(raw, list) or len(raw) > MAX_ATTACHMENTS:
        raise FeedbackError(
            "Tệp đính kèm không hợp lệ.", "invalid_input", {"attachments": f"Tối đa {MAX_ATTACHMENTS} tệp."}
        )
    out = []
    for item in raw:
        if isinstance(item, Upload):
            out.append(item)
            continue
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("filename"), str)
            or not isinstance(item.get("content_base64"), str)
        ):
            raise FeedbackError(
                "Tệp đính kèm không hợp lệ.",
                "invalid_input",
                {"attachments": "Mỗi tệp cần filename và content_base64."},
            )
        try:
            data = base64.b64decode(item["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            raise FeedbackError(
                "Tệp đính kèm không hợp lệ.", "invalid_input", {"attachments": "content_base64 không hợp lệ."}
            ) from None
        out.append(Upload(item["filename"][:255], data))
    return out


def next_code(unit_code: str, at: datetime) -> str:
    """`PAKN-<unit>-YYMM-NNNN` (contracts §9.2's example), numbered per unit and month."""
    local = timezone.localtime(at)
    prefix = f"PAKN-{unit_code}-{local:%y%m}-"
    last = Feedback.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    n = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{n:04d}"


def receive(
    payload: dict[str, Any], channel: str = Channel.PORTAL, actor: Any = None, now: datetime | None = None
) -> Feedback:
    """Check and record a new feedback (event `received`); raises FeedbackError with per-field messages."""
    from motcua.organizations.models import Unit

    now = now or timezone.now()
    if not isinstance(payload, dict):
        raise FeedbackError("Dữ liệu phải là một đối tượng JSON.", "invalid_input")
    if channel not in Channel.values or channel == Channel.IMPORT:
        raise FeedbackError(f"Kênh {channel!r} không hợp lệ.", "invalid_input", {"channel": "Kênh không hợp lệ."})
    payload = nfc_deep(payload)
    submitter = payload.get("submitter") or {}
    if not isinstance(submitter, dict):
        raise FeedbackError(
            "submitter phải là một đối tượng.", "invalid_input", {"submitter": "Phải là một đối tượng."}
        )
    data = {
        "title": _str(payload, "title", 300),
        "content": _str(payload, "content", 20000),
        "name": _str(submitter, "name", 200),
        "phone": _str(submitter, "phone", 30),
        "email": _str(submitter, "email", 200),
        "address": _str(submitter, "address", 300),
    }
    errors = rules.requirement_errors(data)
    unit_code = _str(payload, "unit", 64)
    unit = Unit.objects.filter(code=unit_code).first() if unit_code else None
    if unit is None:
        errors["unit"] = "Chọn cơ quan, đơn vị tiếp nhận." if not unit_code else "Không có đơn vị này."
    topic = _str(payload, "topic", 20) or Topic.OTHER
    if topic not in Topic.values:
        errors["topic"] = "Nội dung không hợp lệ."
    kind = _str(submitter, "kind", 12) or "individual"
    if kind not in ("individual", "organisation"):
        errors["kind"] = "Người gửi là cá nhân (individual) hoặc tổ chức (organisation)."
    external_id = _str(payload, "external_id", 100)
    received_at = now
    if payload.get("received_at") not in (None, ""):
        raw = payload["received_at"]
        parsed = parse_datetime(raw) if isinstance(raw, str) else None
        if parsed is None or parsed.tzinfo is None or parsed > now:
            errors["received_at"] = "Thời điểm ISO 8601 có múi giờ, không sau hiện tại."
        else:
            received_at = parsed
    checked: list[tuple[Upload, files.CheckedFile]] = []
    try:
        for up in _uploads(payload.get("attachments")):
            checked.append((up, files.check(up.filename, up.data, settings.MAX_UPLOAD_BYTES)))
    except files.FileRejected as exc:
        errors["attachments"] = str(exc)
    if errors:
        first = next(iter(errors.values()))
        raise FeedbackError(first, "invalid_input", errors)
    assert unit is not None
    if external_id:
        existing = Feedback.objects.filter(channel=channel, external_id=external_id).first()
        if existing is not None:
            return existing
    for _attempt in range(5):
        try:
            with transaction.atomic():
                fb = Feedback(
                    code=next_code(unit.code, received_at),
                    unit=unit,
                    receiving_unit=unit,
                    channel=channel,
                    external_id=external_id,
                    status=Status.RECEIVED,
                    topic=topic,
                    title=data["title"],
                    content=data["content"],
                    submitter_kind=kind,
                    submitter_name=data["name"],
                    submitter_phone=data["phone"],
                    submitter_email=data["email"],
                    submitter_address=data["address"],
                    received_at=received_at,
                    clock_start=received_at,
                    rating_token=commands.new_token(),
                )
                commands.refresh_due(fb)
                fb.save()
                for up, c in checked:
                    Attachment.objects.create(
                        feedback=fb,
                        filename=c.filename,
                        content_type=c.content_type,
                        size=c.size,
                        sha256=c.sha256,
                        data=up.data,
                    )
                commands.append(
                    fb,
                    "received",
                    actor,
                    received_at,
                    {
                        "channel": channel,
                        "unit": unit.code,
                        "external_id": external_id,
                        "attachments": [c.sha256 for _u, c in checked],
                    },
                )
                fb.save(update_fields=["event_count", "last_event_hash", "version"])
            return fb
        except IntegrityError:
            if external_id and (dup := Feedback.objects.filter(channel=channel, external_id=external_id).first()):
                return dup
            continue  # a concurrent intake took the same number: try the next one
    raise FeedbackError("Không cấp được mã phản ánh, vui lòng thử lại.", "busy")


def rating_from_portal(external_id: str, rating: int, now: datetime | None = None) -> Feedback:
    """The submitter's 1–5 rating of a published answer, as the national portal reports it back."""
    fb = Feedback.objects.filter(channel=Channel.PORTAL, external_id=external_id).only("rating_token").first()
    if fb is None:
        raise FeedbackError("Không tìm thấy phản ánh.", "not_found")
    return commands.rate(fb.rating_token, rating, now=now)


def supplement_from_portal(external_id: str, content: str, now: datetime | None = None) -> Feedback:
    """The submitter's answer to a supplement request, as the national portal reports it back."""
    fb = Feedback.objects.filter(channel=Channel.PORTAL, external_id=external_id).first()
    if fb is None:
        raise FeedbackError("Không tìm thấy phản ánh.", "not_found")
    return commands.supplement_by_submitter(fb, content, now=now)
