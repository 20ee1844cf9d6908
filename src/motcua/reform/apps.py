from django.apps import AppConfig


class ReformConfig(AppConfig):
    name = "motcua.reform"
    label = "reform"
    verbose_name = "Chấm điểm Chỉ số CCHC"
    default_auto_field = "django.db.models.BigAutoField"
