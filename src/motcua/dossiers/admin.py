"""Read-only admin: dossiers change only through `motcua.dossiers.services`; events never change."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.dossiers.models import Dossier, DossierEvent, Duty, StepRun


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DossierEvent
    fields = ["seq", "type", "at", "actor_label", "payload", "hash"]
    readonly_fields = ["seq", "type", "at", "actor_label", "payload", "hash"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["code", "procedure", "unit", "status", "received_at", "due_at", "appointment_at", "finished_at"]
    list_filter = ["status", "channel", "regime"]
    search_fields = ["code", "applicant_name"]
    inlines = [EventInline]


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "seq", "type", "at", "actor_label"]
    list_filter = ["type"]


@admin.register(StepRun)
class StepRunAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "order", "name", "unit", "started_at", "due_at", "finished_at", "outcome"]


@admin.register(Duty)
class DutyAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "kind", "due_at", "met_at", "warned_at", "breached_at"]
    list_filter = ["kind"]
