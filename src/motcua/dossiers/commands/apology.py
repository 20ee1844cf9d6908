"""Late handling (Decree 118 art. 19(6), Form 04): an apology with ONE new return date, approved by a leader.

On time, the apology is sent at least one working day before the due time. Later (the dossier is
late, or nearly) it is still accepted and sent, because the citizen must always be told, but it is
recorded as `late_apology` (contracts §2.4). The due time used for statistics never moves.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.documents.models import Kind
from motcua.dossiers import clock
from motcua.dossiers.commands import schemas
from motcua.dossiers.commands.kernel import (
    Ctx,
    DossierError,
    apology_deadline,
    append,
    calendar,
    doc_payload,
    meet,
    notify,
    store,
)
from motcua.dossiers.commands.table import LEADER, SPECIALIST, Command, register
from motcua.dossiers.models import Dossier, DutyKind


def _has_deadline(ctx: Ctx) -> None:
    if ctx.state.due_at is None or ctx.state.appointment_at is None:
        raise DossierError(_("Hồ sơ không có thời hạn giải quyết; không cần hẹn lại."), "no_deadline")


def _not_rescheduled(ctx: Ctx) -> None:
    if ctx.state.clock_state.get("extensions") or ctx.state.pending_apology is not None:
        raise DossierError(
            _("Hồ sơ %(code)s đã được hẹn lại ngày trả kết quả; không được hẹn lại lần thứ hai.")
            % {"code": ctx.d.code},
            "second_reschedule",
        )


def _pending(ctx: Ctx) -> None:
    if ctx.state.pending_apology is None:
        raise DossierError(_("Không có văn bản xin lỗi nào chờ duyệt."), "no_pending_apology")


def _record(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    d, state, at = ctx.d, ctx.state, ctx.at
    assert state.due_at is not None and state.appointment_at is not None
    new_at = data["new_appointment_at"]
    # A reschedule is days or weeks, not years: a typo such as year 9999 is refused too.
    if new_at <= state.appointment_at or new_at <= at or new_at > at + timedelta(days=366):
        raise DossierError(
            _("Ngày hẹn mới phải sau ngày hẹn hiện tại (%(t)s) và sau thời điểm hiện tại.")
            % {"t": state.appointment_at.astimezone(clock.TZ).strftime("%H:%M %d/%m/%Y")},
            "bad_new_date",
            {"new_appointment_at": [_("Ngày hẹn mới phải sau ngày hẹn hiện tại.")]},
        )
    latest = apology_deadline(calendar(d), state.due_at)
    payload: dict[str, Any] = {
        "reason": data["reason"],
        "previous_appointment_at": clock.iso(state.appointment_at),
        "new_appointment_at": clock.iso(new_at),
        "late_apology": at > latest,
        "apology_deadline": clock.iso(latest),
    }
    if data.get("letter") is not None:
        doc = store(
            d, data["letter"], kind=Kind.NOTICE, component="form04", actor=ctx.actor, at=at, seq=d.event_count + 1
        )
        payload["letter"] = doc_payload(doc)
    append(d, "apology_recorded", ctx.actor, at, payload, state=state)
    meet(d, [DutyKind.APOLOGY], at)
    return d


def _approve(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    d, pending = ctx.d, dict(ctx.state.pending_apology or {})
    payload = {
        "reason": pending["reason"],
        "previous_appointment_at": pending.get("previous_appointment_at") or clock.iso(ctx.state.appointment_at),
        "new_appointment_at": pending["new_appointment_at"],
        "late_apology": bool(pending.get("late_apology")),
    }
    event = append(d, "apology_approved", ctx.actor, ctx.at, payload, state=ctx.state)
    notify(d, "apology", event.seq, {"reason": pending["reason"], "new_appointment_at": pending["new_appointment_at"]})
    return d


register(
    Command(
        "record_apology",
        gettext_lazy("Dự thảo văn bản xin lỗi, hẹn lại ngày trả"),
        gettext_lazy("Trình lãnh đạo duyệt"),
        "apology_recorded",
        (SPECIALIST,),
        schemas.Apology,
        _record,
        "Draft an apology with one new return date (Form 04); accepted late too, recorded as `late_apology`.",
        guards=(_has_deadline, _not_rescheduled),
        done=gettext_lazy("Đã trình văn bản xin lỗi để lãnh đạo duyệt."),
        path="apology",
    ),
    Command(
        "approve_apology",
        gettext_lazy("Duyệt văn bản xin lỗi và hẹn lại"),
        gettext_lazy("Duyệt và gửi người dân"),
        "apology_approved",
        (LEADER,),
        schemas.Nothing,
        _approve,
        "The leader approves the apology; the appointment moves and the citizen is told.",
        guards=(_pending,),
        done=gettext_lazy("Đã duyệt văn bản xin lỗi; người dân được thông báo ngày hẹn mới."),
    ),
)
