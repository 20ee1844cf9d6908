"""The four Decree 92/2017 classification paths end to end, with §9.1 due dates computed by hand.

Calendar facts used (default calendar, 2026): Tết break Sat 14 – Sun 22/02/2026 (holidays Mon 16 –
Fri 20/02); no holiday in March 2026. A limit of N working days does not count the receipt day and
ends at 17:00 on the N-th working day after it (contracts §2.3).
"""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.tests.factories import at
from motcua.feedback import commands, inbound
from motcua.feedback.commands import FeedbackError
from motcua.feedback.models import Feedback
from motcua.feedback.tests.conftest import payload

pytestmark = pytest.mark.django_db


def steps(fb: Feedback) -> dict[str, tuple[str, bool]]:
    """{kind: (local due date, met)}"""
    return {s["kind"]: (s["due"][:10], s["met"]) for s in fb.steps}


def run(name: str, actor: Any, fb: Feedback, when: Any, **data: Any) -> Feedback:
    return commands.execute(name, actor, fb, data, now=when)


def test_not_accepted_rejected_within_two_working_days_across_tet(world: dict[str, Any]) -> None:
    # Received Thu 12/02 16:00: working days after it: Fri 13/02 (1), Mon 23/02 (2) → due 23/02 17:00.
    fb = inbound.receive(payload(), channel="web", now=at(2026, 2, 12, 16))
    assert fb.due_at == at(2026, 2, 26, 17)  # classify (forward) within 5 wd: 13, 23, 24, 25, 26/02
    fb = run("classify", world["spec_a"], fb, at(2026, 2, 23, 15), case="not_accepted", reason="Nội dung là khiếu nại.")
    assert fb.status == "rejected" and fb.final
    assert steps(fb) == {"reject": ("2026-02-23", True)}
    assert fb.on_time is True
    # The same rejection a day later is late.
    late = inbound.receive(payload(), channel="web", now=at(2026, 2, 12, 16))
    late = run("classify", world["spec_a"], late, at(2026, 2, 24, 8), case="not_accepted", reason="Khiếu nại.")
    assert steps(late) == {"reject": ("2026-02-23", False)} and late.on_time is False


def test_official_conduct_forwarded_and_clock_runs_from_forwarding(world: dict[str, Any]) -> None:
    # Received Wed 11/02 10:00; forward within 5 wd: 12, 13, 23, 24, 25/02 → due 25/02 17:00.
    fb = inbound.receive(payload(external_id="DVCQG-1"), channel="portal", now=at(2026, 2, 11, 10))
    fb = run("classify", world["clerk_a"], fb, at(2026, 2, 25, 16), case="official_conduct", target_unit="H32.28")
    assert fb.status == "forwarded" and fb.unit.code == "H32.28"
    assert steps(fb) == {"forward": ("2026-02-25", True)}
    # The receiving unit can no longer act on it; the competent unit can.
    assert commands.offered(world["spec_a"], fb) == []
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run("classify", world["spec_a"], fb, at(2026, 2, 26, 9), case="within_authority")
    # At H32.28 the 15 working days run from the forwarding (25/02 16:00): 26/02 … 18/03 → due 18/03.
    assert fb.due_at is not None
    fb = run("classify", world["spec_b"], fb, at(2026, 2, 26, 9), case="within_authority")
    assert fb.due_at == at(2026, 3, 18, 17)
    fb = run("draft_answer", world["spec_b"], fb, at(2026, 3, 17, 9), answer="Đã chấn chỉnh cán bộ.")
    fb = run("approve_answer", world["lead_b"], fb, at(2026, 3, 18, 16))
    # From the original receipt (11/02) the answer would have been due 05/03: late; from the forwarding it is on time.
    assert steps(fb)["answer"] == ("2026-03-18", True)
    assert fb.status == "answered" and fb.get_status_display() == "Chờ công khai"
    fb = run("publish", world["lead_b"], fb, at(2026, 3, 20, 10))  # 2 wd after 18/03: 19, 20 → due 20/03
    assert steps(fb)["publish"] == ("2026-03-20", True)
    assert fb.status == "published" and fb.on_time is True
    # The national portal's PAKN system gets the published answer through the outbox.
    from motcua.notifications.models import OutboxMessage

    msg = OutboxMessage.objects.get(key=f"feedback:{fb.code}:published:portal")
    assert msg.channel == "dvcqg" and msg.template == "pakn_answer_published"
    assert msg.context["answer"] == "Đã chấn chỉnh cán bộ." and msg.context["type"] == "feedback.published"
    # The portal reports the citizen's rating back.
    assert inbound.rating_from_portal(fb.external_id, 5, now=at(2026, 3, 23, 9)).rating == 5


