"""PAR-index (Chỉ số CCHC) scoring: criteria sets, yearly rounds, each unit's assessment and scores.

Every write goes through the command table (`reform.commands`) and leaves a row in the
append-only `ReformEvent` history; the arithmetic lives in `reform.scoring`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitGroup(models.TextChoices):
    """The groups a province ranks separately, each with its own criteria set."""

    DEPARTMENTS = "departments", _("Sở, ban, ngành")
    COMMUNES = "communes", _("UBND cấp xã")
    VERTICAL_AGENCIES = "vertical_agencies", _("Cơ quan ngành dọc")
    PUBLIC_SERVICE_UNITS = "public_service_units", _("Đơn vị sự nghiệp")


class Method(models.TextChoices):
    GROUP = "group", _("Nhóm (cộng điểm các tiêu chí con)")
    MANUAL = "manual", _("Tự chấm, có tài liệu kiểm chứng")
    COMPUTED = "computed", _("Tính từ dữ liệu hệ thống")
    SURVEY = "survey", _("Điều tra xã hội học")


class CriteriaSet(models.Model):
    """One versioned criteria set (Bộ chỉ số) for a unit group and a year, imported from a file."""

    code = models.CharField(_("mã bộ chỉ số"), max_length=60, unique=True)
    name = models.CharField(_("tên"), max_length=300)
    year = models.PositiveSmallIntegerField(_("năm"))
    group = models.CharField(_("nhóm đơn vị"), max_length=30, choices=UnitGroup.choices)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    source = models.CharField(_("tệp nguồn"), max_length=255, blank=True, default="")
    basis = models.CharField(_("căn cứ"), max_length=500, blank=True, default="")
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["-year", "group", "-version"]
        constraints = [models.UniqueConstraint(fields=["year", "group", "version"], name="reform_set_version")]

    def __str__(self) -> str:
        return self.code


class Criterion(models.Model):
    """A node of the tree: field (lĩnh vực, "1") → criterion ("1.2") → sub-criterion ("1.2.3")."""

    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField(_("mã"), max_length=20)
    name = models.CharField(_("tên"), max_length=500)
    max_points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2)
    method = models.CharField(_("cách chấm"), max_length=10, choices=Method.choices)
    metric = models.CharField(_("chỉ số hệ thống"), max_length=60, blank=True, default="")
    rule = models.JSONField(_("quy tắc quy đổi điểm"), default=dict, blank=True)
    guidance = models.TextField(_("hướng dẫn chấm, tài liệu kiểm chứng"), blank=True, default="")
    # A manual criterion scored above 0 cannot be submitted without an evidence file when set.
    evidence_required = models.BooleanField(_("bắt buộc tài liệu kiểm chứng"), default=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["criteria_set", "order"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="reform_criterion_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def depth(self) -> int:
        return self.code.count(".")


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Đang tự chấm")
    APPRAISAL = "appraisal", _("Đang thẩm định")
    FINAL = "final", _("Đã công bố")


class Round(models.Model):
    """The yearly assessment round (đợt chấm điểm) of one unit group, scored against one criteria set."""

    year = models.PositiveSmallIntegerField(_("năm đánh giá"))
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.PROTECT, related_name="rounds")
    status = models.CharField(_("trạng thái"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opened_at = models.DateTimeField()
    finalised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "criteria_set__group"]
        constraints = [models.UniqueConstraint(fields=["year", "criteria_set"], name="reform_round_year_set")]

    def __str__(self) -> str:
        return f"{self.year} {self.criteria_set.group}"

    @property
    def group(self) -> str:
        return self.criteria_set.group


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Đang tự chấm")
    SUBMITTED = "submitted", _("Đã gửi thẩm định")
    APPRAISED = "appraised", _("Đã thẩm định")
    FINAL = "final", _("Đã chốt")


class Assessment(models.Model):
    """One unit's assessment in a round; `result` is the scored snapshot taken at each write."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="assessments")
    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="reform_assessments")
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    # The figures the KL 91 cap reads (late share, satisfaction), as of the last refresh.
    figures = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    finalised_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["round", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="reform_assessment_round_unit")]

    def __str__(self) -> str:
        return f"{self.round_id}/{self.unit_id}"


class Score(models.Model):
    """A unit's score on one leaf criterion: its own, the system's figure, the survey, the council's."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    self_points = models.DecimalField(_("điểm tự chấm"), max_digits=6, decimal_places=2, null=True, blank=True)
    self_value = models.DecimalField(_("giá trị tự báo cáo (%)"), max_digits=7, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("giải trình"), blank=True, default="")
    # computed: {"numerator", "denominator", "share", "points", "link", "at"}; survey: {"share", "points"}
    computed = models.JSONField(default=dict, blank=True)
    appraised_points = models.DecimalField(_("điểm thẩm định"), max_digits=6, decimal_places=2, null=True, blank=True)
    appraisal_reason = models.TextField(_("lý do điều chỉnh"), blank=True, default="")

    class Meta:
        ordering = ["assessment", "criterion__order"]
        constraints = [models.UniqueConstraint(fields=["assessment", "criterion"], name="reform_score_criterion")]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.criterion_id}"


class Evidence(models.Model):
    """A file backing a self-score (PDF, JPEG or PNG, checked like every upload: `documents.files`)."""

    score = models.ForeignKey(Score, on_delete=models.PROTECT, related_name="evidence")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.filename


class ReformEvent(models.Model):
    """Append-only history of every write (import, open, self-score, upload, submit, adjust, finalise)."""

    round = models.ForeignKey(Round, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    criteria_set = models.ForeignKey(
        CriteriaSet, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    type = models.CharField(max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()
    payload = models.JSONField(default=dict)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.type}@{self.at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("reform events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("reform events are append-only")
