"""Build the context of each official form from a dossier and render it with WeasyPrint."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.apps import apps
from django.template.loader import render_to_string
from django.utils import timezone

from motcua.backoffice.pdf import qr
from motcua.calendar import engine
from motcua.catalog import wording
from motcua.organizations.names import display_name
from motcua.portal.links import lookup_url


@dataclass(frozen=True)
class FormSpec:
    kind: str
    number: str  # form number in Circular 03/2025 Annex I
    title: str  # the document name, as written in the circular
    template: str
    # Event types whose latest payload feeds the form (reason, items, new date...).
    event_types: tuple[str, ...] = ()
    landscape: bool = False


FORMS: dict[str, FormSpec] = {
    s.kind: s
    for s in [
        FormSpec("receipt", "01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", "receipt.html", ("received",)),
        FormSpec(
            "supplement",
            "02",
            "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            "supplement.html",
            ("supplement_requested",),
        ),
        FormSpec(
            "refusal",
            "03",
            "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
            "refusal.html",
            ("refused",),
        ),
        FormSpec(
            "apology",
            "04",
            "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
            "apology.html",
            ("apology_approved", "apology_recorded"),
        ),
        FormSpec(
            "stop",
            "05",
            "Thông báo dừng giải quyết hồ sơ",
            "stop.html",
            ("stopped",),
        ),
        FormSpec("control", "06", "Phiếu kiểm soát quá trình giải quyết hồ sơ", "control.html"),
    ]
}
BOOK = FormSpec("book", "07", "Sổ theo dõi hồ sơ", "book.html", landscape=True)

EVENT_LABELS = {
    "submitted": "Nộp hồ sơ",
    "received": "Tiếp nhận hồ sơ",
    "step_started": "Bắt đầu bước xử lý",
    "step_completed": "Hoàn thành bước xử lý",
    "forwarded": "Chuyển xử lý",
    "assigned": "Phân công xử lý",
    "approved": "Phê duyệt",
    "supplement_requested": "Yêu cầu bổ sung hồ sơ",
    "supplement_supplied": "Nhận hồ sơ bổ sung",
    "apology_recorded": "Dự thảo văn bản xin lỗi",
    "apology_approved": "Lãnh đạo duyệt văn bản xin lỗi",
    "extended": "Gia hạn ngày hẹn trả",
    "clock_paused": "Tạm dừng tính thời gian",
    "clock_resumed": "Tiếp tục tính thời gian",
    "fee_requested": "Yêu cầu nộp phí, lệ phí",
    "fee_confirmed": "Đã nộp phí, lệ phí",
    "document_attached": "Đính kèm tài liệu",
    "result_recorded": "Cập nhật kết quả",
    "stopped": "Dừng giải quyết",
    "refused": "Từ chối giải quyết",
    "withdrawn": "Rút hồ sơ",
    "finished": "Có kết quả",
    "result_uploaded": "Tải lên kết quả",
    "returned": "Trả kết quả",
    "closed": "Đóng hồ sơ",
    "unit_transferred": "Chuyển đơn vị (sắp xếp tổ chức)",
}
CLASS_LABELS = {"early": "Trước hạn", "on_time": "Đúng hạn", "late": "Quá hạn"}


def local(dt: datetime | None) -> datetime | None:
    return timezone.localtime(dt) if dt else None


def classify(due: datetime | None, finished: datetime | None) -> str:
    """contracts §2.6: compare local dates (early / on_time / late); '' when not finished or no due time."""
    if not due or not finished:
        return ""
    return engine.classify(due, finished)


def _latest_event(dossier: Any, types: Sequence[str]) -> Any:
    if not types:
        return None
    return dossier.events.filter(type__in=types).select_related("actor").order_by("-seq").first()


def latest_payload(dossier: Any, types: Sequence[str]) -> dict[str, Any]:
    """The payload of the most recent event of one of `types` ({} if none): reasons, items, dates."""
    event = _latest_event(dossier, types)
    if event is None:
        return {}
    name = display_name(event.actor) if event.actor else event.actor_label
    key = "approver_name" if event.type == "apology_approved" else "actor_name"
    return {**(event.payload or {}), key: name, "_seq": event.seq}


def appointment_before(dossier: Any, seq: int | None) -> datetime | None:
    """The appointment in effect just before event `seq` (all events when None), read from the ledger.

    The receipt (or an import) sets it from `due_at`, a restart or recomputation may carry a new
    `appointment_at`, and an approved apology moves it to `new_appointment_at`.
    """
    events = dossier.events.order_by("seq")
    if seq is not None:
        events = events.filter(seq__lt=seq)
    appointment: datetime | None = None
    for type_, payload in events.values_list("type", "payload"):
        payload = payload or {}
        if type_ in ("received", "imported") and payload.get("due_at"):
            appointment = _parse_dt(payload["due_at"]) or appointment
        if type_ == "apology_approved" and payload.get("new_appointment_at"):
            appointment = _parse_dt(payload["new_appointment_at"]) or appointment
        elif payload.get("appointment_at"):
            appointment = _parse_dt(payload["appointment_at"]) or appointment
    return appointment


def _parse_dt(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def step_rows(dossier: Any) -> list[dict[str, Any]]:
    """Rows of the control sheet: one per step run (unit, people, times, early/on-time/late).

    Uses the dossier's StepRun rows when the model exists; otherwise the events (who did what when).
    """
    step_model = next((m for m in apps.get_app_config("dossiers").get_models() if m.__name__ == "StepRun"), None)
    rows: list[dict[str, Any]] = []
    if step_model is not None:
        for run in step_model._default_manager.filter(dossier=dossier).order_by("pk"):
            step = getattr(run, "step", None) or getattr(run, "process_step", None)
            assignee = getattr(run, "assignee", None)
            started = getattr(run, "started_at", None)
            finished = getattr(run, "finished_at", None)
            due = getattr(run, "due_at", None)
            rows.append(
                {
                    "name": getattr(step, "name", "") or getattr(run, "name", ""),
                    "unit": getattr(getattr(run, "unit", None), "name", ""),
                    "person": display_name(assignee),
                    "started": local(started),
                    "finished": local(finished),
                    "due": local(due),
                    "result": CLASS_LABELS.get(classify(due, finished), ""),
                    "note": getattr(run, "outcome", "") or "",
                }
            )
    if rows:
        return rows
    for event in dossier.events.order_by("seq"):
        payload = event.payload or {}
        due = _parse_dt(payload.get("due_at"))
        rows.append(
            {
                "name": EVENT_LABELS.get(event.type, event.type),
                "unit": payload.get("unit_name", ""),
                "person": display_name(event.actor) if event.actor else event.actor_label,
                "started": local(event.at),
                "finished": local(event.at),
                "due": local(due),
                "result": CLASS_LABELS.get(classify(due, event.at), ""),
                "note": payload.get("note", "") or payload.get("reason", ""),
            }
        )
    return rows


KIND_LABELS = {"copy": "bản sao", "present": "xuất trình"}


def _component_row(c: Any, channel: str) -> dict[str, Any] | None:
    """One line of the slip, or None when the component does not apply to the dossier's channel."""
    if not wording.applies_to(c, channel):
        return None
    get = c.get if isinstance(c, dict) else (lambda k, default=None: getattr(c, k, default))
    kind = get("kind", "") or ""
    return {
        "name": get("name", ""),
        "copies": get("copies", 1) or 1,
        "required": wording.required_for(c, channel),
        "kind": KIND_LABELS.get(kind, ""),
        "note": wording.channel_note(c),
    }


