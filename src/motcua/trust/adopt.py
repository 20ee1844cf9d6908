"""Adopting the chains of a database that predates the head seals (an upgrade, once).

A database written before the trust work holds dossiers whose chain heads carry no HMAC seal; the
verifier reports each as "chain head is not sealed" and no checkpoint can be signed over them. The
operator adopts them once: every chain is verified in full (hash links, cached state, files) and only
if nothing but the missing seals is wrong are the heads sealed, inside a recorded `lifted(...)` block
(the reason is kept in `trust.Lift`), and the first checkpoint is signed at once.

Adoption is refused after the first checkpoint: from then on every head is covered by a signed
checkpoint, and a head without a seal is evidence of tampering, not of an upgrade.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from motcua.dossiers import audit
from motcua.dossiers.models import Dossier
from motcua.trust import checkpoints, keys
from motcua.trust.appendonly import lifted

UNSEALED = "chain head is not sealed"


class AdoptError(Exception):
    """Adoption refused; the message says why in plain English."""


@dataclass
class Adopted:
    sealed: int
    checkpoint: dict[str, Any]


def adopt(reason: str) -> Adopted:
    """Seal every unsealed chain head after a full verification, then sign the first checkpoint."""
    reason = " ".join(reason.split())
    if len(reason) < 10:
        raise AdoptError("give a reason of at least 10 characters (who decided the upgrade, and why)")
    if checkpoints.latest() is not None:
        raise AdoptError(
            "a checkpoint already exists: every chain head is covered by it, so an unsealed head now means "
            "tampering; run `motcua audit verify --all`"
        )
    seal_key = keys.seal_key()
    report = audit.verify(stop_at_first=False)
    blocking = [p for p in report.problems if p.reason != UNSEALED]
    if blocking:
        shown = "; ".join(p.line() for p in blocking[:5])
        more = f" (and {len(blocking) - 5} more)" if len(blocking) > 5 else ""
        raise AdoptError(f"{len(blocking)} chain(s) fail verification, nothing was sealed: {shown}{more}")
    unsealed = Dossier.objects.filter(head_seal="", event_count__gt=0).values_list(
        "pk", "code", "event_count", "last_event_hash"
    )
    sealed = 0
    with lifted(f"audit adopt: {reason}"):
        for pk, code, count, head in unsealed.iterator(chunk_size=2000):
            sealed += Dossier.objects.filter(pk=pk, head_seal="", event_count=count, last_event_hash=head).update(
                head_seal=keys.seal(code, count, head, seal_key)
            )
    return Adopted(sealed=sealed, checkpoint=checkpoints.create())
