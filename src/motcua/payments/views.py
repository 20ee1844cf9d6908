"""HTTP faces of payments: the VNPAY IPN and return URL (contracts §8.2), the citizen's payment page with
its VietQR, the fee notice and receipt PDFs, the staff request button and the daily reconciliation page."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qsl

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua import config
from motcua.dossiers.visibility import dossier_or_404, visible_dossiers
from motcua.organizations import access
from motcua.payments import receipts, reconcile, record, vietqr, vnpay
from motcua.payments.fees import catalogue_fee
from motcua.payments.gateway import GatewayError, gateway
from motcua.payments.models import SETTLED, Payment, PayStatus, Receipt, StatementLine
from motcua.payments.words import amount_in_words
from motcua.signing.hooks import sign_notice

LOGIN = "/backoffice/login/"


def _params(request: HttpRequest) -> tuple[dict[str, str], bool]:
    """The query's parameters exactly as sent (the raw query string: the site-wide NFC normalisation of
    `request.GET` must not alter signed values), one value each, and whether a `vnp_*` name came twice."""
    pairs = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True, errors="replace")
    names = [k for k, _ in pairs if k.startswith("vnp_")]
    return dict(pairs), len(names) != len(set(names))


@csrf_exempt
@never_cache
def ipn(request: HttpRequest) -> JsonResponse:
    """`GET /payments/vnpay/ipn?<vnp_*>`: always 200 with `{"RspCode", "Message"}`."""
    params, duplicated = _params(request)
    try:
        code, message = record.handle_ipn(params, duplicated=duplicated)
    except Exception:  # never a 500 to the gateway: it would retry blindly
        code, message = vnpay.OTHER, vnpay.MESSAGES[vnpay.OTHER]
    return JsonResponse({"RspCode": code, "Message": message})


@never_cache
def vnpay_return(request: HttpRequest) -> HttpResponse:
    """The browser comes back from the gateway: show the result; only the IPN changes state."""
    params, duplicated = _params(request)
    valid = not duplicated and vnpay.verify(params)
    payment = Payment.objects.filter(txn_ref=params.get("vnp_TxnRef", "")).select_related("dossier").first()
    success = valid and params.get("vnp_ResponseCode") == "00" and params.get("vnp_TransactionStatus") == "00"
    return render(
        request,
        "payments/return.html",
        {"valid": valid, "success": success, "payment": payment if valid else None, "settled": SETTLED},
    )


def _open(txn_ref: str) -> Payment:
    return get_object_or_404(Payment.objects.select_related("dossier__procedure", "dossier__unit"), txn_ref=txn_ref)


@never_cache
def pay_page(request: HttpRequest, txn_ref: str) -> HttpResponse:
    """The citizen's payment page (phone first): amount, VNPAY button and the VietQR for a bank app.
    Shows no personal data, only the dossier code, procedure and amount."""
    payment = _open(txn_ref)
    qr_text = vietqr.payload(payment.amount, payment.txn_ref)
    return render(
        request,
        "payments/pay.html",
        {
            "p": payment,
            "amount": receipts.vnd(payment.amount),
            "qr": vietqr.svg_data_uri(qr_text),
            "account": config.env("MOTCUA_VIETQR_ACCOUNT"),
            "account_name": config.env("MOTCUA_VIETQR_ACCOUNT_NAME"),
            "screen": request.GET.get("man-hinh") == "1",
            "pending": payment.status == PayStatus.PENDING,
        },
    )


def pay_go(request: HttpRequest, txn_ref: str) -> HttpResponse:
    payment = _open(txn_ref)
    if payment.status != PayStatus.PENDING:
        return redirect("payments:pay", txn_ref=txn_ref)
    try:
        url = gateway().pay_url(payment, ip=request.META.get("REMOTE_ADDR", "127.0.0.1"))
    except GatewayError:
        messages.error(request, _("Cổng thanh toán chưa được cấu hình; vui lòng chuyển khoản bằng mã VietQR."))
        return redirect("payments:pay", txn_ref=txn_ref)
    return HttpResponseRedirect(url)


def _visible_payment(request: HttpRequest, txn_ref: str) -> Payment:
    payment = _open(txn_ref)
    user: Any = request.user
    if payment.dossier.applicant_user_id and payment.dossier.applicant_user_id == user.pk:
        return payment
    if not visible_dossiers(user).filter(pk=payment.dossier_id).exists():
        raise Http404
    return payment


@login_required(login_url=LOGIN)
def receipt_pdf(request: HttpRequest, txn_ref: str) -> HttpResponse:
    payment = _visible_payment(request, txn_ref)
    receipt = Receipt.objects.filter(payment=payment).select_related("payment").first()
    if receipt is None:
        raise Http404
    data = sign_notice(payment.dossier, "e_receipt", receipts.receipt_pdf(receipt), unit=receipt.unit)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="bien-lai-{receipt.unit.code}-{receipt.year}-{receipt.number:07d}.pdf"'
    )
    return response


@login_required(login_url=LOGIN)
def notice_pdf(request: HttpRequest, txn_ref: str) -> HttpResponse:
    """The fee notice (Thông báo nộp phí, lệ phí) with the VietQR the citizen scans with a bank app."""
    payment = _visible_payment(request, txn_ref)
    from weasyprint import HTML

    d = payment.dossier
    from django.template.loader import render_to_string

    html = render_to_string(
        "payments/pdf/notice.html",
        {
            "p": payment,
            "d": d,
            "unit": d.receiving_unit or d.unit,
            "amount": receipts.vnd(payment.amount),
            "words": amount_in_words(payment.amount),
            "qr": vietqr.svg_data_uri(vietqr.payload(payment.amount, payment.txn_ref)),
            "account": config.env("MOTCUA_VIETQR_ACCOUNT"),
            "account_name": config.env("MOTCUA_VIETQR_ACCOUNT_NAME"),
            "pay_url": config.public_url() + reverse("payments:pay", args=[payment.txn_ref]),
            "issued": timezone.localtime(),
        },
    )
    data = sign_notice(d, "fee_notice", bytes(HTML(string=html).write_pdf()))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="thong-bao-nop-phi-{payment.txn_ref}.pdf"'
    return response


@require_POST
@login_required(login_url=LOGIN)
def request_payment(request: HttpRequest, code: str) -> HttpResponse:
    """The back-office button: open (or show) the payment of a dossier awaiting a fee."""
    d = dossier_or_404(request.user, code)
    if not (
        access.can(request.user, access.Action.RECEIVE, d.receiving_unit or d.unit)
        or access.can(request.user, access.Action.PROCESS, d.unit)
    ):
        raise PermissionDenied
    try:
        payment = record.open_payment(d, actor=request.user)
    except record.PaymentError:
        messages.error(request, _("Hồ sơ không ở trạng thái chờ nộp phí."))
    else:
        messages.success(request, _("Mã thanh toán: %(ref)s") % {"ref": payment.txn_ref})
    return redirect("backoffice:dossier", code=d.code)


@require_POST
@login_required(login_url=LOGIN)
def request_catalogue_fee(request: HttpRequest, code: str) -> HttpResponse:
    """The panel's button: ask for the catalogue's fee for the dossier's filing channel through the
    existing `request_fee` command (the table authorises; the payment opens with it)."""
    from motcua.dossiers.commands import DossierError, execute

    d = dossier_or_404(request.user, code)
    amount = catalogue_fee(d.procedure, d.channel)
    if amount <= 0:
        messages.error(request, _("Thủ tục không có mức phí, lệ phí trong danh mục."))
        return redirect("backoffice:dossier", code=d.code)
    data = {
        "amount": amount,
        "note": _("Phí, lệ phí theo danh mục (%(channel)s)") % {"channel": d.get_channel_display()},
        "expected_version": request.POST.get("expected_version") or None,
    }
    try:
        execute("request_fee", request.user, d, data)
    except DossierError as exc:
        messages.error(request, exc.messages[0] if exc.messages else str(exc))
    else:
        messages.success(request, _("Đã yêu cầu nộp phí; thời gian giải quyết tạm dừng cho đến khi nộp."))
    return redirect("backoffice:dossier", code=d.code)


def _staff_may_reconcile(user: Any) -> bool:
    return bool(
        access.units_where(user, access.Action.RECEIVE).exists() or access.can(user, access.Action.MANAGE_CATALOG)
    )


@login_required(login_url=LOGIN)
def daily(request: HttpRequest) -> HttpResponse:
    """Đối soát thanh toán: a day's gateway reconciliation, the payments of that day, refunds due and
    statement lines that matched nothing; a bank statement CSV can be imported here."""
    if not _staff_may_reconcile(request.user):
        raise PermissionDenied
    raw = request.GET.get("ngay") or timezone.localdate().isoformat()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = timezone.localdate()
        messages.error(request, _("Ngày không hợp lệ; hiển thị hôm nay."))
    summary = None
    upload = request.FILES.get("statement") if request.method == "POST" else None
    if upload is not None:
        try:
            text = upload.read().decode("utf-8")
            summary = reconcile.import_statement(reconcile.read_statement(text))
        except (UnicodeDecodeError, ValueError) as exc:
            messages.error(request, _("Không đọc được sao kê: %(e)s") % {"e": exc})
    try:
        report: dict[str, Any] | None = reconcile.gateway_report(day)
        gateway_error = ""
    except GatewayError as exc:
        report, gateway_error = None, str(exc)
    start, end = reconcile._day_bounds(day)
    scope = visible_dossiers(request.user)
    payments = (
        Payment.objects.filter(dossier__in=scope.values("pk"), paid_at__gte=start, paid_at__lt=end)
        .select_related("dossier", "receipt")
        .order_by("paid_at")
    )
    totals: dict[str, int] = {}
    for p in payments:
        totals[p.get_channel_display()] = totals.get(p.get_channel_display(), 0) + p.amount
    return render(
        request,
        "payments/daily.html",
        {
            "nav": "payments",
            "day": day,
            "report": report,
            "gateway_error": gateway_error,
            "payments": payments,
            "totals": {k: receipts.vnd(v) for k, v in totals.items()},
            "refunds": Payment.objects.filter(
                dossier__in=scope.values("pk"), status=PayStatus.REFUND_DUE
            ).select_related("dossier"),
            "pending": Payment.objects.filter(dossier__in=scope.values("pk"), status=PayStatus.PENDING).select_related(
                "dossier"
            ),
            "unmatched": StatementLine.objects.exclude(outcome="matched").order_by("-booked_at")[:50],
            "summary": summary,
        },
    )
