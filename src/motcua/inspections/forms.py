"""Form descriptors: a command's schema rendered field by field (the same declaration the server checks)."""

from __future__ import annotations

import secrets
from typing import Any

from rest_framework import serializers

from motcua.inspections.commands import Command


def describe(
    cmd: Command, url: str, errors: dict[str, str] | None = None, values: dict[str, Any] | None = None
) -> dict[str, Any]:
    """{name, label, url, multipart, fields: [{name, label, widget, choices, required, value, error}]}."""
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
        if isinstance(f, serializers.ChoiceField):
            item["widget"], item["choices"] = "select", [(str(k), str(v)) for k, v in f.choices.items()]
        elif isinstance(f, serializers.FileField):
            item["widget"] = "file"
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
        "url": url,
        "key": secrets.token_urlsafe(18),  # a retry of the same form is recognised, not run twice
        "multipart": any(x["widget"] == "file" for x in fields),
        "fields": fields,
        "form_error": (errors or {}).get("form", "")
        if errors and not set(errors) & {x["name"] for x in fields}
        else "",
    }
