"""Read-only admin lists: every write goes through the command table (and its events)."""

from typing import Any

from django.contrib import admin

from motcua.assignments.models import Directive, Event, Task


class ReadOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Directive)
class DirectiveAdmin(ReadOnly):
    list_display = ("number", "issued_on", "issuer", "signer", "title")
    search_fields = ("number", "title")
    exclude = ("file_data",)


@admin.register(Task)
class TaskAdmin(ReadOnly):
    list_display = ("id", "directive", "lead_unit", "deadline", "due_on", "status", "percent")
    list_filter = ("status",)


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ("at", "type", "directive", "task", "actor")
    list_filter = ("type",)
