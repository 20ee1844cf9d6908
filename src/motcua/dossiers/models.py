"""Dossiers (hồ sơ) and their append-only, hash-chained event log.

Status, due time and clock state are derived from the events and cached on the dossier row; only
`motcua.dossiers.services` writes these tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        ]

    def __str__(self) -> str:
        return self.code


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

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("sự kiện hồ sơ")
        ordering = ["dossier", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_event_seq_unique")]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.type}"
