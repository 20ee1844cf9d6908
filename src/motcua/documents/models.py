"""Files attached to dossiers: components, digitised copies, evidence, notices and electronic results.

Rows are written only by `motcua.dossiers.services.attach_document` / `record_result` (which also
append the dossier event); the checks on type and size live in `motcua.documents.files` (pure).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMPONENT = "component", _("Thành phần hồ sơ")
    EVIDENCE = "evidence", _("Tài liệu chứng minh")
    NOTICE = "notice", _("Văn bản, phiếu thông báo")
    RESULT = "result", _("Kết quả giải quyết")


class Document(models.Model):
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    # The published component (thành phần hồ sơ) code, or the notice form code (e.g. "form04", "guidance").
    component = models.CharField(_("thành phần"), max_length=60, blank=True, default="")
    file = models.FileField(_("tệp"), upload_to="dossiers/%Y/%m/")
    filename = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("kiểu nội dung"), max_length=60)
    size = models.PositiveBigIntegerField(_("kích thước"))
    sha256 = models.CharField(max_length=64, db_index=True)
    digitized = models.BooleanField(_("đã số hóa"), default=False)
    reused = models.BooleanField(_("tái sử dụng"), default=False)
    # Result code (mã số giấy tờ) = holder identifier + result-type code (Decree 118 art. 22(4)).
    result_code = models.CharField(_("mã kết quả"), max_length=120, blank=True, default="")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField(_("tải lên lúc"))
    event_seq = models.PositiveIntegerField(_("sự kiện"))
    # Origin unit for documents routed to the lead unit in liên thông.
    from_unit = models.ForeignKey(
        "organizations.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("tài liệu")
        verbose_name_plural = _("tài liệu")
        ordering = ["dossier", "event_seq"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["component", "evidence", "notice", "result"]), name="document_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="result") | ~models.Q(result_code=""), name="result_has_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename} ({self.sha256[:12]})"
