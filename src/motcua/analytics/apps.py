from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "motcua.analytics"
    label = "analytics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.analytics.rollup import on_dossier_state_changed
        from motcua.dossiers.signals import dossier_state_changed

        dossier_state_changed.connect(on_dossier_state_changed, dispatch_uid="analytics-rollups")
