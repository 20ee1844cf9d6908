"""Results and return: files for components, the electronic result, finishing, early-return notice, return."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import Procedure, RequiredComponent
from motcua.documents.models import Document, Kind
from motcua.dossiers import clock
from motcua.dossiers.commands import schemas
from motcua.dossiers.commands.kernel import (
    Ctx,
    DossierError,
    Upload,
    append,
    doc_payload,
    meet,
    missing_steps,
    notify,
    store,
)
from motcua.dossiers.commands.table import (
    CLERK_AT_RECEIVING,
    RETURNER,
    SPECIALIST,
    STEP_LAST,
    THE_APPLICANT,
    UNIT,
    Command,
    grant,
    register,
)
from motcua.dossiers.models import Dossier, DutyKind, Status
from motcua.organizations.access import Action


def published_components(procedure: Procedure) -> set[str]:
    """Identifiers of the procedure's published components: the component's order ("1", "2", ...) or its code."""
    codes: set[str] = set()
    for order, extra in RequiredComponent.objects.filter(procedure=procedure).values_list("order", "extra"):
        codes.add(str(order))
        if isinstance(extra, dict) and extra.get("code"):
            codes.add(str(extra["code"]))
    for item in (procedure.extra or {}).get("components", []) or []:
        if isinstance(item, dict) and item.get("code"):
            codes.add(str(item["code"]))
        elif isinstance(item, str):
            codes.add(item)
    return codes


def component_choices(procedure: Procedure) -> list[tuple[str, str]]:
    return [
        (str(c.order), f"{c.order}. {c.name}"[:120])
        for c in RequiredComponent.objects.filter(procedure=procedure).order_by("order")
    ]


def attach(ctx: Ctx, d: Dossier, upload: Upload, component: str, digitized: bool, reused: bool) -> Document:
    """Store one component file and append its event (used by the attach command and by counter intake)."""
    if component not in published_components(d.procedure):
        raise DossierError(
            _("Giấy tờ “%(c)s” không có trong thành phần hồ sơ đã công bố của thủ tục.") % {"c": component},
            "component_not_published",
            {"component": [_("Không có trong thành phần hồ sơ.")]},
        )
    doc = store(
        d,
        upload,
        kind=Kind.COMPONENT,
        component=component,
        actor=ctx.actor,
        at=ctx.at,
        seq=d.event_count + 1,
        digitized=digitized,
        reused=reused,
    )
    payload = {**doc_payload(doc), "component": component, "digitized": digitized, "reused": reused}
    flags = {"digitized": True} if digitized else {}
    if reused:
        flags["reused"] = True
    append(d, "document_attached", ctx.actor, ctx.at, payload, changes=flags)
    return doc


def _attach(ctx: Ctx, data: dict[str, Any]) -> Document:
    return attach(ctx, ctx.d, data["file"], data["component"], bool(data.get("digitized")), bool(data.get("reused")))


def _record_result(ctx: Ctx, data: dict[str, Any]) -> Document:
    from motcua.signing.hooks import sign_result

    d = ctx.d
    upload: Upload = data["file"]
    signed = sign_result(d, upload.data)  # PAdES, the competent unit's certificate (signing.hooks)
    doc = store(
        d,
        Upload(upload.name, signed),
        kind=Kind.RESULT,
        component="result",
        actor=ctx.actor,
        at=ctx.at,
        seq=d.event_count + 1,
        result_code=data["result_code"],
    )
    append(
        d,
        "result_recorded",
        ctx.actor,
        ctx.at,
        {**doc_payload(doc), "result_code": data["result_code"], "signed": signed != upload.data},
        state=ctx.state,
        changes={"e_result": True},
    )
    return doc


def _latest_result(ctx: Ctx) -> dict[str, Any]:
    event = ctx.d.events.filter(type="result_recorded").order_by("-seq").first()
    return dict(event.payload or {}) if event is not None else {}


def _awaits_leader_signature(ctx: Ctx) -> None:
    payload = _latest_result(ctx)
    if not payload.get("signed") or payload.get("signed_by"):
        raise DossierError(_("Không có kết quả điện tử đã ký số của cơ quan đang chờ lãnh đạo ký."), "nothing_to_sign")


def _sign_result(ctx: Ctx, data: dict[str, Any]) -> Document:
    """The leader adds a personal signature over the unit-signed result (an incremental PAdES update that
    keeps the first signature valid); the signed copy becomes the dossier's result."""
    from motcua.signing.hooks import sign_result

    d, payload = ctx.d, _latest_result(ctx)
    previous = Document.objects.get(pk=payload["document"], dossier=d)
    with previous.file.open("rb") as fh:
        original = fh.read()
    doc = store(
        d,
        Upload(previous.filename, sign_result(d, original, signer=ctx.actor)),
        kind=Kind.RESULT,
        component="result",
        actor=ctx.actor,
        at=ctx.at,
        seq=d.event_count + 1,
        result_code=previous.result_code,
    )
    signer = getattr(ctx.actor, "username", "")
    append(
        d,
        "result_recorded",
        ctx.actor,
        ctx.at,
        {
            **doc_payload(doc),
            "result_code": previous.result_code,
            "signed": True,
            "signed_by": signer,
            "replaces": previous.pk,
        },
        state=ctx.state,
        changes={"e_result": True},
    )
    return doc


