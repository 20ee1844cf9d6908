"""Ratings of dossiers by their citizens, from the national portal, the counter's tablet or migrated history."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingChannel(models.TextChoices):
    PORTAL = "portal", _("Cổng Dịch vụ công quốc gia")
    KIOSK = "kiosk", _("Thiết bị đánh giá tại bộ phận một cửa")
    IMPORT = "import", _("Dữ liệu chuyển từ hệ thống cũ")


class Rating(models.Model):
    """One citizen's rating of one dossier through one channel: raw answers kept, one derived score."""

    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="ratings"
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=RatingChannel.choices)
    scale = models.CharField(_("thang đánh giá"), max_length=20)
    answers = models.JSONField(_("câu trả lời"), default=dict, blank=True)
    overall = models.PositiveSmallIntegerField(_("điểm chung (1–5)"))
    comment = models.TextField(_("ý kiến"), blank=True, default="")
    rated_at = models.DateTimeField(_("thời điểm đánh giá"))

    class Meta:
        verbose_name = _("đánh giá hồ sơ")
        verbose_name_plural = _("đánh giá hồ sơ")
        ordering = ["-rated_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "channel"], name="rating_one_per_channel"),
            models.CheckConstraint(condition=models.Q(overall__gte=1, overall__lte=5), name="rating_overall_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.channel} {self.overall}"
