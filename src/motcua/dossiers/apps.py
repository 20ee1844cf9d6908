from typing import Any

from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from motcua.calendar.signals import calendar_changed

        calendar_changed.connect(_calendar_changed, dispatch_uid="dossiers_calendar_changed")


def _calendar_changed(sender: Any, name: str, dates: Any = None, **kwargs: Any) -> None:
    """Re-derive the due times of open dossiers counted in the changed calendar, after the change commits.

    Each dossier whose due time moves gets a `due_recomputed` event (never a silent rewrite).
    """
    from django.db import transaction

    from motcua.dossiers.services import on_calendar_changed

    transaction.on_commit(lambda: on_calendar_changed(name, dates or ()))
