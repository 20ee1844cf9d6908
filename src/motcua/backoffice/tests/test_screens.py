"""The staff screens drive the dossier services: intake, steps, supplements, apologies (Django client)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from motcua.backoffice.tests import factories as f
from motcua.dossiers.models import Dossier
from motcua.notifications.models import OutboxMessage


@pytest.fixture
def world(db: None, clock: Any) -> dict[str, Any]:
    """Deadlines are computed from now: the screens run on the frozen test clock (marker `clock`)."""
    u = f.units()
    people = f.staff(u["a"])
    f.process(f.procedure(), u["a"])
    return {"unit": u["a"], **people}


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def intake_post(**extra: Any) -> dict[str, Any]:
    data = {
        "procedure": "1.001193",
        "applicant_name": "Nguyễn Thị Hồng Nhung",
        "applicant_id_number": "056190001234",
        "applicant_phone": "0905123456",
        "applicant_address": "12 Trần Phú",
        "sets": "1",
        "idempotency_key": "k-1",
    }
    data.update(extra)
    return data


def component_ids() -> list[int]:
    return list(f.procedure().components.order_by("order").values_list("pk", flat=True))


def test_login_page_then_worklist(world: dict[str, Any]) -> None:
    c = Client()
    page = c.get(reverse("backoffice:login"))
    assert "Đăng nhập hệ thống Một cửa" in page.content.decode()
    response = c.post(reverse("backoffice:login"), {"username": "lan", "password": "mat-khau-123"})
    assert response.status_code == 302
    assert "Danh sách hồ sơ cần xử lý" in c.get(reverse("backoffice:worklist")).content.decode()


def test_intake_receives_once_and_opens_the_slip(world: dict[str, Any]) -> None:
    c = client_for(world["clerk"])
    a, b = component_ids()[:2]
    data = intake_post(**{f"component_{a}": "on", f"component_{b}": "on"})
    response = c.post(reverse("backoffice:intake"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    d = Dossier.objects.get()
    assert response["Location"] == reverse("backoffice:dossier", args=[d.code]) + "?received=1"
    # A double submit (same form key) does not create a second dossier.
    c.post(reverse("backoffice:intake"), data)
    assert Dossier.objects.count() == 1
    page = c.get(response["Location"]).content.decode()
    assert "In giấy hẹn" in page
    assert d.procedure.name in page
    assert OutboxMessage.objects.filter(dossier=d, template="receipt").exists()
    slip = c.get(reverse("backoffice:form_pdf", args=[d.code, "receipt"]))
    assert slip["Content-Type"] == "application/pdf"


def test_intake_validates_in_vietnamese(world: dict[str, Any]) -> None:
    c = client_for(world["clerk"])
    body = c.post(reverse("backoffice:intake"), intake_post(applicant_id_number="12ab", applicant_name="")).content
    text = body.decode()
    assert "Số định danh cá nhân gồm 12 chữ số" in text
    assert "Nhập họ và tên người nộp." in text
    assert (
        "Thiếu thành phần bắt buộc: Tờ khai đăng ký khai sinh theo mẫu"
        in c.post(reverse("backoffice:intake"), intake_post()).content.decode()
    )
    assert not Dossier.objects.exists()


def test_intake_rejects_a_fake_pdf(world: dict[str, Any]) -> None:
    c = client_for(world["clerk"])
    a, b = component_ids()[:2]
    fake = SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    text = c.post(
        reverse("backoffice:intake"), {**intake_post(**{f"component_{b}": "on"}), f"file_{a}": fake}
    ).content.decode()
    assert "nội dung không đúng định dạng .pdf" in text
    assert not Dossier.objects.exists()


def test_intake_with_a_scan_attaches_it(world: dict[str, Any]) -> None:
    c = client_for(world["clerk"])
    a, b = component_ids()[:2]
    scan = SimpleUploadedFile("to-khai.pdf", f.PDF, content_type="application/pdf")
    response = c.post(reverse("backoffice:intake"), {**intake_post(**{f"component_{b}": "on"}), f"file_{a}": scan})
    assert response.status_code == 302
    d = Dossier.objects.get()
    doc = d.documents.get()
    assert (doc.filename, doc.digitized) == ("to-khai.pdf", True)
    d.refresh_from_db()
    assert d.digitized


def act(c: Client, d: Dossier, action: str, **data: Any) -> str:
    response = c.post(reverse("backoffice:act", args=[d.code, action]), data, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_steps_approval_and_result(world: dict[str, Any]) -> None:
    d = f.received(world["clerk"], world["unit"])
    specialist, leader = client_for(world["specialist"]), client_for(world["leader"])
    assert "Đã bắt đầu bước xử lý." in act(specialist, d, "start_step")
    assert "Đã chuyển hồ sơ sang bước tiếp theo." in act(specialist, d, "forward", note="Hồ sơ hợp lệ")
    # The specialist is not offered the leader's approval, and a forged POST is refused.
    page = specialist.get(reverse("backoffice:dossier", args=[d.code])).content.decode()
    assert "Bạn không có quyền" in act(specialist, d, "complete_step", note="tự duyệt")
    assert "Phê duyệt kết quả" in page
    assert "Đã hoàn thành bước xử lý." in act(leader, d, "complete_step", note="Đồng ý")
    assert "Hồ sơ đã có kết quả" in act(leader, d, "finish")
    d.refresh_from_db()
    assert d.status == "finished"
    # Both steps finish at the frozen instant: early when due on a later day, on time when due later today.
    runs = list(d.step_runs.order_by("order"))
    assert [r.order for r in runs] == [1, 2]
    assert all(r.finished_at == timezone.now() <= r.due_at for r in runs)
    today = timezone.localdate()
    assert [r.outcome for r in runs] == ["early" if timezone.localdate(r.due_at) > today else "on_time" for r in runs]
    assert OutboxMessage.objects.filter(dossier=d, template="result_ready").exists()


def test_supplement_round(world: dict[str, Any]) -> None:
    d = f.received(world["clerk"], world["unit"])
    clerk = client_for(world["clerk"])
    page = act(clerk, d, "request_supplement", items="Bản chính Giấy chứng sinh\nTờ khai ký đủ", reason="Bản chụp mờ")
    assert "Đã gửi yêu cầu bổ sung" in page
    assert "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ" in page
    d.refresh_from_db()
    assert d.status == "supplement"
    form02 = clerk.get(reverse("backoffice:form_pdf", args=[d.code, "supplement"]))
    from motcua.backoffice.tests.test_forms_pdf import text_of

    assert "Tờ khai ký đủ" in text_of(form02.content)
    assert "Đã nhận hồ sơ bổ sung" in act(clerk, d, "supply_supplement")
    d.refresh_from_db()
    assert d.status == "received"
    assert OutboxMessage.objects.filter(dossier=d, template="supplement_request").exists()


def test_apology_drafted_then_approved_by_the_leader(world: dict[str, Any]) -> None:
    d = f.received(world["clerk"], world["unit"])
    assert d.appointment_at is not None
    new = timezone.localtime(d.appointment_at + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    specialist, leader = client_for(world["specialist"]), client_for(world["leader"])
    page = act(specialist, d, "record_apology", reason="Chờ xác minh từ cơ sở y tế", new_appointment_at=new)
    assert "Đã trình văn bản xin lỗi" in page
    assert "Duyệt và gửi người dân" not in page  # only the leader approves
    d.refresh_from_db()
    before = d.appointment_at
    assert "Duyệt và gửi người dân" in leader.get(reverse("backoffice:dossier", args=[d.code])).content.decode()
    assert "Đã duyệt văn bản xin lỗi" in act(leader, d, "approve_apology")
    d.refresh_from_db()
    assert d.appointment_at is not None and before is not None and d.appointment_at > before
    assert OutboxMessage.objects.filter(dossier=d, template="apology").exists()
    apology = leader.get(reverse("backoffice:form_pdf", args=[d.code, "apology"]))
    from motcua.backoffice.tests.test_forms_pdf import text_of

    text = text_of(apology.content)
    assert "Chờ xác minh từ cơ sở y tế" in text
    assert timezone.localtime(d.appointment_at).strftime("ngày %d/%m/%Y") in text


def test_stop_needs_evidence(world: dict[str, Any]) -> None:
    d = f.received(world["clerk"], world["unit"])
    leader = client_for(world["leader"])
    page = act(leader, d, "stop", reason="Người nộp đề nghị dừng")
    assert "Tài liệu căn cứ (PDF, ảnh):" in page and "Đã dừng giải quyết" not in page
    evidence = SimpleUploadedFile("don.png", f.PNG, content_type="image/png")
    assert "Đã dừng giải quyết" in act(leader, d, "stop", reason="Người nộp đề nghị dừng", evidence=evidence)
    d.refresh_from_db()
    assert d.status == "stopped"


def test_my_desk_counts_open_steps_assigned_to_me(world: dict[str, Any]) -> None:
    from motcua.dossiers import services

    mine = f.received(world["clerk"], world["unit"])
    other = f.received(world["clerk"], world["unit"], name="Lê Văn Đức", id_number="056190009999")
    services.start_step(world["specialist"], mine)
    c = client_for(world["specialist"])
    body = c.get(reverse("backoffice:worklist"), {"mine": "1"}).content.decode()
    assert reverse("backoffice:dossier", args=[mine.code]) in body
    assert reverse("backoffice:dossier", args=[other.code]) not in body


def test_tracking_book_for_a_period(world: dict[str, Any]) -> None:
    d = f.received(world["clerk"], world["unit"])
    c = client_for(world["clerk"])
    day = timezone.localtime(d.received_at).date().isoformat()
    response = c.get(reverse("backoffice:tracking_book"), {"unit": "H32.101", "from": day, "to": day})
    from motcua.backoffice.tests.test_forms_pdf import text_of

    text = text_of(response.content)
    assert d.code in text and "SỔ THEO DÕI HỒ SƠ" in text


def test_reads_of_personal_data_are_audited(world: dict[str, Any]) -> None:
    from motcua.backoffice.models import PersonalDataRead

    d = f.received(world["clerk"], world["unit"])
    c = client_for(world["specialist"])
    c.get(reverse("backoffice:dossier", args=[d.code]))
    c.get(reverse("backoffice:form_pdf", args=[d.code, "receipt"]))
    reads = list(
        PersonalDataRead.objects.filter(user=world["specialist"]).order_by("at").values_list("what", "dossier")
    )
    assert reads == [("dossier_page", d.pk), ("form:receipt", d.pk)]


def test_earlier_documents_are_reused_at_intake(world: dict[str, Any]) -> None:
    c = client_for(world["clerk"])
    a, b = component_ids()[:2]
    scan = SimpleUploadedFile("giay-chung-sinh.pdf", f.PDF, content_type="application/pdf")
    c.post(reverse("backoffice:intake"), {**intake_post(**{f"component_{a}": "on"}), f"file_{b}": scan})
    first = Dossier.objects.get()
    doc = first.documents.get()
    lookup = c.get(reverse("backoffice:applicant_lookup"), {"applicant_id_number": "056190001234"}).content.decode()
    assert f'name="reuse_doc" value="{doc.pk}"' in lookup
    response = c.post(
        reverse("backoffice:intake"),
        {**intake_post(idempotency_key="k-2", **{f"component_{a}": "on", f"component_{b}": "on"}), "reuse_doc": doc.pk},
    )
    assert response.status_code == 302
    second = Dossier.objects.exclude(pk=first.pk).get()
    copy = second.documents.get()
    assert (copy.sha256, copy.reused, copy.component) == (doc.sha256, True, doc.component)
    second.refresh_from_db()
    assert second.reused
    served = c.get(reverse("backoffice:document", args=[second.code, copy.pk]))
    assert b"".join(served.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


def test_screens_are_vietnamese_unless_english_is_chosen(world: dict[str, Any]) -> None:
    # An English-language browser still gets Vietnamese: only an explicit choice switches the catalogue.
    page = Client().get(reverse("backoffice:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Đăng nhập hệ thống Một cửa" in page
    chooser = Client()
    chooser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Sign in to the one-stop system" in chooser.get(reverse("backoffice:login")).content.decode()


def test_dossier_page_shows_delivery_status_including_failures(world: dict[str, Any]) -> None:
    from motcua.notifications.worker import run

    d = f.received(world["clerk"], world["unit"], phone="", email="nguoinop@example.vn")
    OutboxMessage.objects.filter(dossier=d).update(recipient="khong-hop-le", channel="email")
    run(once=True)
    page = client_for(world["clerk"]).get(reverse("backoffice:dossier", args=[d.code])).content.decode()
    assert "Tiếp nhận, hẹn trả" in page
    assert "Gửi thất bại" in page
    assert "không hợp lệ" in page


def test_forwarding_to_a_chosen_official(world: dict[str, Any]) -> None:
    from motcua.organizations.models import Membership

    other_leader = f.user("phuong", world["unit"], "leader")
    d = f.received(world["clerk"], world["unit"])
    specialist = client_for(world["specialist"])
    act(specialist, d, "start_step")
    page = specialist.get(reverse("backoffice:dossier", args=[d.code])).content.decode()
    assert f'<option value="{other_leader.pk}">phuong</option>' in page
    forward_form = page[page.index('data-command="forward"') :]
    forward_form = forward_form[: forward_form.index("</form>")]
    assert f'<option value="{world["clerk"].pk}">' not in forward_form  # a clerk cannot take the approval step
    assert "không có vai trò phù hợp" in act(specialist, d, "forward", assignee=world["clerk"].pk)
    act(specialist, d, "forward", assignee=other_leader.pk)
    run = d.step_runs.get(order=2)
    assert run.assignee == other_leader
    assert Membership.objects.filter(user=other_leader, role="leader").exists()


def test_components_that_must_be_digitised_need_a_scan(world: dict[str, Any]) -> None:
    from motcua.catalog.models import RequiredComponent

    RequiredComponent.objects.filter(procedure=f.procedure(), order=2).update(digitisation_required=True)
    c = client_for(world["clerk"])
    a, b = component_ids()[:2]
    text = c.post(reverse("backoffice:intake"), intake_post(**{f"component_{a}": "on", f"component_{b}": "on"})).content
    assert "Thành phần phải số hóa, cần tải bản quét: Giấy chứng sinh" in text.decode()
    assert not Dossier.objects.exists()
    scan = SimpleUploadedFile("cs.png", f.PNG, content_type="image/png")
    response = c.post(reverse("backoffice:intake"), {**intake_post(**{f"component_{a}": "on"}), f"file_{b}": scan})
    assert response.status_code == 302