def test_within_authority_answered_on_time_but_published_late_is_late(world: dict[str, Any]) -> None:
    # Received Tue 10/02 09:00. 15 wd: 11, 12, 13/02, 23–27/02, 02–06/03, 09, 10/03 → due 10/03 17:00.
    fb = inbound.receive(payload(), channel="counter", actor=world["clerk_a"], now=at(2026, 2, 10, 9))
    fb = run("classify", world["spec_a"], fb, at(2026, 2, 11, 9), case="within_authority", topic="procedure")
    assert fb.due_at == at(2026, 3, 10, 17)
    fb = run(
        "draft_answer",
        world["spec_a"],
        fb,
        at(2026, 3, 9, 9),
        answer="Ông/bà Trần Thị Bích Ngọc (0905 111 222): đã trả kết quả.",
    )
    fb = run("return_answer", world["lead_a"], fb, at(2026, 3, 9, 10), note="Bỏ thông tin cá nhân.")
    fb = run(
        "draft_answer",
        world["spec_a"],
        fb,
        at(2026, 3, 9, 11),
        answer="Ông/bà Trần Thị Bích Ngọc (0905 111 222): đã trả kết quả.",
    )
    fb = run("approve_answer", world["lead_a"], fb, at(2026, 3, 10, 10))
    assert steps(fb)["answer"] == ("2026-03-10", True)
    assert fb.due_at == at(2026, 3, 12, 17)  # publish: 11, 12/03
    fb = run("publish", world["lead_a"], fb, at(2026, 3, 13, 9))
    assert steps(fb)["publish"] == ("2026-03-12", False)
    assert fb.on_time is False and fb.late
    # What is published carries no personal data.
    assert "Trần Thị Bích Ngọc" not in fb.answer_public and "0905" not in fb.answer_public
    assert "***" in fb.answer_public


def test_outside_authority_forward_after_five_working_days_is_late(world: dict[str, Any]) -> None:
    # contracts §2.5: received Fri 13/02 16:30 + 5 wd (Tết Sat 14 – Sun 22/02) → due Fri 27/02 17:00.
    fb = inbound.receive(payload(), channel="email", actor=world["clerk_a"], now=at(2026, 2, 13, 16, 30))
    assert fb.due_at == at(2026, 2, 27, 17)
    fb = run("classify", world["spec_a"], fb, at(2026, 3, 2, 9), case="outside_authority", target_unit="H32.28")
    assert steps(fb) == {"forward": ("2026-02-27", False)}
    fb = run("classify", world["spec_b"], fb, at(2026, 3, 3, 9), case="not_accepted", reason="Không thuộc phạm vi.")
    # The rejection at the new unit: 2 wd from the forwarding (02/03): 03, 04/03 → met, but the forward was late.
    assert steps(fb)["reject"] == ("2026-03-04", True)
    assert fb.on_time is False


def test_supplement_request_once_within_five_days(world: dict[str, Any]) -> None:
    fb = inbound.receive(payload(), channel="hotline", actor=world["clerk_a"], now=at(2026, 3, 2, 9))
    fb = run("request_supplement", world["spec_a"], fb, at(2026, 3, 9, 9), message="Ghi rõ số giấy hẹn.")
    assert steps(fb) == {"supplement": ("2026-03-09", True)}  # 3, 4, 5, 6, 9/03
    with pytest.raises(FeedbackError):
        run("request_supplement", world["spec_a"], fb, at(2026, 3, 9, 10), message="Lần hai.")
    fb = run("record_supplement", world["spec_a"], fb, at(2026, 3, 10, 9), content="Giấy hẹn số 123.")
    assert fb.status == "processing" and "Giấy hẹn số 123." in fb.content
    from motcua.notifications.models import OutboxMessage

    assert OutboxMessage.objects.filter(
        key=f"feedback:{fb.code}:supplement:email", template="pakn_supplement_request"
    ).exists()


def test_permissions_and_input_are_checked(world: dict[str, Any]) -> None:
    fb = inbound.receive(payload(), channel="web", now=at(2026, 3, 2, 9))
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run("classify", world["spec_b"], fb, at(2026, 3, 2, 10), case="within_authority")  # other unit
    with pytest.raises(FeedbackError) as e:
        run("classify", world["spec_a"], fb, at(2026, 3, 2, 10), case="not_accepted")  # no reason
    assert "reason" in e.value.fields
    with pytest.raises(FeedbackError):
        run("classify", world["spec_a"], fb, at(2026, 3, 2, 10), case="outside_authority", target_unit="H32.27")
    with pytest.raises(FeedbackError):
        run("approve_answer", world["lead_a"], fb, at(2026, 3, 2, 10))  # wrong state
    fb = run("classify", world["spec_a"], fb, at(2026, 3, 2, 10), case="within_authority")
    fb = run("draft_answer", world["spec_a"], fb, at(2026, 3, 2, 11), answer="Trả lời.")
    with pytest.raises(PermissionDenied):
        run("approve_answer", world["spec_a"], fb, at(2026, 3, 2, 12))  # a specialist cannot approve
    assert [c.name for c in commands.offered(world["lead_a"], fb)] == ["return_answer", "approve_answer"]


