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
    try:
        record = checkpoints.create()
    except checkpoints.CheckpointError as exc:
        # A data dir from before the trust work: its dossiers carry no head seals, so no honest checkpoint
        # can be signed over them. The demo still serves; adoption (an operator's decision) seals them.
        stdout.write(
            f"trust: no checkpoint taken ({exc}); this demo database predates the chain seals: "
            'run `motcua audit adopt --reason "..."` once (or remove the data dir and `make run` again)\n'
        )
        return
    stdout.write(
        f"trust: checkpoint {record['n']} signed ({record['dossiers']} dossiers, key {record['key']}); "
        "`motcua audit verify` checks against it, `motcua audit export --format pdf --output F` prints it\n"
    )
