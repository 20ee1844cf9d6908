from django.apps import AppConfig


class PopulationConfig(AppConfig):
    name = "motcua.population"
    label = "population"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Dữ liệu dân cư"
