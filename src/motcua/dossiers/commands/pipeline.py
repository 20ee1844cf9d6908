"""The one pipeline every dossier command runs through, and the question the screens ask of it.

`execute`: validate the input with the command's schema → (in one transaction) lock the dossier,
honouring `expected_version` → authorise → lifecycle → guards → the command's events and effects.
`offered`: the commands a user may run on a dossier now — the same authorisation, lifecycle and
guards, without input — so a screen offers a button exactly when the server would accept it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.dossiers import lifecycle
from motcua.dossiers.commands.kernel import SYSTEM, Ctx, DossierError, Upload, illegal, lock, now_or, state_of
from motcua.dossiers.commands.table import COMMANDS, Command
from motcua.dossiers.models import Dossier
from motcua.organizations.models import Unit


def _as_upload(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        value.seek(0)
        return Upload(value.name or "tep", value.read())
    return value


def as_file(upload: Upload | None) -> Any:
    """A service-level `Upload` as the uploaded-file object the schemas validate."""
    return None if upload is None else SimpleUploadedFile(upload.name, upload.data)


def validate(command: Command, data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The command's schema over `data` (a dict, or a form's QueryDict merged with its files)."""
    serializer = command.schema(data=data if data is not None else {})
    if not serializer.is_valid():
        fields = {
            name: [str(m) for m in (msgs if isinstance(msgs, list) else [msgs])]
            for name, msgs in serializer.errors.items()
        }
        first = next(iter(fields.items()), ("", [""]))
        label = getattr(serializer.fields.get(first[0]), "label", None) or first[0]
        message = f"{label}: {first[1][0]}" if first[0] and first[0] != "non_field_errors" else first[1][0]
        raise DossierError(message, "invalid_input", fields)
    return {key: _as_upload(value) for key, value in serializer.validated_data.items()}


def refused(command: Command, ctx: Ctx) -> Exception | None:
    """Why `command` may not run in `ctx` (PermissionDenied or DossierError), or None when it may."""
    if not command.authorised(ctx):
        where = ctx.dossier.code if ctx.dossier is not None else (ctx.unit.code if ctx.unit else "")
        return PermissionDenied(
            _("Bạn không có quyền “%(action)s” đối với %(where)s.") % {"action": command.label, "where": where}
        )
    if not lifecycle.allowed(ctx.state.status, command.event):
        return illegal(ctx.dossier, command.event, ctx.state.status)
    for guard in command.guards:
        try:
            guard(ctx)
        except DossierError as exc:
            return exc
    return None


def execute(
    name: str,
    actor: Any,
    dossier: Dossier | int | None = None,
    data: Mapping[str, Any] | None = None,
    *,
    now: datetime | None = None,
    unit: Unit | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Any:
    """Run command `name` in one transaction; returns what the command produced (dossier, step run, document).

    Intake commands (`creates`) have no dossier: they are authorised at `unit` (the receiving unit
    named in the input). `extra` carries values that are not part of the public schema (scans taken
    at the counter, the signed-in applicant, resolved objects).
    """
    command = COMMANDS[name]
    at = now_or(now)
    if data is not None and not isinstance(data, Mapping):  # e.g. a JSON array or number posted to the API
        raise DossierError(_("Nội dung yêu cầu phải là một đối tượng (JSON object hoặc form)."), "invalid_input")
    if command.creates:
        values = {**validate(command, data), **(extra or {})}
        if command.resolve is not None:
            unit = command.resolve(values)
        ctx = Ctx(command, actor, at, unit=unit)
        problem = refused(command, ctx)
        if problem is not None:
            raise problem
        # No transaction here: a creating command writes only inside `intake.idempotent`, whose
        # transaction is then the outermost one (BEGIN/COMMIT rather than a savepoint inside ours:
        # two statements fewer per intake, docs/benchmarks.md session 4). Its reads before that
        # (offered procedure, the key's earlier dossier) need no transaction.
        return command.run(ctx, values)
    if dossier is None:
        raise ValueError(f"command {name} needs a dossier")
    with transaction.atomic():
        d = lock(dossier, _expected_version(data))
        ctx = Ctx(command, actor, at, dossier=d, state=state_of(d))
        problem = refused(command, ctx)
        if problem is not None:
            raise problem
        # Input is judged after the permission: who may not act learns nothing about the form.
        values = {**validate(command, data), **(extra or {})}
        return command.run(ctx, values)


def _expected_version(data: Mapping[str, Any] | None) -> int | None:
    raw = (data or {}).get("expected_version")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise DossierError(
            _("Phiên bản hồ sơ không hợp lệ."), "invalid_input", {"expected_version": [_("Phải là số nguyên.")]}
        ) from None


def offered(actor: Any, dossier: Dossier, *, now: datetime | None = None) -> list[tuple[Command, Ctx]]:
    """The commands `actor` may run on `dossier` now (in table order), each with the context it was judged in."""
    at = now_or(now)
    state = state_of(dossier)
    found = []
    memo: dict[str, Any] = {}
    for command in COMMANDS.values():
        if command.creates:
            continue
        ctx = Ctx(command, actor, at, dossier=dossier, state=state, memo=memo)
        if refused(command, ctx) is None:
            found.append((command, ctx))
    return found


def allowed(name: str, actor: Any, dossier: Dossier, *, now: datetime | None = None) -> bool:
    command = COMMANDS[name]
    ctx = Ctx(command, actor, now_or(now), dossier=dossier, state=state_of(dossier))
    return refused(command, ctx) is None


__all__ = ["SYSTEM", "allowed", "as_file", "execute", "offered", "validate"]
