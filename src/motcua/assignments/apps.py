from django.apps import AppConfig


class AssignmentsConfig(AppConfig):
    name = "motcua.assignments"
    label = "assignments"
    verbose_name = "Nhiệm vụ UBND tỉnh, Chủ tịch UBND tỉnh giao"
    default_auto_field = "django.db.models.BigAutoField"
