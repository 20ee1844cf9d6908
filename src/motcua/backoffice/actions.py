"""The dossier-page actions: which ones to offer, and how a submitted form becomes a service call.

Offering follows the lifecycle table (`dossiers.lifecycle.available`) and the user's roles; the
services check both again, so a forged POST gets the same refusal as a hidden button.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.http import QueryDict
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from motcua.dossiers import lifecycle, services
from motcua.dossiers.models import Dossier, StepRun
from motcua.organizations.models import Role

CLERKS = {Role.CLERK, Role.LEADER}
PROCESSORS = {Role.SPECIALIST, Role.LEADER}
LEADERS = {Role.LEADER}


class InputError(Exception):
    """Bad input caught at the edge (Vietnamese message)."""


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    type: str = "text"
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    # Choices that depend on the dossier (e.g. who may take the next step).
    choices_for: Callable[[Dossier], tuple[tuple[str, str], ...]] | None = None


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    button: str
    event: str  # lifecycle event type it leads to
    roles: frozenset[str]
    call: Callable[[Any, Dossier, QueryDict, MultiValueDict[str, Any], int | None], Any]
    fields: tuple[Field, ...] = field(default_factory=tuple)
    danger: bool = False
    on_receiving_unit: bool = False
    when: Callable[[Dossier], bool] = lambda d: True
    done: str = "Đã cập nhật hồ sơ."


def _text(data: QueryDict, name: str, label: str, required: bool = True) -> str:
    value = (data.get(name) or "").strip()
    if required and not value:
        raise InputError(f"Chưa nhập “{label}”.")
    return value


def _upload(files: MultiValueDict[str, Any], name: str, label: str) -> services.Upload:
    f = files.get(name)
    if f is None:
        raise InputError(f"Chưa đính kèm “{label}”.")
    from motcua.backoffice.forms import check_upload

    try:
        check_upload(f)
    except Exception as exc:
        raise InputError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
    return services.Upload(f.name, f.read())


def _datetime(data: QueryDict, name: str, label: str) -> datetime:
    raw = _text(data, name, label)
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise InputError(f"“{label}” không đúng định dạng ngày giờ.") from exc
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _open_step(d: Dossier) -> bool:
    return StepRun.objects.filter(dossier=d, finished_at__isnull=True).exists()


def _pending_apology(d: Dossier) -> bool:
    return services.state_of(d).pending_apology is not None


def _next_step(d: Dossier) -> Any:
    """The process step after the one now open (None without a pinned process or at the end)."""
    from motcua.catalog.models import ProcessStep

    current = StepRun.objects.filter(dossier=d, finished_at__isnull=True).order_by("-order").first()
    if current is None or d.process_definition_id is None:
        return None
    return (
        ProcessStep.objects.filter(definition_id=d.process_definition_id, order__gt=current.order)
        .select_related("unit")
        .order_by("order")
        .first()
    )


def _candidates(d: Dossier) -> list[Any]:
    """Officials holding the next step's role in its unit."""
    from motcua.organizations.models import Membership

    step = _next_step(d)
    if step is None:
        return []
    roles = [step.role] if step.role else [Role.SPECIALIST, Role.LEADER]
    members = Membership.objects.filter(unit=step.unit or d.unit, role__in=roles, active=True).select_related("user")
    return sorted({m.user for m in members}, key=lambda u: u.get_full_name() or u.get_username())


def _assignee_choices(d: Dossier) -> tuple[tuple[str, str], ...]:
    people = tuple((str(u.pk), u.get_full_name() or u.get_username()) for u in _candidates(d))
    return (("", "— Không chỉ định —"), *people)


def _assignee(d: Dossier, data: QueryDict) -> Any:
    raw = (data.get("assignee") or "").strip()
    if not raw:
        return None
    chosen = next((u for u in _candidates(d) if str(u.pk) == raw), None)
    if chosen is None:
        raise InputError("Người nhận bước tiếp theo không có vai trò phù hợp.")
    return chosen


def _version(v: int | None) -> dict[str, Any]:
    return {"expected_version": v} if v else {}


