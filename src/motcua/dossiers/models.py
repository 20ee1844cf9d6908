"""Dossiers (hồ sơ) and their append-only, hash-chained event log.

Status, due time and clock state are derived from the events and cached on the dossier row; only
`motcua.dossiers.services` writes these tables.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.chain import GENESIS
from motcua.dossiers.lifecycle import TRANSITIONS

EVENT_TYPES = sorted([*TRANSITIONS, "imported"])


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Đã nộp, chờ tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENT = "supplement", _("Chờ bổ sung")
    AWAITING_FEE = "awaiting_fee", _("Chờ thực hiện nghĩa vụ tài chính")
    STOPPED = "stopped", _("Dừng xử lý")
    CLOSED = "closed", _("Đã đóng hồ sơ")
    WITHDRAWN = "withdrawn", _("Đã rút hồ sơ")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    FINISHED = "finished", _("Đã có kết quả")
    RETURNED = "returned", _("Đã trả kết quả")


# Statuses in which processing has ended (contracts §4: `finished_at` is required for them).
ENDED_STATUSES = ("finished", "returned", "withdrawn", "stopped", "closed", "refused")


class Channel(models.TextChoices):
    DIRECT = "direct", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POSTAL = "postal", _("Bưu chính công ích")


class Dossier(models.Model):
    """One dossier. Columns below `# analytics` are what reports and the 766 index count."""

    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    procedure = models.ForeignKey(
        "catalog.Procedure", verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    process_definition = models.ForeignKey(
        "catalog.ProcessDefinition",
        verbose_name=_("quy trình"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    # The unit responsible for the result (counted in reports) and the one-stop unit that received it.
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("đơn vị giải quyết"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    receiving_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("đơn vị tiếp nhận"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="received_dossiers",
    )
    channel = models.CharField(_("hình thức nộp"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, db_index=True)
    # Rule regime chosen by the receipt date (e.g. "nd61" before 01/07/2025, "nd118" from then on).
    regime = models.CharField(_("chế độ quy định"), max_length=20, default="nd118")

    applicant_name = models.CharField(_("người nộp"), max_length=255, blank=True, default="")
    applicant_id_number = models.CharField(_("số định danh"), max_length=20, blank=True, default="")
    applicant_phone = models.CharField(_("điện thoại"), max_length=20, blank=True, default="")
    applicant_email = models.EmailField(_("thư điện tử"), blank=True, default="")
    applicant_address = models.CharField(_("địa chỉ"), max_length=500, blank=True, default="")

    submitted_at = models.DateTimeField(_("thời điểm nộp"), null=True, blank=True)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"), db_index=True)
    # Cached derived state: recomputed from the events by services and checked by `motcua audit verify`.
    due_at = models.DateTimeField(_("hạn giải quyết"), null=True, blank=True, db_index=True)
    appointment_at = models.DateTimeField(_("ngày hẹn trả"), null=True, blank=True)
    finished_at = models.DateTimeField(_("thời điểm có kết quả"), null=True, blank=True, db_index=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    clock_state = models.JSONField(_("trạng thái đồng hồ"), default=dict, blank=True)

    # analytics
    fee_amount = models.BigIntegerField(_("phí, lệ phí (VND)"), default=0)
    paid_online = models.BooleanField(_("thanh toán trực tuyến"), default=False)
    digitized = models.BooleanField(_("đã số hóa thành phần hồ sơ"), default=False)
    reused = models.BooleanField(_("tái sử dụng dữ liệu số"), default=False)
    e_result = models.BooleanField(_("có kết quả điện tử"), default=False)
    synced_national = models.BooleanField(_("đồng bộ Cổng DVC quốc gia"), default=False)
    imported = models.BooleanField(_("nhập từ hệ thống cũ"), default=False)
    # A complaint (PAKN) about this dossier or a "not satisfied" rating: criterion 5.3 of the 766 index.
    negative_feedback = models.BooleanField(_("có phản ánh hoặc đánh giá không hài lòng"), default=False)
    # The official mainly responsible for processing (per-official late rates, Kết luận 91-KL/TU).
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ xử lý chính"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
    )

    # The citizen's account, when filed online by a signed-in applicant (citizens see only their own dossiers).
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người nộp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="own_dossiers",
    )
    # Liên thông: a sub-dossier points to the lead dossier received by the one-stop unit.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("hồ sơ chủ trì (liên thông)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    linked_group = models.ForeignKey(
        "catalog.LinkedGroup",
        verbose_name=_("nhóm liên thông"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    # Cached derived state (continued): open steps (list of {"order", "name", "unit", "due_at"}).
    current_steps = models.JSONField(_("bước đang xử lý"), default=list, blank=True)
    # Head of the event chain: detects a deleted last event (`motcua audit verify`).
    last_event_hash = models.CharField(max_length=64, default=GENESIS)
    event_count = models.PositiveIntegerField(default=0)
    # HMAC of (code, event_count, last_event_hash) under the trust key kept outside the database
    # (`motcua.trust.keys.seal`): a chain cannot be appended to, cut or rewritten without the key.
    # Empty only for a dossier whose single event is the history import's `imported`.
    head_seal = models.CharField(max_length=64, blank=True, default="")

    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["unit", "received_at"], name="dossier_unit_received"),
            models.Index(fields=["procedure", "received_at"], name="dossier_proc_received"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="dossier_status_valid"),
            models.CheckConstraint(condition=models.Q(channel__in=Channel.values), name="dossier_channel_valid"),
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True) | models.Q(finished_at__gte=models.F("received_at")),
                name="dossier_finished_after_received",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=ENDED_STATUSES) | models.Q(finished_at__isnull=False),
                name="dossier_ended_has_finished_at",
            ),
            models.CheckConstraint(
                # Imported history may lack returned_at (contracts §4 requires only finished_at).
                condition=~models.Q(status="returned") | models.Q(returned_at__isnull=False) | models.Q(imported=True),
                name="dossier_returned_has_returned_at",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class AppendOnlyQuerySet(models.QuerySet["DossierEvent"]):
    """Events are never updated or deleted through the ORM; corrections are new events."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError("dossier events are append-only")

    def delete(self) -> NoReturn:
        raise TypeError("dossier events are append-only")