def components(dossier: Any, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The components of the slip for the dossier's channel: each marked mandatory or optional there.

    From the intake event if it lists them, else the procedure's components (rows, or the file's
    `extra.components`). A form published for online filing only is left off a counter slip.
    """
    channel = dossier.channel or "direct"
    listed = payload.get("components")
    if not (isinstance(listed, list) and listed):
        listed = list(dossier.procedure.components.order_by("order"))
    if not listed:
        listed = [c for c in (dossier.procedure.extra or {}).get("components", []) if isinstance(c, dict)]
    rows = [_component_row(c if not isinstance(c, str) else {"name": c}, channel) for c in listed]
    return [r for r in rows if r is not None]


def deadline_line(dossier: Any, payload: dict[str, Any]) -> str:
    """The legal time limit as a citizen reads it, as pinned at receipt (else the procedure's)."""
    pinned = payload.get("deadline")
    if isinstance(pinned, dict) and pinned.get("unit"):
        return wording.deadline_text(pinned.get("amount"), str(pinned["unit"]), pinned.get("cutoff"))
    return wording.procedure_deadline_text(dossier.procedure)


def _header(unit: Any) -> dict[str, str]:
    parent = getattr(unit, "parent", None)
    return {"upper": parent.name.upper() if parent else "", "unit": unit.name.upper(), "unit_name": unit.name}


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(f"backoffice/pdf/{template}", context)
    return bytes(HTML(string=html, base_url=None).write_pdf())


def render(kind: str, dossier: Any, *, extra: dict[str, Any] | None = None, issued_at: datetime | None = None) -> bytes:
    """The PDF of form `kind` for `dossier`; `extra` overrides event data (e.g. a draft's reason)."""
    spec = FORMS[kind]
    issued = local(issued_at or timezone.now())
    assert issued is not None
    payload = {**latest_payload(dossier, spec.event_types), **(extra or {})}
    unit = dossier.receiving_unit or dossier.unit
    new_appointment = _parse_dt(payload.get("new_appointment_at") or payload.get("appointment_at"))
    original_appointment = None
    if kind == "apology":
        # Mẫu 04 states the appointment the citizen was given and the new one: the payload says
        # which was in effect before the reschedule, else the ledger before the apology event does.
        original_appointment = _parse_dt(payload.get("previous_appointment_at")) or appointment_before(
            dossier, payload.get("_seq")
        )
    if kind == "receipt":
        # A reprint shows what was agreed at the counter: the appointment of the receipt event.
        appointment = _parse_dt(payload.get("appointment_at") or payload.get("due_at")) or dossier.appointment_at
    else:
        appointment = new_appointment if kind == "apology" else None
    if kind == "apology" and appointment is None:
        appointment = dossier.appointment_at
    if kind == "receipt":
        # contracts §8.1: the slip's QR is the public look-up link a phone camera opens.
        qr_text = lookup_url(dossier.code)
    else:
        qr_text = qr.payload(
            ma_ho_so=dossier.code,
            ma_tthc=dossier.procedure.code,
            so_dinh_danh=dossier.applicant_id_number,
            ten_giay_to=spec.title,
            he_thong=qr.SYSTEM_NAME,
            thoi_gian=issued.isoformat(timespec="seconds"),
            ngay_hen=local(appointment).isoformat(timespec="seconds") if appointment else None,  # type: ignore[union-attr]
        )
    context = {
        "spec": spec,
        "d": dossier,
        "header": _header(unit),
        "issued": issued,
        "qr": qr.svg_data_uri(qr_text),
        "payload": payload,
        "reason": payload.get("reason", ""),
        "items": payload.get("items") or [],
        "received": local(dossier.received_at),
        "appointment": local(appointment if kind == "receipt" else dossier.appointment_at),
        "original_appointment": local(original_appointment or dossier.appointment_at),
        "new_appointment": local(new_appointment),
        "components": components(dossier, payload) if kind == "receipt" else [],
        "steps": step_rows(dossier) if kind == "control" else [],
        "deadline": deadline_line(dossier, payload),
        "lookup_url": lookup_url(dossier.code),
        "channel_label": "nộp " + wording.CHANNEL_LABELS.get(dossier.channel or "direct", "trực tiếp"),
        "sets": payload.get("sets", 1),
        "contact": payload.get("contact", ""),
    }
    return _pdf(spec.template, context)


def render_tracking_book(
    unit: Any, start: date, end: date, dossiers: Iterable[Any], *, issued_at: datetime | None = None
) -> bytes:
    """Sổ theo dõi hồ sơ (A4 landscape) of `unit` for the period [start, end]."""
    issued = local(issued_at or timezone.now())
    assert issued is not None
    rows = list(dossiers)
    qr_text = qr.payload(
        ten_giay_to=BOOK.title,
        don_vi=unit.code,
        tu_ngay=start.isoformat(),
        den_ngay=end.isoformat(),
        he_thong=qr.SYSTEM_NAME,
        thoi_gian=issued.isoformat(timespec="seconds"),
    )
    context = {
        "spec": BOOK,
        "header": _header(unit),
        "issued": issued,
        "qr": qr.svg_data_uri(qr_text),
        "start": start,
        "end": end,
        "rows": [
            {
                "d": d,
                "received": local(d.received_at),
                "appointment": local(d.appointment_at),
                "finished": local(d.finished_at),
                "returned": local(d.returned_at),
            }
            for d in rows
        ],
    }
    return _pdf(BOOK.template, context)
