"""Identity checks of dossiers' applicants against the population database (append-only, never updated:
the latest check of a dossier is its state; "unavailable" = chưa xác thực, to verify later)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    VERIFIED = "verified", _("Đã xác thực với CSDL dân cư")
    MISMATCH = "mismatch", _("Không khớp CSDL dân cư")
    NOT_FOUND = "not_found", _("Không có trong CSDL dân cư")
    UNAVAILABLE = "unavailable", _("Chưa xác thực (CSDL dân cư không phản hồi)")


class IdentityCheck(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="identity_checks"
    )
    id_number = models.CharField(_("số định danh"), max_length=20)
    outcome = models.CharField(_("kết quả"), max_length=20, choices=Outcome.choices, db_index=True)
    # Which typed fields differ from the database ({"name": "..."}), or what the service answered.
    detail = models.JSONField(_("chi tiết"), default=dict, blank=True)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.PROTECT)
    checked_at = models.DateTimeField(_("thời điểm"), db_index=True)

    class Meta:
        verbose_name = _("lần xác thực người nộp")
        verbose_name_plural = _("xác thực người nộp với CSDL dân cư")
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["dossier", "checked_at"], name="idcheck_dossier_at")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.outcome}"
