"""SIPAS satisfaction surveys: versioned questionnaires, campaigns, raw answers (kept as given)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Questionnaire(models.Model):
    """A questionnaire as data (`surveys.questionnaire` documents the shape); a change is a new version."""

    code = models.CharField(_("mã"), max_length=40)
    version = models.PositiveIntegerField(_("phiên bản"))
    title = models.CharField(_("tên"), max_length=300)
    definition = models.JSONField(_("nội dung"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="questionnaire_code_version")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Campaign(models.Model):
    code = models.SlugField(_("mã đợt"), max_length=60, unique=True)
    name = models.CharField(_("tên đợt khảo sát"), max_length=300)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    units = models.ManyToManyField("organizations.Unit", verbose_name=_("đơn vị được khảo sát"), related_name="+")
    sample_size = models.PositiveIntegerField(_("cỡ mẫu dự kiến (mỗi đơn vị)"), default=0)
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, verbose_name=_("bảng hỏi"))
    formula = models.JSONField(_("công thức tính (ghi đè mặc định)"), default=dict, blank=True)
    active = models.BooleanField(_("đang mở"), default=True)

    class Meta:
        ordering = ["-start", "code"]

    def __str__(self) -> str:
        return self.name


class ResponseChannel(models.TextChoices):
    PORTAL = "portal", _("Trang khảo sát trực tuyến")
    KIOSK = "kiosk", _("Máy tính bảng tại quầy")
    PAPER = "paper", _("Phiếu giấy")


class Response(models.Model):
    """One respondent's raw answers {question id: value} and profile {question id: option}."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="responses")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=10, choices=ResponseChannel.choices)
    questionnaire_version = models.PositiveIntegerField()
    dossier_code = models.CharField(max_length=64, blank=True, default="")
    session_key = models.CharField(max_length=64, blank=True, default="")
    answers = models.JSONField(default=dict)
    profile = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["campaign_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "dossier_code"], condition=~models.Q(dossier_code=""), name="survey_one_per_dossier"
            ),
            models.UniqueConstraint(
                fields=["campaign", "session_key"], condition=~models.Q(session_key=""), name="survey_one_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.unit_id}:{self.pk}"
