"""Processing: the steps of the pinned process, each done by its role at its unit, and forwarding between them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import ProcessStep
from motcua.dossiers import clock
from motcua.dossiers.commands import schemas
from motcua.dossiers.commands.kernel import (
    SYSTEM,
    Ctx,
    DossierError,
    append,
    calendar,
    meet,
    next_steps,
    step_unit,
)
from motcua.dossiers.commands.table import STEP_NEXT, STEP_OPEN, Command, _holds_step, register, roles_at
from motcua.dossiers.models import DutyKind, StepRun
from motcua.organizations.models import Membership, Role, Unit
from motcua.organizations.names import display_name


def _startable(ctx: Ctx, order: int | None = None) -> list[ProcessStep]:
    """Next steps the actor may start (all of them for SYSTEM)."""
    steps = ctx.next_steps()
    if order is not None:
        steps = [s for s in steps if s.order == order]
    if ctx.actor is SYSTEM:
        return steps
    return [s for s in steps if _holds_step(ctx.actor, step_unit(ctx.d, s), s.role, roles_at(ctx, step_unit(ctx.d, s)))]


def start(ctx: Ctx, step: ProcessStep | None, *, assignee: Any, name: str = "") -> StepRun:
    """Open a step run (a process step, or a named ad-hoc step of a dossier without a process)."""
    d, at = ctx.d, ctx.at
    if step is not None:
        unit = step_unit(d, step)
        role = step.role
        step_name = step.name
        due = clock.step_due(calendar(d), at, Decimal(step.duration_amount), step.duration_unit)
        step_order = step.order
    else:
        unit, role, step_name, due = d.unit, "", name or _("Xử lý hồ sơ"), None
        step_order = StepRun.objects.filter(dossier=d).count() + 1
    step_info = {
        "order": step_order,
        "name": str(step_name),
        "unit": unit.code,
        "assignee": getattr(assignee, "pk", None),
        "due_at": clock.iso(due),
    }
    event = append(d, "step_started", ctx.actor, at, {"step": step_info, "seq": d.event_count + 1})
    ctx.memo.clear()
    meet(d, [DutyKind.PAPER_TRANSFER], at)
    return StepRun.objects.create(
        dossier=d,
        step=step,
        order=step_order,
        name=str(step_name),
        unit=unit,
        role=role,
        assignee=assignee if getattr(assignee, "pk", None) else None,
        started_at=at,
        due_at=due,
        event_seq=event.seq,
    )


def candidates(d: Any, step: ProcessStep | None) -> list[Any]:
    """Officials who hold a step's role at its unit (who may be handed the step)."""
    if step is None:
        return []
    unit: Unit = step_unit(d, step)
    roles = [step.role] if step.role else [Role.SPECIALIST]
    ancestry: list[int] = []
    u: Unit | None = unit
    while u is not None and len(ancestry) < 20:
        ancestry.append(u.pk)
        u = u.parent
    members = Membership.objects.filter(unit_id__in=ancestry, role__in=roles, active=True).select_related("user")
    people = {m.user for m in members if m.user.is_active}
    return sorted(people, key=lambda user: display_name(user))


def _assignee_for(step: ProcessStep | None, d: Any, pk: int | None) -> Any:
    if pk is None:
        return None
    chosen = next((u for u in candidates(d, step) if u.pk == pk), None)
    if chosen is None:
        raise DossierError(
            _("Người nhận bước xử lý không có vai trò phù hợp tại đơn vị thực hiện bước."),
            "bad_assignee",
            {"assignee": [_("Người này không có vai trò phù hợp.")]},
        )
    return chosen


def _people(step: ProcessStep | None, d: Any) -> list[tuple[str, str]]:
    return [("", str(_("— Không chỉ định —")))] + [(str(u.pk), display_name(u)) for u in candidates(d, step)]


# ---- guards -----------------------------------------------------------------------------------


def _no_open_step(ctx: Ctx) -> None:
    if ctx.open_runs():
        raise DossierError(_("Đang có bước xử lý chưa hoàn thành."), "open_steps")


def _a_step_to_start(ctx: Ctx) -> None:
    if ctx.definition_steps() and not ctx.next_steps():
        raise DossierError(
            _("Đã thực hiện hết các bước của quy trình hồ sơ %(code)s.") % {"code": ctx.d.code}, "step_not_in_process"
        )


def _an_open_step_of_mine(ctx: Ctx) -> None:
    if not _my_open_runs(ctx, None):
        raise DossierError(_("Không có bước xử lý nào đang mở."), "no_open_step")


