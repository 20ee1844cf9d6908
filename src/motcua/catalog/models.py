"""The catalogue of administrative procedures (thủ tục hành chính) and their process definitions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineUnit(models.TextChoices):
    """Units of a legal time limit (contracts §2.3); never free text like "Ngày làm việc"."""

    WORKING_DAYS = "working_days", _("ngày làm việc")
    WORKING_HOURS = "working_hours", _("giờ làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày")
    SAME_DAY = "same_day", _("trong ngày")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không trực tuyến")


class Field(models.Model):
    """A field of procedures (lĩnh vực), e.g. `HT` Hộ tịch."""

    code = models.CharField(_("mã lĩnh vực"), max_length=20, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)
    extra = models.JSONField(_("thông tin khác"), default=dict, blank=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Procedure(models.Model):
    """A procedure with its national code (e.g. `1.001193`) as currently published."""

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    # Accent-folded name (motcua.core.text.fold) for "dang ky khai sinh"-style search on any database.
    name_folded = models.CharField(max_length=500, editable=False, default="", db_index=True)
    field = models.ForeignKey(Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures")
    levels = models.JSONField(_("cấp thực hiện"), default=list)
    deadline_amount = models.DecimalField(_("thời hạn giải quyết"), max_digits=8, decimal_places=2, default=0)
    deadline_unit = models.CharField(_("đơn vị thời hạn"), max_length=20, choices=DeadlineUnit.choices)
    cutoff = models.TimeField(_("giờ chốt nhận trong ngày"), null=True, blank=True)
    online = models.CharField(_("mức trực tuyến"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE)
    fee = models.BigIntegerField(_("phí, lệ phí (VND)"), default=0)
    fee_rule = models.TextField(_("quy định phí"), blank=True, default="")
    active = models.BooleanField(_("đang áp dụng"), default=True)
    # Every key of the catalogue file that has no column of its own (components, results, sources...).
    extra = models.JSONField(_("thông tin khác"), default=dict, blank=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        from motcua.core.text import fold, nfc

        self.name = nfc(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class ProcessDefinition(models.Model):
    """A versioned processing workflow of a procedure; a dossier is pinned to the version it started with."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="process_definitions"
    )
    version = models.PositiveIntegerField(_("phiên bản"))
    effective_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    note = models.TextField(_("ghi chú"), blank=True, default="")

    class Meta:
        verbose_name = _("quy trình xử lý")
        verbose_name_plural = _("quy trình xử lý")
        constraints = [models.UniqueConstraint(fields=["procedure", "version"], name="process_version_unique")]
        ordering = ["procedure", "-version"]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.version}"


class ProcessStep(models.Model):
    """One step of a process: who (a unit and/or a role) does what, within how much time."""

    definition = models.ForeignKey(
        ProcessDefinition, verbose_name=_("quy trình"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    # Empty unit = the dossier's competent unit; role = which role in that unit acts on the step.
    unit = models.ForeignKey(
        "organizations.Unit",
        verbose_name=_("đơn vị thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
    )
    role = models.CharField(_("vai trò"), max_length=20, blank=True, default="")
    duration_amount = models.DecimalField(_("thời gian"), max_digits=8, decimal_places=2, default=0)
    duration_unit = models.CharField(
        _("đơn vị thời gian"), max_length=20, choices=DeadlineUnit.choices, default=DeadlineUnit.WORKING_HOURS
    )
    # Steps sharing a non-empty group run in parallel (e.g. two agencies giving opinions at once).
    parallel_group = models.CharField(_("nhóm song song"), max_length=20, blank=True, default="")

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("bước xử lý")
        ordering = ["definition", "order"]
        constraints = [models.UniqueConstraint(fields=["definition", "order"], name="process_step_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class LinkedGroup(models.Model):
    """A linked-procedure group (liên thông), e.g. 3.000722: khai sinh – thường trú – BHYT."""

    code = models.CharField(_("mã nhóm"), max_length=40, unique=True)
    name = models.CharField(_("tên nhóm"), max_length=500)
    extra = models.JSONField(_("thông tin khác"), default=dict, blank=True)

    class Meta:
        verbose_name = _("nhóm thủ tục liên thông")
        verbose_name_plural = _("nhóm thủ tục liên thông")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class LinkedGroupMember(models.Model):
    group = models.ForeignKey(LinkedGroup, on_delete=models.CASCADE, related_name="members")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="linked_groups")
    order = models.PositiveIntegerField(_("thứ tự"))

    class Meta:
        verbose_name = _("thủ tục trong nhóm liên thông")
        verbose_name_plural = _("thủ tục trong nhóm liên thông")
        ordering = ["group", "order"]
        constraints = [models.UniqueConstraint(fields=["group", "procedure"], name="linked_member_unique")]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.procedure_id}"
