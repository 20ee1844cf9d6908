"""Supplementation: one request (Decree 118: within 3 working days of receipt), the completed dossier, or closure."""

from __future__ import annotations

from datetime import datetime, timedelta
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
    set_duty,
    store,
)
from motcua.dossiers.commands.table import (
    CLERK_AT_RECEIVING,
    RECEIVING,
    THE_APPLICANT,
    UNIT,
    Command,
    grant,
    register,
)
from motcua.dossiers.models import Dossier, DutyKind, Status
from motcua.organizations.access import Action


def _regime(d: Dossier) -> clock.Regime:
    return clock.regime_by_code(d.regime)


def _one_request_in_time(ctx: Ctx) -> None:
    """After receipt the regime limits requests: nd118 allows one, within 3 working days of the receipt."""
    d, state = ctx.d, ctx.state
    if state.status == Status.SUBMITTED:
        return  # an intake correction of an online submission does not count
    regime = _regime(d)
    made = int(state.clock_state.get("supplement_requests", 0))
    if regime.max_supplement_requests is not None and made >= regime.max_supplement_requests:
        raise DossierError(
            _("Hồ sơ %(code)s đã được yêu cầu bổ sung một lần; không được yêu cầu bổ sung lần thứ hai.")
            % {"code": d.code},
            "second_supplement",
        )
    if regime.supplement_notice_working_days is not None:
        limit = clock.add_working_days(calendar(d), d.received_at, regime.supplement_notice_working_days)
        if ctx.at > limit:
            raise DossierError(
                _("Đã quá %(n)s ngày làm việc kể từ khi tiếp nhận; không được yêu cầu bổ sung hồ sơ.")
                % {"n": regime.supplement_notice_working_days},
                "supplement_too_late",
            )


def _request(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    d, at = ctx.d, ctx.at
    regime = _regime(d)
    payload: dict[str, Any] = {"reason": data["reason"], "items": list(data["items"])}
    if regime.supplement_timeout_days is not None:
        payload["close_after"] = clock.iso(at + timedelta(days=regime.supplement_timeout_days))
    if data.get("notice") is not None:
        doc = store(
            d,
            data["notice"],
            kind=Kind.NOTICE,
            component="supplement_request",
            actor=ctx.actor,
            at=at,
            seq=d.event_count + 1,
        )
        payload["notice"] = doc_payload(doc)
    event = append(d, "supplement_requested", ctx.actor, at, payload, state=ctx.state)
    meet(d, [DutyKind.ONLINE_ACCEPT], at)
    if regime.supplement_timeout_days is not None:
        set_duty(d, DutyKind.SUPPLEMENT_TIMEOUT, at + timedelta(days=regime.supplement_timeout_days))
    notify(d, "supplement_request", event.seq, {"reason": data["reason"], "items": list(data["items"])})
    return d


def _supply(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    """nd118 restarts the full time limit; nd61 extends the due time by the office time spent waiting."""
    d, state, at = ctx.d, ctx.state, ctx.at
    payload: dict[str, Any] = {}
    if state.due_at is not None and state.status == Status.SUPPLEMENT:
        cal = calendar(d)
        paused = datetime.fromisoformat(state.clock_state["paused_since"])
        if _regime(d).supplement_mode == "restart":
            _, due = clock.compute_due(cal, at, clock.Deadline.from_payload(state.clock_state["deadline"]))
            payload["restarted"] = True
        else:
            due = clock.pause_due(cal, state.due_at, paused, at)
            payload["pause"] = [clock.iso(paused), clock.iso(at)]
        payload["due_at"] = clock.iso(due)
        if not state.clock_state.get("extensions"):
            payload["appointment_at"] = clock.iso(due)
    append(d, "supplement_supplied", ctx.actor, at, payload, state=state)
    meet(d, [DutyKind.SUPPLEMENT_TIMEOUT], at)
    if d.due_at is not None and "due_at" in payload:
        set_duty(d, DutyKind.RESOLUTION, d.due_at)
        set_duty(d, DutyKind.APOLOGY, apology_deadline(calendar(d), d.due_at))
    return d


def _wait_is_over(ctx: Ctx) -> None:
    d, state = ctx.d, ctx.state
    regime = _regime(d)
    requested = state.clock_state.get("supplement_requested_at")
    if regime.supplement_timeout_days is None or not requested:
        raise DossierError(_("Hồ sơ này không bị đóng khi quá hạn bổ sung."), "no_supplement_timeout")
    if ctx.at < datetime.fromisoformat(requested) + timedelta(days=regime.supplement_timeout_days):
        raise DossierError(
            _("Chưa hết %(n)s ngày chờ bổ sung; chưa được đóng hồ sơ.") % {"n": regime.supplement_timeout_days},
            "supplement_wait_not_over",
        )


def _close(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    d = ctx.d
    event = append(d, "closed", ctx.actor, ctx.at, {"reason": "supplement_timeout"}, state=ctx.state)
    meet(d, [DutyKind.SUPPLEMENT_TIMEOUT, DutyKind.RESOLUTION, DutyKind.APOLOGY], ctx.at)
    notify(d, "closed", event.seq, {})
    return d


register(
    Command(
        "request_supplement",
        gettext_lazy("Yêu cầu bổ sung, hoàn thiện hồ sơ"),
        gettext_lazy("Gửi yêu cầu bổ sung"),
        "supplement_requested",
        # At intake the one-stop clerk asks; once received, the competent unit's specialist.
        (
            grant(Action.RECEIVE, RECEIVING, only=lambda ctx: ctx.state.status in (Status.SUBMITTED, Status.RECEIVED)),
            grant(Action.PROCESS, UNIT, only=lambda ctx: ctx.state.status in (Status.RECEIVED, Status.PROCESSING)),
        ),
        schemas.Supplement,
        _request,
        "Ask for a supplement, listing every missing item at once (one request under Decree 118).",
        guards=(_one_request_in_time,),
        done=gettext_lazy("Đã gửi yêu cầu bổ sung; in Phiếu yêu cầu bổ sung ở mục Biểu mẫu."),
    ),
    Command(
        "supply_supplement",
        gettext_lazy("Nhận hồ sơ đã bổ sung"),
        gettext_lazy("Nhận hồ sơ bổ sung"),
        "supplement_supplied",
        (CLERK_AT_RECEIVING, THE_APPLICANT),
        schemas.Nothing,
        _supply,
        "The completed dossier arrived (Decree 118 restarts the time limit).",
        done=gettext_lazy("Đã nhận hồ sơ bổ sung; thời hạn giải quyết được tính lại."),
    ),
    Command(
        "close",
        gettext_lazy("Đóng hồ sơ do không bổ sung đúng hạn"),
        gettext_lazy("Đóng hồ sơ"),
        "closed",
        (CLERK_AT_RECEIVING,),
        schemas.Nothing,
        _close,
        "Close a dossier whose supplement was not completed within the regime's time (15 days).",
        guards=(_wait_is_over,),
        danger=True,
        done=gettext_lazy("Đã đóng hồ sơ."),
    ),
)
