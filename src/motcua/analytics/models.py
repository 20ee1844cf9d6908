"""Rollup tables: per (unit, procedure, local day) counters from which every §5 column and every
dossier-based §6 criterion of any period is computed (see `motcua.analytics.rules`).

Two grains hold the same counters: daily rows and monthly rows (`day` = first day of the month).
A prefix sum at date x = monthly rows before x's month + daily rows from x's month start to x, so
a report reads all monthly rows (units × procedures × months) plus at most two months of daily rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupBase(models.Model):
    # Derived data rebuilt from dossiers: no database FK constraint, so bulk upserts skip RI triggers.
    # No single-column indexes either: the (day, unit, procedure) key serves every query.
    unit = models.ForeignKey(
        "organizations.Unit", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    day = models.DateField()

    new_online = models.IntegerField(default=0)
    new_direct_postal = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    res_early = models.IntegerField(default=0)
    res_on_time = models.IntegerField(default=0)
    res_late = models.IntegerField(default=0)
    wos = models.IntegerField(default=0)
    od_start = models.IntegerField(default=0)
    od_end = models.IntegerField(default=0)
    synced = models.IntegerField(default=0)
    e_result = models.IntegerField(default=0)
    digitized = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    negative = models.IntegerField(default=0)
    fee_bearing = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.procedure_id}/{self.day}"


class DailyRollup(RollupBase):
    class Meta:
        verbose_name = _("số liệu tổng hợp theo ngày")
        # Day first: the key also serves the day-range scans of reports (one index less to maintain).
        constraints = [models.UniqueConstraint(fields=["day", "unit", "procedure"], name="analytics_daily_key")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.procedure_id}/{self.day}"


class MonthlyRollup(RollupBase):
    class Meta:
        verbose_name = _("số liệu tổng hợp theo tháng")
        # Day first: the key also serves the day-range scans of reports (one index less to maintain).
        constraints = [models.UniqueConstraint(fields=["day", "unit", "procedure"], name="analytics_monthly_key")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.procedure_id}/{self.month_label}"

    @property
    def month_label(self) -> str:
        return self.day.strftime("%Y-%m")


class ScoringTable(models.Model):
    """An override of the default 766 scoring table (the active row with the highest id wins)."""

    name = models.CharField(_("tên"), max_length=100)
    active = models.BooleanField(_("đang áp dụng"), default=True)
    # {"1.1": {"max": 6, "threshold": 1.0}, ...}: only the criteria to override.
    criteria = models.JSONField(_("tiêu chí"), default=dict)

    class Meta:
        verbose_name = _("bảng điểm Chỉ số 766")

    def __str__(self) -> str:
        return self.name
