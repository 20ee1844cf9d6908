"""Catalogue import: `merged_from` loads the province's new map (a merger decision per successor)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from motcua.catalog.importer import import_document
from motcua.catalog.spec import CatalogError
from motcua.dossiers.models import Dossier
from motcua.organizations.models import Unit, UnitLink
from motcua.restructure.models import Decision, DecisionStatus
from motcua.restructure.tests.conftest import Province, open_dossiers

pytestmark = pytest.mark.django_db


def new_map(effective: str, **extra: Any) -> dict[str, Any]:
    return {
        "units": [
            {"code": "H32", "name": "UBND tỉnh Khánh Hòa", "level": "province", "kind": "ubnd_tinh"},
            {
                "code": "H32.107",
                "name": "Xã Nam Cam Ranh",
                "level": "commune",
                "parent": "H32",
                "kind": "xa",
                # names as the sample catalogue writes them; "Cam Thịnh Tây" was never loaded here
                "merged_from": ["Cam Lập", "cam binh", "H32.203", "Cam Thịnh Tây"],
                "effective_date": effective,
                **extra,
            },
        ]
    }


def test_merged_from_records_and_applies_a_merger(province: Province, clock: Any) -> None:
    p = province
    d = open_dossiers(p)
    assert import_document(new_map("2026-11-25"), dry_run=True).successions == ["catalog:H32.107"]
    assert not Decision.objects.exists() and not UnitLink.objects.exists()  # a dry run writes nothing

    summary = import_document(new_map("2026-11-25", decision="1667/NQ-UBTVQH15"))
    assert summary.successions == ["1667/NQ-UBTVQH15"]
    assert summary.as_dict()["successions"] == ["1667/NQ-UBTVQH15"]
    decision = Decision.objects.get()
    assert decision.status == DecisionStatus.APPLIED and decision.effective_on == date(2026, 11, 25)
    new = Unit.objects.get(code="H32.107")
    assert new.valid_from == date(2026, 11, 25)
    assert sorted(UnitLink.objects.filter(successor=new).values_list("predecessor__code", flat=True)) == [
        "H32.201", "H32.202", "H32.203",
    ]  # fmt: skip
    assert Dossier.objects.get(pk=d["a_received"].pk).unit == new
    assert new.extra["merged_from"][0] == "Cam Lập"  # still kept for the export

    again = import_document(new_map("2026-11-25", decision="1667/NQ-UBTVQH15"))
    assert again.successions == [] and not again.changed and Decision.objects.count() == 1


def test_a_future_date_schedules_and_bad_dates_are_refused(province: Province, clock: Any) -> None:
    open_dossiers(province)
    import_document(new_map("2027-01-01"))
    decision = Decision.objects.get()
    assert decision.status == DecisionStatus.SCHEDULED and decision.number == "catalog:H32.107"
    assert Dossier.objects.filter(unit__code="H32.107").count() == 0
    with pytest.raises(CatalogError, match="effective_date"):
        import_document(new_map("01/07/2025", decision="X"))


def test_names_that_match_nothing_change_nothing(province: Province) -> None:
    doc = new_map("2026-11-25")
    doc["units"][1]["merged_from"] = ["Ninh Lộc", "Ninh Ích"]
    assert import_document(doc).successions == []
    assert not Decision.objects.exists()
