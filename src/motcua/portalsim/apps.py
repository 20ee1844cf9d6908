from django.apps import AppConfig


class PortalSimConfig(AppConfig):
    name = "motcua.portalsim"
    label = "portalsim"
    verbose_name = "Mô phỏng Cổng DVC quốc gia và VNeID"
    default_auto_field = "django.db.models.BigAutoField"
