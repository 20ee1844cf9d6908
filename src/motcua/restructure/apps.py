from django.apps import AppConfig


class RestructureConfig(AppConfig):
    name = "motcua.restructure"
    label = "restructure"
    verbose_name = "Sắp xếp đơn vị"
    default_auto_field = "django.db.models.BigAutoField"
