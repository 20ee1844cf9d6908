from django.apps import AppConfig


class TrustConfig(AppConfig):
    """Evidence an insider cannot rewrite: sealed chain heads, signed checkpoints, append-only tables."""

    name = "motcua.trust"
    verbose_name = "Trust"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from motcua.trust import appendonly

        connection_created.connect(appendonly.on_connection, dispatch_uid="trust-sqlite-guard")
        post_migrate.connect(appendonly.ensure_triggers, dispatch_uid="trust-triggers")
