"""Pauses and ends without a result: fees, justified clock pauses, stopping with evidence, withdrawal."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.documents.models import Kind
from motcua.dossiers import clock
from motcua.dossiers.commands import schemas
from motcua.dossiers.commands.kernel import (
    SYSTEM,
    Ctx,
    DossierError,
    apology_deadline,
    append,
    calendar,
    close_steps,
    doc_payload,
    meet,
    notify,
    store,
)
from motcua.dossiers.commands.table import CLERK_AT_RECEIVING, LEADER, SPECIALIST, THE_APPLICANT, Command, register
from motcua.dossiers.derive import State
from motcua.dossiers.models import Dossier, Duty, DutyKind


def resume_payload(d: Dossier, state: State, at: datetime) -> dict[str, Any]:
    """The due time after a pause `[paused_since, at)` (and the appointment, unless already rescheduled)."""
    paused = datetime.fromisoformat(state.clock_state["paused_since"])
    payload: dict[str, Any] = {"pause": [clock.iso(paused), clock.iso(at)]}
    if state.due_at is None:  # a procedure without a published deadline: nothing to move
        return payload
    due = clock.pause_due(calendar(d), state.due_at, paused, at)
    payload["due_at"] = clock.iso(due)
    if not state.clock_state.get("extensions"):
        payload["appointment_at"] = clock.iso(due)
    return payload


def refresh_due_duties(d: Dossier) -> None:
    if d.due_at is not None:
        Duty.objects.filter(dossier=d, kind=DutyKind.RESOLUTION).update(due_at=d.due_at)
        Duty.objects.filter(dossier=d, kind=DutyKind.APOLOGY, met_at__isnull=True).update(
            due_at=apology_deadline(calendar(d), d.due_at)
        )


def _clock_running(ctx: Ctx) -> None:
    if not ctx.state.clock_state.get("running"):
        raise DossierError(_("Đồng hồ của hồ sơ đang dừng."), "clock_not_running")


def _paused_by_pause(ctx: Ctx) -> None:
    if ctx.state.clock_state.get("reason") != "pause":
        raise DossierError(_("Hồ sơ không ở trạng thái tạm dừng tính thời gian."), "not_paused")


def _request_fee(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    d, amount = ctx.d, int(data["amount"])
    event = append(
        d,
        "fee_requested",
        ctx.actor,
        ctx.at,
        {"amount": amount, "note": data.get("note", "")},
        state=ctx.state,
        changes={"fee_amount": amount},
    )
    notify(d, "fee_request", event.seq, {"amount": amount})
    return d


def _confirm_fee(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    d, state = ctx.d, ctx.state
    # Only a payment record (the payments app, acting as SYSTEM) may say the fee was paid online (766 criterion 3.6).
    paid_online = bool(data.get("paid_online")) and ctx.actor is SYSTEM
    payload = {**resume_payload(d, state, ctx.at), "paid_online": paid_online, "reference": data.get("reference", "")}
    append(
        d,
        "fee_confirmed",
        ctx.actor,
        ctx.at,
        payload,
        state=state,
        changes={"paid_online": True} if paid_online else {},
    )
    refresh_due_duties(d)
    return d


def _pause(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    d = ctx.d
    doc = store(
        d, data["evidence"], kind=Kind.EVIDENCE, component="pause", actor=ctx.actor, at=ctx.at, seq=d.event_count + 1
    )
    append(
        d, "clock_paused", ctx.actor, ctx.at, {"reason": data["reason"], "evidence": doc_payload(doc)}, state=ctx.state
    )
    return d


def _resume(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    d = ctx.d
    append(d, "clock_resumed", ctx.actor, ctx.at, resume_payload(d, ctx.state, ctx.at), state=ctx.state)
    refresh_due_duties(d)
    return d


def _stop(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    d = ctx.d
    doc = store(
        d, data["evidence"], kind=Kind.EVIDENCE, component="stop", actor=ctx.actor, at=ctx.at, seq=d.event_count + 1
    )
    event = append(
        d, "stopped", ctx.actor, ctx.at, {"reason": data["reason"], "evidence": doc_payload(doc)}, state=ctx.state
    )
    close_steps(d, ctx.at)
    meet(d, [k.value for k in DutyKind], ctx.at)
    notify(d, "stop_notice", event.seq, {"reason": data["reason"]})
    return d


def _withdraw(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    d = ctx.d
    append(d, "withdrawn", ctx.actor, ctx.at, {"reason": data.get("reason", "")}, state=ctx.state)
    close_steps(d, ctx.at)
    meet(d, [k.value for k in DutyKind], ctx.at)
    return d


register(
    Command(
        "request_fee",
        gettext_lazy("Yêu cầu nộp phí, lệ phí, nghĩa vụ tài chính"),
        gettext_lazy("Gửi yêu cầu nộp phí"),
        "fee_requested",
        (SPECIALIST,),
        schemas.Fee,
        _request_fee,
        "Ask for a financial obligation (the clock pauses until it is confirmed).",
        done=gettext_lazy("Đã yêu cầu nộp phí; thời gian giải quyết tạm dừng cho đến khi nộp."),
    ),
    Command(
        "confirm_fee",
        gettext_lazy("Xác nhận đã nộp phí, lệ phí"),
        gettext_lazy("Xác nhận đã nộp"),
        "fee_confirmed",
        (CLERK_AT_RECEIVING,),
        schemas.ConfirmFee,
        _confirm_fee,
        "Confirm the obligation is met (the clock resumes).",
        done=gettext_lazy("Đã xác nhận nộp phí; thời gian giải quyết tiếp tục."),
    ),
    Command(
        "pause",
        gettext_lazy("Tạm dừng tính thời gian (có căn cứ)"),
        gettext_lazy("Tạm dừng"),
        "clock_paused",
        (LEADER,),
        schemas.Evidence,
        _pause,
        "Pause the clock with a reason and an evidence file.",
        guards=(_clock_running,),
        done=gettext_lazy("Đã tạm dừng tính thời gian."),
    ),
    Command(
        "resume",
        gettext_lazy("Tiếp tục tính thời gian"),
        gettext_lazy("Tiếp tục"),
        "clock_resumed",
        (SPECIALIST, LEADER),
        schemas.Nothing,
        _resume,
        "Resume the clock after a justified pause.",
        guards=(_paused_by_pause,),
        done=gettext_lazy("Đã tiếp tục tính thời gian; hạn giải quyết được lùi tương ứng."),
    ),
    Command(
        "stop",
        gettext_lazy("Dừng giải quyết (có căn cứ)"),
        gettext_lazy("Dừng giải quyết"),
        "stopped",
        (LEADER,),
        schemas.Evidence,
        _stop,
        "Stop handling (Form 05) with a reason and an evidence file.",
        danger=True,
        done=gettext_lazy("Đã dừng giải quyết; in Thông báo dừng ở mục Biểu mẫu."),
    ),
    Command(
        "withdraw",
        gettext_lazy("Người nộp rút hồ sơ"),
        gettext_lazy("Rút hồ sơ"),
        "withdrawn",
        (CLERK_AT_RECEIVING, THE_APPLICANT),
        schemas.OptionalReason,
        _withdraw,
        "The applicant withdraws the dossier (recorded by the clerk, or by the applicant online).",
        danger=True,
        done=gettext_lazy("Đã ghi nhận việc rút hồ sơ."),
    ),
)
