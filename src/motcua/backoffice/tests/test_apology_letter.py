"""Mẫu 04 (apology and new appointment): the ORIGINAL appointment and the NEW one, each where it belongs.

The clock is passed explicitly (`now=`, `issued_at=`): nothing depends on today's date.
"""

from __future__ import annotations

from typing import Any

import pytest

from motcua.backoffice import pdf
from motcua.backoffice.tests import factories as bf
from motcua.backoffice.tests.test_forms_pdf import text_of
from motcua.dossiers import services as s
from motcua.dossiers.services import Applicant
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import at
from motcua.organizations.models import Role

ORIGINAL = "Thời gian hẹn trả kết quả: 17 giờ 00 phút, ngày 09/03/2026"
NEW = "Thời gian hẹn trả kết quả mới: 17 giờ 00 phút, ngày 12/03/2026"


@pytest.fixture
def people(db: None) -> dict[str, Any]:
    commune = f.unit("H32.27.01", name="UBND phường Nha Trang")
    leader = f.official("leader", commune, Role.LEADER)
    leader.first_name, leader.last_name = "Đạo", "Võ Văn Lãnh"
    leader.save()
    return {
        "commune": commune,
        "clerk": f.official("clerk", commune, Role.CLERK),
        "specialist": f.official("specialist", commune, Role.SPECIALIST),
        "leader": leader,
    }


def rescheduled(people: dict[str, Any], *, approve: bool = True) -> Any:
    """Received Mon 02/03/2026 09:00, 5 working days → due Mon 09/03 17:00; apology moves it to 12/03."""
    d = s.receive_dossier(
        people["clerk"],
        procedure=f.procedure(amount=5),
        unit=people["commune"],
        applicant=Applicant(name="Nguyễn Văn Ánh", id_number="056090000001", phone="0900000001"),
        now=at(2026, 3, 2, 9),
    )
    assert d.appointment_at == at(2026, 3, 9, 17)
    s.start_step(people["specialist"], d, name="Thẩm định", now=at(2026, 3, 2, 10))
    s.record_apology(
        people["specialist"], d, reason="Chờ xác minh", new_appointment_at=at(2026, 3, 12, 17), now=at(2026, 3, 5, 9)
    )
    if approve:
        d = s.approve_apology(people["leader"], d, now=at(2026, 3, 5, 10))
        assert d.appointment_at == at(2026, 3, 12, 17)
    return d


def test_letter_shows_original_and_new_appointment(people: dict[str, Any]) -> None:
    d = rescheduled(people)
    text = text_of(pdf.render("apology", d, issued_at=at(2026, 3, 5, 10, 30)))
    assert ORIGINAL in text
    assert NEW in text
    assert "Thời gian hẹn trả kết quả: 17 giờ 00 phút, ngày 12/03/2026" not in text
    assert "Võ Văn Lãnh Đạo" in text  # the signing leader, family name first


def test_draft_letter_before_approval(people: dict[str, Any]) -> None:
    d = rescheduled(people, approve=False)
    text = text_of(pdf.render("apology", d, issued_at=at(2026, 3, 5, 9, 30)))
    assert ORIGINAL in text
    assert NEW in text


def test_previous_appointment_in_the_payload_wins(db: None) -> None:
    u = bf.units()
    d = bf.dossier(u["a"], appointment_at=bf.vn(2026, 12, 2, 17, 0))
    bf.event(d, "received", bf.vn(2026, 11, 24, 9, 15), {"due_at": "2026-11-27T17:00:00+07:00"})
    bf.event(
        d,
        "apology_approved",
        bf.vn(2026, 11, 26, 9, 0),
        {
            "reason": "Chờ xác minh",
            "previous_appointment_at": "2026-11-28T11:00:00+07:00",
            "new_appointment_at": "2026-12-02T17:00:00+07:00",
        },
    )
    text = text_of(pdf.render("apology", d, issued_at=bf.vn(2026, 11, 26, 10, 0)))
    assert "Thời gian hẹn trả kết quả: 11 giờ 00 phút, ngày 28/11/2026" in text
    assert "Thời gian hẹn trả kết quả mới: 17 giờ 00 phút, ngày 02/12/2026" in text


def test_original_appointment_derived_from_the_ledger(db: None) -> None:
    """Without `previous_appointment_at`: the appointment in effect just before the apology event."""
    u = bf.units()
    d = bf.dossier(u["a"], appointment_at=bf.vn(2026, 12, 2, 17, 0))
    bf.event(d, "received", bf.vn(2026, 11, 24, 9, 15), {"due_at": "2026-11-27T17:00:00+07:00"})
    bf.event(d, "supplement_supplied", bf.vn(2026, 11, 25, 9, 0), {"appointment_at": "2026-11-30T17:00:00+07:00"})
    bf.event(
        d,
        "apology_approved",
        bf.vn(2026, 11, 26, 9, 0),
        {"reason": "Chờ xác minh", "new_appointment_at": "2026-12-02T17:00:00+07:00"},
    )
    text = text_of(pdf.render("apology", d, issued_at=bf.vn(2026, 11, 26, 10, 0)))
    assert "Thời gian hẹn trả kết quả: 17 giờ 00 phút, ngày 30/11/2026" in text
    assert "ngày 02/12/2026" in text


def test_reprinted_receipt_keeps_the_appointment_given_at_the_counter(people: dict[str, Any]) -> None:
    d = rescheduled(people)
    text = text_of(pdf.render("receipt", d, issued_at=at(2026, 3, 6, 9)))
    assert "Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 09/03/2026" in text
