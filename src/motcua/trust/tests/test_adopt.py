"""Adopting a database from before the head seals: once, only over intact chains, recorded."""

from __future__ import annotations

import json
from typing import Any

import pytest

from motcua.cli import main
from motcua.dossiers import audit
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import at
from motcua.trust import checkpoints
from motcua.trust.models import Lift

pytestmark = pytest.mark.django_db(transaction=True)
REASON = "nâng cấp phiên bản, QĐ 12/QĐ-VP ngày 01/12/2026"


def legacy(world: Any, n: int) -> list[Dossier]:
    """Dossiers as a pre-trust version left them: intact chains, no head seal."""
    made = []
    for i in range(n):
        d = s.receive_dossier(
            world.clerk,
            procedure=f.procedure(code=f"1.00{i}"),
            unit=world.commune,
            applicant=world.applicant,
            now=at(2026, 3, 2, 9, i),
        )
        s.start_step(world.specialist, d, name="Thẩm định", now=at(2026, 3, 2, 10, i))
        made.append(d)
    Dossier.objects.update(head_seal="")
    return made


def test_adopt_seals_intact_legacy_chains_records_why_and_signs_the_first_checkpoint(world: Any, capsys: Any) -> None:
    legacy(world, 3)
    assert [p.reason for p in audit.verify(stop_at_first=False).problems] == ["chain head is not sealed"] * 3
    assert main(["audit", "adopt", "--reason", REASON, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["sealed"] == 3 and out["checkpoint"] == 1
    assert audit.verify(stop_at_first=False).ok
    assert main(["audit", "verify"]) == 0
    assert Lift.objects.filter(reason__contains="QĐ 12/QĐ-VP").count() == 1

    # Once: after the first checkpoint an unsealed head is tampering, not an upgrade.
    Dossier.objects.filter(pk=Dossier.objects.first().pk).update(head_seal="")
    assert main(["audit", "adopt", "--reason", REASON]) == 1
    assert "checkpoint already exists" in capsys.readouterr().err
    assert Lift.objects.count() == 1


def test_adopt_refuses_when_a_legacy_chain_is_broken_and_seals_nothing(world: Any, capsys: Any) -> None:
    _, second = legacy(world, 2)
    event = DossierEvent.objects.filter(dossier=second).order_by("-seq").first()
    assert event is not None
    Dossier.objects.filter(pk=second.pk).update(event_count=event.seq - 1, last_event_hash=event.prev_hash)
    assert main(["audit", "adopt", "--reason", REASON]) == 1
    err = capsys.readouterr().err
    assert "fail verification, nothing was sealed" in err and second.code in err
    assert not Dossier.objects.exclude(head_seal="").exists()
    assert checkpoints.latest() is None and Lift.objects.count() == 0


def test_adopt_wants_a_reason(world: Any, capsys: Any) -> None:
    legacy(world, 1)
    assert main(["audit", "adopt", "--reason", "  ok  "]) == 1
    assert "reason of at least 10 characters" in capsys.readouterr().err
    assert checkpoints.latest() is None
