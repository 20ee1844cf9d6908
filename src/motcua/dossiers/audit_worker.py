"""Entry points of spawned audit-verification workers.

Kept free of model imports at module level: a spawned child unpickles these functions before
Django is set up, so importing `motcua.dossiers.audit` (which imports models) must wait for `init`.
"""

from __future__ import annotations

import os
from typing import Any


def init(db: dict[str, Any]) -> None:
    """Set up Django in the worker, on the very database the parent verifies (e.g. a test one)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.DATABASES["default"].update(db)


def verify_range(*args: Any) -> Any:
    from motcua.dossiers import audit

    return audit._verify_range(*args)
