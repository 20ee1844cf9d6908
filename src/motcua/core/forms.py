"""A command schema (DRF serializer) rendered field by field for the back-office form templates.

The command tables of feedback, inspections and assigned tasks each declare their input once as a
serializer; the screens draw their forms from it, so what a form offers and what the server accepts
cannot drift apart. This is the one place that maps a serializer field to a widget.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import serializers


def field_descriptors(
    schema: type[serializers.Serializer[Any]],
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    unit_fields: Iterable[str] = (),
    unit_choices: list[tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    """[{name, label, widget: select|file|date|number|textarea|text, choices, required, value, error}].

    `unit_fields` name the fields that take a unit code, offered as a select of `unit_choices`.
    """
    units = set(unit_fields)
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
        if name in units:
            item["widget"], item["choices"] = "select", [("", "—"), *(unit_choices or [])]
        elif isinstance(f, serializers.ChoiceField):
            item["widget"], item["choices"] = "select", [(str(k), str(v)) for k, v in f.choices.items()]
        elif isinstance(f, serializers.FileField):
            item["widget"] = "file"
        elif isinstance(f, serializers.DateField):
            item["widget"] = "date"
        elif isinstance(f, serializers.IntegerField):
            item["widget"] = "number"
        elif f.style.get("base_template") == "textarea.html":
            item["widget"] = "textarea"
        out.append(item)
    return out
