from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "motcua.surveys"
    label = "surveys"
    verbose_name = "Khảo sát mức độ hài lòng (SIPAS)"
    default_auto_field = "django.db.models.BigAutoField"
