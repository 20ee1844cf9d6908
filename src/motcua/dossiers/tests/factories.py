"""Small factories for dossier-engine tests (plain ORM, no extra dependency)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from motcua.catalog.models import (
    Field,
    LinkedGroup,
    LinkedGroupMember,
    Procedure,
    ProcessDefinition,
    ProcessStep,
    RequiredComponent,
)
from motcua.organizations.models import Membership, Unit

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n% test document\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def unit(code: str, *, level: str = "commune", parent: Unit | None = None, name: str = "") -> Unit:
    return Unit.objects.get_or_create(
        code=code, defaults={"name": name or f"Đơn vị {code}", "level": level, "parent": parent}
    )[0]


def official(username: str, u: Unit, *roles: str) -> Any:
    user = get_user_model()(username=username)
    user.set_unusable_password()  # no slow password hashing in tests
    user.save()
    for role in roles:
        Membership.objects.create(user=user, unit=u, role=role)
    return user


def procedure(
    code: str = "1.001193",
    *,
    amount: Any = 5,
    unit: str = "working_days",
    online: str = "full",
    components: tuple[str, ...] = ("to_khai", "giay_chung_sinh"),
    fee: int = 0,
    name: str = "",
) -> Procedure:
    field, _ = Field.objects.get_or_create(code="HT", defaults={"name": "Hộ tịch"})
    proc = Procedure.objects.create(
        code=code,
        name=name or f"Thủ tục {code}",
        field=field,
        levels=["commune"],
        deadline_amount=Decimal(str(amount)),
        deadline_unit=unit,
        online=online,
        fee=fee,
    )
    for n, c in enumerate(components, start=1):
        RequiredComponent.objects.create(procedure=proc, order=n, name=f"Giấy tờ {c}", extra={"code": c})
    return proc


def process(
    proc: Procedure, steps: list[tuple[str, Unit | None, str, Any, str]], version: int = 1
) -> ProcessDefinition:
    definition = ProcessDefinition.objects.create(procedure=proc, version=version)
    for n, (name, u, role, amount, dunit) in enumerate(steps, start=1):
        ProcessStep.objects.create(
            definition=definition,
            order=n,
            name=name,
            unit=u,
            role=role,
            duration_amount=Decimal(str(amount)),
            duration_unit=dunit,
        )
    return definition


def linked_group(code: str, procedures: list[Procedure]) -> LinkedGroup:
    group = LinkedGroup.objects.create(code=code, name=f"Nhóm {code}")
    for n, p in enumerate(procedures, start=1):
        LinkedGroupMember.objects.create(group=group, procedure=p, order=n)
    return group
