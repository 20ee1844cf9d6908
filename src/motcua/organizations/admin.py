"""Admin for units and officials, scoped by `access`: a unit administrator sees and manages only
their own unit subtree; a province administrator everything; an inspector reads everything."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.organizations import access
from motcua.organizations.access import Action
from motcua.organizations.models import Membership, Official, Role, Unit

ADMIN_ROLES = (Role.UNIT_ADMIN, Role.PROVINCE_ADMIN, Role.INSPECTOR)
# Roles only a province administrator may hand out.
PROVINCE_ONLY_ROLES = {Role.PROVINCE_ADMIN, Role.INSPECTOR, Role.REFORM_OFFICER, Role.APPRAISER}


def _user(request: HttpRequest) -> Any:
    return request.user


class ScopedAdminMixin:
    """Module and view access for officials holding an administrative role (or reading as inspector)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff) and access.has_staff_role(
            _user(request), *ADMIN_ROLES
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


@admin.register(Unit)
class UnitAdmin(ScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "level", "category", "kind", "parent", "active", "valid_from", "valid_to"]
    list_filter = ["level", "category", "active"]
    search_fields = ["code", "name"]
    ordering = ["code"]
    autocomplete_fields = ["parent"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Unit]:
        return access.visible_units(_user(request)).select_related("parent")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = _user(request)
        if obj is None:
            return access.unit_ids_where(user, Action.MANAGE_UNIT) != set()
        return access.can(user, Action.MANAGE_UNIT, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.can(_user(request), Action.MANAGE_CATALOG)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # A unit administrator edits their unit's settings, not where it sits in the tree.
        if obj is not None and not access.can(_user(request), Action.MANAGE_CATALOG):
            return ["code", "level", "parent"]
        return []


class MembershipInlineForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Membership
        fields = ["unit", "role", "active"]


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    form = MembershipInlineForm
    extra = 1
    fk_name = "user"
    autocomplete_fields = ["unit"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        user = _user(request)
        qs = super().get_queryset(request).select_related("unit")
        if access.is_province_wide(user):
            return qs
        return qs.filter(unit_id__in=access.unit_ids_where(user, Action.MANAGE_OFFICIALS) or [])

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "unit":
            kwargs["queryset"] = access.units_where(_user(request), Action.MANAGE_OFFICIALS)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not access.can(_user(request), Action.MANAGE_CATALOG):
            kwargs["choices"] = [(v, label) for v, label in Role.choices if v not in PROVINCE_ONLY_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.unit_ids_where(_user(request), Action.MANAGE_OFFICIALS) != set()

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_add_permission(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.has_staff_role(_user(request), *ADMIN_ROLES)


@admin.register(Official)
class OfficialAdmin(ScopedAdminMixin, UserAdmin):  # type: ignore[type-arg]
    """Officials with their roles per unit; only those with a role in the admin's units are listed."""

    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active", "roles"]
    list_filter = ["is_active", "memberships__role"]
    search_fields = ["username", "first_name", "last_name", "email", "memberships__unit__code"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("first_name", "last_name", "email")}),
        (_("Trạng thái"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    @admin.display(description=_("vai trò"))
    def roles(self, obj: Official) -> str:
        return "; ".join(f"{m.get_role_display()} ({m.unit.code})" for m in obj.memberships.all())

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        user = _user(request)
        qs = super().get_queryset(request).prefetch_related("memberships__unit")
        if access.is_province_wide(user):
            return qs
        ids: set[int] | list[int] = access.unit_ids_where(user, Action.MANAGE_OFFICIALS) or []
        # Accounts without any role yet (just added) stay visible so that a role can be given.
        in_scope = Q(memberships__unit_id__in=ids) | Q(memberships__isnull=True, is_superuser=False)
        return qs.filter(in_scope).distinct() if ids else qs.none()

    def _manages(self, request: HttpRequest, obj: Any) -> bool:
        user = _user(request)
        ids = access.unit_ids_where(user, Action.MANAGE_OFFICIALS)
        if ids is None:
            return True
        if not ids:
            return False
        if obj is None:
            return True
        if obj.is_superuser:
            return False
        # A unit administrator manages officials whose every role lies in their subtree.
        unit_ids = set(obj.memberships.values_list("unit_id", flat=True))
        return unit_ids <= ids

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._manages(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._manages(request, None)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)
