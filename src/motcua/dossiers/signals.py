"""Signals other contexts listen to (analytics rollups). Sent by `dossiers.services` inside the write transaction."""

from django.dispatch import Signal

# kwargs: dossier (the saved Dossier), before (dict of the counted fields before the change, or None
# for a new dossier). Receivers run in the same transaction, so a rollup can never disagree with the row.
dossier_state_changed = Signal()
