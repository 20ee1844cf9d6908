"""Re-create the seeded message templates (the data migrations' content) when they are missing.

Transactional tests flush tables, data-migration rows included; tests and `motcua demo` call this.
"""

from __future__ import annotations

import importlib

from django.apps import apps

SEED_MIGRATIONS = [
    "motcua.notifications.migrations.0003_seed_message_templates",
    "motcua.notifications.migrations.0004_service_template_codes",
    "motcua.notifications.migrations.0006_duty_alert_templates",
    "motcua.restructure.migrations.0002_transfer_message_templates",
]


def ensure_templates() -> None:
    for name in SEED_MIGRATIONS:
        importlib.import_module(name).seed(apps, None)
