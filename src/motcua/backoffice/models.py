"""Back-office records: the audit trail of staff reads of personal data (DESIGN "Safe")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonalDataRead(models.Model):
    """One read of a dossier's personal data by a staff member: who (`user`), what (`what`, `detail`),
    when (`at`) and from where (`address`, `path`): pages, API, PDFs, documents, registers, exports."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.PROTECT)
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), null=True, blank=True, on_delete=models.PROTECT
    )
    what = models.CharField(_("nội dung xem"), max_length=60)
    detail = models.JSONField(_("chi tiết"), default=dict, blank=True)
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    address = models.GenericIPAddressField(_("địa chỉ truy cập"), null=True, blank=True)
    path = models.CharField(_("đường dẫn"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("lượt xem dữ liệu cá nhân")
        verbose_name_plural = _("nhật ký xem dữ liệu cá nhân")
        ordering = ["-at"]
        indexes = [models.Index(fields=["dossier", "at"], name="pdread_dossier_at")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.what} {self.dossier_id}"
