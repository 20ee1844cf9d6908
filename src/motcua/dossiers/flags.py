"""Counted flags that are facts about a dossier rather than events of its lifecycle.

`synced_national` (the national portal acknowledged the dossier: 766 criterion 1.4) and
`negative_feedback` (a complaint or a negative rating: criterion 5.3, KL 91). They are not derived
from the event chain, so they are set here, with the row locked and the analytics rollups kept in
step through `dossier_state_changed` (sent with `flags_only=True`) in the same transaction.
"""

from __future__ import annotations

from typing import Any

from motcua.dossiers.models import Dossier


def mark_flags(dossier_id: int, **flags: Any) -> None:
    """Set counted flags on one dossier (no event is appended; nothing happens when they already hold)."""
    from django.db import transaction

    from motcua.dossiers.commands.kernel import COUNTED_FIELDS
    from motcua.dossiers.signals import dossier_state_changed

    with transaction.atomic():
        d = Dossier.objects.select_for_update().get(pk=dossier_id)
        changed = {name: value for name, value in flags.items() if getattr(d, name) != value}
        if not changed:
            return
        before = {name: getattr(d, name) for name in COUNTED_FIELDS}
        for name, value in changed.items():
            setattr(d, name, value)
        d.save(update_fields=[*changed, "updated_at"])
        dossier_state_changed.send(sender=Dossier, dossier=d, before=before, flags_only=True)
