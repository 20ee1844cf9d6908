"""Calendars and per-date overrides, edited by administrators (contracts §2.1).

The statutory base comes from the `holidays` package; the government's yearly decisions that the
package lacks (or gets wrong) are `DayOverride` rows. Saving or deleting either model emits
`motcua.calendar.signals.calendar_changed` so that due times of open dossiers can be re-derived.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from motcua.calendar.engine import DEFAULT_PERIODS, format_periods, parse_periods

DEFAULT_DAY = format_periods(DEFAULT_PERIODS)
WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def validate_periods(value: str) -> None:
    try:
        parse_periods(value)
    except ValueError as exc:
        raise ValidationError(_("Giờ làm việc không hợp lệ: %(err)s"), params={"err": exc}) from exc


def _periods_field(verbose: Any, default: str) -> models.CharField[str, str]:
    return models.CharField(
        verbose,
        max_length=100,
        blank=True,
        default=default,
        validators=[validate_periods],
        help_text=_("Các khoảng giờ làm việc, ví dụ 07:00-11:30, 13:30-17:00; để trống nếu nghỉ."),
    )


class Calendar(models.Model):
    """A working calendar: office periods per weekday; units point at it by `calendar_name`."""

    name = models.CharField(_("mã lịch"), max_length=40, unique=True)
    title = models.CharField(_("tên lịch"), max_length=200, blank=True, default="")
    monday = _periods_field(_("thứ Hai"), DEFAULT_DAY)
    tuesday = _periods_field(_("thứ Ba"), DEFAULT_DAY)
    wednesday = _periods_field(_("thứ Tư"), DEFAULT_DAY)
    thursday = _periods_field(_("thứ Năm"), DEFAULT_DAY)
    friday = _periods_field(_("thứ Sáu"), DEFAULT_DAY)
    saturday = _periods_field(_("thứ Bảy"), "")
    sunday = _periods_field(_("Chủ nhật"), "")
    swapped_day_periods = _periods_field(_("giờ làm việc ngày làm bù"), DEFAULT_DAY)
    statutory_holidays = models.BooleanField(
        _("áp dụng ngày lễ theo luật"),
        default=True,
        help_text=_("Lấy ngày lễ, Tết theo Bộ luật Lao động (gói holidays) rồi áp dụng các ngày điều chỉnh."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("kế thừa ngày điều chỉnh từ lịch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_(
            "Ví dụ lịch của Trung tâm Phục vụ hành chính công kế thừa các ngày nghỉ, ngày làm bù của lịch "
            "mặc định; ngày điều chỉnh của lịch này được ưu tiên."
        ),
    )
    # Bumped on every change so other processes notice and rebuild their cached index.
    revision = models.PositiveIntegerField(_("phiên bản"), default=0, editable=False)

    class Meta:
        verbose_name = _("lịch làm việc")
        verbose_name_plural = _("lịch làm việc")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.title or self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            self.revision = F("revision") + 1
        super().save(*args, **kwargs)
        self.refresh_from_db(fields=["revision"])

    def week(self) -> dict[int, tuple[Any, ...]]:
        return {i: parse_periods(getattr(self, f)) for i, f in enumerate(WEEKDAY_FIELDS)}

    def clean(self) -> None:
        if not any(getattr(self, f).strip() for f in WEEKDAY_FIELDS):
            raise ValidationError(_("Lịch phải có ít nhất một ngày làm việc trong tuần."))
        seen = {self.pk}
        p = self.parent
        while p is not None:
            if p.pk in seen:
                raise ValidationError({"parent": _("Không được kế thừa vòng tròn.")})
            seen.add(p.pk)
            p = p.parent

    def lineage(self) -> list[Calendar]:
        """This calendar and its ancestors, nearest first (cycles are cut)."""
        out: list[Calendar] = []
        c: Calendar | None = self
        while c is not None and all(c.pk != x.pk for x in out):
            out.append(c)
            c = c.parent
        return out

    def descendant_names(self) -> list[str]:
        """Names of the calendars that inherit this one's overrides, directly or not."""
        names: list[str] = []
        frontier = [self.pk]
        seen = {self.pk}
        while frontier:
            rows = list(Calendar.objects.filter(parent_id__in=frontier).values_list("pk", "name"))
            frontier = [pk for pk, _ in rows if pk not in seen]
            seen.update(frontier)
            names.extend(name for pk, name in rows if pk in frontier)
        return names


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Nghỉ lễ, Tết")
    DAY_OFF = "day_off", _("Ngày nghỉ (nghỉ bù, hoán đổi)")
    WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")


class DayOverride(models.Model):
    """One date whose status differs from the statutory base (a government decision, a local day off)."""

    calendar = models.ForeignKey(
        Calendar, verbose_name=_("lịch làm việc"), on_delete=models.CASCADE, related_name="overrides"
    )
    date = models.DateField(_("ngày"))
    kind = models.CharField(_("loại ngày"), max_length=16, choices=DayKind.choices)
    name = models.CharField(_("tên"), max_length=200)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("ngày điều chỉnh")
        verbose_name_plural = _("ngày điều chỉnh")
        ordering = ["calendar", "date"]
        constraints = [models.UniqueConstraint(fields=["calendar", "date"], name="calendar_override_unique_date")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} — {self.name}"
