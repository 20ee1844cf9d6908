from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "motcua.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(after_migrate, sender=self)


def after_migrate(using: str = "default", **kwargs: Any) -> None:
    """After `migrate`: next years' partitions (PostgreSQL) and the shared cache table when configured."""
    from django.conf import settings
    from django.core.management import call_command

    from motcua.core import partitions

    partitions.ensure(using=using)
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache"):
        call_command("createcachetable", database=using, verbosity=0)
