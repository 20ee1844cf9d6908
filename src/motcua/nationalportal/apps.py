from django.apps import AppConfig


class NationalPortalConfig(AppConfig):
    name = "motcua.nationalportal"
    label = "nationalportal"
    verbose_name = "Cổng Dịch vụ công quốc gia"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.dossiers.signals import dossier_state_changed
        from motcua.nationalportal import channel, outbound

        channel.register_channel()
        dossier_state_changed.connect(outbound.on_dossier_state_changed, dispatch_uid="nationalportal-outbound")
