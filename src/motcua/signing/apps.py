from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "motcua.signing"
    label = "signing"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Ký số"
