"""The transactional outbox (every citizen-facing message is a row written with the event that causes it) and in-app notices to officials."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo")
    NATIONAL = "dvcqg", _("Cổng Dịch vụ công quốc gia")  # nationalportal: signed JSON, no template


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi thất bại")


class OutboxMessage(models.Model):
    """A message to deliver; `key` makes enqueueing and delivery idempotent (one message per key)."""

    key = models.CharField(_("khóa"), max_length=200, unique=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="outbox_messages"
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("người nhận"), max_length=255)
    template = models.CharField(_("mẫu"), max_length=60)
    context = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    next_attempt_at = models.DateTimeField(_("lần thử tiếp theo"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True, default="")
    provider_message_id = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("tin nhắn chờ gửi")
        verbose_name_plural = _("tin nhắn chờ gửi")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient} ({self.template})"


class MessageTemplate(models.Model):
    """A citizen-facing message per (code, channel), editable by administrators; rendered at delivery time.

    `subject` and `body` use Django template syntax over the outbox row's `context`.
    """

    code = models.CharField(_("mã mẫu"), max_length=60)
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True, default="")
    body = models.TextField(_("nội dung"))
    active = models.BooleanField(_("đang dùng"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mẫu tin nhắn")
        verbose_name_plural = _("mẫu tin nhắn")
        ordering = ["code", "channel"]
        constraints = [models.UniqueConstraint(fields=["code", "channel"], name="message_template_code_channel")]

    def __str__(self) -> str:
        return f"{self.code} ({self.channel})"


class SimulatedDelivery(models.Model):
    """What the SMS/Zalo/e-mail simulators delivered: the citizen's phone in tests and the demo.

    Like a real gateway honouring idempotency keys, a repeated key is not delivered again; the
    simulator only counts how often it was asked (`requests`).
    """

    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    idempotency_key = models.CharField(_("khóa chống trùng"), max_length=200)
    recipient = models.CharField(_("người nhận"), max_length=255)
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True, default="")
    body = models.TextField(_("nội dung"))
    requests = models.PositiveIntegerField(_("số lần yêu cầu gửi"), default=1)
    delivered_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("tin đã gửi (giả lập)")
        verbose_name_plural = _("tin đã gửi (giả lập)")
        ordering = ["-delivered_at"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "idempotency_key"], name="simulated_delivery_key"),
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}"


class AlertLevel(models.TextChoices):
    WARNING = "warning", _("Sắp đến hạn")
    BREACH = "breach", _("Quá hạn")


class StaffAlert(models.Model):
    """An in-app notice to one official: a dossier duty is about to fall due or is overdue.

    Written by the periodic dossier job (`dossiers.alerts`); `key` (duty, level, official) makes
    a second run of the job add nothing. Shown on the back office's "Thông báo" page.
    """

    key = models.CharField(_("khóa"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.CASCADE, related_name="staff_alerts"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="staff_alerts"
    )
    level = models.CharField(_("mức"), max_length=10, choices=AlertLevel.choices)
    # The duty kind (`dossiers.models.DutyKind` value) the alert is about.
    topic = models.CharField(_("nội dung"), max_length=30)
    due_at = models.DateTimeField(_("hạn"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm"))
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo cho cán bộ")
        verbose_name_plural = _("thông báo cho cán bộ")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="staff_alert_unread")]
        constraints = [
            models.CheckConstraint(condition=models.Q(level__in=AlertLevel.values), name="staff_alert_level")
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.level} {self.dossier_id} {self.topic}"
