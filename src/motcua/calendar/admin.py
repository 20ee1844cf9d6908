from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.calendar.models import Calendar, DayOverride


class DayOverrideInline(admin.TabularInline):  # type: ignore[type-arg]
    model = DayOverride
    extra = 0
    fields = ("date", "kind", "name", "legal_basis")


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "title", "monday", "saturday", "statutory_holidays", "parent")
    search_fields = ("name", "title")
    fieldsets = (
        (None, {"fields": ("name", "title", "statutory_holidays", "parent")}),
        (
            _("Giờ làm việc trong tuần"),
            {"fields": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")},
        ),
        (_("Ngày làm bù"), {"fields": ("swapped_day_periods",)}),
    )
    inlines = [DayOverrideInline]


@admin.register(DayOverride)
class DayOverrideAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("date", "kind", "name", "calendar", "legal_basis")
    list_filter = ("calendar", "kind")
    date_hierarchy = "date"
    search_fields = ("name", "legal_basis")
