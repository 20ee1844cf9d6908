"""Demo: the trust key (created when absent, never committed) and a signed checkpoint of the demo data."""

from __future__ import annotations

from typing import TextIO


def load(stdout: TextIO) -> None:
    from django.db.models import Sum

    from motcua.dossiers.models import Dossier
    from motcua.trust import checkpoints, keys

    keys.private_key()  # generated into the data dir when absent
    last = checkpoints.latest()
    totals = Dossier.objects.aggregate(events=Sum("event_count"))
    if last is not None and (last.get("dossiers"), last.get("events")) == (
        Dossier.objects.count(),
        totals["events"] or 0,
    ):
        return  # nothing changed since the last checkpoint (the loaders are idempotent)
    record = checkpoints.create()
    stdout.write(
        f"trust: checkpoint {record['n']} signed ({record['dossiers']} dossiers, key {record['key']}); "
        "`motcua audit verify` checks against it, `motcua audit export --format pdf --output F` prints it\n"
    )
