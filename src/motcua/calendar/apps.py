from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "motcua.calendar"
    label = "calendar"
    default_auto_field = "django.db.models.BigAutoField"
