"""The command table's schemas rendered field by field (one descriptor list per offered command)."""

from __future__ import annotations

import secrets
from typing import Any

from rest_framework import serializers

from motcua.assignments.commands import Command


def describe(
    cmd: Command,
    unit_choices: list[tuple[str, str]],
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """{name, label, file_label, nonce, error, fields: [{name, label, widget, choices, value, error}]}."""
    fields = []
    for name, f in cmd.schema().fields.items():
        item: dict[str, Any] = {
            "name": name,
            "label": str(f.label or name),
            "required": bool(f.required),
            "value": (values or {}).get(name, ""),
            "error": (errors or {}).get(name, ""),
            "choices": [],
            "widget": "text",
        }
        if name in ("lead_unit",):
            item["widget"], item["choices"] = "select", [("", "—"), *unit_choices]
        elif isinstance(f, serializers.ChoiceField):
            item["widget"], item["choices"] = "select", [(str(k), str(v)) for k, v in f.choices.items()]
        elif isinstance(f, serializers.DateField):
            item["widget"] = "date"
        elif isinstance(f, serializers.IntegerField):
            item["widget"] = "number"
        elif f.style.get("base_template") == "textarea.html":
            item["widget"] = "textarea"
        fields.append(item)
    return {
        "name": cmd.name,
        "label": cmd.label,
        "file_label": cmd.file_label,
        "file_error": (errors or {}).get("file", ""),
        "error": (errors or {}).get("form", ""),
        "nonce": secrets.token_urlsafe(16),
        "fields": fields,
    }
