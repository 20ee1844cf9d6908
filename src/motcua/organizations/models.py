"""The province's organisation tree and who works where, in which role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện (lịch sử)")
    COMMUNE = "commune", _("Cấp xã")


class Category(models.TextChoices):
    """What kind of body a unit is, whatever the raw `kind` written in the catalogue file."""

    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Cơ quan chuyên môn")
    VERTICAL_AGENCY = "vertical_agency", _("Cơ quan ngành dọc")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Đơn vị sự nghiệp")
    SERVICE_CENTRE = "service_centre", _("Trung tâm Phục vụ hành chính công")
    OTHER = "other", _("Khác")


# Raw kinds used by catalogue files (shared/data/sample-catalog.yaml) and the category each maps to.
KIND_CATEGORIES: dict[str, str] = {
    "ubnd_tinh": Category.PEOPLES_COMMITTEE,
    "ubnd_huyen": Category.PEOPLES_COMMITTEE,
    "ubnd_xa": Category.PEOPLES_COMMITTEE,
    "phuong": Category.PEOPLES_COMMITTEE,
    "xa": Category.PEOPLES_COMMITTEE,
    "thi_tran": Category.PEOPLES_COMMITTEE,
    "dac_khu": Category.PEOPLES_COMMITTEE,
    "van_phong": Category.DEPARTMENT,
    "so": Category.DEPARTMENT,
    "phong": Category.DEPARTMENT,
    "trung_tam_phvhcc": Category.SERVICE_CENTRE,
    "bo_phan_mot_cua": Category.SERVICE_CENTRE,
    "don_vi_su_nghiep": Category.PUBLIC_SERVICE_UNIT,
    "co_quan_nganh_doc": Category.VERTICAL_AGENCY,
    "cong_an_cap_xa": Category.VERTICAL_AGENCY,
}


def category_for_kind(kind: str) -> str:
    """The category of a raw kind; unknown kinds are kept as written and fall into `other`."""
    return KIND_CATEGORIES.get(kind, Category.OTHER)


class Unit(models.Model):
    """A unit (cơ quan, đơn vị) identified by its national agency code, e.g. `H32.27`."""

    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices)
    # Kinds as written in the catalogue file (so, ubnd_tinh, phuong, xa, trung_tam_phvhcc, ...).
    kind = models.CharField(_("loại"), max_length=40, blank=True, default="")
    category = models.CharField(_("nhóm cơ quan"), max_length=30, choices=Category.choices, default=Category.OTHER)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Name of the working-time calendar (motcua.calendar) the unit's deadlines are counted in.
    calendar_name = models.CharField(_("lịch làm việc"), max_length=40, default="default")
    active = models.BooleanField(_("đang hoạt động"), default=True)
    extra = models.JSONField(_("thông tin khác"), default=dict, blank=True)
    # Validity period (restructuring): None = since always / still valid. Never rewritten by a rename:
    # a renamed or merged unit ends (valid_to) and its successor starts (valid_from), see UnitLink.
    valid_from = models.DateField(_("hiệu lực từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.kind and self.category == Category.OTHER:
            self.category = category_for_kind(self.kind)
        super().save(*args, **kwargs)


class UnitLink(models.Model):
    """A predecessor → successor link written by a restructuring decision (merger, split, rename, dissolution).

    `primary` marks the successor a predecessor's figures are summed into when reports group by the
    units as of a later date (a split has one primary successor per predecessor).
    """

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị cũ"), on_delete=models.PROTECT, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("đơn vị kế thừa"), on_delete=models.PROTECT, related_name="predecessor_links"
    )
    effective_on = models.DateField(_("ngày có hiệu lực"))
    primary = models.BooleanField(_("kế thừa chính"), default=True)
    decision = models.CharField(_("quyết định"), max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("kế thừa đơn vị")
        verbose_name_plural = _("kế thừa đơn vị")
        ordering = ["effective_on", "predecessor_id"]
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unitlink_unique"),
            models.CheckConstraint(condition=~models.Q(predecessor=models.F("successor")), name="unitlink_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} → {self.successor_id} ({self.effective_on})"


class Role(models.TextChoices):
    CLERK = "clerk", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên xử lý")
    LEADER = "leader", _("Lãnh đạo")
    UNIT_ADMIN = "unit_admin", _("Quản trị đơn vị")
    PROVINCE_ADMIN = "province_admin", _("Quản trị cấp tỉnh")
    INSPECTOR = "inspector", _("Thanh tra, kiểm tra")
    REFORM_OFFICER = "reform_officer", _("Cán bộ cải cách hành chính tỉnh")
    APPRAISER = "appraiser", _("Thành viên Hội đồng thẩm định CCHC")


class Membership(models.Model):
    """One role of one official in one unit; an official may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    active = models.BooleanField(_("đang hiệu lực"), default=True)

    class Meta:
        verbose_name = _("vai trò cán bộ")
        verbose_name_plural = _("vai trò cán bộ")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit.code}"


class Official(User):
    """Officials (cán bộ) as seen in the admin: users with their roles per unit inline."""

    class Meta:
        proxy = True
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
