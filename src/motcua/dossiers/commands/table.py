"""The command table: every dossier operation declared once.

A `Command` names the operation, the lifecycle event it appends (its source states are that
event's sources in `lifecycle.TRANSITIONS`), who may perform it (`Grant`s: an action of
`organizations.access.ROLE_ACTIONS` at the competent or receiving unit, or the role of a process
step at that step's unit), its input schema (a DRF serializer, which also gives the back-office
form and the OpenAPI request body), its pure guards (state-only checks, so that "offered" and
"accepted" agree), and the function that appends its events and effects.

The back-office buttons, the API endpoints and the permission checks are all derived from
`COMMANDS`; `pipeline.execute` runs one, `pipeline.offered` lists those a user may run now.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from motcua.dossiers.commands.kernel import SYSTEM, Ctx, receiving, step_unit
from motcua.organizations import access
from motcua.organizations.access import Action
from motcua.organizations.models import Unit

UNIT, RECEIVING, APPLICANT = "unit", "receiving", "applicant"
OPEN_STEP, NEXT_STEP, LAST_STEP = "open_step", "next_step", "last_step"


@dataclass(frozen=True)
class Grant:
    """One way to be allowed: `action` at `where` (a unit of the dossier, or a process step's role and unit)."""

    where: str
    action: str | None = None
    only: Callable[[Ctx], bool] | None = None  # a grant that holds only in some states (e.g. before processing)

    def allows(self, ctx: Ctx) -> bool:
        if self.only is not None and ctx.dossier is not None and not self.only(ctx):
            return False
        actor = ctx.actor
        if self.where == APPLICANT:
            d = ctx.dossier
            if d is None:  # filing online: a citizen's own account, or staff who may receive at that unit
                if not (getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None)):
                    return False
                if not access.has_staff_role(actor):
                    return True
                return ctx.unit is not None and bool(
                    roles_at(ctx, ctx.unit) & access.roles_allowing(access.Action.RECEIVE)
                )
            return d.applicant_user_id is not None and getattr(actor, "pk", None) == d.applicant_user_id
        if self.where in (UNIT, RECEIVING):
            unit = _unit_of(ctx, self.where)
            return (
                unit is not None
                and self.action is not None
                and bool(roles_at(ctx, unit) & access.roles_allowing(self.action))
            )
        return any(_holds_step(actor, unit, role, roles_at(ctx, unit)) for unit, role in step_holders(ctx, self.where))


def _unit_of(ctx: Ctx, where: str) -> Unit | None:
    if ctx.dossier is None:
        return ctx.unit
    return receiving(ctx.dossier) if where == RECEIVING else ctx.dossier.unit


def roles_at(ctx: Ctx, unit: Unit) -> set[str]:
    """The actor's roles over `unit`, asked once per context (a page judges some twenty commands)."""
    found: set[str] = ctx.cached(f"roles:{unit.pk}", lambda: access.roles_in(ctx.actor, unit))
    return found


def _holds_step(actor: Any, unit: Unit, role: str, roles: set[str] | None = None) -> bool:
    """A step with a role needs that role at the step's unit; a step without one needs the `process` action."""
    roles = access.roles_in(actor, unit) if roles is None else roles
    if role:
        return role in roles
    return bool(roles & access.roles_allowing(Action.PROCESS))


def step_holders(ctx: Ctx, where: str) -> list[tuple[Unit, str]]:
    """(unit, role) pairs of the steps a step grant refers to; a dossier without a process has one generic step."""
    d = ctx.d
    if where == OPEN_STEP:
        return [(run.unit, run.role) for run in ctx.open_runs()]
    steps = ctx.definition_steps()
    if not steps:
        return [(d.unit, "")]
    if where == NEXT_STEP:
        return [(step_unit(d, s), s.role) for s in ctx.next_steps()]
    last = steps[-1]
    return [(step_unit(d, last), last.role)]


UPDATED = _("Đã cập nhật hồ sơ.")


@dataclass(frozen=True)
class Command:
    name: str
    label: Any  # Vietnamese title of the action on the dossier page
    button: Any
    event: str
    who: tuple[Grant, ...]
    schema: type[Any]
    run: Callable[[Ctx, dict[str, Any]], Any]
    summary: str  # English, for the OpenAPI document
    guards: tuple[Callable[[Ctx], None], ...] = ()
    choices: dict[str, Callable[[Ctx], list[tuple[str, str]]]] = field(default_factory=dict)
    danger: bool = False
    done: Any = UPDATED
    # intake: no dossier yet; grants are checked at the unit `resolve` returns. Its `run` writes only
    # inside `intake.idempotent` (the transaction of a creating command: the pipeline opens none).
    creates: bool = False
    resolve: Callable[[dict[str, Any]], Unit | None] | None = None  # intake: codes -> rows, the unit to authorise at
    path: str = ""  # the API's URL segment when it is not the name with dashes

    @property
    def slug(self) -> str:
        return self.path or self.name.replace("_", "-")

    def authorised(self, ctx: Ctx) -> bool:
        if ctx.actor is SYSTEM:
            return True
        if not getattr(ctx.actor, "is_authenticated", False) or not getattr(ctx.actor, "is_active", True):
            return False
        return any(g.allows(ctx) for g in self.who)


COMMANDS: dict[str, Command] = {}


def register(*commands: Command) -> None:
    for command in commands:
        if command.name in COMMANDS:
            raise ValueError(f"command {command.name} declared twice")
        COMMANDS[command.name] = command


def grant(action: str, where: str = UNIT, only: Callable[[Ctx], bool] | None = None) -> Grant:
    return Grant(where, action, only)


# Shorthands used by the phase modules.
CLERK_AT_RECEIVING = grant(Action.RECEIVE, RECEIVING)
RETURNER = grant(Action.RETURN, RECEIVING)
SPECIALIST = grant(Action.PROCESS)
LEADER = grant(Action.APPROVE)
STEP_OPEN = Grant(OPEN_STEP)
STEP_NEXT = Grant(NEXT_STEP)
STEP_LAST = Grant(LAST_STEP)
THE_APPLICANT = Grant(APPLICANT)

__all__ = [
    "CLERK_AT_RECEIVING",
    "COMMANDS",
    "LEADER",
    "RETURNER",
    "SPECIALIST",
    "STEP_LAST",
    "STEP_NEXT",
    "STEP_OPEN",
    "THE_APPLICANT",
    "Command",
    "Grant",
    "register",
]
