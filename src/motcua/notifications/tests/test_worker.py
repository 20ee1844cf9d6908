"""Outbox delivery: templates, retries with back-off, final failure, and crash safety."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from motcua.notifications import worker
from motcua.notifications.channels import DeliveryError, Rendered, adapter_for
from motcua.notifications.models import MessageTemplate, OutboxMessage, OutboxStatus, SimulatedDelivery
from motcua.notifications.outbox import enqueue

CONTEXT = {
    "dossier_code": "H32.27-261124-0001",
    "procedure_name": "Đăng ký khai sinh",
    "applicant_name": "Nguyễn Thị Hồng Nhung",
    "unit_name": "UBND phường Nha Trang",
    "appointment": "17:00 26/11/2026",
}


def _enqueue(key: str, channel: str = "sms", template: str = "receipt", recipient: str = "0905123456") -> None:
    with transaction.atomic():
        enqueue(key=key, channel=channel, recipient=recipient, template=template, context=CONTEXT)


@pytest.mark.django_db
def test_every_seeded_code_has_a_template_per_channel() -> None:
    codes = ["receipt", "supplement_request", "apology", "result_ready", "refusal", "stop_notice"]
    codes += ["early_return_notice", "closed"]
    for code in codes:
        assert set(MessageTemplate.objects.filter(code=code).values_list("channel", flat=True)) == {
            "email",
            "sms",
            "zalo",
        }


@pytest.mark.django_db
def test_sms_is_rendered_without_diacritics_and_zalo_with_them() -> None:
    _enqueue("k-sms")
    _enqueue("k-zalo", channel="zalo")
    assert worker.run(once=True) == 0
    sms = SimulatedDelivery.objects.get(idempotency_key="k-sms")
    zalo = SimulatedDelivery.objects.get(idempotency_key="k-zalo")
    assert "da tiep nhan ho so H32.27-261124-0001 (Dang ky khai sinh)" in sms.body
    assert "Kính gửi Ông/Bà Nguyễn Thị Hồng Nhung" in zalo.body
    assert OutboxMessage.objects.filter(status=OutboxStatus.SENT).count() == 2


@pytest.mark.django_db
def test_template_edits_apply_at_delivery_time() -> None:
    _enqueue("k1", channel="zalo")
    MessageTemplate.objects.filter(code="receipt", channel="zalo").update(body="Mã {{ dossier_code }} đã nhận.")
    worker.run(once=True)
    assert SimulatedDelivery.objects.get(idempotency_key="k1").body == "Mã H32.27-261124-0001 đã nhận."


@pytest.mark.django_db
def test_email_goes_through_django_mail_with_the_key_as_message_id() -> None:
    _enqueue("k-mail", channel="email", recipient="nhung@example.vn")
    worker.run(once=True)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject == "Tiếp nhận hồ sơ H32.27-261124-0001"
    assert sent.extra_headers["X-Idempotency-Key"] == "k-mail"
    assert OutboxMessage.objects.get(key="k-mail").provider_message_id == sent.extra_headers["Message-ID"]


@pytest.mark.django_db
def test_bad_email_address_fails_at_once_and_visibly() -> None:
    _enqueue("k-bad", channel="email", recipient="not-an-address")
    worker.run(once=True)
    row = OutboxMessage.objects.get(key="k-bad")
    assert row.status == OutboxStatus.FAILED
    assert row.attempts == 1
    assert "không hợp lệ" in row.last_error


@pytest.mark.django_db
def test_unknown_template_fails_visibly() -> None:
    _enqueue("k-x", template="no_such_template")
    worker.run(once=True)
    row = OutboxMessage.objects.get(key="k-x")
    assert row.status == OutboxStatus.FAILED
    assert "no_such_template" in row.last_error


@pytest.mark.django_db
def test_retries_back_off_exponentially_then_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    class Down:
        def send(self, message: Rendered) -> str:
            calls.append(message.key)
            raise DeliveryError("gateway timeout")

    monkeypatch.setattr(worker, "adapter_for", lambda channel: Down())
    _enqueue("k-retry")
    delays = []
    now = timezone.now()
    for attempt in range(1, worker.MAX_ATTEMPTS + 1):
        before = timezone.now()
        assert worker.deliver_due(now) == 1
        row = OutboxMessage.objects.get(key="k-retry")
        assert row.attempts == attempt
        if attempt < worker.MAX_ATTEMPTS:
            assert row.status == OutboxStatus.PENDING
            assert row.next_attempt_at is not None
            delays.append(row.next_attempt_at - before)
            # Not due before its back-off has elapsed.
            assert worker.deliver_due(before) == 0
            now = row.next_attempt_at + timedelta(seconds=1)
    row = OutboxMessage.objects.get(key="k-retry")
    assert row.status == OutboxStatus.FAILED
    assert row.last_error == "gateway timeout"
    assert len(calls) == worker.MAX_ATTEMPTS
    assert worker.deliver_due(now + timedelta(days=30)) == 0
    for earlier, later in itertools.pairwise(delays):
        assert later.total_seconds() == pytest.approx(2 * earlier.total_seconds(), abs=1.0)
    assert delays[0].total_seconds() == pytest.approx(worker.BACKOFF_BASE_SECONDS, abs=1.0)


@pytest.mark.django_db
def test_crash_after_sending_resends_with_the_same_key_and_the_citizen_gets_one_message() -> None:
    _enqueue("k-crash")
    (row,) = worker.claim()
    # The worker sends, then dies before marking the row `sent`.
    from motcua.notifications.render import render

    adapter_for("sms").send(render(row))
    assert worker.deliver_due() == 0  # leased: no other worker takes it meanwhile
    later = timezone.now() + timedelta(seconds=worker.LEASE_SECONDS + 1)
    assert worker.deliver_due(later) == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 2
    delivered = SimulatedDelivery.objects.get(idempotency_key="k-crash")
    assert delivered.requests == 2
    assert SimulatedDelivery.objects.filter(idempotency_key="k-crash").count() == 1


@pytest.mark.django_db
def test_worker_calls_the_dossier_tick_when_present(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    monkeypatch.setattr(worker, "_dossier_tick", lambda: seen.append)
    worker.run(once=True)
    assert len(seen) == 1


@pytest.mark.django_db
def test_a_failing_periodic_duty_does_not_stop_delivery(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(now: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(worker, "_dossier_tick", lambda: broken)
    stops = iter([False, True])
    monkeypatch.setattr(worker._Stop, "requested", property(lambda self: next(stops, True)))
    _enqueue("k-after-boom")
    with pytest.raises(RuntimeError):
        worker.run(once=True)  # --once reports the failure (exit code), the loop below does not
    stops = iter([False, False, False, True])
    worker.run(once=False)
    assert OutboxMessage.objects.get(key="k-after-boom").status == OutboxStatus.SENT
