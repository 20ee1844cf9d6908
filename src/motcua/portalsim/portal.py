"""The simulated national portal, citizen side: sign in with VNeID, find a procedure, file online with
uploads, follow "my dossiers", answer a supplement request, download the e-result, rate the dossier;
send a feedback (PAKN), follow "my feedback", read the published answer and rate it 1–5.

Signing in is a real OpenID Connect authorization code flow with PKCE against the VNeID simulator
(`vneid.py`), through authlib's OAuth 2 client; the ID token is verified (signature from the JWKS,
issuer, audience, expiry, nonce) with joserfc before the citizen counts as signed in.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from motcua.catalog import wording
from motcua.core.text import nfc
from motcua.portalsim import province, search, vneid
from motcua.portalsim.models import Citizen, Delivery, PortalDossier, PortalFeedback, PortalFile
from motcua.ratings import rules

SESSION_KEY = "dvcqg_citizen"
# What each message from the province means to the citizen (others show the status they carry).
EVENT_LABELS = {
    "created": "Hồ sơ được cơ quan giải quyết tiếp nhận",
    "accepted": "Đã tiếp nhận hồ sơ",
    "refused": "Từ chối tiếp nhận hồ sơ",
    "supplement_requested": "Yêu cầu bổ sung hồ sơ",
    "supplement_received": "Đã nhận hồ sơ bổ sung; thời hạn giải quyết được tính lại",
    "progress": "Đang xử lý",
    "fee_requested": "Yêu cầu nộp phí, lệ phí",
    "apology": "Thư xin lỗi và hẹn lại ngày trả kết quả",
    "result": "Có kết quả giải quyết điện tử",
}
MAX_FILE_BYTES = 10 * 1024 * 1024
ENDED = ("finished", "returned", "refused", "stopped", "closed", "withdrawn")


def _oauth(request: HttpRequest) -> OAuth2Session:
    return OAuth2Session(
        vneid.CLIENT_ID,
        vneid.CLIENT_SECRET,
        scope="openid profile phone address",
        redirect_uri=request.build_absolute_uri(vneid.CALLBACK_PATH),
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post",
    )


def citizen_of(request: HttpRequest) -> Citizen | None:
    info = request.session.get(SESSION_KEY)
    if not info:
        return None
    return Citizen.objects.filter(subject=info.get("sub", "")).first()


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        citizen = citizen_of(request)
        if citizen is None:
            return redirect(f"{reverse('portalsim:login')}?next={request.get_full_path()}")
        request.citizen = citizen  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    info = request.session.get(SESSION_KEY) or {}
    return render(request, f"portalsim/{template}", {"citizen_name": info.get("name", ""), **context}, status=status)


# ---- sign-in through VNeID -------------------------------------------------------------------


def login(request: HttpRequest) -> HttpResponse:
    client = _oauth(request)
    verifier, nonce = generate_token(48), generate_token(24)
    meta = vneid.metadata(request)
    url, state = client.create_authorization_url(meta["authorization_endpoint"], code_verifier=verifier, nonce=nonce)
    next_url = request.GET.get("next", "")
    request.session["dvcqg_flow"] = {
        "state": state,
        "verifier": verifier,
        "nonce": nonce,
        "next": next_url if next_url.startswith("/sim/dvcqg/") else "",
    }
    return redirect(url)


def callback(request: HttpRequest) -> HttpResponse:
    flow = request.session.pop("dvcqg_flow", None)
    if not flow or request.GET.get("state") != flow["state"] or not request.GET.get("code"):
        return _page(
            request,
            "message.html",
            {
                "title": "Đăng nhập không thành công",
                "text": "Phiên đăng nhập không hợp lệ hoặc đã hết hạn; vui lòng đăng nhập lại.",
            },
            400,
        )
    meta = vneid.metadata(request)
    client = _oauth(request)
    try:
        token = client.fetch_token(
            meta["token_endpoint"],
            authorization_response=request.build_absolute_uri(),
            code_verifier=flow["verifier"],
            state=flow["state"],
        )
        keys = KeySet.import_key_set(requests.get(meta["jwks_uri"], timeout=10).json())
        decoded = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
        JWTClaimsRegistry(
            iss={"essential": True, "value": meta["issuer"]},
            aud={"essential": True, "value": vneid.CLIENT_ID},
            nonce={"essential": True, "value": flow["nonce"]},
            sub={"essential": True},
        ).validate(decoded.claims)
    except (JoseError, requests.RequestException, KeyError, ValueError) as exc:
        return _page(
            request,
            "message.html",
            {"title": "Đăng nhập không thành công", "text": f"VNeID không xác thực được: {exc}"},
            400,
        )
    claims = decoded.claims
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "sub": claims["sub"],
        "name": claims.get("name", ""),
        "personal_id": claims.get("personal_id", ""),
        "birthdate": claims.get("birthdate", ""),
        "phone": claims.get("phone_number", ""),
    }
    return redirect(flow.get("next") or reverse("portalsim:home"))


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("portalsim:home")


# ---- procedures ------------------------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    return _page(request, "home.html", {})


def procedure_search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    results = search.search(q, province.procedures(request)) if q else []
    return _page(request, "search.html", {"q": q, "results": results[:50]})


def _check_upload(f: Any) -> str:
    if f.size > MAX_FILE_BYTES:
        return "Tệp quá lớn (tối đa 10 MB)."
    return ""


@require_http_methods(["GET", "POST"])
@signed_in
def file_dossier(request: HttpRequest, code: str) -> HttpResponse:
    procedure = province.procedure(request, code)
    if procedure is None or procedure.get("online") == "none":
        raise Http404
    units = province.units(request, procedure.get("levels") or [])
    # The components of an online filing (a form only for the counter is not asked for here).
    components = [
        {**c, "mandatory": wording.required_for(c, "online")}
        for c in procedure.get("components") or []
        if wording.applies_to(c, "online")
    ]
    context: dict[str, Any] = {"procedure": procedure, "units": units, "components": components, "errors": {}}
    if request.method == "POST":
        errors: dict[str, str] = {}
        unit_code = request.POST.get("unit", "")
        unit = next((u for u in units if u["code"] == unit_code), None)
        if unit is None:
            errors["unit"] = "Chọn cơ quan giải quyết."
        uploads: list[tuple[dict[str, Any], Any]] = []
        for c in components:
            f = request.FILES.get(f"tep_{c['order']}")
            if f is None:
                if c.get("mandatory"):
                    errors[f"tep_{c['order']}"] = "Thành phần bắt buộc: hãy chọn tệp."
                continue
            problem = _check_upload(f)
            if problem:
                errors[f"tep_{c['order']}"] = problem
            uploads.append((c, f))
        if not components and not request.FILES:
            errors["files"] = "Hãy đính kèm ít nhất một tệp."
        if errors:
            context.update(errors=errors, posted=request.POST)
            return _page(request, "file.html", context, 400)
        citizen: Citizen = request.citizen  # type: ignore[attr-defined]
        d = PortalDossier.objects.create(
            ref=f"G22.{timezone.localtime():%y%m%d}.{secrets.token_hex(4).upper()}",
            citizen=citizen,
            procedure_code=procedure["code"],
            procedure_name=procedure["name"],
            unit_code=unit["code"],  # type: ignore[index]
            unit_name=unit["name"],  # type: ignore[index]
            form={"noi_dung": request.POST.get("noi_dung", "")[:2000]},
        )
        for c, f in uploads:
            data = f.read()
            PortalFile.objects.create(
                dossier=d,
                component=str(c["order"]),
                filename=(f.name or "tep")[:255],
                content=data,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
            )
        province.deliver_filing(request, d)
        messages.success(request, f"Đã nộp hồ sơ {d.ref}.")
        return redirect("portalsim:dossier", ref=d.ref)
    return _page(request, "file.html", context)


# ---- my dossiers ------------------------------------------------------------------------------


def _mine(request: HttpRequest, ref: str) -> PortalDossier:
    d = PortalDossier.objects.filter(ref=ref, citizen=request.citizen).first()  # type: ignore[attr-defined]
    if d is None:
        raise Http404
    return d


@signed_in
def my_dossiers(request: HttpRequest) -> HttpResponse:
    mine = list(PortalDossier.objects.filter(citizen=request.citizen))  # type: ignore[attr-defined]
    for d in mine:
        if d.delivery in (Delivery.PENDING, Delivery.HELD):
            province.deliver_filing(request, d)  # unreachable, or files lost on the way: send again
    return _page(request, "my_dossiers.html", {"dossiers": mine})


def _local(value: str) -> datetime | None:
    return timezone.localtime(datetime.fromisoformat(value)) if value else None


@signed_in
def dossier(request: HttpRequest, ref: str) -> HttpResponse:
    d = _mine(request, ref)
    if d.delivery in (Delivery.PENDING, Delivery.HELD):
        province.deliver_filing(request, d)
    notes = [
        {
            "seq": m.seq,
            "at": _local(m.payload.get("at") or ""),
            "label": EVENT_LABELS.get(m.type) or m.payload.get("status_label", ""),
            "status": m.payload.get("status_label", ""),
            "type": m.type,
            "reason": m.payload.get("reason", ""),
            "items": m.payload.get("items") or [],
            "step": m.payload.get("step", ""),
            "new_appointment": _local(m.payload.get("new_appointment_at") or ""),
        }
        for m in d.messages.order_by("seq")
    ]
    context = {
        "d": d,
        "notes": notes,
        "due": _local(d.due_at),
        "appointment": _local(d.appointment_at),
        "can_supply": d.status == "supplement" and not d.supplement_answered,
        "can_rate": d.status in ENDED and not d.rated and bool(d.code),
        "contents": rules.CONTENTS,
        "scale": rules.SCALES[rules.DEFAULT_SCALE],
        "components": [f for f in d.files.filter(purpose="filing").values_list("component", flat=True).distinct()],
    }
    return _page(request, "dossier.html", context)


@require_POST
@signed_in
def supply(request: HttpRequest, ref: str) -> HttpResponse:
    d = _mine(request, ref)
    files = request.FILES.getlist("tep")
    if not files:
        messages.error(request, "Hãy đính kèm giấy tờ bổ sung.")
        return redirect("portalsim:dossier", ref=ref)
    component = request.POST.get("thanh_phan") or "1"
    rows = []
    for f in files:
        if _check_upload(f):
            messages.error(request, _check_upload(f))
            return redirect("portalsim:dossier", ref=ref)
        data = f.read()
        rows.append(
            PortalFile.objects.create(
                dossier=d,
                purpose="supplement",
                component=component,
                filename=(f.name or "tep")[:255],
                content=data,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
            )
        )
    status, answer = province.send(
        request,
        {
            "message_id": f"{d.ref}:supplement:{secrets.token_hex(4)}",
            "type": "supplement.answered",
            "portal_ref": d.ref,
            "attachments": [province.attachment(f) for f in rows],
        },
    )
    if status == 200:
        d.supplement_answered = True
        d.save(update_fields=["supplement_answered"])
        messages.success(request, "Đã gửi hồ sơ bổ sung; thời hạn giải quyết được tính lại từ hôm nay.")
    else:
        messages.error(request, f"Chưa gửi được hồ sơ bổ sung: {answer.get('detail', status)}")
    return redirect("portalsim:dossier", ref=ref)


@signed_in
def result_file(request: HttpRequest, ref: str) -> HttpResponse:
    d = _mine(request, ref)
    if not d.result_content:
        raise Http404
    data = bytes(d.result_content)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{d.result_filename or "ket-qua.pdf"}"'
    return response


@require_POST
@signed_in
def rate(request: HttpRequest, ref: str) -> HttpResponse:
    d = _mine(request, ref)
    scale = rules.SCALES[rules.DEFAULT_SCALE]
    answers: dict[str, int] = {}
    for letter in rules.CONTENTS:
        raw = request.POST.get(f"muc_{letter}", "")
        if raw.isdigit() and 1 <= int(raw) <= scale.points:
            answers[letter] = int(raw)
    if not answers:
        messages.error(request, "Hãy chọn mức đánh giá cho ít nhất một nội dung.")
        return redirect("portalsim:dossier", ref=ref)
    status, answer = province.send(
        request,
        {
            "message_id": f"{d.ref}:rating",
            "type": "rating.submitted",
            "portal_ref": d.ref,
            "scale": scale.version,
            "answers": answers,
            "comment": request.POST.get("y_kien", "")[:2000],
        },
    )
    if status in (200, 409):
        d.rated = True
        d.save(update_fields=["rated"])
        messages.success(request, "Cảm ơn bạn đã đánh giá.")
    else:
        messages.error(request, f"Chưa gửi được đánh giá: {answer.get('detail', status)}")
    return redirect("portalsim:dossier", ref=ref)


# ---- feedback (PAKN) --------------------------------------------------------------------------

FEEDBACK_STATUS = {
    "": "Đang gửi",
    "received": "Đã tiếp nhận, đang xử lý",
    "supplement": "Cơ quan đề nghị bổ sung thông tin",
    "supplemented": "Đã gửi thông tin bổ sung, đang xử lý",
    "published": "Đã có kết quả trả lời",
}


def _feedback_message(fb: PortalFeedback) -> dict[str, Any]:
    c = fb.citizen
    message: dict[str, Any] = {
        "message_id": f"{fb.ref}:submit",
        "type": "feedback.submitted",
        "external_id": fb.ref,
        "unit": fb.unit_code,
        "title": fb.title,
        "content": fb.content,
        "submitter": {"name": c.name, "phone": c.phone, "email": c.email, "address": c.address},
        "received_at": fb.created_at.isoformat(),
    }
    if fb.attachment_name and fb.attachment is not None:
        data = bytes(fb.attachment)
        message["attachments"] = [{"filename": fb.attachment_name, "content_base64": base64.b64encode(data).decode()}]
    return message


def deliver_feedback(request: HttpRequest, fb: PortalFeedback) -> None:
    """Send a feedback to the province (again while it is pending); record the answer."""
    status, answer = province.send(request, _feedback_message(fb))
    if status in (200, 201):
        fb.delivery, fb.delivery_note = Delivery.DELIVERED, ""
        fb.code = str(answer.get("code") or fb.code)
        fb.status = fb.status or "received"
    elif status in (0, 500, 502, 503, 504):
        fb.delivery, fb.delivery_note = Delivery.PENDING, str(answer.get("detail", ""))[:500]
    else:
        fb.delivery, fb.delivery_note = Delivery.REJECTED, str(answer.get("detail", ""))[:500]
    fb.save(update_fields=["delivery", "delivery_note", "code", "status"])


def _status_label(fb: PortalFeedback) -> str:
    if fb.delivery != Delivery.DELIVERED:
        return str(fb.get_delivery_display())
    return FEEDBACK_STATUS.get(fb.status, fb.status)


@require_http_methods(["GET", "POST"])
@signed_in
def feedback(request: HttpRequest) -> HttpResponse:
    """Send a feedback (title, content, optional attachment) and list "my feedback"."""
    citizen: Citizen = request.citizen  # type: ignore[attr-defined]
    units = province.units(request, [])
    errors: dict[str, str] = {}
    posted: Any = {}
    if request.method == "POST":
        posted = request.POST
        unit = next((u for u in units if u["code"] == request.POST.get("unit", "")), None)
        title = request.POST.get("title", "").strip()[:300]
        content = request.POST.get("content", "").strip()[:20000]
        upload = request.FILES.get("tep")
        if unit is None:
            errors["unit"] = "Chọn cơ quan nhận phản ánh."
        if not title:
            errors["title"] = "Nhập tiêu đề phản ánh."
        if len(content) < 10:
            errors["content"] = "Nhập nội dung phản ánh (ít nhất 10 ký tự)."
        if upload is not None and _check_upload(upload):
            errors["tep"] = _check_upload(upload)
        if not errors:
            assert unit is not None
            fb = PortalFeedback.objects.create(
                ref=f"PAKN.{timezone.localtime():%y%m%d}.{secrets.token_hex(4).upper()}",
                citizen=citizen,
                unit_code=unit["code"],
                unit_name=unit["name"],
                title=title,
                content=content,
                attachment_name=(upload.name or "tep")[:255] if upload is not None else "",
                attachment=upload.read() if upload is not None else None,
            )
            deliver_feedback(request, fb)
            if fb.delivery == Delivery.REJECTED:
                messages.error(request, f"Cơ quan chưa nhận phản ánh: {fb.delivery_note}")
            else:
                messages.success(request, f"Đã gửi phản ánh {fb.ref}.")
            return redirect("portalsim:feedback_detail", ref=fb.ref)
    mine = list(PortalFeedback.objects.filter(citizen=citizen))
    for fb in mine:
        if fb.delivery == Delivery.PENDING:
            deliver_feedback(request, fb)  # the province was unreachable: send again
    rows = [{"fb": fb, "label": _status_label(fb)} for fb in mine]
    context = {"units": units, "rows": rows, "errors": errors, "posted": posted}
    return _page(request, "feedback.html", context, 400 if errors else 200)


def _my_feedback(request: HttpRequest, ref: str) -> PortalFeedback:
    fb = PortalFeedback.objects.filter(ref=ref, citizen=request.citizen).first()  # type: ignore[attr-defined]
    if fb is None:
        raise Http404
    return fb


@signed_in
def feedback_detail(request: HttpRequest, ref: str) -> HttpResponse:
    fb = _my_feedback(request, ref)
    context = {
        "fb": fb,
        "label": _status_label(fb),
        "answered": _local(fb.answered_at),
        "published": _local(fb.published_at),
        "can_rate": fb.status == "published" and fb.rating is None,
        "can_supply": fb.status == "supplement",
        "points": [
            (5, "Rất hài lòng"),
            (4, "Hài lòng"),
            (3, "Bình thường"),
            (2, "Không hài lòng"),
            (1, "Rất không hài lòng"),
        ],
    }
    return _page(request, "feedback_detail.html", context)


@require_POST
@signed_in
def feedback_supplement(request: HttpRequest, ref: str) -> HttpResponse:
    """The citizen's answer to the unit's supplement request, sent as `feedback.supplemented`."""
    fb = _my_feedback(request, ref)
    content = nfc(request.POST.get("content", "")).strip()
    if fb.status != "supplement" or not content:
        messages.error(request, "Hãy nhập thông tin bổ sung.")
        return redirect("portalsim:feedback_detail", ref=ref)
    status, answer = province.send(
        request,
        {
            "message_id": f"{fb.ref}:supplement:{hashlib.sha256(content.encode()).hexdigest()[:12]}",
            "type": "feedback.supplemented",
            "external_id": fb.ref,
            "content": content,
        },
    )
    if status == 200:
        fb.status, fb.supplement_answer = "supplemented", content
        fb.save(update_fields=["status", "supplement_answer"])
        messages.success(request, "Đã gửi thông tin bổ sung cho cơ quan.")
    else:
        messages.error(request, f"Chưa gửi được thông tin bổ sung: {answer.get('detail', status)}")
    return redirect("portalsim:feedback_detail", ref=ref)


@require_POST
@signed_in
def feedback_rate(request: HttpRequest, ref: str) -> HttpResponse:
    fb = _my_feedback(request, ref)
    raw = request.POST.get("rating", "")
    if fb.status != "published" or not raw.isdigit() or not 1 <= int(raw) <= 5:
        messages.error(request, "Hãy chọn mức đánh giá từ 1 đến 5.")
        return redirect("portalsim:feedback_detail", ref=ref)
    status, answer = province.send(
        request,
        {"message_id": f"{fb.ref}:rating", "type": "feedback.rated", "external_id": fb.ref, "rating": int(raw)},
    )
    if status in (200, 409):
        fb.rating = int(answer.get("rating") or raw) if status == 200 else int(raw)
        fb.save(update_fields=["rating"])
        messages.success(request, "Cảm ơn bạn đã đánh giá kết quả trả lời.")
    else:
        messages.error(request, f"Chưa gửi được đánh giá: {answer.get('detail', status)}")
    return redirect("portalsim:feedback_detail", ref=ref)
