from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "motcua.calendar"
    label = "calendar"
    verbose_name = _("Lịch làm việc")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.calendar import signals  # noqa: F401  (connects the receivers)
