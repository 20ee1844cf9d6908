"""Admin for the procedure catalogue (Vietnamese labels come from the models' verbose names).

Province administrators edit; every other official with an administrative role (unit admins,
inspectors) reads. Process versions are never edited once saved: a change is a new version.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Max, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import (
    CatalogAttribute,
    Fee,
    Field,
    LinkedGroup,
    LinkedGroupMember,
    Procedure,
    ProcedureResult,
    ProcedureVersion,
    ProcessDefinition,
    ProcessOrigin,
    ProcessStep,
    RequiredComponent,
)
from motcua.catalog.queries import search_procedures
from motcua.organizations import access
from motcua.organizations.access import Action
from motcua.organizations.models import Role

READER_ROLES = (Role.UNIT_ADMIN, Role.PROVINCE_ADMIN, Role.INSPECTOR)


def _can_edit(request: HttpRequest) -> bool:
    return access.can(request.user, Action.MANAGE_CATALOG)


class CatalogPermissions:
    """View for administrative roles, write for province administrators (Action.MANAGE_CATALOG)."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff) and access.has_staff_role(
            request.user, *READER_ROLES
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _can_edit(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can_edit(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can_edit(request)


class ComponentInline(CatalogPermissions, admin.TabularInline):  # type: ignore[type-arg]
    model = RequiredComponent
    extra = 0
    fields = ["order", "name", "copies", "mandatory", "kind", "form_template", "digitisation_required"]


class ResultInline(CatalogPermissions, admin.TabularInline):  # type: ignore[type-arg]
    model = ProcedureResult
    extra = 0
    fields = ["order", "name", "code"]


class FeeInline(CatalogPermissions, admin.TabularInline):  # type: ignore[type-arg]
    model = Fee
    extra = 0
    fields = ["order", "name", "amount", "rule"]


class VersionInline(CatalogPermissions, admin.TabularInline):  # type: ignore[type-arg]
    model = ProcedureVersion
    extra = 0
    fields = ["version", "decision_number", "decision_date", "effective_date", "status", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(Field)
class FieldAdmin(CatalogPermissions, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Procedure)
class ProcedureAdmin(CatalogPermissions, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "field", "deadline_amount", "deadline_unit", "online", "fee", "active"]
    list_filter = ["field", "online", "deadline_unit", "active"]
    search_fields = ["code"]  # the name is searched accent-insensitively below
    autocomplete_fields = ["field"]
    inlines = [ComponentInline, ResultInline, FeeInline, VersionInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "field", "levels", "active"]}),
        (_("Thời hạn giải quyết"), {"fields": ["deadline_amount", "deadline_unit", "cutoff"]}),
        (_("Trực tuyến, phí"), {"fields": ["online", "fee", "fee_known", "fee_rule"]}),
        (_("Khác"), {"fields": ["extra"], "classes": ["collapse"]}),
    ]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Procedure], search_term: str
    ) -> tuple[QuerySet[Procedure], bool]:
        """ "dang ky khai sinh" finds "Đăng ký khai sinh": compare folded text."""
        results, distinct = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            results = results | search_procedures(search_term, queryset)
        return results, distinct


class StepInline(CatalogPermissions, admin.TabularInline):  # type: ignore[type-arg]
    model = ProcessStep
    extra = 0
    fields = ["order", "name", "unit", "role", "duration_amount", "duration_unit", "parallel_group"]
    autocomplete_fields = ["unit"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Steps of a saved version are frozen; a changed workflow is added as a new version.
        return _can_edit(request) and obj is None

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can_edit(request) and obj is None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can_edit(request) and obj is None


@admin.register(ProcessDefinition)
class ProcessDefinitionAdmin(CatalogPermissions, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["procedure", "version", "origin", "active", "effective_from", "created_at"]
    list_filter = ["origin", "active"]
    search_fields = ["procedure__code", "procedure__name_folded"]
    autocomplete_fields = ["procedure"]
    inlines = [StepInline]
    fields = ["procedure", "version", "effective_from", "active", "note", "origin"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is not None:
            return ["procedure", "version", "origin", "effective_from", "note"]
        return ["version", "origin"]

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: ProcessDefinition, form: Any, change: bool) -> None:
        if not change:
            last = ProcessDefinition.objects.filter(procedure=obj.procedure).aggregate(v=Max("version"))["v"] or 0
            obj.version = last + 1
            obj.origin = ProcessOrigin.ADMIN
            if obj.active:
                ProcessDefinition.objects.filter(procedure=obj.procedure, active=True).update(active=False)
        super().save_model(request, obj, form, change)


class MemberInline(CatalogPermissions, admin.TabularInline):  # type: ignore[type-arg]
    model = LinkedGroupMember
    extra = 0
    fields = ["procedure", "order", "mode", "position", "step_amount", "step_unit"]
    autocomplete_fields = ["procedure"]


@admin.register(LinkedGroup)
class LinkedGroupAdmin(CatalogPermissions, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name"]
    search_fields = ["code", "name"]
    inlines = [MemberInline]


@admin.register(CatalogAttribute)
class CatalogAttributeAdmin(CatalogPermissions, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["key"]
