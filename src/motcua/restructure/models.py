"""Restructuring decisions (quyết định sắp xếp đơn vị hành chính, cơ quan) as data.

A decision is recorded (draft), previewed, then scheduled by a province administrator; nothing in
the organisation changes until its effective date, when `engine.apply_decision` carries it out
(the worker's periodic job, or at once when the date has already come). Until then it may be
cancelled. What it did is kept in `result` (the plan it executed).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    MERGE = "merge", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia tách")
    RENAME = "rename", _("Đổi tên, đổi mã")
    MOVE = "move", _("Chuyển đơn vị cấp trên")
    DISSOLVE = "dissolve", _("Giải thể")


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SCHEDULED = "scheduled", _("Chờ đến ngày hiệu lực")
    APPLIED = "applied", _("Đã thực hiện")
    CANCELLED = "cancelled", _("Đã hủy")


class Decision(models.Model):
    number = models.CharField(_("số quyết định"), max_length=100, unique=True)
    signed_on = models.DateField(_("ngày ký"))
    effective_on = models.DateField(_("ngày có hiệu lực"))
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True, default="")
    kind = models.CharField(_("loại sắp xếp"), max_length=10, choices=Kind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.DRAFT
    )
    sources = models.ManyToManyField(
        "organizations.Unit", verbose_name=_("đơn vị được sắp xếp"), related_name="restructured_by"
    )
    # merge/dissolve: the existing unit that takes over; move: the new parent unit.
    target = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("đơn vị tiếp nhận / cấp trên mới"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="restructured_into",
    )
    # merge/rename into a new unit.
    new_code = models.CharField(_("mã đơn vị mới"), max_length=40, blank=True, default="")
    new_name = models.CharField(_("tên đơn vị mới"), max_length=255, blank=True, default="")
    new_kind = models.CharField(_("loại đơn vị mới"), max_length=40, blank=True, default="")
    # split: [{"code", "name", "kind", "match": [words of the applicant's address]}]; the first part
    # takes what no rule matches (officials, process steps, sub-units) and is the primary successor.
    parts = models.JSONField(_("các đơn vị sau chia tách"), default=list, blank=True)
    result = models.JSONField(_("kết quả thực hiện"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    scheduled_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(_("thực hiện lúc"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("quyết định sắp xếp đơn vị")
        verbose_name_plural = _("quyết định sắp xếp đơn vị")
        ordering = ["-effective_on", "number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=DecisionStatus.values), name="decision_status_valid"),
            models.CheckConstraint(condition=models.Q(kind__in=Kind.values), name="decision_kind_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.get_kind_display()}, {self.effective_on:%d/%m/%Y})"
