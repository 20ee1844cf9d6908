"""Counter intake of a liên thông group (e.g. birth registration + residence + health insurance card):
one form, one code for the citizen, one sub-dossier per participating unit (the `receive_linked` command)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from motcua.backoffice import competence
from motcua.backoffice.views import _clerk_units, staff_required
from motcua.catalog.models import LinkedGroup, LinkedGroupMember
from motcua.dossiers import commands
from motcua.dossiers.commands import DossierError
from motcua.organizations.models import Unit

APPLICANT_FIELDS = ("applicant_name", "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address")


def _members(group: LinkedGroup) -> list[LinkedGroupMember]:
    return list(group.members.select_related("procedure").order_by("order", "position"))


def _rows(group: LinkedGroup, receiving: Unit, post: Any) -> list[dict[str, Any]]:
    """One row per member: its unit choices and the suggested (or posted) unit; `one_of` members are optional."""
    rows = []
    for m in _members(group):
        options = competence.candidates(m.procedure)
        posted = post.get(f"unit_{m.procedure.code}", "") if post else ""
        chosen = next((u for u in options if u.code == posted), None) or competence.suggest(m.procedure, receiving)
        rows.append(
            {
                "member": m,
                "options": options,
                "chosen": chosen,
                "optional": m.mode == "one_of",
                "included": not post or m.mode != "one_of" or bool(post.get(f"include_{m.procedure.code}")),
            }
        )
    return rows


@staff_required
def intake_linked(request: HttpRequest) -> HttpResponse:
    units = _clerk_units(request.user)
    if not units:
        raise PermissionDenied(_("Chỉ cán bộ Một cửa được tiếp nhận hồ sơ."))
    data = request.POST if request.method == "POST" else request.GET
    receiving = next((u for u in units if u.code == data.get("receiving_unit")), units[0])
    groups = list(LinkedGroup.objects.order_by("code"))
    group = next((g for g in groups if g.code == data.get("group")), None)
    rows = _rows(group, receiving, request.POST if request.method == "POST" else None) if group else []
    errors: list[str] = []
    if request.method == "POST" and group is not None:
        chosen = {r["member"].procedure.code: r["chosen"].code for r in rows if r["included"] and r["chosen"]}
        body: dict[str, Any] = {name: request.POST.get(name, "") for name in APPLICANT_FIELDS}
        body.update(
            group=group.code,
            receiving_unit=receiving.code,
            units=chosen,
            channel="postal" if request.POST.get("channel") == "postal" else "direct",
            idempotency_key=f"counter-linked:{request.POST.get('idempotency_key', '')}",
        )
        try:
            lead = commands.execute("receive_linked", request.user, data=body)
        except DossierError as exc:
            errors = [f"{k}: {' '.join(v)}" for k, v in exc.fields.items()] or list(exc.messages)
        except PermissionDenied as exc:
            errors = [str(exc)]
        else:
            messages.success(request, _("Đã tiếp nhận hồ sơ liên thông %(code)s.") % {"code": lead.code})
            return redirect(reverse("backoffice:dossier", args=[lead.code]) + "?received=1")
    return render(
        request,
        "backoffice/intake_linked.html",
        {
            "nav": "intake",
            "groups": groups,
            "group": group,
            "rows": rows,
            "units": units,
            "receiving": receiving,
            "errors": errors,
            "post": request.POST,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
        },
    )
