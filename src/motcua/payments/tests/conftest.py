from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import Applicant
from motcua.dossiers.tests import factories as f
from motcua.organizations.models import Role, Unit


@dataclass
class Shop:
    commune: Unit
    clerk: Any
    specialist: Any
    leader: Any
    applicant: Applicant
    proc: Any

    def awaiting(self, amount: int = 50000, *, channel: str = "direct") -> Dossier:
        """A dossier received now and waiting for a fee of `amount`."""
        now = timezone.now()
        if channel == "online":
            d = s.submit_online(procedure=self.proc, unit=self.commune, applicant=self.applicant, now=now)
            d = s.accept_online(self.clerk, d, now=now)
        else:
            d = s.receive_dossier(self.clerk, procedure=self.proc, unit=self.commune, applicant=self.applicant, now=now)
        return s.request_fee(self.specialist, d, amount=amount, now=now)


@pytest.fixture
def shop(db: Any, clock: Any) -> Shop:
    from motcua.calendar.service import invalidate

    invalidate()
    commune = f.unit("H32.27.01", name="UBND phường Nha Trang")
    return Shop(
        commune=commune,
        clerk=f.official("clerk", commune, Role.CLERK),
        specialist=f.official("specialist", commune, Role.SPECIALIST),
        leader=f.official("leader", commune, Role.LEADER),
        applicant=Applicant(name="Nguyễn Văn Ánh", id_number="056090000001", email="a@example.vn", phone="0900000001"),
        proc=f.procedure(fee=50000),
    )
