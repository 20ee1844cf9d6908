"""Feedback and petitions (phản ánh, kiến nghị; Decree 20/2008 as amended by 92/2017).

A `Feedback` row is the cached state of its append-only, hash-chained `FeedbackEvent` history
(`feedback.chain`); every write goes through the command table (`feedback.commands`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PORTAL = "portal", _("Cổng Dịch vụ công quốc gia")
    WEB = "web", _("Trang phản ánh của Trung tâm")
    COUNTER = "counter", _("Trực tiếp tại Bộ phận Một cửa")
    EMAIL = "email", _("Thư điện tử")
    HOTLINE = "hotline", _("Đường dây nóng")
    IMPORT = "import", _("Dữ liệu chuyển đổi")


# Channels an official types in on behalf of the submitter.
STAFF_CHANNELS = (Channel.COUNTER, Channel.EMAIL, Channel.HOTLINE)


class Status(models.TextChoices):
    RECEIVED = "received", _("Mới tiếp nhận")
    FORWARDED = "forwarded", _("Được chuyển đến")
    SUPPLEMENT = "supplement", _("Chờ bổ sung thông tin")
    PROCESSING = "processing", _("Đang xử lý")
    AWAITING_APPROVAL = "awaiting_approval", _("Chờ lãnh đạo duyệt")
    ANSWERED = "answered", _("Chờ công khai")
    PUBLISHED = "published", _("Đã công khai")
    REJECTED = "rejected", _("Không tiếp nhận")


# Statuses in which the feedback has reached a final step (contracts §9.3).
FINAL = (Status.REJECTED, Status.ANSWERED, Status.PUBLISHED)


class Case(models.TextChoices):
    """The four cases of Decree 92/2017 (processing of electronic feedback, step 3)."""

    NOT_ACCEPTED = "not_accepted", _("Không đủ điều kiện tiếp nhận")
    OFFICIAL_CONDUCT = "official_conduct", _("Vướng mắc do cơ quan, cán bộ gây ra: chuyển cơ quan có thẩm quyền")
    WITHIN_AUTHORITY = "within_authority", _("Thuộc thẩm quyền: xử lý")
    OUTSIDE_AUTHORITY = "outside_authority", _("Ngoài thẩm quyền: chuyển trong 5 ngày làm việc")


class Topic(models.TextChoices):
    """What the feedback is about (shown in the 766 data and the periodic report)."""

    REGULATION = "regulation", _("Quy định, chính sách")
    PROCEDURE = "procedure", _("Thủ tục hành chính")
    CONDUCT = "conduct", _("Hành vi, thái độ của cán bộ")
    OTHER = "other", _("Khác")


class Feedback(models.Model):
    code = models.CharField(_("mã phản ánh"), max_length=64, unique=True)
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("đơn vị xử lý"), on_delete=models.PROTECT, related_name="feedback"
    )
    receiving_unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("đơn vị tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="feedback_received",
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    external_id = models.CharField(_("mã trên hệ thống gửi"), max_length=100, blank=True, default="")
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    case = models.CharField(_("phân loại"), max_length=20, choices=Case.choices, blank=True, default="")
    topic = models.CharField(_("nội dung về"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    title = models.CharField(_("tiêu đề"), max_length=300)
    content = models.TextField(_("nội dung"))
    submitter_kind = models.CharField(_("người gửi là"), max_length=12, default="individual")
    submitter_name = models.CharField(_("họ và tên"), max_length=200, blank=True, default="")
    submitter_phone = models.CharField(_("số điện thoại"), max_length=30, blank=True, default="")
    submitter_email = models.CharField(_("thư điện tử"), max_length=200, blank=True, default="")
    submitter_address = models.CharField(_("địa chỉ"), max_length=300, blank=True, default="")
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    clock_start = models.DateTimeField(_("thời hạn tính từ"))
    forwarded_at = models.DateTimeField(_("thời điểm chuyển"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("thời điểm không tiếp nhận"), null=True, blank=True)
    supplement_requested_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(_("thời điểm có kết quả xử lý"), null=True, blank=True)
    published_at = models.DateTimeField(_("thời điểm công khai"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn bước tiếp theo"), null=True, blank=True)
    due_step = models.CharField(max_length=12, blank=True, default="")
    late = models.BooleanField(_("có bước trễ hạn"), default=False)
    steps = models.JSONField(default=list, blank=True)  # [{kind, start, due, done, met}]
    answer = models.TextField(_("nội dung trả lời"), blank=True, default="")
    answer_public = models.TextField(_("nội dung công khai"), blank=True, default="")
    content_public = models.TextField(_("nội dung phản ánh công khai"), blank=True, default="")
    title_public = models.CharField(_("tiêu đề công khai"), max_length=300, blank=True, default="")
    reason = models.TextField(_("lý do"), blank=True, default="")
    rating = models.PositiveSmallIntegerField(_("đánh giá"), null=True, blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    rating_token = models.CharField(max_length=64, unique=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_assigned"
    )
    event_count = models.PositiveIntegerField(default=0)
    last_event_hash = models.CharField(max_length=64, default="0" * 64)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "received_at"], name="feedback_unit_received"),
            models.Index(fields=["status", "due_at"], name="feedback_status_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="feedback_status"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_5",
            ),
            models.UniqueConstraint(
                fields=["channel", "external_id"],
                condition=~models.Q(external_id=""),
                name="feedback_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def final(self) -> bool:
        return self.status in FINAL

    @property
    def on_time(self) -> bool | None:
        """None until a final step is reached (§9.3), then whether every step met its limit (§9.1)."""
        return None if not self.final else not self.late


class FeedbackEvent(models.Model):
    """One step of a feedback's history; append-only, hash-chained (`feedback.chain`)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField()
    payload = models.JSONField(default=dict)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["feedback_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["feedback", "seq"], name="feedback_event_seq")]

    def __str__(self) -> str:
        return f"{self.feedback_id}#{self.seq} {self.type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("feedback events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("feedback events are append-only")


class Attachment(models.Model):
    """A file sent with the feedback (PDF, JPEG or PNG, checked like every upload: `documents.files`)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()

    def __str__(self) -> str:
        return self.filename


class FeedbackAlert(models.Model):
    """An in-app notice to an official: a feedback step is about to fall due or is overdue (`feedback.jobs`)."""

    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feedback_alerts")
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="alerts")
    level = models.CharField(max_length=10)  # warning | breach
    step = models.CharField(max_length=12)
    due_at = models.DateTimeField()
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.key
