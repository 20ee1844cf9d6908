"""The register of every document motcua signed (append-only): what the public verification page
and a document's QR link look up. The signed bytes themselves live where the document lives."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SignedDocument(models.Model):
    token = models.CharField(_("mã xác thực"), max_length=40, unique=True)
    kind = models.CharField(_("loại văn bản"), max_length=40)
    reason = models.CharField(_("lý do ký"), max_length=255, blank=True, default="")
    unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("cơ quan ký"), null=True, blank=True, on_delete=models.PROTECT
    )
    signer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ký"), null=True, blank=True, on_delete=models.PROTECT
    )
    signer_name = models.CharField(_("tên trên chứng thư"), max_length=255)
    certificate_sha256 = models.CharField(_("dấu vân tay chứng thư"), max_length=64)
    provider = models.CharField(_("cách ký"), max_length=20)
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), null=True, blank=True, on_delete=models.PROTECT
    )
    sha256 = models.CharField(_("mã băm SHA-256 của văn bản đã ký"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("kích thước"))
    signed_at = models.DateTimeField(_("thời điểm ký"), db_index=True)

    class Meta:
        verbose_name = _("văn bản đã ký số")
        verbose_name_plural = _("văn bản đã ký số")
        ordering = ["-signed_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.signer_name} {self.signed_at:%Y-%m-%d %H:%M}"
