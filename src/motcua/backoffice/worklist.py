"""The official's worklist: open dossiers in scope, the most urgent first, with deadline badges and filters.

Deadline buckets, by `due_at` of dossiers whose clock is running (a dossier waiting for a
supplement or a fee, or with a justified pause, has its clock stopped: it is shown as paused and
counted in no bucket, since its due time moves when the clock resumes):
- overdue: due before now;
- due today: due from now to the end of today (local time);
- due soon: due in the next `SOON_DAYS` days after today.
"Now" and "today" come from `django.utils.timezone.now()` (tests freeze it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from motcua.backoffice import audit, scoping
from motcua.catalog.models import Procedure
from motcua.core.text import fold
from motcua.dossiers.models import Dossier, Status
from motcua.organizations import access

LOGIN = "backoffice:login"
OPEN_STATUSES = [Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.AWAITING_FEE]
CLOCK_STOPPED = (Status.SUPPLEMENT, Status.AWAITING_FEE)
SOON_DAYS = 2
DUE_FILTERS = ("overdue", "today", "soon")


@dataclass(frozen=True)
class Window:
    """The instants that split open dossiers into deadline buckets."""

    now: datetime
    today_end: datetime
    soon_end: datetime

    @classmethod
    def at(cls, now: datetime) -> Window:
        local = timezone.localtime(now)
        tomorrow = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=local.tzinfo)
        return cls(now, tomorrow, tomorrow + timedelta(days=SOON_DAYS))

    def bucket(self, d: Dossier) -> str:
        """ "overdue", "today", "soon", "paused" or "" for one dossier (the row badge)."""
        if d.status not in OPEN_STATUSES:
            return ""
        if d.status in CLOCK_STOPPED or (d.clock_state or {}).get("reason") == "pause":
            return "paused"
        if d.due_at is None:
            return ""
        if d.due_at < self.now:
            return "overdue"
        if d.due_at < self.today_end:
            return "today"
        return "soon" if d.due_at < self.soon_end else ""


def _stopped() -> Q:
    """Open dossiers whose clock stands still (the JSON key is compared in a subquery, so a dossier
    without it is simply not paused rather than NULL under negation)."""
    paused = Dossier.objects.filter(status__in=[Status.RECEIVED, Status.PROCESSING], clock_state__reason="pause")
    return Q(status__in=CLOCK_STOPPED) | Q(pk__in=paused.values("pk"))


def _running() -> Q:
    return Q(status__in=[Status.SUBMITTED, Status.RECEIVED, Status.PROCESSING]) & ~_stopped()


def due_filter(name: str, w: Window) -> Q:
    ranges = {
        "overdue": Q(due_at__lt=w.now),
        "today": Q(due_at__gte=w.now, due_at__lt=w.today_end),
        "soon": Q(due_at__gte=w.today_end, due_at__lt=w.soon_end),
    }
    return _running() & ranges[name]


def mine(user: Any) -> Q:
    """Dossiers on the official's desk: an open step assigned to them, or they are the main handler."""
    return Q(handled_by_id=user.pk) | Q(step_runs__assignee_id=user.pk, step_runs__finished_at__isnull=True)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _mine_only(qs: QuerySet[Dossier], user: Any) -> QuerySet[Dossier]:
    return qs.filter(pk__in=Dossier.objects.filter(mine(user)).values("pk"))


@login_required(login_url=LOGIN)
def worklist(request: HttpRequest) -> HttpResponse:
    """Open dossiers in scope, overdue first, with counts per bucket and filters; bad filters are ignored."""
    w = Window.at(timezone.now())
    base = scoping.dossiers_for(request.user)
    qs = base
    status = request.GET.get("status", "open")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    is_mine = bool(request.GET.get("mine"))
    if is_mine:
        qs = _mine_only(qs, request.user)
    procedure = request.GET.get("procedure", "")
    if procedure:
        qs = qs.filter(procedure__code=procedure)
    due_before = _date(request.GET.get("due_before"))
    if due_before:
        qs = qs.filter(due_at__date__lte=due_before)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(applicant_id_number=q) | Q(procedure__name_folded__contains=fold(q)))
    due = request.GET.get("due", "")
    if due in DUE_FILTERS:
        qs = qs.filter(due_filter(due, w))
    else:
        due = ""
    # Running clocks first by due time; stopped clocks (their due time is stale) after them.
    stopped = Case(When(_stopped(), then=Value(1)), default=Value(0), output_field=IntegerField())
    qs = qs.annotate(clock_stopped=stopped).order_by("clock_stopped", F("due_at").asc(nulls_last=True), "received_at")
    open_base = base.filter(status__in=OPEN_STATUSES)
    counts = {name: open_base.filter(due_filter(name, w)).count() for name in DUE_FILTERS}
    counts["open"] = open_base.count()
    counts["mine"] = _mine_only(open_base, request.user).count()
    by_status = dict(base.values_list("status").annotate(n=Count("id")))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    audit.record_many(request, "worklist", page)  # the rows show applicants' names
    today = timezone.localdate(w.now)
    return render(
        request,
        "backoffice/worklist.html",
        {
            "nav": "worklist",
            "rows": [{"d": d, "bucket": w.bucket(d)} for d in page],
            "page": page,
            "counts": counts,
            "statuses": [(value, label, by_status.get(value, 0)) for value, label in Status.choices],
            "procedures": Procedure.objects.filter(id__in=base.values("procedure_id")).order_by("name"),
            "units": access.visible_units(request.user).order_by("code")[:200],
            "month_start": today.replace(day=1).isoformat(),
            "today": today.isoformat(),
            "soon_days": SOON_DAYS,
            "filters": {
                "status": status,
                "procedure": procedure,
                "due_before": request.GET.get("due_before", ""),
                "q": q,
                "due": due,
                "mine": "1" if is_mine else "",
            },
        },
    )
