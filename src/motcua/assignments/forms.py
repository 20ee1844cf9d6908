"""The command table's schemas rendered field by field (one descriptor list per offered command)."""

from __future__ import annotations

import secrets
from typing import Any

from motcua.assignments.commands import Command
from motcua.core.forms import field_descriptors


def describe(
    cmd: Command,
    unit_choices: list[tuple[str, str]],
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """{name, label, file_label, nonce, error, fields: [{name, label, widget, choices, value, error}]}."""
    fields = field_descriptors(cmd.schema, errors, values, ("lead_unit",), unit_choices)
    return {
        "name": cmd.name,
        "label": cmd.label,
        "file_label": cmd.file_label,
        "file_error": (errors or {}).get("file", ""),
        "error": (errors or {}).get("form", ""),
        "nonce": secrets.token_urlsafe(16),
        "fields": fields,
    }
