"""The one-page PDF of a checkpoint, for a leader to file or send to an outside party."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone


def pdf(record: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    at = timezone.localtime(datetime.fromisoformat(str(record["at"])))
    html = render_to_string("trust/pdf/checkpoint.html", {"r": record, "at": at})
    return bytes(HTML(string=html, base_url=None).write_pdf())