def _my_open_runs(ctx: Ctx, order: int | None) -> list[StepRun]:
    runs = [r for r in ctx.open_runs() if order is None or r.order == order]
    if ctx.actor is SYSTEM:
        return runs
    return [r for r in runs if _holds_step(ctx.actor, r.unit, r.role, roles_at(ctx, r.unit))]


def _has_process(ctx: Ctx) -> None:
    if not ctx.definition_steps():
        raise DossierError(_("Hồ sơ không có quy trình để chuyển bước."), "no_process")


# ---- commands ---------------------------------------------------------------------------------


def _start_step(ctx: Ctx, data: dict[str, Any]) -> StepRun:
    if ctx.definition_steps():
        steps = _startable(ctx, data.get("order"))
        if not steps:
            raise DossierError(
                _("Bước xử lý không đúng quy trình đã phê duyệt của hồ sơ %(code)s.") % {"code": ctx.d.code},
                "step_not_in_process",
            )
        step: ProcessStep | None = steps[0]
    else:
        step = None
    assignee = _assignee_for(step, ctx.d, data.get("assignee")) if step is not None else _user(data.get("assignee"))
    if assignee is None and ctx.actor is not SYSTEM:
        assignee = ctx.actor
    return start(ctx, step, assignee=assignee, name=data.get("name", ""))


def _user(pk: int | None) -> Any:
    if pk is None:
        return None
    return get_user_model().objects.filter(pk=pk, is_active=True).first()


def complete(ctx: Ctx, order: int | None, note: str) -> StepRun:
    runs = _my_open_runs(ctx, order)
    if not runs:
        raise DossierError(_("Không có bước xử lý nào đang mở."), "no_open_step")
    run = runs[0]
    outcome = clock.classify_outcome(run.due_at, ctx.at) if run.due_at else "on_time"
    append(
        ctx.d,
        "step_completed",
        ctx.actor,
        ctx.at,
        {"started_seq": run.event_seq, "order": run.order, "outcome": outcome, "note": note},
    )
    run.finished_at, run.outcome = ctx.at, outcome
    run.save(update_fields=["finished_at", "outcome"])
    ctx.memo.clear()
    return run


def _complete_step(ctx: Ctx, data: dict[str, Any]) -> StepRun:
    return complete(ctx, data.get("order"), data.get("note", ""))


def _following_step(ctx: Ctx) -> ProcessStep | None:
    """The step after the actor's open one (what forwarding will start)."""
    runs = _my_open_runs(ctx, None)
    if not runs:
        return None
    current = runs[0].order
    later = [s for s in ctx.definition_steps() if s.order > current]
    return later[0] if later else None


def _forward(ctx: Ctx, data: dict[str, Any]) -> StepRun | None:
    following = _following_step(ctx)
    assignee = _assignee_for(following, ctx.d, data.get("assignee")) if following is not None else None
    complete(ctx, None, data.get("note", ""))
    if ctx.open_runs():
        return None  # a parallel step is still running; the group's last finisher forwards
    steps = next_steps(ctx.d)
    if not steps:
        return None
    return start(ctx, steps[0], assignee=assignee)


register(
    Command(
        "start_step",
        gettext_lazy("Bắt đầu bước xử lý tiếp theo"),
        gettext_lazy("Bắt đầu xử lý"),
        "step_started",
        (STEP_NEXT,),
        schemas.StartStep,
        _start_step,
        "Start the next step of the pinned process (its role at its unit).",
        guards=(_no_open_step, _a_step_to_start),
        choices={"assignee": lambda ctx: _people(_startable(ctx)[0] if _startable(ctx) else None, ctx.d)},
        done=gettext_lazy("Đã bắt đầu bước xử lý."),
    ),
    Command(
        "forward",
        gettext_lazy("Hoàn thành bước và chuyển bước tiếp theo"),
        gettext_lazy("Chuyển tiếp"),
        "step_completed",
        (STEP_OPEN,),
        schemas.Forward,
        _forward,
        "Complete the caller's open step and start the next one of the process.",
        guards=(_has_process, _an_open_step_of_mine),
        choices={"assignee": lambda ctx: _people(_following_step(ctx), ctx.d)},
        done=gettext_lazy("Đã chuyển hồ sơ sang bước tiếp theo."),
    ),
    Command(
        "complete_step",
        gettext_lazy("Phê duyệt / hoàn thành bước đang xử lý"),
        gettext_lazy("Phê duyệt"),
        "step_completed",
        (STEP_OPEN,),
        schemas.CompleteStep,
        _complete_step,
        "Complete an open step without starting the next one.",
        guards=(_an_open_step_of_mine,),
        done=gettext_lazy("Đã hoàn thành bước xử lý."),
    ),
)
