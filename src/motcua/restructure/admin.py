"""Admin screens for restructuring decisions: record (draft), preview, apply (schedule), cancel.

Province administrators (Action.MANAGE_CATALOG: the province's map is part of its catalogue) do
everything; other administrative roles read. A decision is editable only as a draft; the preview
page shows the very plan `engine.apply_decision` executes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from motcua.organizations import access
from motcua.organizations.access import Action
from motcua.organizations.models import Role, UnitLink
from motcua.restructure import engine
from motcua.restructure.forms import DecisionForm
from motcua.restructure.models import Decision, DecisionStatus

READER_ROLES = (Role.UNIT_ADMIN, Role.PROVINCE_ADMIN, Role.INSPECTOR)


def _can_edit(request: HttpRequest) -> bool:
    return access.can(request.user, Action.MANAGE_CATALOG)


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = DecisionForm
    list_display = ["number", "kind", "effective_on", "status", "units"]
    list_filter = ["kind", "status"]
    search_fields = ["number", "legal_basis", "sources__code", "sources__name"]
    fieldsets = (
        (None, {"fields": ("number", "signed_on", "effective_on", "legal_basis", "kind")}),
        (_("Đơn vị"), {"fields": ("sources", "target", "new_code", "new_name", "new_kind", "parts_text")}),
    )

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not self.has_change_permission(request, obj):  # read-only: the parts as stored
            return ((None, {"fields": self.fieldsets[0][1]["fields"]}), (_("Đơn vị"), {"fields": self.UNIT_FIELDS}))
        return self.fieldsets

    UNIT_FIELDS = ("sources", "target", "new_code", "new_name", "new_kind", "parts")

    @admin.display(description=_("đơn vị"))
    def units(self, obj: Decision) -> str:
        return ", ".join(u.code for u in obj.sources.all())

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff) and access.has_staff_role(
            request.user, *READER_ROLES
        )

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _can_edit(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can_edit(request) and (obj is None or obj.status == DecisionStatus.DRAFT)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _can_edit(request) and obj is not None and obj.status == DecisionStatus.DRAFT

    def save_model(self, request: HttpRequest, obj: Decision, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

    def response_add(self, request: HttpRequest, obj: Decision, post_url_continue: str | None = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:restructure_decision_preview", args=[obj.pk]))

    def response_change(self, request: HttpRequest, obj: Decision) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:restructure_decision_preview", args=[obj.pk]))

    def get_urls(self) -> list[Any]:
        own = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="restructure_decision_preview",
            ),
            path("<int:pk>/apply/", self.admin_site.admin_view(self.apply_view), name="restructure_decision_apply"),
            path("<int:pk>/cancel/", self.admin_site.admin_view(self.cancel_view), name="restructure_decision_cancel"),
        ]
        return own + super().get_urls()

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        extra = {
            **(extra_context or {}),
            "preview_url": reverse("admin:restructure_decision_preview", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra)

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        decision = get_object_or_404(Decision, pk=pk)
        applied = decision.status == DecisionStatus.APPLIED
        plan = decision.result if applied else engine.plan(decision).as_dict()
        missing = [p for p in plan.get("procedures", []) if not p["offered_by_successor"]]
        from motcua.dossiers.models import Status

        labels = dict(Status.choices)
        roles = dict(Role.choices)
        plan = {
            **plan,
            "dossiers": [{**d, "status": labels.get(d["status"], d["status"])} for d in plan["dossiers"]],
            "memberships": [{**m, "role": roles.get(m["role"], m["role"])} for m in plan["memberships"]],
        }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Quyết định %(n)s: những gì sẽ thay đổi") % {"n": decision.number},
            "decision": decision,
            "plan": plan,
            "missing_procedures": missing,
            "links": UnitLink.objects.filter(decision=decision.number).select_related("predecessor", "successor"),
            "can_edit": _can_edit(request),
            "can_apply": _can_edit(request) and decision.status == DecisionStatus.DRAFT and not plan.get("problems"),
            "can_cancel": _can_edit(request) and decision.status in (DecisionStatus.DRAFT, DecisionStatus.SCHEDULED),
        }
        return TemplateResponse(request, "admin/restructure/decision/preview.html", context)

    def _act(self, request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:restructure_decision_preview", args=[pk]))
        if not _can_edit(request):
            raise PermissionDenied
        decision = get_object_or_404(Decision, pk=pk)
        try:
            action(decision)
        except engine.RestructureError as exc:
            messages.error(request, _("Không thực hiện được: %(e)s") % {"e": exc})
        else:
            messages.success(request, done)
        return HttpResponseRedirect(reverse("admin:restructure_decision_preview", args=[pk]))

    def apply_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def run(decision: Decision) -> None:
            engine.schedule(decision)
            decision.refresh_from_db()
            if decision.status == DecisionStatus.APPLIED:
                messages.info(request, _("Ngày hiệu lực đã đến: quyết định đã được thực hiện ngay."))
            else:
                messages.info(
                    request,
                    _("Quyết định sẽ được thực hiện tự động vào ngày %(d)s; có thể hủy trước ngày đó.")
                    % {"d": decision.effective_on.strftime("%d/%m/%Y")},
                )

        return self._act(request, pk, run, _("Đã áp dụng quyết định."))

    def cancel_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._act(request, pk, engine.cancel, _("Đã hủy quyết định; không có gì thay đổi."))
