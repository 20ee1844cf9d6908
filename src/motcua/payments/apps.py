from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "motcua.payments"
    label = "payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.payments import hooks

        hooks.connect()
        from motcua.payments.portal import connect

        connect()  # payment.made from the national-portal adapter, when installed
