"""Form descriptors for the screens: the command table's schemas rendered field by field."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from motcua.core.forms import field_descriptors


def describe(
    schema: type[serializers.Serializer[Any]],
    unit_choices: list[tuple[str, str]],
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """[{name, label, widget: select|textarea|text, choices, required, value, error}] for a template."""
    return field_descriptors(schema, errors, values, ("target_unit",), unit_choices)
