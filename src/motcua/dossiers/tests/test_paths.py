"""Every lifecycle path through the service layer, with frozen time and hand-worked due times.

Dates avoid public holidays so the expected values hold for the plain Monday–Friday office calendar
(07:00–11:30, 13:30–17:00).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from motcua.dossiers import clock, jobs
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, DossierEvent, Duty, StepRun
from motcua.dossiers.tests import factories as f
from motcua.dossiers.tests.factories import PDF, at
from motcua.notifications.models import OutboxMessage
from motcua.organizations.models import Role

pytestmark = pytest.mark.django_db


def templates(d: Dossier) -> list[str]:
    return list(OutboxMessage.objects.filter(dossier=d).order_by("id").values_list("template", flat=True))


def assert_consistent(d: Dossier) -> None:
    """Cached columns = derive(events), and the recorded due times = a replay of the clock ledger."""
    d.refresh_from_db()
    assert s.cached_matches(d)
    assert DossierEvent.objects.filter(dossier=d).count() == d.event_count
    if d.clock_state.get("deadline"):
        events = [(e.type, e.at, e.payload) for e in s.events_of(d)]
        replayed = clock.replay(
            clock.calendar_for("default"), clock.Deadline.from_payload(d.clock_state["deadline"]), events
        )
        assert (replayed.due_at, replayed.appointment_at) == (d.due_at, d.appointment_at)


def receive(world: Any, proc: Any, when: Any, **kw: Any) -> Dossier:
    return s.receive_dossier(world.clerk, procedure=proc, unit=world.commune, applicant=world.applicant, now=when, **kw)


def test_received_steps_finished_returned(world: Any) -> None:
    proc = f.procedure(amount=5)
    f.process(
        proc,
        [
            ("Thẩm định", None, Role.SPECIALIST, 16, "working_hours"),
            ("Ký duyệt", None, Role.LEADER, 8, "working_hours"),
        ],
    )
    d = receive(world, proc, at(2026, 3, 2, 9))
    assert d.code == "H32.27.01-260302-0001"
    assert d.status == "received"
    assert d.due_at == at(2026, 3, 9, 17) == d.appointment_at
    assert d.regime == "nd118"
    run1 = s.start_step(world.specialist, d, now=at(2026, 3, 2, 10))
    assert run1.due_at == at(2026, 3, 4, 10)  # 16 office hours from Mon 10:00
    d.refresh_from_db()
    assert d.status == "processing" and d.current_steps[0]["name"] == "Thẩm định"
    # The leader's step cannot start before the specialist's is done (the approved order).
    with pytest.raises(PermissionDenied):
        s.start_step(world.leader, d, order=2, now=at(2026, 3, 2, 11))
    with pytest.raises(s.DossierError) as err:
        s.finish_dossier(world.leader, d, now=at(2026, 3, 2, 11))
    assert err.value.code == "open_steps"
    run2 = s.forward(world.specialist, d, assignee=world.leader, now=at(2026, 3, 3, 9))
    assert run2 is not None and run2.order == 2 and run2.assignee == world.leader
    run1.refresh_from_db()
    assert run1.outcome == "early"
    s.complete_step(world.leader, d, now=at(2026, 3, 3, 15))
    d = s.finish_dossier(world.leader, d, now=at(2026, 3, 3, 16))
    assert d.status == "finished" and d.finished_at == at(2026, 3, 3, 16) and d.handled_by == world.leader
    # Returning before the appointment needs a prior notice to the applicant.
    with pytest.raises(s.DossierError) as err:
        s.return_result(world.clerk, d, now=at(2026, 3, 4, 9))
    assert err.value.code == "early_return_not_announced"
    s.announce_early_return(world.clerk, d, now=at(2026, 3, 3, 16, 30))
    with pytest.raises(s.DossierError):
        s.announce_early_return(world.clerk, d, now=at(2026, 3, 3, 16, 40))
    d = s.return_result(world.clerk, d, now=at(2026, 3, 4, 9))
    assert d.status == "returned" and d.returned_at == at(2026, 3, 4, 9)
    assert templates(d) == ["receipt", "result_ready", "early_return"]
    assert [r.outcome for r in StepRun.objects.filter(dossier=d)] == ["early", "early"]
    assert_consistent(d)
    with pytest.raises(s.DossierError) as err:
        s.return_result(world.clerk, d, now=at(2026, 3, 4, 10))
    assert err.value.code == "illegal_transition"
    assert "Đã trả kết quả" in str(err.value.messages[0])


def test_supplement_restarts_the_clock_from_1_july_2025(world: Any) -> None:
    proc = f.procedure(amount=5)
    d = receive(world, proc, at(2026, 3, 2, 9))
    d = s.request_supplement(
        world.specialist, d, reason="Thiếu giấy chứng sinh", items=["giay_chung_sinh"], now=at(2026, 3, 3, 10)
    )
    assert d.status == "supplement" and d.clock_state["running"] is False
    # Only one request under Decree 118.
    d = s.supply_supplement(world.clerk, d, now=at(2026, 3, 6, 14))
    assert d.status == "received"
    assert d.due_at == at(2026, 3, 13, 17)  # full 5 working days again from Fri 06/03
    assert d.appointment_at == d.due_at and d.clock_state["restarts"] == 1
    with pytest.raises(s.DossierError) as err:
        s.request_supplement(world.specialist, d, reason="Lần hai", items=["to_khai"], now=at(2026, 3, 9, 9))
    assert err.value.code == "second_supplement"
    assert "lần thứ hai" in str(err.value.messages[0])
    assert templates(d) == ["receipt", "supplement_request"]
    assert_consistent(d)


def test_supplement_request_after_three_working_days_is_refused(world: Any) -> None:
    d = receive(world, f.procedure(amount=10), at(2026, 3, 2, 9))
    with pytest.raises(s.DossierError) as err:
        s.request_supplement(world.specialist, d, reason="Muộn", items=["to_khai"], now=at(2026, 3, 6, 9))
    assert err.value.code == "supplement_too_late"
    s.request_supplement(world.specialist, d, reason="Kịp", items=["to_khai"], now=at(2026, 3, 5, 16))


def test_supplement_pauses_the_clock_before_1_july_2025(world: Any) -> None:
    d = receive(world, f.procedure(amount=5), at(2025, 3, 3, 9))
    assert d.regime == "nd61" and d.due_at == at(2025, 3, 10, 17)
    s.request_supplement(world.specialist, d, reason="Thiếu", items=["to_khai"], now=at(2025, 3, 4, 10))
    d = s.supply_supplement(world.clerk, d, now=at(2025, 3, 6, 10))
    # 16 office hours paused (Tue 10:00 → Thu 10:00) move Mon 10/03 17:00 to Wed 12/03 17:00.
    assert d.due_at == at(2025, 3, 12, 17)
    # Decree 61 allows another request, still pausing.
    s.request_supplement(world.specialist, d, reason="Thiếu nữa", items=["to_khai"], now=at(2025, 3, 7, 9))
    d = s.supply_supplement(world.clerk, d, now=at(2025, 3, 7, 11))
    assert d.due_at == at(2025, 3, 13, 9)  # + 2 office hours
    assert_consistent(d)


def test_supplement_not_completed_in_15_days_closes(world: Any) -> None:
    d = receive(world, f.procedure(amount=5), at(2026, 3, 2, 9))
    s.request_supplement(world.specialist, d, reason="Thiếu", items=["to_khai"], now=at(2026, 3, 3, 10))
    with pytest.raises(s.DossierError) as err:
        s.close_unsupplemented(world.clerk, d, now=at(2026, 3, 17, 10))
    assert err.value.code == "supplement_wait_not_over"
    assert jobs.tick(at(2026, 3, 18, 9, 59))["closed"] == []
    result = jobs.tick(at(2026, 3, 18, 10))
    assert result["closed"] == [d.code]
    d.refresh_from_db()
    assert d.status == "closed" and d.finished_at == at(2026, 3, 18, 10)
    assert jobs.tick(at(2026, 3, 18, 11))["closed"] == []
    with pytest.raises(s.DossierError):
        s.supply_supplement(world.clerk, d, now=at(2026, 3, 19, 9))
    assert_consistent(d)


def test_late_with_apology_and_one_reschedule(world: Any) -> None:
    d = receive(world, f.procedure(amount=5), at(2026, 3, 2, 9))
    s.start_step(world.specialist, d, name="Thẩm định", now=at(2026, 3, 2, 10))
    with pytest.raises(PermissionDenied):
        s.approve_apology(world.specialist, d, now=at(2026, 3, 5, 9))
    s.record_apology(
        world.specialist,
        d,
        reason="Chờ xác minh",
        new_appointment_at=at(2026, 3, 12, 17),
        letter=s.Upload("thu.pdf", PDF),
        now=at(2026, 3, 5, 9),
    )
    d = s.approve_apology(world.leader, d, now=at(2026, 3, 5, 10))
    assert d.appointment_at == at(2026, 3, 12, 17)
    assert d.due_at == at(2026, 3, 9, 17)  # statistics keep the due time before the extension
    with pytest.raises(s.DossierError) as err:
        s.record_apology(
            world.specialist, d, reason="Lần hai", new_appointment_at=at(2026, 3, 16, 17), now=at(2026, 3, 6, 9)
        )
    assert err.value.code == "second_reschedule"
    s.complete_step(world.specialist, d, now=at(2026, 3, 11, 9))
    d = s.finish_dossier(world.leader, d, now=at(2026, 3, 11, 10))
    finished = DossierEvent.objects.get(dossier=d, type="finished")
    assert finished.payload["outcome"] == "late"
    d = s.return_result(world.clerk, d, now=at(2026, 3, 12, 9))
    assert "apology" in templates(d)
    assert_consistent(d)


def test_late_apology_is_accepted_and_recorded_late(world: Any) -> None:
    """Contracts §2.4: after the cut-off (or once late) the apology is still sent, but recorded `late_apology`."""
    d = receive(world, f.procedure(amount=5), at(2026, 3, 2, 9))  # due Mon 09/03 17:00, cut-off Fri 06/03 17:00
    s.start_step(world.specialist, d, name="Thẩm định", now=at(2026, 3, 2, 10))
    s.record_apology(world.specialist, d, reason="Muộn", new_appointment_at=at(2026, 3, 12, 17), now=at(2026, 3, 10, 9))
    d = s.approve_apology(world.leader, d, now=at(2026, 3, 10, 10))
    approved = DossierEvent.objects.get(dossier=d, type="apology_approved")
    assert approved.payload["late_apology"] is True
    assert approved.payload["previous_appointment_at"] == "2026-03-09T17:00:00+07:00"
    assert approved.payload["new_appointment_at"] == "2026-03-12T17:00:00+07:00"
    assert d.appointment_at == at(2026, 3, 12, 17) and d.due_at == at(2026, 3, 9, 17)
    assert "apology" in templates(d)
    assert_consistent(d)


def test_on_time_apology_is_not_late_and_dates_are_checked(world: Any) -> None:
    d = receive(world, f.procedure(amount=5), at(2026, 3, 2, 9))
    with pytest.raises(s.DossierError) as err:  # not after the current appointment
        s.record_apology(
            world.specialist, d, reason="Kịp", new_appointment_at=at(2026, 3, 9, 8), now=at(2026, 3, 6, 16)
        )
    assert err.value.code == "bad_new_date"
    with pytest.raises(s.DossierError) as err:  # a typo such as year 9999
        s.record_apology(
            world.specialist, d, reason="Kịp", new_appointment_at=at(9999, 3, 12, 17), now=at(2026, 3, 6, 16)
        )
    assert err.value.code == "bad_new_date"
    s.record_apology(world.specialist, d, reason="Kịp", new_appointment_at=at(2026, 3, 12, 17), now=at(2026, 3, 6, 16))
    recorded = DossierEvent.objects.get(dossier=d, type="apology_recorded")
    assert recorded.payload["late_apology"] is False


def test_refused_at_intake(world: Any) -> None:
    proc = f.procedure()
    d = s.refuse_intake(
        world.clerk,
        reason="Không thuộc thẩm quyền",
        procedure=proc,
        unit=world.commune,
        applicant=world.applicant,
        now=at(2026, 3, 2, 9),
    )
    assert d.status == "refused" and d.finished_at == at(2026, 3, 2, 9)
    online = s.submit_online(procedure=proc, unit=world.commune, applicant=world.applicant, now=at(2026, 3, 2, 9, 30))
    online = s.refuse_intake(world.clerk, online, reason="Sai thủ tục", now=at(2026, 3, 2, 10))
    assert online.status == "refused"
    assert templates(d) == ["refusal"]
    with pytest.raises(s.DossierError):
        s.start_step(world.specialist, online, name="x", now=at(2026, 3, 2, 11))
    assert_consistent(d)
    assert_consistent(online)


def test_withdrawn(world: Any) -> None:
    d = receive(world, f.procedure(), at(2026, 3, 2, 9))
    s.start_step(world.specialist, d, name="Thẩm định", now=at(2026, 3, 2, 10))
    d = s.withdraw(world.clerk, d, reason="Người nộp xin rút", now=at(2026, 3, 3, 9))
    assert d.status == "withdrawn" and d.current_steps == []
    assert StepRun.objects.get(dossier=d).finished_at == at(2026, 3, 3, 9)
    assert_consistent(d)


def test_stop_and_pause_need_evidence(world: Any) -> None:
    d = receive(world, f.procedure(), at(2026, 3, 2, 9))  # due Mon 09/03 17:00
    # The command's schema refuses a missing file or a blank reason, naming the field.
    with pytest.raises(s.DossierError) as err:
        s.pause_clock(world.leader, d, reason="Chờ xác minh", evidence=None, now=at(2026, 3, 3, 9))
    assert err.value.code == "invalid_input" and list(err.value.fields) == ["evidence"]
    with pytest.raises(s.DossierError) as err:
        s.pause_clock(world.leader, d, reason=" ", evidence=s.Upload("a.pdf", PDF), now=at(2026, 3, 3, 9))
    assert err.value.code == "invalid_input" and list(err.value.fields) == ["reason"]
    with pytest.raises(s.DossierError) as err:
        s.stop_dossier(world.leader, d, reason="Có tranh chấp", evidence=None, now=at(2026, 3, 3, 9))
    assert err.value.code == "invalid_input" and list(err.value.fields) == ["evidence"]
    with pytest.raises(s.DossierError) as err:
        s.pause_clock(world.leader, d, reason="Chờ", evidence=s.Upload("a.pdf", b"MZ not a pdf"), now=at(2026, 3, 3, 9))
    assert err.value.code == "file_content"
    s.pause_clock(
        world.leader, d, reason="Chờ cơ quan khác xác minh", evidence=s.Upload("cv.pdf", PDF), now=at(2026, 3, 3, 9)
    )
    d = s.resume_clock(world.leader, d, now=at(2026, 3, 3, 15))
    assert d.due_at == at(2026, 3, 10, 11)  # + 4 office hours
    d = s.stop_dossier(world.leader, d, reason="Có tranh chấp", evidence=s.Upload("qd.pdf", PDF), now=at(2026, 3, 4, 9))
    assert d.status == "stopped" and d.finished_at == at(2026, 3, 4, 9)
    assert d.documents.filter(kind="evidence").count() == 2
    assert "stop_notice" in templates(d)
    assert_consistent(d)


def test_fee_pauses_the_clock(world: Any) -> None:
    d = receive(world, f.procedure(), at(2026, 3, 2, 9))
    d = s.request_fee(world.specialist, d, amount=50000, now=at(2026, 3, 3, 9))
    assert d.status == "awaiting_fee"
    d = s.confirm_fee(s.SYSTEM, d, paid_online=True, now=at(2026, 3, 3, 15))
    assert d.status == "received" and d.paid_online and d.fee_amount == 50000
    assert d.due_at == at(2026, 3, 10, 11)
    assert_consistent(d)


def test_online_intake_duty_and_idempotency(world: Any) -> None:
    proc = f.procedure()
    d1 = s.submit_online(
        procedure=proc, unit=world.commune, applicant=world.applicant, idempotency_key="k-1", now=at(2026, 3, 2, 8)
    )
    d2 = s.submit_online(
        procedure=proc, unit=world.commune, applicant=world.applicant, idempotency_key="k-1", now=at(2026, 3, 2, 8, 1)
    )
    assert d1.pk == d2.pk and Dossier.objects.count() == 1
    duty = Duty.objects.get(dossier=d1, kind="online_accept")
    assert duty.due_at == at(2026, 3, 3, 8)  # 8 office hours after Mon 08:00
    d = s.accept_online(world.clerk, d1, now=at(2026, 3, 2, 10))
    assert d.status == "received" and d.due_at == at(2026, 3, 9, 17)
    assert d.code.startswith("H32.27.01-260302-")
    duty.refresh_from_db()
    assert duty.met_at == at(2026, 3, 2, 10)
    offline = f.procedure("2.000001", online="none")
    with pytest.raises(s.DossierError):
        s.submit_online(procedure=offline, unit=world.commune, applicant=world.applicant, now=at(2026, 3, 2, 8))


def test_paper_transfer_duty_after_15h(world: Any) -> None:
    d = receive(world, f.procedure(), at(2026, 3, 2, 15, 30))
    assert Duty.objects.get(dossier=d, kind="paper_transfer").due_at == at(2026, 3, 3, 11, 30)
    d2 = receive(world, f.procedure("1.000002"), at(2026, 3, 2, 10))
    assert Duty.objects.get(dossier=d2, kind="paper_transfer").due_at == at(2026, 3, 2, 17)
    assert d2.code == "H32.27.01-260302-0002"
    result = jobs.tick(at(2026, 3, 2, 17, 1))
    assert result["breached_by_kind"].get("paper_transfer") == 1


def test_codes_are_per_unit_and_local_day(world: Any) -> None:
    proc = f.procedure()
    a = receive(world, proc, at(2026, 3, 2, 23, 30))  # 16:30 UTC: local day is 02/03
    b = receive(world, proc, at(2026, 3, 3, 0, 30))
    c = s.receive_dossier(
        world.stranger, procedure=proc, unit=world.other, applicant=world.applicant, now=at(2026, 3, 3, 1)
    )
    assert (a.code, b.code, c.code) == ("H32.27.01-260302-0001", "H32.27.01-260303-0001", "H32.27.02-260303-0001")


def test_other_units_official_cannot_act(world: Any) -> None:
    proc = f.procedure()
    with pytest.raises(PermissionDenied):
        s.receive_dossier(
            world.stranger, procedure=proc, unit=world.commune, applicant=world.applicant, now=at(2026, 3, 2, 9)
        )
    d = receive(world, proc, at(2026, 3, 2, 9))
    for call in (
        lambda: s.start_step(world.stranger, d, name="x", now=at(2026, 3, 2, 10)),
        lambda: s.request_supplement(world.stranger, d, reason="x", items=["to_khai"], now=at(2026, 3, 2, 10)),
        lambda: s.stop_dossier(world.stranger, d, reason="x", evidence=s.Upload("a.pdf", PDF), now=at(2026, 3, 2, 10)),
        lambda: s.withdraw(world.stranger, d, now=at(2026, 3, 2, 10)),
    ):
        with pytest.raises(PermissionDenied):
            call()
    # A clerk may not do a specialist's or leader's work in the same unit either.
    with pytest.raises(PermissionDenied):
        s.stop_dossier(world.clerk, d, reason="x", evidence=s.Upload("a.pdf", PDF), now=at(2026, 3, 2, 10))
    assert Dossier.objects.get(pk=d.pk).event_count == 1


def test_optimistic_version(world: Any) -> None:
    d = receive(world, f.procedure(), at(2026, 3, 2, 9))
    s.start_step(world.specialist, d, name="x", now=at(2026, 3, 2, 10), expected_version=d.version)
    with pytest.raises(s.DossierError) as err:
        s.request_fee(world.specialist, d, amount=1000, now=at(2026, 3, 2, 11), expected_version=d.version)
    assert err.value.code == "stale_version"


def test_documents_components_results(world: Any) -> None:
    d = receive(world, f.procedure(), at(2026, 3, 2, 9))
    doc = s.attach_document(
        world.clerk, d, upload=s.Upload("tk.pdf", PDF), component="to_khai", digitized=True, now=at(2026, 3, 2, 9, 5)
    )
    assert doc.sha256 and doc.content_type == "application/pdf"
    with pytest.raises(s.DossierError) as err:
        s.attach_document(
            world.clerk, d, upload=s.Upload("x.pdf", PDF), component="so_ho_khau", now=at(2026, 3, 2, 9, 6)
        )
    assert err.value.code == "component_not_published"
    with pytest.raises(s.DossierError) as err:
        s.attach_document(world.clerk, d, upload=s.Upload("x.exe", PDF), component="to_khai", now=at(2026, 3, 2, 9, 6))
    assert err.value.code == "file_extension"
    with pytest.raises(s.DossierError) as err:
        s.attach_document(world.clerk, d, upload=s.Upload("x.png", PDF), component="to_khai", now=at(2026, 3, 2, 9, 6))
    assert err.value.code == "file_content"
    s.start_step(world.specialist, d, name="Thẩm định", now=at(2026, 3, 2, 10))
    s.record_result(
        world.specialist, d, upload=s.Upload("kq.pdf", PDF), result_code="056090000001.KS", now=at(2026, 3, 3, 9)
    )
    d.refresh_from_db()
    assert d.digitized and d.e_result
    assert_consistent(d)


def test_linked_three_in_one(world: Any) -> None:
    police = f.unit("H32.27.01.CA", name="Công an phường")
    insurance = f.unit("H32.BHXH", level="province", name="BHXH tỉnh")
    officer = f.official("police", police, Role.SPECIALIST)
    birth = f.procedure("1.001193", amount=1, name="Đăng ký khai sinh")
    residence = f.procedure("1.004194", amount=7, name="Đăng ký thường trú")
    health = f.procedure("1.002755", amount=5, name="Cấp thẻ BHYT cho trẻ dưới 6 tuổi")
    group = f.linked_group("3.000722", [birth, residence, health])
    parent = s.receive_linked(
        world.clerk,
        group=group,
        receiving_unit=world.commune,
        units={"1.001193": world.commune, "1.004194": police, "1.002755": insurance},
        applicant=world.applicant,
        now=at(2026, 3, 2, 9),
    )
    children = list(parent.children.order_by("code"))
    assert parent.code == "H32.27.01-260302-0001"
    assert [c.code for c in children] == [parent.code + "-1", parent.code + "-2"]
    assert [c.unit for c in children] == [police, insurance]
    assert parent.due_at == at(2026, 3, 3, 17)
    assert [c.due_at for c in children] == [at(2026, 3, 11, 17), at(2026, 3, 9, 17)]
    # A participant's supplement notice is routed to the lead unit, which tells the citizen.
    s.route_to_lead(
        officer, children[0], kind="supplement", upload=s.Upload("yc.pdf", PDF), note="Thiếu", now=at(2026, 3, 3, 9)
    )
    message = OutboxMessage.objects.get(template="linked_supplement")
    assert message.dossier_id == parent.pk and message.context["code"] == parent.code
    routed = parent.documents.get(component="supplement")
    assert routed.from_unit == police
    # Each unit handles its own slice; the police officer cannot act on the insurance slice.
    s.start_step(officer, children[0], name="Thẩm định cư trú", now=at(2026, 3, 3, 10))
    with pytest.raises(PermissionDenied):
        s.start_step(officer, children[1], name="x", now=at(2026, 3, 3, 10))
    for d in (parent, *children):
        assert_consistent(d)


def test_events_are_append_only(world: Any) -> None:
    d = receive(world, f.procedure(), at(2026, 3, 2, 9))
    event = DossierEvent.objects.get(dossier=d)
    event.payload = {"x": 1}
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        DossierEvent.objects.filter(dossier=d).update(type="x")
    with pytest.raises(TypeError):
        DossierEvent.objects.filter(dossier=d).delete()


def test_due_time_follows_the_national_calendar(world: Any) -> None:
    # contracts §2.5: the Tết break runs Sat 14 – Sun 22/02/2026.
    d = receive(world, f.procedure(amount=5), at(2026, 2, 13, 16, 30))
    assert d.due_at == at(2026, 2, 27, 17)
    assert_consistent(d)


def test_calendar_change_rederives_open_dossiers_with_an_event(
    world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from motcua.calendar.models import Calendar, DayOverride

    proc = f.procedure(amount=5)
    open_d = receive(world, proc, at(2026, 3, 2, 9))  # due Mon 09/03 17:00
    done = receive(world, proc, at(2026, 3, 2, 9, 5))
    early = receive(world, f.procedure("1.000009", amount=1), at(2026, 3, 2, 9, 10))  # due Tue 03/03
    s.start_step(world.specialist, done, name="x", now=at(2026, 3, 2, 10))
    s.complete_step(world.specialist, done, now=at(2026, 3, 2, 11))
    s.finish_dossier(world.leader, done, now=at(2026, 3, 2, 14))
    calendar, _ = Calendar.objects.get_or_create(name="default")
    with django_capture_on_commit_callbacks(execute=True):
        DayOverride.objects.create(calendar=calendar, date=at(2026, 3, 4).date(), kind="day_off", name="Nghỉ bù")
    open_d.refresh_from_db()
    done.refresh_from_db()
    assert open_d.due_at == at(2026, 3, 10, 17) == open_d.appointment_at
    event = DossierEvent.objects.get(dossier=open_d, type="due_recomputed")
    assert event.payload["previous"] == "2026-03-09T17:00:00+07:00"
    assert done.due_at == at(2026, 3, 9, 17)  # finished dossiers keep their history
    assert not DossierEvent.objects.filter(dossier=done, type="due_recomputed").exists()
    assert not DossierEvent.objects.filter(dossier=early, type="due_recomputed").exists()
    assert_consistent(open_d)


def test_online_intake_correction_returns_to_submitted(world: Any) -> None:
    citizen = f.official("citizen", world.other)
    proc = f.procedure()
    d = s.submit_online(
        procedure=proc, unit=world.commune, applicant=world.applicant, applicant_user=citizen, now=at(2026, 3, 2, 8)
    )
    d = s.request_supplement(world.clerk, d, reason="Ảnh mờ", items=["to_khai"], now=at(2026, 3, 2, 10))
    assert d.status == "supplement" and d.due_at is None
    assert Duty.objects.get(dossier=d, kind="online_accept").met_at == at(2026, 3, 2, 10)
    with pytest.raises(PermissionDenied):
        s.supply_supplement(world.stranger, d, now=at(2026, 3, 3, 9))
    d = s.supply_supplement(citizen, d, now=at(2026, 3, 3, 9))
    assert d.status == "submitted"
    d = s.accept_online(world.clerk, d, now=at(2026, 3, 3, 10))
    assert d.due_at == at(2026, 3, 10, 17)
    # The correction at intake does not use up the one appraisal-stage request.
    s.request_supplement(world.specialist, d, reason="Thiếu", items=["giay_chung_sinh"], now=at(2026, 3, 4, 9))
    assert_consistent(d)


def test_state_signal_carries_before(world: Any) -> None:
    from motcua.dossiers.signals import dossier_state_changed

    calls: list[tuple[str, Any]] = []

    def receiver(sender: Any, dossier: Dossier, before: Any, **kwargs: Any) -> None:
        calls.append((dossier.status, before and before["status"]))

    dossier_state_changed.connect(receiver)
    try:
        d = receive(world, f.procedure(), at(2026, 3, 2, 9))
        s.withdraw(world.clerk, d, now=at(2026, 3, 2, 10))
    finally:
        dossier_state_changed.disconnect(receiver)
    assert calls == [("received", None), ("withdrawn", "received")]


def test_tick_warns_before_and_marks_breaches(world: Any) -> None:
    d = receive(world, f.procedure(), at(2026, 3, 2, 9))  # resolution due Mon 09/03 17:00
    result = jobs.tick(at(2026, 3, 9, 14))
    assert result["warned"] >= 1
    assert Duty.objects.get(dossier=d, kind="resolution").warned_at == at(2026, 3, 9, 14)
    result = jobs.tick(at(2026, 3, 9, 17, 1))
    assert result["breached_by_kind"].get("resolution") == 1
    assert jobs.tick(at(2026, 3, 9, 18))["breached"] == 0  # idempotent


def test_signal_sees_flags_set_by_the_same_operation(world: Any) -> None:
    """Rollups must see e_result/digitized/fee set by the operation that sends the signal."""
    from motcua.dossiers.signals import dossier_state_changed

    seen: list[tuple[bool, bool, int]] = []

    def receiver(sender: Any, dossier: Dossier, before: Any, **kwargs: Any) -> None:
        seen.append((dossier.digitized, dossier.e_result, dossier.fee_amount))

    d = receive(world, f.procedure(), at(2026, 3, 2, 9))
    dossier_state_changed.connect(receiver)
    try:
        s.attach_document(
            world.clerk, d, upload=s.Upload("a.pdf", PDF), component="to_khai", digitized=True, now=at(2026, 3, 2, 9, 1)
        )
        s.start_step(world.specialist, d, name="x", now=at(2026, 3, 2, 10))
        s.request_fee(world.specialist, d, amount=20000, now=at(2026, 3, 2, 10, 5))
        s.confirm_fee(world.clerk, d, now=at(2026, 3, 2, 10, 10))
        s.record_result(world.specialist, d, upload=s.Upload("k.pdf", PDF), result_code="X.KQ1", now=at(2026, 3, 2, 11))
    finally:
        dossier_state_changed.disconnect(receiver)
    assert seen[0] == (True, False, 0)
    assert seen[2] == (True, False, 20000)
    assert seen[-1] == (True, True, 20000)


def test_dossier_stays_pinned_to_its_process_version(world: Any) -> None:
    proc = f.procedure()
    v1 = f.process(proc, [("Thẩm định", None, Role.SPECIALIST, 8, "working_hours")], version=1)
    d = receive(world, proc, at(2026, 3, 2, 9))
    v2 = f.process(
        proc,
        [("Xác minh", None, Role.SPECIALIST, 4, "working_hours"), ("Ký", None, Role.LEADER, 4, "working_hours")],
        version=2,
    )
    later = receive(world, proc, at(2026, 3, 2, 10))
    assert d.process_definition == v1 and later.process_definition == v2
    run = s.start_step(world.specialist, d, now=at(2026, 3, 2, 11))
    assert run.name == "Thẩm định"
    s.complete_step(world.specialist, d, now=at(2026, 3, 2, 14))
    assert s.finish_dossier(world.specialist, d, now=at(2026, 3, 2, 15)).status == "finished"
    with pytest.raises(s.DossierError) as err:
        s.finish_dossier(world.leader, later, now=at(2026, 3, 2, 15))
    assert err.value.code == "steps_missing"
    s.start_step(world.specialist, later, now=at(2026, 3, 2, 11))
    s.complete_step(world.specialist, later, now=at(2026, 3, 2, 12))
    with pytest.raises(s.DossierError) as err:
        s.finish_dossier(world.leader, later, now=at(2026, 3, 2, 15))
    assert err.value.code == "steps_missing" and "Ký" in str(err.value.messages[0])