def test_rating_once_after_publication(world: dict[str, Any]) -> None:
    fb = inbound.receive(payload(), channel="web", now=at(2026, 3, 2, 9))
    with pytest.raises(FeedbackError):
        commands.rate(fb.rating_token, 5)
    fb = run("classify", world["spec_a"], fb, at(2026, 3, 2, 10), case="within_authority")
    fb = run("draft_answer", world["spec_a"], fb, at(2026, 3, 2, 11), answer="Trả lời.")
    fb = run("approve_answer", world["lead_a"], fb, at(2026, 3, 3, 9))
    fb = run("publish", world["lead_a"], fb, at(2026, 3, 3, 10))
    with pytest.raises(FeedbackError):
        commands.rate(fb.rating_token, 6)
    fb = commands.rate(fb.rating_token, 4, now=at(2026, 3, 4, 9))
    assert fb.rating == 4
    with pytest.raises(FeedbackError):
        commands.rate(fb.rating_token, 5)
    from motcua.feedback.audit import verify

    assert verify().ok and fb.event_count == 6


def test_chain_detects_an_edited_event(world: dict[str, Any]) -> None:
    from motcua.feedback.audit import verify
    from motcua.feedback.models import FeedbackEvent

    fb = inbound.receive(payload(), channel="web", now=at(2026, 3, 2, 9))
    run("classify", world["spec_a"], fb, at(2026, 3, 2, 10), case="within_authority")
    assert verify().ok
    FeedbackEvent.objects.filter(feedback=fb, seq=2).update(payload={"case": "not_accepted"})
    report = verify()
    assert not report.ok and report.problems[0].startswith(f"feedback {fb.code} event 2")
    FeedbackEvent.objects.filter(feedback=fb, seq=2).delete()
    assert "event" in verify().problems[0]


def test_portal_message_handlers(world: dict[str, Any]) -> None:
    from motcua.feedback.portal import handle_rated, handle_submitted

    message = {"type": "feedback.submitted", "message_id": "M-1", **payload()}
    status, answer = handle_submitted(message)
    assert status == 201 and answer["external_id"] == "M-1"
    assert handle_submitted(message)[0] == 200  # a repeat changes nothing
    assert handle_submitted({"type": "feedback.submitted", "message_id": "M-2", "unit": "H32.27"})[0] == 400
    assert handle_rated({"external_id": "M-1", "rating": 5})[0] == 409  # not published yet
    assert handle_rated({"external_id": "nope", "rating": 5})[0] == 404
    assert handle_rated({"external_id": "M-1", "rating": "x"})[0] == 400


def test_audit_verify_command_covers_feedback(world: dict[str, Any], capsys: Any) -> None:
    from motcua.cli import main
    from motcua.feedback.models import FeedbackEvent

    fb = inbound.receive(payload(), channel="web", now=at(2026, 3, 2, 9))
    assert main(["audit", "verify"]) == 0
    FeedbackEvent.objects.filter(feedback=fb).update(type="rejected")
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"motcua: audit failed: feedback {fb.code} event 1: hash mismatch (edited or reordered)"]


def test_the_submitter_answers_a_supplement_request_through_the_portal(world: dict[str, Any]) -> None:
    from motcua.feedback import portal

    fb = inbound.receive(payload(unit="H32.28", external_id="DVCQG-7"), channel="portal", now=at(2026, 3, 2, 9))
    message = {"type": "feedback.supplemented", "external_id": "DVCQG-7", "content": "Mã hồ sơ H32.28-0007."}
    assert portal.handle_supplemented(message)[0] == 409  # nothing was asked yet
    fb = run("classify", world["spec_b"], fb, at(2026, 3, 2, 10), case="within_authority")
    fb = run("request_supplement", world["spec_b"], fb, at(2026, 3, 2, 11), message="Xin cho biết mã hồ sơ.")
    assert portal.handle_supplemented({**message, "content": "  "})[0] == 400
    assert portal.handle_supplemented({**message, "external_id": "DVCQG-404"})[0] == 404
    status, answer = portal.handle_supplemented(message)
    assert (status, answer["status"]) == (200, "processing")
    assert portal.handle_supplemented(message)[0] == 200  # the portal's retry of a delivered answer
    fb.refresh_from_db()
    assert fb.content.endswith("[Bổ sung] Mã hồ sơ H32.28-0007.")
    assert [e.type for e in fb.events.order_by("seq")][-2:] == ["supplement_requested", "supplemented"]
    assert fb.events.filter(type="supplemented").count() == 1
    assert portal.handle_supplemented({**message, "content": "Khác."})[0] == 409