ACTIONS: list[Action] = [
    Action(
        "accept",
        "Tiếp nhận hồ sơ trực tuyến",
        "Tiếp nhận",
        "received",
        frozenset(CLERKS),
        lambda u, d, data, files, v: services.accept_online(u, d, **_version(v)),
        on_receiving_unit=True,
        done="Đã tiếp nhận hồ sơ.",
    ),
    Action(
        "start_step",
        "Bắt đầu bước xử lý tiếp theo",
        "Bắt đầu xử lý",
        "step_started",
        frozenset(PROCESSORS),
        lambda u, d, data, files, v: services.start_step(
            u, d, name=_text(data, "name", "Tên bước", required=False) or "Xử lý hồ sơ", **_version(v)
        ),
        when=lambda d: not _open_step(d),
        done="Đã bắt đầu bước xử lý.",
    ),
    Action(
        "complete_step",
        "Phê duyệt / hoàn thành bước đang xử lý",
        "Phê duyệt",
        "step_completed",
        frozenset(PROCESSORS),
        lambda u, d, data, files, v: services.complete_step(
            u, d, note=_text(data, "note", "Ý kiến", required=False), **_version(v)
        ),
        fields=(Field("note", "Ý kiến xử lý", "textarea", required=False),),
        when=_open_step,
        done="Đã hoàn thành bước xử lý.",
    ),
    Action(
        "forward",
        "Hoàn thành bước và chuyển bước tiếp theo",
        "Chuyển tiếp",
        "step_completed",
        frozenset(PROCESSORS),
        lambda u, d, data, files, v: services.forward(
            u, d, assignee=_assignee(d, data), note=_text(data, "note", "Ý kiến", required=False), **_version(v)
        ),
        fields=(
            Field("assignee", "Chuyển cho", "select", required=False, choices_for=_assignee_choices),
            Field("note", "Ý kiến khi chuyển", "textarea", required=False),
        ),
        when=lambda d: _open_step(d) and d.process_definition_id is not None,
        done="Đã chuyển hồ sơ sang bước tiếp theo.",
    ),
    Action(
        "request_supplement",
        "Yêu cầu bổ sung, hoàn thiện hồ sơ",
        "Gửi yêu cầu bổ sung",
        "supplement_requested",
        frozenset({Role.CLERK, Role.SPECIALIST, Role.LEADER}),
        lambda u, d, data, files, v: services.request_supplement(
            u,
            d,
            reason=_text(data, "reason", "Lý do"),
            items=[line.strip() for line in _text(data, "items", "Giấy tờ cần bổ sung").splitlines() if line.strip()],
            **_version(v),
        ),
        fields=(
            Field("items", "Giấy tờ cần bổ sung (mỗi dòng một mục)", "textarea"),
            Field("reason", "Lý do", "textarea"),
        ),
        done="Đã gửi yêu cầu bổ sung; in Phiếu yêu cầu bổ sung ở mục Biểu mẫu.",
    ),
    Action(
        "supply_supplement",
        "Nhận hồ sơ đã bổ sung",
        "Nhận hồ sơ bổ sung",
        "supplement_supplied",
        frozenset(CLERKS),
        lambda u, d, data, files, v: services.supply_supplement(u, d, **_version(v)),
        on_receiving_unit=True,
        done="Đã nhận hồ sơ bổ sung; thời hạn giải quyết được tính lại.",
    ),
    Action(
        "record_apology",
        "Dự thảo văn bản xin lỗi, hẹn lại ngày trả",
        "Trình lãnh đạo duyệt",
        "apology_recorded",
        frozenset(PROCESSORS),
        lambda u, d, data, files, v: services.record_apology(
            u,
            d,
            reason=_text(data, "reason", "Lý do chậm"),
            new_appointment_at=_datetime(data, "new_appointment_at", "Ngày hẹn mới"),
            **_version(v),
        ),
        fields=(
            Field("reason", "Lý do chậm giải quyết", "textarea"),
            Field("new_appointment_at", "Thời gian hẹn trả mới", "datetime-local"),
        ),
        when=lambda d: not _pending_apology(d),
        done="Đã trình văn bản xin lỗi để lãnh đạo duyệt.",
    ),
    Action(
        "approve_apology",
        "Duyệt văn bản xin lỗi và hẹn lại",
        "Duyệt và gửi người dân",
        "apology_approved",
        frozenset(LEADERS),
        lambda u, d, data, files, v: services.approve_apology(u, d, **_version(v)),
        when=_pending_apology,
        done="Đã duyệt văn bản xin lỗi; người dân được thông báo ngày hẹn mới.",
    ),
    Action(
        "record_result",
        "Tải lên kết quả điện tử",
        "Lưu kết quả",
        "result_recorded",
        frozenset(PROCESSORS),
        lambda u, d, data, files, v: services.record_result(
            u, d, upload=_upload(files, "file", "Tệp kết quả"), result_code=_text(data, "result_code", "Mã kết quả")
        ),
        fields=(Field("result_code", "Mã số kết quả"), Field("file", "Tệp kết quả (PDF)", "file")),
        done="Đã lưu kết quả điện tử.",
    ),
    Action(
        "finish",
        "Hoàn thành giải quyết (có kết quả)",
        "Hoàn thành",
        "finished",
        frozenset(PROCESSORS),
        lambda u, d, data, files, v: services.finish_dossier(
            u, d, note=_text(data, "note", "Ghi chú", required=False), **_version(v)
        ),
        fields=(Field("note", "Ghi chú", "textarea", required=False),),
        when=lambda d: not _open_step(d),
        done="Hồ sơ đã có kết quả; người dân được thông báo.",
    ),
    Action(
        "announce_early",
        "Báo người dân nhận kết quả sớm",
        "Gửi thông báo",
        "early_return_notice",
        frozenset(CLERKS),
        lambda u, d, data, files, v: services.announce_early_return(u, d),
        on_receiving_unit=True,
    ),
    Action(
        "return_result",
        "Trả kết quả cho người dân",
        "Đã trả kết quả",
        "returned",
        frozenset(CLERKS),
        lambda u, d, data, files, v: services.return_result(u, d),
        on_receiving_unit=True,
        done="Đã trả kết quả.",
    ),
    Action(
        "stop",
        "Dừng giải quyết (có căn cứ)",
        "Dừng giải quyết",
        "stopped",
        frozenset(LEADERS),
        lambda u, d, data, files, v: services.stop_dossier(
            u,
            d,
            reason=_text(data, "reason", "Lý do"),
            evidence=_upload(files, "evidence", "Tài liệu căn cứ"),
            **_version(v),
        ),
        fields=(Field("reason", "Lý do dừng", "textarea"), Field("evidence", "Tài liệu căn cứ (PDF, ảnh)", "file")),
        danger=True,
        done="Đã dừng giải quyết; in Thông báo dừng ở mục Biểu mẫu.",
    ),
    Action(
        "withdraw",
        "Người nộp rút hồ sơ",
        "Rút hồ sơ",
        "withdrawn",
        frozenset(CLERKS),
        lambda u, d, data, files, v: services.withdraw(u, d, reason=_text(data, "reason", "Lý do", required=False)),
        fields=(Field("reason", "Lý do (nếu có)", "textarea", required=False),),
        danger=True,
        on_receiving_unit=True,
        done="Đã ghi nhận việc rút hồ sơ.",
    ),
    Action(
        "refuse",
        "Từ chối tiếp nhận",
        "Từ chối",
        "refused",
        frozenset(CLERKS),
        lambda u, d, data, files, v: services.refuse_intake(u, d, reason=_text(data, "reason", "Lý do")),
        fields=(Field("reason", "Lý do từ chối", "textarea"),),
        danger=True,
        on_receiving_unit=True,
    ),
]
BY_NAME = {a.name: a for a in ACTIONS}


def offered(d: Dossier, roles_unit: set[str], roles_receiving: set[str]) -> list[Action]:
    """Actions the lifecycle allows now and the user's roles could perform."""
    events = set(lifecycle.available(d.status))
    found = [
        a
        for a in ACTIONS
        if a.event in events and a.roles & (roles_receiving if a.on_receiving_unit else roles_unit) and a.when(d)
    ]
    return [
        replace(a, fields=tuple(replace(f, choices=f.choices_for(d)) if f.choices_for else f for f in a.fields))
        for a in found
    ]
