"""A small demo-like data set for API-wide tests: a commune with its one-stop staff, procedures with
and without a process, a liên thông group, and dossiers in several states (received, processing,
awaiting a supplement, finished, online and not yet accepted)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from motcua.dossiers import services as s
from motcua.dossiers.commands import Applicant
from motcua.dossiers.tests import factories as f
from motcua.organizations.models import Membership, Role

APPLICANT = Applicant(name="Trần Thị Bình", id_number="056190000123", phone="0905123456", email="binh@example.vn")


@dataclass
class ApiWorld:
    clerk: Any
    specialist: Any
    leader: Any
    keys: dict[str, list[str]] = field(default_factory=dict)  # first URL segment -> real lookup values
    bodies: dict[str, dict[str, Any]] = field(default_factory=dict)  # intake path -> a body that succeeds


def build() -> ApiWorld:
    province = f.unit("H32", level="province", name="UBND tỉnh Khánh Hòa")
    commune = f.unit("H32.27.01", parent=province, name="UBND phường Nha Trang")
    f.unit("H32.27.02", parent=province, name="UBND xã Cam Lâm")
    world = ApiWorld(
        clerk=f.official("clerk", commune, Role.CLERK),
        specialist=f.official("specialist", commune, Role.SPECIALIST),
        leader=f.official("leader", commune, Role.LEADER),
    )
    birth = f.procedure("1.001193", name="Đăng ký khai sinh")
    f.process(
        birth,
        [
            ("Tiếp nhận hồ sơ", commune, Role.CLERK, 4, "working_hours"),
            ("Thẩm định", commune, Role.SPECIALIST, 2, "working_days"),
            ("Phê duyệt", commune, Role.LEADER, 1, "working_days"),
            ("Trả kết quả", commune, Role.CLERK, 4, "working_hours"),
        ],
    )
    residence = f.procedure("1.004227", name="Đăng ký thường trú", fee=15000)
    group = f.linked_group("LT01", [birth, residence])

    at = f.at(2026, 3, 2, 9)
    clerk, specialist = world.clerk, world.specialist

    def receive(proc: Any, key: str) -> Any:
        return s.receive_dossier(clerk, procedure=proc, unit=commune, applicant=APPLICANT, idempotency_key=key, now=at)

    received = receive(birth, "w-received")
    processing = receive(birth, "w-processing")
    s.start_step(clerk, processing, now=f.at(2026, 3, 2, 10))
    s.forward(clerk, processing, now=f.at(2026, 3, 2, 11))
    supplement = receive(residence, "w-supplement")
    s.start_step(specialist, supplement, name="Thẩm định", now=f.at(2026, 3, 2, 10))
    s.request_supplement(specialist, supplement, reason="Thiếu giấy tờ", items=["Sổ hộ khẩu"], now=f.at(2026, 3, 3))
    online = s.submit_online(procedure=birth, unit=commune, applicant=APPLICANT, idempotency_key="w-online", now=at)
    linked = s.receive_linked(
        clerk,
        group=group,
        receiving_unit=commune,
        units={birth.code: commune, residence.code: commune},
        applicant=APPLICANT,
        now=at,
    )
    dossiers = [received, processing, supplement, online, linked]
    world.keys = {
        "dossiers": [d.code for d in dossiers],
        "procedures": [birth.code, residence.code],
        "units": [province.code, commune.code],
        "fields": ["HT"],
        "linked-groups": [group.code],
        "officials": [str(pk) for pk in Membership.objects.order_by("pk").values_list("pk", flat=True)[:2]],
    }
    applicant = {"applicant_name": APPLICANT.name, "applicant_id_number": APPLICANT.id_number}
    world.bodies = {
        "/api/v1/dossiers/": {"procedure": birth.code, "unit": commune.code, **applicant},
        "/api/v1/dossiers/online/": {"procedure": birth.code, "unit": commune.code, **applicant},
        "/api/v1/dossiers/refuse-new/": {
            "procedure": birth.code,
            "unit": commune.code,
            "reason": "Thiếu tờ khai",
            **applicant,
        },
        "/api/v1/dossiers/linked/": {
            "group": group.code,
            "receiving_unit": commune.code,
            "units": {birth.code: commune.code, residence.code: commune.code},
            **applicant,
        },
    }
    return world
