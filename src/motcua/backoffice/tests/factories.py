"""Test data built directly in the database (tests only: the application writes through services)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from motcua.catalog.models import Field, Procedure, RequiredComponent
from motcua.dossiers.chain import GENESIS, canonical_bytes, event_hash
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.organizations.models import Membership, Unit

VN = ZoneInfo("Asia/Ho_Chi_Minh")
COMPONENTS = [
    {"name": "Tờ khai đăng ký khai sinh theo mẫu", "copies": 1, "mandatory": True},
    {"name": "Giấy chứng sinh", "copies": 1, "mandatory": True},
    {"name": "Văn bản ủy quyền (nếu có)", "copies": 1, "mandatory": False},
]


def vn(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)  # type: ignore[misc]


def units() -> dict[str, Unit]:
    province, _ = Unit.objects.get_or_create(code="H32", defaults={"name": "UBND tỉnh Khánh Hòa", "level": "province"})
    a, _ = Unit.objects.get_or_create(
        code="H32.101", defaults={"name": "Phường Nha Trang", "level": "commune", "parent": province}
    )
    b, _ = Unit.objects.get_or_create(
        code="H32.110", defaults={"name": "Xã Diên Khánh", "level": "commune", "parent": province}
    )
    return {"province": province, "a": a, "b": b}


def procedure(code: str = "1.001193", name: str = "Đăng ký khai sinh") -> Procedure:
    field, _ = Field.objects.get_or_create(code="HT", defaults={"name": "Hộ tịch"})
    proc, _ = Procedure.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "field": field,
            "levels": ["commune"],
            "deadline_amount": Decimal("3"),
            "deadline_unit": "working_days",
        },
    )
    if not proc.components.exists():
        for i, c in enumerate(COMPONENTS, 1):
            RequiredComponent.objects.create(procedure=proc, order=i, **c)
    return proc


def user(username: str, unit: Unit, *roles: str) -> Any:
    u = get_user_model().objects.create_user(username=username, password="mat-khau-123", first_name=username)
    for role in roles or ("clerk",):
        Membership.objects.create(user=u, unit=unit, role=role)
    return u


def dossier(unit: Unit, code: str = "H32.101-261124-0001", **kw: Any) -> Dossier:
    values: dict[str, Any] = {
        "procedure": procedure(),
        "unit": unit,
        "receiving_unit": unit,
        "channel": "direct",
        "status": "processing",
        "applicant_name": "Nguyễn Thị Hồng Nhung",
        "applicant_id_number": "056190001234",
        "applicant_phone": "0905123456",
        "applicant_address": "12 Trần Phú, phường Nha Trang",
        "received_at": vn(2026, 11, 24, 9, 15),
        "due_at": vn(2026, 11, 27, 17, 0),
        "appointment_at": vn(2026, 11, 27, 17, 0),
    }
    values.update(kw)
    return Dossier.objects.create(code=code, **values)


def event(
    d: Dossier, type: str, at: datetime, payload: dict[str, Any] | None = None, actor: Any = None
) -> DossierEvent:
    last = d.events.order_by("-seq").first()
    seq = last.seq + 1 if last else 1
    prev = last.hash if last else GENESIS
    payload = payload or {}
    label = actor.get_full_name() if actor else ""
    data = canonical_bytes(
        dossier_code=d.code,
        seq=seq,
        type=type,
        actor_id=actor.pk if actor else None,
        at=at,
        payload=payload,
        actor_label=label,
    )
    return DossierEvent.objects.create(
        dossier=d,
        seq=seq,
        type=type,
        actor=actor,
        actor_label=label,
        at=at,
        payload=payload,
        prev_hash=prev,
        hash=event_hash(prev, data),
    )


def process(proc: Procedure, unit: Unit) -> Any:
    """A two-step process: a specialist appraises, a leader approves."""
    from motcua.catalog.models import ProcessDefinition, ProcessStep

    definition, created = ProcessDefinition.objects.get_or_create(procedure=proc, version=1)
    if created:
        ProcessStep.objects.create(
            definition=definition, order=1, name="Thẩm định hồ sơ", unit=unit, role="specialist", duration_amount=8
        )
        ProcessStep.objects.create(
            definition=definition, order=2, name="Phê duyệt kết quả", unit=unit, role="leader", duration_amount=4
        )
    return definition


def staff(unit: Unit) -> dict[str, Any]:
    return {
        "clerk": user("lan", unit, "clerk"),
        "specialist": user("minh", unit, "specialist"),
        "leader": user("hai", unit, "leader"),
    }


def received(clerk: Any, unit: Unit, **applicant: Any) -> Dossier:
    """A dossier received at the counter through the services (as the intake screen does)."""
    from motcua.dossiers import services

    values = {
        "name": "Nguyễn Thị Hồng Nhung",
        "id_number": "056190001234",
        "phone": "0905123456",
        "address": "12 Trần Phú, phường Nha Trang",
    }
    values.update(applicant)
    proc = procedure()
    process(proc, unit)
    return services.receive_dossier(clerk, procedure=proc, unit=unit, applicant=services.Applicant(**values))


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
