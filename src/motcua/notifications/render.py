"""Render an outbox row with its admin-editable template, at delivery time (templates may change)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.template import Context, Template
from django.utils import timezone

from motcua.notifications.channels import PermanentDeliveryError, Rendered
from motcua.notifications.models import MessageTemplate, OutboxMessage
from motcua.portal.links import lookup_url


def _local(dt: Any) -> str:
    return timezone.localtime(dt).strftime("%H:%M %d/%m/%Y") if dt else ""


def dossier_context(dossier: Any) -> dict[str, Any]:
    """Variables every template may use, taken from the dossier when the row has one."""
    if dossier is None:
        return {}
    unit = dossier.receiving_unit or dossier.unit
    return {
        "dossier_code": dossier.code,
        "procedure_name": dossier.procedure.name,
        "applicant_name": dossier.applicant_name,
        "unit_name": unit.name,
        "appointment": _local(dossier.appointment_at),
        "lookup_hint": f"Tra cứu hồ sơ {dossier.code}: {lookup_url(dossier.code)}",
    }


def with_local_times(context: dict[str, Any]) -> dict[str, Any]:
    """For each ISO `<name>_at` value also offer `<name>` as "HH:MM dd/mm/yyyy" local time."""
    out = dict(context)
    for key, value in context.items():
        if key.endswith("_at") and isinstance(value, str) and value:
            try:
                out.setdefault(key[:-3], _local(datetime.fromisoformat(value)))
            except ValueError:
                continue
    return out


def render(message: OutboxMessage) -> Rendered:
    if message.channel == "dvcqg":  # machine-to-machine (nationalportal): the context is the message
        import json

        body = json.dumps(message.context or {}, ensure_ascii=False, sort_keys=True)
        return Rendered(key=message.key, channel=message.channel, recipient=message.recipient, subject="", body=body)
    template = MessageTemplate.objects.filter(code=message.template, channel=message.channel, active=True).first()
    if template is None:
        raise PermanentDeliveryError(f"Chưa có mẫu tin nhắn {message.template!r} cho kênh {message.channel}.")
    context = {**dossier_context(message.dossier), **with_local_times(message.context or {})}
    subject = Template(template.subject).render(Context(context, autoescape=False)).strip()
    body = Template(template.body).render(Context(context, autoescape=False)).strip()
    if message.channel == "sms":
        from motcua.notifications.channels.sms import strip_marks

        subject, body = "", strip_marks(body)
    return Rendered(key=message.key, channel=message.channel, recipient=message.recipient, subject=subject, body=body)
