"""The dossier page's actions, derived from the command table.

`offered` asks the command pipeline which commands the user may run now (authorisation,
lifecycle and guards, exactly as on submit) and turns each command's schema into form fields;
`submit` posts the form through the same pipeline. Nothing here decides who may do what.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from rest_framework import serializers

from motcua.dossiers import commands
from motcua.dossiers.commands import COMMANDS, Command, DossierError
from motcua.dossiers.commands.kernel import Ctx
from motcua.dossiers.models import Dossier


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    widget: str  # text, textarea, select, file, datetime-local, number, checkbox
    required: bool
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Offer:
    name: str
    label: str
    button: str
    danger: bool
    fields: tuple[FormField, ...]


def _widget(field: serializers.Field[Any, Any, Any, Any]) -> str:
    style = getattr(field, "style", {}) or {}
    if style.get("widget"):
        return str(style["widget"])
    if isinstance(field, serializers.FileField):
        return "file"
    if isinstance(field, serializers.DateTimeField):
        return "datetime-local"
    if isinstance(field, serializers.BooleanField):
        return "checkbox"
    if isinstance(field, serializers.ChoiceField):
        return "select"
    if isinstance(field, serializers.IntegerField):
        return "number"
    return "text"


def form_fields(command: Command, ctx: Ctx) -> tuple[FormField, ...]:
    """The command's schema as form fields; choices that depend on the dossier come from the table."""
    found = []
    for name, field in command.schema().fields.items():
        widget = _widget(field)
        if widget == "hidden":
            continue
        choices: tuple[tuple[str, str], ...] = ()
        if name in command.choices:
            choices = tuple(command.choices[name](ctx))
        elif isinstance(field, serializers.ChoiceField):
            choices = tuple((str(k), str(v)) for k, v in field.choices.items())
        if choices and widget == "text":
            widget = "select"
        found.append(FormField(name, str(field.label or name), widget, bool(field.required), choices))
    return tuple(found)


def offered(user: Any, dossier: Dossier) -> list[Offer]:
    return [
        Offer(c.name, str(c.label), str(c.button), c.danger, form_fields(c, ctx))
        for c, ctx in commands.offered(user, dossier)
    ]


def form_data(post: QueryDict, files: MultiValueDict[str, Any]) -> QueryDict:
    """The posted fields and files as one mapping for the command's schema (empty fields mean "not given")."""
    data = QueryDict(mutable=True)
    for key, values in post.lists():
        if key == "csrfmiddlewaretoken":
            continue
        kept = [v for v in values if v != ""]
        if kept:
            data.setlist(key, kept)
    for key, uploaded in files.lists():
        data.setlist(key, uploaded)
    return data


def submit(user: Any, dossier: Dossier, name: str, post: QueryDict, files: MultiValueDict[str, Any]) -> str | None:
    """Run command `name`; returns None on success, else the Vietnamese message to show."""
    command = COMMANDS.get(name)
    if command is None or command.creates:
        return "Không có thao tác này."
    try:
        commands.execute(name, user, dossier, form_data(post, files))
    except DossierError as exc:
        if exc.fields:
            labels = {n: str(f.label or n) for n, f in command.schema().fields.items()}
            return "; ".join(f"{labels.get(k, k)}: {' '.join(v)}" for k, v in exc.fields.items())
        return " ".join(exc.messages)
    except PermissionDenied as exc:
        return str(exc) or "Bạn không có quyền thực hiện thao tác này."
    return None


def done_message(name: str) -> str:
    return str(COMMANDS[name].done)
