from django.apps import AppConfig


class RatingsConfig(AppConfig):
    name = "motcua.ratings"
    label = "ratings"
    verbose_name = "Đánh giá giải quyết hồ sơ"
    default_auto_field = "django.db.models.BigAutoField"
