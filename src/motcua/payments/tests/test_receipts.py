"""Electronic receipts: Vietnamese text, a QR that decodes to the payment reference, numbers without gaps;
the fee notice with its VietQR; who may open them."""

from __future__ import annotations

import io
import threading
from datetime import datetime
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from pyhanko.pdf_utils.reader import PdfFileReader

from motcua.backoffice.tests.test_forms_pdf import qr_raw, text_of
from motcua.conftest import DEFAULT_NOW
from motcua.payments import receipts, record, vietqr
from motcua.payments.models import Payment, Receipt, ReceiptCounter
from motcua.payments.tests.helpers import call_ipn, ipn_params


@pytest.fixture(autouse=True)
def _scenario_instant(clock: Any) -> None:
    """This module's scenarios are written with calendar dates of the default test instant (a working
    Wednesday in late November 2026): pinned there, also in CI's reruns at other instants."""
    clock.move_to(datetime.fromisoformat(DEFAULT_NOW))


pytestmark = pytest.mark.django_db


def test_receipt_pdf_has_vietnamese_text_and_the_reference_qr(shop: Any, client: Client) -> None:
    p = record.open_payment(shop.awaiting(1250000))
    call_ipn(client, ipn_params(p))
    receipt = Receipt.objects.get(payment=p)
    assert receipt.number == 1 and receipt.year == 2026 and receipt.unit == shop.commune
    data = receipts.receipt_pdf(receipt)
    text = text_of(data)
    for expected in (
        "BIÊN LAI THU PHÍ, LỆ PHÍ",
        "Nguyễn Văn Ánh",
        "1.250.000 đồng",
        "Một triệu hai trăm năm mươi nghìn đồng",
        "Cổng thanh toán (VNPAY)",
        p.txn_ref,
        "Số: 0000001",
    ):
        assert expected in text, expected
    assert qr_raw(data) == p.txn_ref


def test_receipt_numbers_are_per_unit_and_year_and_consecutive(shop: Any, client: Client) -> None:
    refs = []
    for _ in range(3):
        p = record.open_payment(shop.awaiting())
        call_ipn(client, ipn_params(p))
        refs.append(p)
    assert [Receipt.objects.get(payment=p).number for p in refs] == [1, 2, 3]
    assert ReceiptCounter.objects.get(unit=shop.commune, year=2026).last == 3


def test_a_rolled_back_payment_gives_its_number_back(shop: Any) -> None:
    p = record.open_payment(shop.awaiting())
    with pytest.raises(RuntimeError), transaction.atomic():
        receipts.issue(p, p.created_at)
        raise RuntimeError
    assert not Receipt.objects.exists()
    assert receipts.issue(p, p.created_at).number == 1


def test_receipt_and_notice_pages(shop: Any, client: Client) -> None:
    p = record.open_payment(shop.awaiting(50000))
    notice = client.get(f"/payments/notice/{p.txn_ref}.pdf")
    assert notice.status_code == 302  # sign in first
    client.force_login(shop.clerk)
    notice = client.get(f"/payments/notice/{p.txn_ref}.pdf")
    assert notice.status_code == 200 and notice["Content-Type"] == "application/pdf"
    assert "THÔNG BÁO NỘP PHÍ, LỆ PHÍ" in text_of(notice.content)
    assert qr_raw(notice.content) == vietqr.payload(50000, p.txn_ref)
    assert client.get(f"/payments/receipt/{p.txn_ref}.pdf").status_code == 404  # not paid yet
    call_ipn(Client(), ipn_params(p))
    served = client.get(f"/payments/receipt/{p.txn_ref}.pdf")
    assert served.status_code == 200
    # The e-receipt and the fee notice are issued signed by the unit (PAdES, the signing app).
    for pdf in (served.content, notice.content):
        (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
        assert signature.field_name.startswith("motcua-")
    from motcua.dossiers.tests import factories as f

    stranger = f.official("stranger", f.unit("H32.27.09"), "clerk")
    client.force_login(stranger)
    assert client.get(f"/payments/receipt/{p.txn_ref}.pdf").status_code == 404


def test_pay_page_shows_the_vietqr_and_no_personal_data(shop: Any, client: Client) -> None:
    p = record.open_payment(shop.awaiting(50000))
    page = client.get(f"/payments/pay/{p.txn_ref}/").content.decode()
    assert p.txn_ref in page and "50.000" in page and "Nguyễn Văn Ánh" not in page
    assert client.get("/payments/pay/MC0/").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_receipts_get_distinct_consecutive_numbers(shop: Any) -> None:
    """Eight payments settled at once on PostgreSQL: numbers 1..8, no gap, no double."""
    assert connection.vendor == "postgresql"
    payments = [record.open_payment(shop.awaiting()) for _ in range(8)]
    barrier = threading.Barrier(len(payments))
    errors: list[BaseException] = []

    def settle(p: Payment) -> None:
        try:
            barrier.wait()
            record.external_payment(p.dossier_id, p.amount, f"DVC-{p.pk}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=settle, args=(p,)) for p in payments]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(Receipt.objects.values_list("number", flat=True)) == list(range(1, 9))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_ipn_six_times_at_once_confirms_once(shop: Any) -> None:
    """Concurrent duplicates on PostgreSQL: one `00`, the rest `02`; one confirmation, one receipt."""
    from motcua.payments.tests.helpers import confirmations

    p = record.open_payment(shop.awaiting())
    params = ipn_params(p)
    barrier = threading.Barrier(6)
    answers: list[str] = []

    def send() -> None:
        try:
            barrier.wait()
            answers.append(record.handle_ipn(params)[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == ["00", "02", "02", "02", "02", "02"]
    assert confirmations(p.dossier) == 1 and Receipt.objects.count() == 1
