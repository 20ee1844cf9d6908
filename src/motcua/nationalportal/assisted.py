"""Assisted online filing (`/backoffice/nop-truc-tuyen/`): a clerk files an online dossier on a citizen's behalf.

The dossier goes through the same inbound path as a portal filing (`inbound.submitted`, source
`assisted`: every file checked, the dossier `submitted` in the intake queue, channel online) and is
announced to the national portal with its acceptance (the first outbound message is `created`), so
the citizen also finds it on the portal under their identification number.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from motcua.catalog.models import Procedure
from motcua.dossiers.commands.schemas import ID_NUMBER, PHONE
from motcua.nationalportal import inbound
from motcua.nationalportal.models import Source
from motcua.organizations import access
from motcua.organizations.access import Action

FILES = 3


class AssistedForm(forms.Form):
    procedure = forms.ModelChoiceField(
        label=_("Thủ tục"), queryset=Procedure.objects.filter(active=True).exclude(online="none").order_by("name")
    )
    unit = forms.ChoiceField(label=_("Cơ quan giải quyết"))
    applicant_name = forms.CharField(label=_("Họ và tên người nộp"), max_length=255)
    applicant_id_number = forms.RegexField(label=_("Số định danh cá nhân"), regex=ID_NUMBER)
    applicant_phone = forms.RegexField(label=_("Số điện thoại"), regex=PHONE)
    applicant_email = forms.EmailField(label=_("Thư điện tử"), required=False)
    applicant_address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)

    def __init__(self, *args: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field: Any = self.fields["unit"]
        unit_field.choices = [(u.code, f"{u.name} ({u.code})") for u in units]
        for n in range(1, FILES + 1):
            self.fields[f"component_{n}"] = forms.IntegerField(
                label=_("Thành phần số (tệp %(n)s)") % {"n": n}, min_value=1, max_value=99, required=n == 1
            )
            self.fields[f"file_{n}"] = forms.FileField(label=_("Tệp %(n)s") % {"n": n}, required=n == 1)


def _attachments(data: dict[str, Any]) -> list[dict[str, Any]]:
    items = []
    for n in range(1, FILES + 1):
        f = data.get(f"file_{n}")
        if f is None:
            continue
        content = f.read()
        items.append(
            {
                "component": str(data.get(f"component_{n}") or 1),
                "filename": f.name,
                "sha256": hashlib.sha256(content).hexdigest(),
                "size": len(content),
                "content": base64.b64encode(content).decode(),
            }
        )
    return items


@login_required(login_url="backoffice:login")
@require_http_methods(["GET", "POST"])
def assisted_filing(request: HttpRequest) -> HttpResponse:
    units = list(access.units_where(request.user, Action.RECEIVE).order_by("code"))
    if not units:
        raise PermissionDenied(_("Chỉ cán bộ Một cửa được nộp hồ sơ trực tuyến thay người dân."))
    form = AssistedForm(request.POST or None, request.FILES or None, units=units)
    error = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ref = f"HT-{secrets.token_hex(6).upper()}"
        message = {
            "message_id": f"{ref}:assisted",
            "type": "dossier.submitted",
            "portal_ref": ref,
            "procedure": data["procedure"].code,
            "unit": data["unit"],
            "applicant": {
                "name": data["applicant_name"],
                "id_number": data["applicant_id_number"],
                "phone": data["applicant_phone"],
                "email": data["applicant_email"],
                "address": data["applicant_address"],
                "verified": False,  # checked in person by the clerk, not through VNeID
            },
            "form": {"assisted_by": request.user.get_username()},
            "attachments": _attachments(data),
        }
        answer = inbound.submitted(message, source=Source.ASSISTED)
        if answer.status in (200, 201):
            messages.success(
                request, _("Đã nộp trực tuyến hồ sơ %(code)s thay người dân.") % {"code": answer.body["code"]}
            )
            return redirect("backoffice:dossier", code=answer.body["code"])
        error = str(answer.body.get("detail") or answer.body.get("problems"))
    return render(request, "nationalportal/assisted.html", {"form": form, "error": error, "nav": "assisted"})
