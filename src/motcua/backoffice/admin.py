from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from motcua.backoffice.models import PersonalDataRead


@admin.register(PersonalDataRead)
class PersonalDataReadAdmin(admin.ModelAdmin[PersonalDataRead]):
    list_display = ["at", "user", "dossier", "what"]
    list_filter = ["what"]
    search_fields = ["dossier__code", "user__username"]
    readonly_fields = ["at", "user", "dossier", "what", "detail"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