class DossierEvent(models.Model):
    """An append-only event: never updated or deleted; corrections are new events.

    `hash` = SHA-256(prev_hash ‖ canonical bytes of the event), so that editing, inserting or
    deleting an event breaks the chain (`motcua audit verify`).
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=255, blank=True, default="")
    at = models.DateTimeField()
    payload = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("sự kiện hồ sơ")
        ordering = ["dossier", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_event_seq_unique"),
            models.CheckConstraint(condition=models.Q(seq__gte=1), name="dossier_event_seq_positive"),
            # The lifecycle's event types (dossiers.lifecycle.TRANSITIONS) plus the history import's.
            models.CheckConstraint(condition=models.Q(type__in=EVENT_TYPES), name="dossier_event_type_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("dossier events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("dossier events are append-only")


class Outcome(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


class StepRun(models.Model):
    """One run of a process step on a dossier: the processing control sheet (phiếu kiểm soát) row.

    A cache of the `step_started` / `step_completed` events, written only by services.
    """

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="step_runs")
    step = models.ForeignKey("catalog.ProcessStep", null=True, blank=True, on_delete=models.PROTECT)
    order = models.PositiveIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    unit = models.ForeignKey("organizations.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT)
    role = models.CharField(_("vai trò"), max_length=20, blank=True, default="")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người xử lý"), null=True, blank=True, on_delete=models.PROTECT
    )
    started_at = models.DateTimeField(_("bắt đầu"))
    due_at = models.DateTimeField(_("hạn bước"), null=True, blank=True)
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices, blank=True, default="")
    event_seq = models.PositiveIntegerField(_("sự kiện bắt đầu"))

    class Meta:
        verbose_name = _("bước xử lý hồ sơ")
        verbose_name_plural = _("bước xử lý hồ sơ")
        ordering = ["dossier", "event_seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "event_seq"], name="steprun_event_unique"),
            models.CheckConstraint(
                condition=models.Q(finished_at__isnull=True) | models.Q(finished_at__gte=models.F("started_at")),
                name="steprun_finished_after_started",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.order}. {self.name}"


class CodeCounter(models.Model):
    """The last sequence number used for dossier codes of one unit on one local day."""

    prefix = models.CharField(max_length=40)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "day"], name="code_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix} {self.day}: {self.last}"


class DutyKind(models.TextChoices):
    ONLINE_ACCEPT = "online_accept", _("Tiếp nhận hoặc yêu cầu bổ sung hồ sơ trực tuyến trong 8 giờ làm việc")
    PAPER_TRANSFER = "paper_transfer", _("Chuyển hồ sơ giấy đến cơ quan có thẩm quyền")
    SUPPLEMENT_NOTICE = "supplement_notice", _("Yêu cầu bổ sung trong 3 ngày làm việc kể từ khi tiếp nhận")
    SUPPLEMENT_TIMEOUT = "supplement_timeout", _("Đóng hồ sơ khi quá 15 ngày không bổ sung")
    APOLOGY = "apology", _("Xin lỗi, hẹn lại chậm nhất 1 ngày làm việc trước hạn")
    RESOLUTION = "resolution", _("Giải quyết đúng hạn")


class Duty(models.Model):
    """A service-level duty (Decree 118/2025) tracked as a deadline with a warning; written by services and jobs."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="duties")
    kind = models.CharField(max_length=30, choices=DutyKind.choices)
    due_at = models.DateTimeField(_("hạn"))
    met_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    warned_at = models.DateTimeField(_("đã cảnh báo lúc"), null=True, blank=True)
    breached_at = models.DateTimeField(_("vi phạm lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("nghĩa vụ thời hạn")
        verbose_name_plural = _("nghĩa vụ thời hạn")
        constraints = [models.UniqueConstraint(fields=["dossier", "kind"], name="duty_unique_kind")]
        indexes = [models.Index(fields=["met_at", "due_at"], name="duty_open_due")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} ≤ {self.due_at}"
