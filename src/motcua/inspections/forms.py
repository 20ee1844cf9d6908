"""Form descriptors: a command's schema rendered field by field (the same declaration the server checks)."""

from __future__ import annotations

import secrets
from typing import Any

from motcua.core.forms import field_descriptors
from motcua.inspections.commands import Command


def describe(
    cmd: Command, url: str, errors: dict[str, str] | None = None, values: dict[str, Any] | None = None
) -> dict[str, Any]:
    """{name, label, url, multipart, fields: [{name, label, widget, choices, required, value, error}]}."""
    fields = field_descriptors(cmd.schema, errors, values)
    return {
        "name": cmd.name,
        "label": cmd.label,
        "url": url,
        "key": secrets.token_urlsafe(18),  # a retry of the same form is recognised, not run twice
        "multipart": any(x["widget"] == "file" for x in fields),
        "fields": fields,
        "form_error": (errors or {}).get("form", "")
        if errors and not set(errors) & {x["name"] for x in fields}
        else "",
    }
