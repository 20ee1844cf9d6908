"""What motcua keeps about its exchange with the national public-service portal (DVCQG).

`NationalDossier`: one dossier known to the national side — filed there (inbound, possibly held
while attachments are missing) or synchronised out from the counter; its outbound sequence and
what the national side acknowledged. `InboundMessage`: each message received, by its id, so a
repeated delivery gets the first answer and changes nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    HELD = "held", _("Tạm giữ: thiếu tệp đính kèm")
    RECEIVED = "received", _("Đã nhận vào hệ thống")


class Source(models.TextChoices):
    PORTAL = "portal", _("Nộp trên Cổng DVC quốc gia")
    ASSISTED = "assisted", _("Cán bộ nộp trực tuyến thay người dân")
    COUNTER = "counter", _("Tiếp nhận tại bộ phận một cửa")


class NationalDossier(models.Model):
    portal_ref = models.CharField(_("mã hồ sơ trên Cổng quốc gia"), max_length=64, unique=True, null=True, blank=True)
    dossier = models.OneToOneField(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="national",
    )
    state = models.CharField(_("tình trạng"), max_length=10, choices=State.choices, default=State.RECEIVED)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.PORTAL)
    procedure_code = models.CharField(_("mã thủ tục"), max_length=40, blank=True, default="")
    unit_code = models.CharField(_("mã đơn vị"), max_length=40, blank=True, default="")
    applicant_name = models.CharField(_("người nộp"), max_length=255, blank=True, default="")
    # VNeID: the identity provider's subject and whether the applicant's identity was verified there.
    vneid_subject = models.CharField(_("định danh VNeID"), max_length=100, blank=True, default="")
    identity_verified = models.BooleanField(_("đã xác thực VNeID"), default=False)
    form = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    # Held dossiers: each attachment that did not arrive intact ({"component", "filename", "problem"}).
    problems = models.JSONField(_("thiếu sót"), default=list, blank=True)
    out_seq = models.PositiveIntegerField(_("số thứ tự tin đã gửi"), default=0)
    acked_seq = models.PositiveIntegerField(_("số thứ tự tin đã được xác nhận"), default=0)
    acknowledged_at = models.DateTimeField(_("Cổng quốc gia xác nhận lần đầu"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ đồng bộ Cổng quốc gia")
        verbose_name_plural = _("hồ sơ đồng bộ Cổng quốc gia")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(state__in=State.values), name="national_state_valid"),
            models.CheckConstraint(
                condition=models.Q(state="held") | models.Q(dossier__isnull=False), name="national_received_has_dossier"
            ),
        ]

    def __str__(self) -> str:
        return self.portal_ref or (self.dossier.code if self.dossier_id and self.dossier else "?")


class InboundMessage(models.Model):
    message_id = models.CharField(_("mã tin"), max_length=120, unique=True)
    type = models.CharField(_("loại tin"), max_length=40)
    portal_ref = models.CharField(_("mã hồ sơ trên Cổng quốc gia"), max_length=64, blank=True, default="")
    status_code = models.PositiveSmallIntegerField(_("mã trả lời"))
    answer = models.JSONField(_("trả lời"), default=dict)
    received_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tin nhận từ Cổng quốc gia")
        verbose_name_plural = _("tin nhận từ Cổng quốc gia")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.type} {self.message_id}"
