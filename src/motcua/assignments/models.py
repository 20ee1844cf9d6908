"""Tasks the Provincial People's Committee and its Chairman assign by directive documents.

Rows hold the current state; every write is also an `Event` (append-only). Deadlines are local
dates: `Task.deadline` is the one first set, `Task.due_on` the effective one after approved
extensions (kept by the command table through `rules.effective_deadline`).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from motcua.organizations.models import Unit


class Issuer(models.TextChoices):
    COMMITTEE = "ubnd", "UBND tỉnh"
    CHAIRMAN = "chu_tich", "Chủ tịch UBND tỉnh"


class Status(models.TextChoices):
    IN_PROGRESS = "in_progress", "Đang thực hiện"
    COMPLETED = "completed", "Đã hoàn thành"


class DeadlineKind(models.TextChoices):
    DATE = "date", "Ngày cụ thể"
    WORKING_DAYS = "working_days", "Số ngày làm việc kể từ ngày ban hành văn bản"


class Decision(models.TextChoices):
    PENDING = "pending", "Chờ quyết định"
    APPROVED = "approved", "Đồng ý gia hạn"
    REFUSED = "refused", "Không đồng ý gia hạn"
    WITHDRAWN = "withdrawn", "Không xét (nhiệm vụ đã hoàn thành)"


class FileFields(models.Model):
    """An optional PDF/JPEG/PNG kept in the row (checked by `documents.files` on the way in)."""

    file_name = models.CharField("tên tệp", max_length=255, blank=True, default="")
    file_type = models.CharField("loại tệp", max_length=100, blank=True, default="")
    file_sha256 = models.CharField(max_length=64, blank=True, default="")
    file_data = models.BinaryField("tệp", null=True, blank=True)

    class Meta:
        abstract = True


class Directive(FileFields):
    """A document that assigns tasks (công văn, thông báo kết luận, quyết định, kế hoạch...)."""

    number = models.CharField("số, ký hiệu", max_length=60, unique=True)
    issued_on = models.DateField("ngày ban hành")
    issuer = models.CharField("cơ quan ban hành", max_length=20, choices=Issuer.choices, default=Issuer.COMMITTEE)
    signer = models.CharField("người ký", max_length=120)
    title = models.TextField("trích yếu")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "văn bản giao nhiệm vụ"

    def __str__(self) -> str:
        return f"{self.number} ngày {self.issued_on:%d/%m/%Y}"


class Task(models.Model):
    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, related_name="tasks")
    content = models.TextField("nội dung nhiệm vụ")
    lead_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="lead_tasks", verbose_name="chủ trì")
    coordinating_units = models.ManyToManyField(Unit, blank=True, related_name="coordinated_tasks")
    deadline_kind = models.CharField(max_length=20, choices=DeadlineKind.choices, default=DeadlineKind.DATE)
    deadline_days = models.PositiveIntegerField(null=True, blank=True)
    deadline = models.DateField("thời hạn giao")
    due_on = models.DateField("thời hạn (sau gia hạn)")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    percent = models.PositiveSmallIntegerField("tiến độ (%)", default=0)
    assigned_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["lead_unit", "due_on"]), models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"NV-{self.pk}"


class ProgressUpdate(FileFields):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="updates")
    text = models.TextField("nội dung báo cáo")
    percent = models.PositiveSmallIntegerField("tiến độ (%)")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.percent}% {self.at:%Y-%m-%d}"


class ExtensionRequest(models.Model):
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="extensions")
    new_deadline = models.DateField("đề nghị gia hạn đến")
    reason = models.TextField("lý do")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decision_reason = models.TextField(blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["task"], condition=models.Q(decision="pending"), name="assignments_one_pending_extension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.new_deadline:%d/%m/%Y} ({self.decision})"


class Completion(FileFields):
    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="completion")
    completed_at = models.DateTimeField("hoàn thành lúc")
    result_number = models.CharField("số văn bản kết quả", max_length=60)
    result_date = models.DateField("ngày văn bản kết quả")
    summary = models.TextField("kết quả thực hiện", blank=True, default="")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return self.result_number


class Event(models.Model):
    """One write to a directive or its tasks; append-only (no code path updates or deletes it)."""

    directive = models.ForeignKey(Directive, on_delete=models.PROTECT, related_name="events")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assignment_events"
    )
    at = models.DateTimeField()
    payload = models.JSONField(default=dict)
    key = models.CharField(max_length=64, null=True, blank=True, unique=True)  # form nonce: retries are no-ops

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.type} {self.at:%Y-%m-%d}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("assignment events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("assignment events are append-only")
