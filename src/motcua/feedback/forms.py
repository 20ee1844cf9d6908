"""Form descriptors for the screens: the command table's schemas rendered field by field."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


def describe(
    schema: type[serializers.Serializer[Any]],
    unit_choices: list[tuple[str, str]],
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """[{name, label, widget: select|textarea|text, choices, required, value, error}] for a template."""
    out = []
    for name, f in schema().fields.items():
        item: dict[str, Any] = {
            "name": name,
            "label": str(f.label or name),
            "required": bool(f.required),
            "value": (values or {}).get(name, ""),
            "error": (errors or {}).get(name, ""),
            "choices": [],
            "widget": "text",
        }
        if name == "target_unit":
            item["widget"], item["choices"] = "select", [("", "—"), *unit_choices]
        elif isinstance(f, serializers.ChoiceField):
            item["widget"] = "select"
            item["choices"] = [(str(k), str(v)) for k, v in f.choices.items()]
        elif f.style.get("base_template") == "textarea.html":
            item["widget"] = "textarea"
        out.append(item)
    return out
