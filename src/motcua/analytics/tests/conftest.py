"""Fixtures: a tiny catalogue and organisation tree, and a helper that creates dossiers like services do."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from motcua.analytics.rules import LOCAL_TZ


def t(day: str, hour: int = 9, minute: int = 0) -> datetime:
    """An aware local (Asia/Ho_Chi_Minh) datetime on `day` (YYYY-MM-DD)."""
    return datetime.fromisoformat(day).replace(hour=hour, minute=minute, tzinfo=LOCAL_TZ)


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    from motcua.catalog.models import Field, Procedure
    from motcua.organizations.models import Unit

    province = Unit.objects.create(code="H32", name="UBND tỉnh Khánh Hòa", level="province")
    justice = Unit.objects.create(code="H32.27", name="Sở Tư pháp", level="province", parent=province)
    commune = Unit.objects.create(code="H32.101", name="Phường Nha Trang", level="commune", parent=province)
    ht = Field.objects.create(code="HT", name="Hộ tịch")
    ct = Field.objects.create(code="CT", name="Chứng thực")
    p1 = Procedure.objects.create(
        code="1.001193",
        name="Đăng ký khai sinh",
        field=ht,
        deadline_amount=3,
        deadline_unit="working_days",
        online="full",
        fee=0,
    )
    p1.components.create(order=1, name="Tờ khai đăng ký khai sinh")
    p1.results.create(order=1, name="Giấy khai sinh", code="KQ.G15.000031")
    p2 = Procedure.objects.create(
        code="2.000815",
        name="Chứng thực bản sao",
        field=ct,
        deadline_amount=2,
        deadline_unit="working_days",
        online="none",
        fee=10000,
    )
    return {"province": province, "justice": justice, "commune": commune, "p1": p1, "p2": p2}


def make_dossier(code: str, unit: Any, procedure: Any, **kw: Any) -> Any:
    """Create a dossier and send the state signal, as the dossier services do."""
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.signals import dossier_state_changed

    kw.setdefault("channel", "direct")
    kw.setdefault("status", "processing")
    kw.setdefault("due_at", kw["received_at"] + timedelta(days=3))
    if kw["status"] == "returned":
        kw.setdefault("returned_at", kw.get("finished_at"))
    d = Dossier.objects.create(code=code, unit=unit, procedure=procedure, **kw)
    dossier_state_changed.send(sender=Dossier, dossier=d, before=None)
    return d


def update_dossier(d: Any, **changes: Any) -> Any:
    from motcua.analytics.rollup import FACT_FIELDS
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.signals import dossier_state_changed

    before = {f: getattr(d, f) for f in FACT_FIELDS}
    for k, v in changes.items():
        setattr(d, k, v)
    if d.status == "returned" and d.returned_at is None:
        d.returned_at = d.finished_at
    d.save()
    dossier_state_changed.send(sender=Dossier, dossier=d, before=before)
    return d
