"""Administrative-reform inspections (kiểm tra CCHC): yearly plans, inspection records, findings,
remediation items with a deadline, progress reports with evidence, and the append-only history.

Every write goes through the command table (`inspections.commands`), which appends an `Event`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InspectionPlan(models.Model):
    """A yearly inspection plan (kế hoạch kiểm tra CCHC), approved by a decision of the province."""

    year = models.PositiveSmallIntegerField(_("năm"))
    name = models.CharField(_("tên kế hoạch"), max_length=300)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True, default="")
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    approved_at = models.DateTimeField(_("thời điểm phê duyệt"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("thời điểm tạo"))

    class Meta:
        verbose_name = _("kế hoạch kiểm tra")
        verbose_name_plural = _("kế hoạch kiểm tra")
        ordering = ["-year", "-id"]

    def __str__(self) -> str:
        return f"{self.year} — {self.name}"

    @property
    def approved(self) -> bool:
        return self.approved_at is not None


class PlanItem(models.Model):
    """One unit to inspect in a plan: when, and on which topics."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.PROTECT, related_name="items")
    unit = models.ForeignKey("organizations.Unit", verbose_name=_("đơn vị được kiểm tra"), on_delete=models.PROTECT)
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày"))
    topics = models.TextField(_("nội dung kiểm tra"), blank=True, default="")

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="inspection_item_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.unit_id} {self.start_date}"


class Inspection(models.Model):
    """The record of one inspection (biên bản kiểm tra) and, once concluded, its conclusion."""

    plan_item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="inspections")
    unit = models.ForeignKey("organizations.Unit", verbose_name=_("đơn vị được kiểm tra"), on_delete=models.PROTECT)
    inspected_on = models.DateField(_("ngày kiểm tra"))
    team = models.TextField(_("thành phần đoàn kiểm tra"), blank=True, default="")
    lead_inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conclusion = models.TextField(_("kết luận"), blank=True, default="")
    concluded_at = models.DateTimeField(_("thời điểm kết luận"), null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.inspected_on}"

    @property
    def concluded(self) -> bool:
        return self.concluded_at is not None


class Severity(models.TextChoices):
    NOTE = "note", _("Lưu ý, nhắc nhở")
    SHORTCOMING = "shortcoming", _("Hạn chế, thiếu sót")
    VIOLATION = "violation", _("Vi phạm")


class Finding(models.Model):
    """A shortcoming found (tồn tại, hạn chế), optionally tied to a PAR criterion or to dossiers."""

    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="findings")
    text = models.TextField(_("nội dung"))
    severity = models.CharField(_("mức độ"), max_length=12, choices=Severity.choices, default=Severity.SHORTCOMING)
    criterion_code = models.CharField(_("tiêu chí CCHC liên quan"), max_length=20, blank=True, default="")
    dossiers = models.ManyToManyField("dossiers.Dossier", blank=True, related_name="inspection_findings")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:60]


class RemediationStatus(models.TextChoices):
    OPEN = "open", _("Đang khắc phục")
    REPORTED = "reported", _("Đã báo cáo, chờ xác nhận")
    REOPENED = "reopened", _("Trả lại, tiếp tục khắc phục")
    CLOSED = "closed", _("Đã khắc phục, đóng")


class RemediationItem(models.Model):
    """A remediation request (kiến nghị khắc phục) to an owner unit, due a number of working days after
    the conclusion (counted in the unit's calendar) or on an explicit date."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="remediation")
    owner_unit = models.ForeignKey(
        "organizations.Unit", verbose_name=_("đơn vị khắc phục"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("yêu cầu khắc phục"))
    deadline_days = models.PositiveSmallIntegerField(_("thời hạn (ngày làm việc)"), null=True, blank=True)
    deadline_date = models.DateField(_("hạn cụ thể"), null=True, blank=True)
    due_on = models.DateField(_("hạn khắc phục"), null=True, blank=True)  # set at the conclusion
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=RemediationStatus.choices, default=RemediationStatus.OPEN
    )
    reported_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline_days__isnull=False) | models.Q(deadline_date__isnull=False),
                name="remediation_has_deadline",
            ),
            models.CheckConstraint(condition=models.Q(status__in=RemediationStatus.values), name="remediation_status"),
        ]
        indexes = [models.Index(fields=["owner_unit", "due_on"], name="remediation_unit_due")]

    def __str__(self) -> str:
        return self.text[:60]


class ProgressReport(models.Model):
    """The owner unit's report on a remediation item, with an optional evidence file (PDF/JPEG/PNG)."""

    item = models.ForeignKey(RemediationItem, on_delete=models.PROTECT, related_name="reports")
    text = models.TextField(_("nội dung báo cáo"))
    filename = models.CharField(max_length=255, blank=True, default="")
    content_type = models.CharField(max_length=100, blank=True, default="")
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True, default="")
    data = models.BinaryField(null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.item_id} {self.at}"


class Event(models.Model):
    """One write, as it happened; append-only (no code path updates or deletes it)."""

    plan = models.ForeignKey(InspectionPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    item = models.ForeignKey(RemediationItem, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="inspection_events"
    )
    at = models.DateTimeField()
    payload = models.JSONField(default=dict)
    key = models.CharField(max_length=100, null=True, blank=True, unique=True)  # the form's retry key

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.type} {self.at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("inspection events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("inspection events are append-only")
