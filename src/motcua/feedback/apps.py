from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "motcua.feedback"
    label = "feedback"
    verbose_name = "Phản ánh, kiến nghị"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.feedback.portal import connect

        connect()  # feedback.submitted / feedback.rated from the national-portal adapter, when installed