def _all_steps_done(ctx: Ctx) -> None:
    if ctx.open_runs():
        raise DossierError(_("Còn bước xử lý chưa hoàn thành."), "open_steps")
    missing = missing_steps(ctx.d)
    if missing:
        raise DossierError(
            _("Chưa thực hiện đủ các bước của quy trình: %(steps)s.") % {"steps": ", ".join(s.name for s in missing)},
            "steps_missing",
        )


def _finish(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    d, state = ctx.d, ctx.state
    outcome = clock.classify_outcome(state.due_at, ctx.at) if state.due_at else "on_time"
    changes = {"handled_by": ctx.actor} if getattr(ctx.actor, "pk", None) else {}
    event = append(
        d,
        "finished",
        ctx.actor,
        ctx.at,
        {"outcome": outcome, "note": data.get("note", "")},
        state=state,
        changes=changes,
    )
    meet(d, [DutyKind.RESOLUTION, DutyKind.APOLOGY], ctx.at)
    notify(d, "result_ready", event.seq, {"appointment_at": clock.iso(d.appointment_at)})
    return d


def _before_appointment(ctx: Ctx) -> bool:
    appointment = ctx.state.appointment_at
    return appointment is not None and clock.local_date(ctx.at) < clock.local_date(appointment)


def _early_notice_useful(ctx: Ctx) -> None:
    if ctx.state.early_return_notice:
        raise DossierError(_("Đã thông báo trả kết quả sớm cho người nộp hồ sơ."), "early_return_already_announced")
    if not _before_appointment(ctx):
        raise DossierError(_("Đã đến ngày hẹn trả; không cần thông báo trả sớm."), "early_return_not_needed")


def _announced_if_early(ctx: Ctx) -> None:
    if ctx.state.status == Status.FINISHED and _before_appointment(ctx) and not ctx.state.early_return_notice:
        raise DossierError(
            _("Trả kết quả trước ngày hẹn phải được thông báo trước cho người nộp hồ sơ."),
            "early_return_not_announced",
        )


def _announce_early(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    d = ctx.d
    event = append(d, "early_return_notice", ctx.actor, ctx.at, {}, state=ctx.state)
    notify(d, "early_return", event.seq, {"appointment_at": clock.iso(d.appointment_at)})
    return d


def _return(ctx: Ctx, data: dict[str, Any]) -> Dossier:
    payload: dict[str, Any] = {}
    if data.get("method") == "postal":
        payload = {"method": "postal", "tracking_number": data["tracking_number"]}
    append(ctx.d, "returned", ctx.actor, ctx.at, payload, state=ctx.state)
    return ctx.d


register(
    Command(
        "attach_document",
        gettext_lazy("Đính kèm thành phần hồ sơ"),
        gettext_lazy("Đính kèm"),
        "document_attached",
        (CLERK_AT_RECEIVING, SPECIALIST, THE_APPLICANT),
        schemas.Document,
        _attach,
        "Attach a file for a published component (PDF/JPEG/PNG, size-limited, SHA-256 kept).",
        choices={"component": lambda ctx: component_choices(ctx.d.procedure)},
        done=gettext_lazy("Đã đính kèm tài liệu."),
        path="documents",
    ),
    Command(
        "record_result",
        gettext_lazy("Tải lên kết quả điện tử"),
        gettext_lazy("Lưu kết quả"),
        "result_recorded",
        (SPECIALIST,),
        schemas.Result,
        _record_result,
        "Store the electronic result with its code (marks `e_result`).",
        done=gettext_lazy("Đã lưu kết quả điện tử."),
        path="result",
    ),
    Command(
        "sign_result",
        gettext_lazy("Ký số kết quả (lãnh đạo)"),
        gettext_lazy("Ký số"),
        "result_recorded",
        (grant(Action.SIGN, UNIT),),
        schemas.Nothing,
        _sign_result,
        "A leader signs the unit-signed electronic result with a personal certificate (PAdES, second signature).",
        guards=(_awaits_leader_signature,),
        done=gettext_lazy("Đã ký số kết quả."),
    ),
    Command(
        "finish",
        gettext_lazy("Hoàn thành giải quyết (có kết quả)"),
        gettext_lazy("Hoàn thành"),
        "finished",
        # The last step's holder; without a process, the competent unit's specialist or leader.
        (STEP_LAST, grant(Action.APPROVE, UNIT, only=lambda ctx: not ctx.definition_steps())),
        schemas.Note,
        _finish,
        "Processing ends with a result; every step of the pinned process must be completed.",
        guards=(_all_steps_done,),
        done=gettext_lazy("Hồ sơ đã có kết quả; người dân được thông báo."),
    ),
    Command(
        "announce_early",
        gettext_lazy("Báo người dân nhận kết quả sớm"),
        gettext_lazy("Gửi thông báo"),
        "early_return_notice",
        (RETURNER,),
        schemas.Nothing,
        _announce_early,
        "Tell the applicant the result can be collected before the appointment.",
        guards=(_early_notice_useful,),
        done=gettext_lazy("Đã thông báo cho người dân nhận kết quả sớm."),
        path="early-return-notice",
    ),
    Command(
        "return_result",
        gettext_lazy("Trả kết quả cho người dân"),
        gettext_lazy("Đã trả kết quả"),
        "returned",
        (RETURNER,),
        schemas.Return,
        _return,
        "Hand the result over, at the counter or by post (with the postal tracking number).",
        guards=(_announced_if_early,),
        done=gettext_lazy("Đã trả kết quả."),
        path="return",
    ),
)
