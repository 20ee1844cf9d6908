"""The command table: plan → inspection → finding → remediation → report → close, who may, and when."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.tests.factories import PDF, at
from motcua.inspections import commands as c
from motcua.inspections import metrics
from motcua.inspections.commands import InspectionError
from motcua.inspections.models import Event, RemediationItem


def concluded_item(w: dict[str, Any], days: int = 5, unit: str = "H32.101") -> RemediationItem:
    plan = c.execute("create_plan", w["reform"], None, {"year": 2026, "name": "Kế hoạch kiểm tra CCHC năm 2026"})
    item = c.execute(
        "add_plan_item",
        w["reform"],
        plan,
        {"unit": unit, "start_date": "2026-03-02", "end_date": "2026-03-06", "topics": "Cải cách TTHC"},
    )
    c.execute("approve_plan", w["reform"], plan)
    ins = c.execute("record_inspection", w["inspector"], item, {"inspected_on": "2026-03-02", "team": "Đoàn số 1"})
    finding = c.execute(
        "add_finding", w["inspector"], ins, {"text": "Niêm yết TTHC chưa cập nhật", "criterion_code": "2.3"}
    )
    rem = c.execute(
        "add_remediation",
        w["inspector"],
        finding,
        {"text": "Cập nhật niêm yết", "owner_unit": unit, "deadline_days": days},
    )
    c.execute("conclude", w["inspector"], ins, {"conclusion": "Cơ bản thực hiện tốt."}, now=at(2026, 3, 2, 9))
    return RemediationItem.objects.get(pk=rem.pk)


def test_the_whole_journey_with_history(world: dict[str, Any]) -> None:
    rem = concluded_item(world)
    assert rem.due_on == date(2026, 3, 9)  # 5 working days after Mon 02/03/2026
    up = SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf")
    c.execute("report_progress", world["ward_admin"], rem, {"text": "Đã cập nhật", "evidence": up}, now=at(2026, 3, 5))
    rem.refresh_from_db()
    assert rem.status == "reported"
    assert bytes(rem.reports.get().data or b"") == PDF
    c.execute("close", world["inspector"], rem, {"note": "Đạt"}, now=at(2026, 3, 6))
    rem.refresh_from_db()
    assert rem.status == "closed"
    types = list(Event.objects.order_by("id").values_list("type", flat=True))
    assert types == [
        "plan_created",
        "plan_item_added",
        "plan_approved",
        "inspection_recorded",
        "finding_added",
        "remediation_added",
        "concluded",
        "progress_reported",
        "closed",
    ]
    assert set(types) | {"sent_back"} == set(c.EVENT_LABELS)


def test_events_are_append_only(world: dict[str, Any]) -> None:
    concluded_item(world)
    ev = Event.objects.first()
    assert ev is not None
    with pytest.raises(RuntimeError):
        ev.save()
    with pytest.raises(RuntimeError):
        ev.delete()


def test_who_may(world: dict[str, Any]) -> None:
    with pytest.raises(PermissionDenied):
        c.execute("create_plan", world["inspector"], None, {"year": 2026, "name": "x"})
    rem = concluded_item(world)
    # Another unit's administrator, a clerk, and the inspector may not report for the ward.
    for who in ("dept_admin", "clerk", "inspector"):
        with pytest.raises(PermissionDenied):
            c.execute("report_progress", world[who], rem, {"text": "x"})
        assert "report_progress" not in [x.name for x in c.offered(world[who], "remediation", rem)]
    assert [x.name for x in c.offered(world["ward_admin"], "remediation", rem)] == ["report_progress"]
    c.execute("report_progress", world["ward_admin"], rem, {"text": "Xong"})
    with pytest.raises(PermissionDenied):
        c.execute("close", world["ward_admin"], rem, {})
    rem.refresh_from_db()
    assert [x.name for x in c.offered(world["inspector"], "remediation", rem)] == ["close", "send_back"]


def test_states(world: dict[str, Any]) -> None:
    plan = c.execute("create_plan", world["reform"], None, {"year": 2026, "name": "KH"})
    with pytest.raises(InspectionError, match="chưa có đơn vị"):
        c.execute("approve_plan", world["reform"], plan)
    item = c.execute(
        "add_plan_item", world["reform"], plan, {"unit": "H32.27", "start_date": "2026-05-04", "end_date": "2026-05-05"}
    )
    with pytest.raises(InspectionError, match="chưa được phê duyệt"):
        c.execute("record_inspection", world["inspector"], item, {"inspected_on": "2026-05-04"})
    rem = concluded_item(world)
    with pytest.raises(InspectionError, match="chưa báo cáo"):
        c.execute("close", world["inspector"], rem, {})
    c.execute("report_progress", world["ward_admin"], rem, {"text": "Xong"})
    c.execute("send_back", world["inspector"], rem, {"note": "Chưa đủ minh chứng"})
    rem.refresh_from_db()
    assert rem.status == "reopened"
    assert [x.name for x in c.offered(world["ward_admin"], "remediation", rem)] == ["report_progress"]


def test_bad_input_is_refused_clearly(world: dict[str, Any]) -> None:
    plan = c.execute("create_plan", world["reform"], None, {"year": 2026, "name": "KH"})
    with pytest.raises(InspectionError) as e:
        c.execute(
            "add_plan_item",
            world["reform"],
            plan,
            {"unit": "H99", "start_date": "2026-05-04", "end_date": "2026-05-05"},
        )
    assert e.value.fields == {"unit": "Không có đơn vị này."}
    with pytest.raises(InspectionError) as e:
        c.execute(
            "add_plan_item",
            world["reform"],
            plan,
            {"unit": "H32.27", "start_date": "2026-05-04", "end_date": "2026-05-01"},
        )
    assert "end_date" in e.value.fields
    rem = concluded_item(world)
    bad = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(InspectionError) as e:
        c.execute("report_progress", world["ward_admin"], rem, {"text": "x", "evidence": bad})
    assert "evidence" in e.value.fields
    rem.refresh_from_db()
    assert rem.status == "open" and not rem.reports.exists()
    ins = rem.finding.inspection
    with pytest.raises(InspectionError, match="đã kết luận"):
        c.execute("add_finding", world["inspector"], ins, {"text": "x"})


def test_finding_linked_to_dossiers(world: dict[str, Any]) -> None:
    from motcua.dossiers import services as s
    from motcua.dossiers.services import Applicant
    from motcua.dossiers.tests import factories as f
    from motcua.organizations.models import Role

    clerk = f.official("c2", world["ward"], Role.CLERK)
    applicant = Applicant(name="Nguyễn Văn A", id_number="056090000001", email="a@example.vn", phone="0900000001")
    d = s.receive_dossier(
        clerk, procedure=f.procedure(), unit=world["ward"], applicant=applicant, now=at(2026, 3, 2, 9)
    )
    rem = concluded_item(world)
    ins = rem.finding.inspection
    assert ins.concluded
    plan = ins.plan_item.plan
    item = plan.items.first()
    ins2 = c.execute("record_inspection", world["inspector"], item, {"inspected_on": "2026-03-03"})
    with pytest.raises(InspectionError, match="Không tìm thấy hồ sơ"):
        c.execute("add_finding", world["inspector"], ins2, {"text": "Trễ hạn", "dossiers": "KHONG-CO"})
    fd = c.execute("add_finding", world["inspector"], ins2, {"text": "Trễ hạn", "dossiers": d.code})
    assert list(fd.dossiers.values_list("code", flat=True)) == [d.code]


def test_overdue_metric(world: dict[str, Any]) -> None:
    a = concluded_item(world, days=5)  # due 09/03
    b = concluded_item(world, days=5)
    late = concluded_item(world, days=5)
    other = concluded_item(world, days=5, unit="H32.27")
    c.execute("report_progress", world["ward_admin"], b, {"text": "x"}, now=at(2026, 3, 4))
    c.execute("close", world["inspector"], b, {}, now=at(2026, 3, 9, 16))  # on the due day: on time
    c.execute("report_progress", world["ward_admin"], late, {"text": "x"}, now=at(2026, 3, 9))
    with time_machine.travel(at(2026, 3, 9, 16), tick=False):
        assert metrics.overdue_remediation("H32.101", 2026) == (0, 3)
    c.execute("close", world["inspector"], late, {}, now=at(2026, 3, 10, 8))  # closed late
    with time_machine.travel(at(2026, 3, 10, 9), tick=False):
        assert metrics.overdue_remediation("H32.101", 2026) == (2, 3)  # a is overdue, late closed late
        assert metrics.overdue_remediation("H32.27", 2026) == (1, 1)
        assert metrics.overdue_remediation("H32.101", 2025) == (0, 0)
    assert a.pk and other.pk


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE inspections_event SET payload = '{}'",
        "DELETE FROM inspections_event",
        "UPDATE inspections_progressreport SET text = 'x'",
        "DELETE FROM inspections_progressreport",
    ],
)
def test_the_database_refuses_rewriting_history(world: dict[str, Any], statement: str) -> None:
    from django.db import DatabaseError, connection, transaction

    rem = concluded_item(world)
    c.execute("report_progress", world["ward_admin"], rem, {"text": "Xong"})
    before = Event.objects.count()
    with pytest.raises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cur:
        cur.execute(statement)
    assert "append-only" in str(caught.value)
    assert Event.objects.count() == before and rem.reports.get().text == "Xong"


def test_a_retry_with_the_same_key_is_replayed(world: dict[str, Any]) -> None:
    rem = concluded_item(world)
    ins = c.execute(
        "record_inspection", world["inspector"], rem.finding.inspection.plan_item, {"inspected_on": "2026-04-01"}
    )
    f = c.execute("add_finding", world["inspector"], ins, {"text": "x"}, key="k-1")
    assert f.pk
    with pytest.raises(c.Replayed) as again:
        c.execute("add_finding", world["inspector"], ins, {"text": "x"}, key="k-1")
    assert again.value.event.type == "finding_added"
    assert ins.findings.count() == 1
