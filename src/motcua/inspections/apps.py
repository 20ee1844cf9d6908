from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "motcua.inspections"
    label = "inspections"
    verbose_name = "Kiểm tra cải cách hành chính"
    default_auto_field = "django.db.models.BigAutoField"
