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
    name = models.CharField(_("tên thủ tục"), max_length=2000)
    # Accent-folded name (motcua.core.text.fold) for "dang ky khai sinh"-style search on any database.
    name_folded = models.CharField(max_length=2000, editable=False, default="", db_index=True)
    field = models.ForeignKey(Field, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT, related_name="procedures")
    levels = models.JSONField(_("cấp thực hiện"), default=list)
    deadline_amount = models.DecimalField(_("thời hạn giải quyết"), max_digits=8, decimal_places=2, default=0)
    # Empty when the published record states no time limit (e.g. 2.002481).
    deadline_unit = models.CharField(_("đơn vị thời hạn"), max_length=20, choices=DeadlineUnit.choices, blank=True)
    cutoff = models.TimeField(_("giờ chốt nhận trong ngày"), null=True, blank=True)
    online = models.CharField(_("mức trực tuyến"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE)
    fee = models.BigIntegerField(_("phí, lệ phí (VND)"), default=0)
    fee_rule = models.TextField(_("quy định phí"), blank=True, default="")
    # False when the file gives no amount (only `fee_rule`, or nothing): `fee` 0 then means "unknown", not free.
    fee_known = models.BooleanField(_("đã công bố mức phí"), default=True)
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


class VersionStatus(models.TextChoices):
    NEW = "new", _("Ban hành mới")
    AMENDED = "amended", _("Sửa đổi, bổ sung")
    ABOLISHED = "abolished", _("Bãi bỏ")


class ProcedureVersion(models.Model):
    """One published state of a procedure, tied to the decision that published it (quyết định công bố).

    `snapshot` is the procedure as exported when the version was made, so a dossier can show the
    rules it was received under even after the procedure changed.
    """

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="versions"
    )
    version = models.PositiveIntegerField(_("phiên bản"))
    decision_number = models.CharField(_("số quyết định công bố"), max_length=100, blank=True, default="")
    decision_date = models.DateField(_("ngày ban hành quyết định"), null=True, blank=True)
    effective_date = models.DateField(_("ngày có hiệu lực"), null=True, blank=True)
    status = models.CharField(_("tình trạng"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.NEW)
    snapshot = models.JSONField(_("nội dung"), default=dict, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-version"]
        constraints = [models.UniqueConstraint(fields=["procedure", "version"], name="procedure_version_unique")]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.version}"


class ComponentKind(models.TextChoices):
    ORIGINAL = "", _("Bản chính hoặc bản điện tử")
    COPY = "copy", _("Bản sao")
    PRESENT = "present", _("Xuất trình")


class RequiredComponent(models.Model):
    """A document the applicant must (or may) submit (thành phần hồ sơ)."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="components"
    )
    order = models.PositiveIntegerField(_("thứ tự"))
    name = models.TextField(_("tên thành phần hồ sơ"))
    copies = models.PositiveIntegerField(_("số lượng"), default=1)
    mandatory = models.BooleanField(_("bắt buộc"), default=True)
    kind = models.CharField(_("hình thức"), max_length=10, choices=ComponentKind.choices, blank=True, default="")
    form_template = models.CharField(_("mẫu đơn, tờ khai"), max_length=500, blank=True, default="")
    digitisation_required = models.BooleanField(_("phải số hóa"), default=False)
    extra = models.JSONField(_("thông tin khác"), default=dict, blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "order"]
        constraints = [models.UniqueConstraint(fields=["procedure", "order"], name="component_order_unique")]

    def __str__(self) -> str:
        return self.name[:80]


class ProcedureResult(models.Model):
    """A result the procedure produces (kết quả), with its national result code like `KQ.G15.000031`."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="results"
    )
    order = models.PositiveIntegerField(_("thứ tự"))
    name = models.CharField(_("tên kết quả"), max_length=500)
    code = models.CharField(_("mã kết quả"), max_length=40, blank=True, default="", db_index=True)

    class Meta:
        verbose_name = _("kết quả thực hiện")
        verbose_name_plural = _("kết quả thực hiện")
        ordering = ["procedure", "order"]
        constraints = [models.UniqueConstraint(fields=["procedure", "order"], name="result_order_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Fee(models.Model):
    """One fee line (phí, lệ phí) when a procedure has several; `amount` None means the rule text applies.

    `Procedure.fee` / `Procedure.fee_rule` stay the summary (0 = free) used by reports.
    """

    procedure = models.ForeignKey(Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="fees")
    order = models.PositiveIntegerField(_("thứ tự"))
    name = models.CharField(_("tên phí, lệ phí"), max_length=255, blank=True, default="")
    amount = models.BigIntegerField(_("mức thu (VND)"), null=True, blank=True)
    rule = models.TextField(_("quy định"), blank=True, default="")

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["procedure", "order"]
        constraints = [models.UniqueConstraint(fields=["procedure", "order"], name="fee_order_unique")]

    def __str__(self) -> str:
        return self.name or self.rule[:60] or str(self.amount)


class ProcessOrigin(models.TextChoices):
    DEFAULT = "default", _("Mặc định")
    FILE = "file", _("Từ tệp danh mục")
    ADMIN = "admin", _("Quản trị viên")


class ProcessDefinition(models.Model):
    """A versioned processing workflow of a procedure; a dossier is pinned to the version it started with."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="process_definitions"
    )
    version = models.PositiveIntegerField(_("phiên bản"))
    effective_from = models.DateField(_("áp dụng từ"), null=True, blank=True)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    note = models.TextField(_("ghi chú"), blank=True, default="")
    # `default`: generated from the legal deadline by the importer (replaced when the deadline changes);
    # `file`/`admin`: explicit, kept until the file or an administrator gives another.
    origin = models.CharField(_("nguồn"), max_length=10, choices=ProcessOrigin.choices, default=ProcessOrigin.ADMIN)
    created_at = models.DateTimeField(_("thời điểm tạo"), null=True, blank=True, auto_now_add=True)

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


class MemberMode(models.TextChoices):
    SEQUENCE = "sequence", _("Tuần tự")
    PARALLEL = "parallel", _("Song song")
    ONE_OF = "one_of", _("Một trong các thủ tục")


class LinkedGroupMember(models.Model):
    """A procedure in a liên thông group.

    `order` is the stage (1, 2, ...): members sharing a stage run in parallel (`mode=parallel`) or the
    applicant's case picks one of them (`mode=one_of`). The step deadline is this member's share.
    """

    group = models.ForeignKey(LinkedGroup, on_delete=models.CASCADE, related_name="members")
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="linked_groups")
    order = models.PositiveIntegerField(_("thứ tự"))
    mode = models.CharField(_("cách thực hiện"), max_length=10, choices=MemberMode.choices, default=MemberMode.SEQUENCE)
    position = models.PositiveIntegerField(_("vị trí trong danh sách"), default=0)
    step_amount = models.DecimalField(_("thời hạn bước"), max_digits=8, decimal_places=2, null=True, blank=True)
    step_unit = models.CharField(_("đơn vị thời hạn bước"), max_length=20, choices=DeadlineUnit.choices, blank=True)
    step_extra = models.JSONField(_("thông tin khác của bước"), default=dict, blank=True)

    class Meta:
        verbose_name = _("thủ tục trong nhóm liên thông")
        verbose_name_plural = _("thủ tục trong nhóm liên thông")
        ordering = ["group", "order"]
        constraints = [models.UniqueConstraint(fields=["group", "procedure"], name="linked_member_unique")]

    def __str__(self) -> str:
        return f"{self.group_id}: {self.procedure_id}"


class CatalogAttribute(models.Model):
    """Top-level keys of the catalogue file with no model of their own (sources, province, ...), kept for export."""

    key = models.CharField(_("khóa"), max_length=100, unique=True)
    value = models.JSONField(_("giá trị"), default=None, null=True, blank=True)

    class Meta:
        verbose_name = _("thông tin chung của danh mục")
        verbose_name_plural = _("thông tin chung của danh mục")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.key
