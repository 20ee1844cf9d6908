"""What a restructuring decision moves, and the one function that moves it.

`plan(decision)` lists everything the decision will do — units created, ended and re-parented,
predecessor links, open dossiers (with their new competent and receiving units), officials'
memberships, procedures offered, process steps, calendars, liên thông dossiers — and the problems
that forbid it. `apply_decision` recomputes the same plan and executes exactly its items, so the
preview a province administrator reads is what happens.

Rules:
- A source that ends gets `valid_to` = the day before the effective date and `active` False; a new
  successor gets `valid_from` = the effective date; each source links to its successor(s)
  (`organizations.UnitLink`, the first successor primary). `move` changes only the parent.
- Open dossiers (every status but returned, withdrawn, stopped, closed, refused) whose competent or
  receiving unit is a source are handed over by the `transfer_unit` command (system actor): same code,
  same deadline, the clock keeps running, an event in their history, the citizen told when the
  receiving unit changes. A split sends each dossier to the first part whose `match` words occur
  in the applicant's address (accents and case ignored; a liên thông sub-dossier uses its lead's
  applicant), else to the first part.
- Active memberships at a source are recreated at the successor (every part of a split, so nobody
  loses access to a dossier) and the old ones deactivated. Process steps and sub-units of a source
  pass to the (primary) successor. A new successor takes the first source's level, parent, kind and
  calendar.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.core.text import fold
from motcua.organizations.models import Membership, Unit, UnitLink
from motcua.restructure.models import Decision, DecisionStatus, Kind

log = logging.getLogger(__name__)

# Statuses in which nothing may happen any more (dossiers.lifecycle.FINAL): such dossiers stay put.
FINAL = ("returned", "withdrawn", "stopped", "closed", "refused")


class RestructureError(ValueError):
    """A decision that cannot be scheduled, applied or cancelled (English message, one line)."""


@dataclass
class Plan:
    decision: str
    kind: str
    effective_on: str
    new_units: list[dict[str, Any]] = field(default_factory=list)
    ended_units: list[str] = field(default_factory=list)
    reparented: list[dict[str, str]] = field(default_factory=list)
    links: list[dict[str, Any]] = field(default_factory=list)
    dossiers: list[dict[str, Any]] = field(default_factory=list)
    memberships: list[dict[str, str]] = field(default_factory=list)
    procedures: list[dict[str, Any]] = field(default_factory=list)
    process_steps: list[dict[str, Any]] = field(default_factory=list)
    calendars: list[dict[str, str]] = field(default_factory=list)
    linked: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def counts(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.as_dict().items() if isinstance(v, list) and k not in ("problems",)}


@dataclass
class _Successor:
    code: str
    name: str
    unit: Unit | None  # an existing unit, or None for one the decision creates
    match: list[str] = field(default_factory=list)
    kind: str = ""


def local_today(now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now()).date()


def _sources(decision: Decision) -> list[Unit]:
    return list(decision.sources.select_related("parent").order_by("code"))


def _successors(decision: Decision, sources: list[Unit], problems: list[str]) -> list[_Successor]:
    """The units the sources' business passes to (empty for a plain move)."""
    kind = decision.kind
    if kind == Kind.MOVE:
        return []
    if kind == Kind.SPLIT:
        found = []
        for n, part in enumerate(decision.parts or []):
            if not isinstance(part, dict) or not str(part.get("code", "")).strip():
                problems.append(f"split part {n + 1} has no code")
                continue
            code = str(part["code"]).strip()
            existing = Unit.objects.filter(code=code).first()
            name = str(part.get("name") or (existing.name if existing else "")).strip()
            if existing is None and not name:
                problems.append(f"split part {code}: a new unit needs a name")
            words = part.get("match") or []
            if isinstance(words, str):
                words = [w for w in words.split(",")]
            match = [fold(str(w)).strip() for w in words if str(w).strip()]
            found.append(_Successor(code, name, existing, match, str(part.get("kind") or "").strip()))
        if len(found) < 2:
            problems.append("a split needs at least two parts")
        return found
    if decision.new_code:
        existing = Unit.objects.filter(code=decision.new_code).first()
        if existing is not None:
            problems.append(f"unit code {decision.new_code} already exists")
        if not decision.new_name:
            problems.append("the new unit needs a name")
        return [_Successor(decision.new_code, decision.new_name, None)]
    if decision.target is not None:
        return [_Successor(decision.target.code, decision.target.name, decision.target)]
    if kind == Kind.DISSOLVE:
        return []
    problems.append("name the successor: an existing unit (target) or a new code and name")
    return []


def _choose(successors: list[_Successor], address: str) -> _Successor:
    folded = fold(address or "")
    for s in successors:
        if any(w and w in folded for w in s.match):
            return s
    return successors[0]


def plan(decision: Decision) -> Plan:
    """Everything the decision will do if applied now, and what forbids it (`problems`)."""
    from motcua.catalog.models import Procedure, ProcessStep
    from motcua.dossiers.models import Dossier

    p = Plan(decision.number, decision.kind, decision.effective_on.isoformat())
    problems = p.problems
    sources = _sources(decision)
    if not sources:
        problems.append("no unit to restructure")
    if decision.kind in (Kind.SPLIT, Kind.RENAME) and len(sources) > 1:
        problems.append(f"a {decision.kind} concerns one unit, not {len(sources)}")
    for u in sources:
        if u.valid_to is not None or not u.active:
            problems.append(f"unit {u.code} has already ended")
    successors = _successors(decision, sources, problems)
    source_ids = {u.pk for u in sources}
    for s in successors:
        if s.unit is not None and (s.unit.valid_to is not None or not s.unit.active):
            problems.append(f"successor {s.code} has ended")
        if s.unit is not None and s.unit.pk in source_ids and decision.kind != Kind.MERGE:
            problems.append(f"successor {s.code} is also a source")
    primary = successors[0] if successors else None
    # A merge into one of its own sources (absorption): that source continues.
    continuing = {primary.unit.pk} if primary and primary.unit is not None and primary.unit.pk in source_ids else set()
    ending = [u for u in sources if u.pk not in continuing] if decision.kind != Kind.MOVE else []

    first = sources[0] if sources else None
    for s in successors:
        if s.unit is None and first is not None:
            kind = (s.kind if decision.kind == Kind.SPLIT else decision.new_kind) or first.kind
            p.new_units.append(
                {
                    "code": s.code,
                    "name": s.name,
                    "level": first.level,
                    "kind": kind,
                    "parent": first.parent.code if first.parent else "",
                    "calendar": first.calendar_name,
                }
            )
            p.calendars.append({"unit": s.code, "calendar": first.calendar_name, "from": first.code})
    for u in sources:
        if primary is not None and primary.unit is not None and u.calendar_name != primary.unit.calendar_name:
            p.calendars.append({"unit": primary.code, "calendar": primary.unit.calendar_name, "from": u.code})
    p.ended_units = [u.code for u in ending]
    for u in ending:
        for n, s in enumerate(successors):
            p.links.append({"predecessor": u.code, "successor": s.code, "primary": n == 0})

    if decision.kind == Kind.MOVE:
        if decision.target is None:
            problems.append("a move needs the new parent unit (target)")
        else:
            for u in sources:
                if u.pk == decision.target.pk or _is_below(decision.target, u):
                    problems.append(f"unit {u.code} cannot move under itself or its own sub-unit")
                    continue
                p.reparented.append(
                    {"unit": u.code, "from": u.parent.code if u.parent else "", "to": decision.target.code}
                )
        return p

    ending_ids = {u.pk for u in ending}
    # Sub-units of an ended source pass to the primary successor.
    if primary is not None:
        for child in Unit.objects.filter(parent_id__in=ending_ids).exclude(pk__in=source_ids).order_by("code"):
            p.reparented.append(
                {"unit": child.code, "from": child.parent.code if child.parent else "", "to": primary.code}
            )

    # Open dossiers.
    open_qs = (
        Dossier.objects.exclude(status__in=FINAL)
        .filter(models_q_unit(ending_ids))
        .select_related("unit", "receiving_unit", "parent")
        .order_by("code")
    )
    for d in open_qs:
        if not successors:
            problems.append(f"dossier {d.code} is open at {d.unit.code}: name the unit that takes it over")
            continue
        address = d.parent.applicant_address if d.parent_id and d.parent is not None else d.applicant_address
        chosen = _choose(successors, address) if decision.kind == Kind.SPLIT else successors[0]
        receiving = d.receiving_unit or d.unit
        to_unit = chosen.code if d.unit_id in ending_ids else d.unit.code
        to_receiving = chosen.code if receiving.pk in ending_ids else receiving.code
        item = {
            "code": d.code,
            "status": d.status,
            "from_unit": d.unit.code,
            "to_unit": to_unit,
            "from_receiving": receiving.code,
            "to_receiving": to_receiving,
            "notify": receiving.code != to_receiving,
        }
        if decision.kind == Kind.SPLIT:
            item["rule"] = (
                "address" if chosen.match and any(w in fold(address or "") for w in chosen.match) else "default"
            )
        p.dossiers.append(item)
        if d.parent_id or d.linked_group_id:
            p.linked.append({"code": d.code, "lead": d.parent.code if d.parent else d.code, "to_unit": to_unit})

    # Officials.
    targets = successors if decision.kind == Kind.SPLIT else successors[:1]
    memberships = (
        Membership.objects.filter(unit_id__in=ending_ids, active=True)
        .select_related("user", "unit")
        .order_by("unit__code", "user__username", "role")
    )
    for m in memberships:
        if not targets:
            problems.append(f"{m.user.username} ({m.role}) works at {m.unit.code}: name the unit that takes them")
            continue
        for s in targets:
            p.memberships.append({"user": m.user.username, "role": m.role, "from": m.unit.code, "to": s.code})

    # Procedures offered (by level): what the sources offered that a successor of another level would not.
    if first is not None:
        levels = {u.level for u in ending}
        successor_levels = {s.unit.level if s.unit else first.level for s in successors}
        for proc in Procedure.objects.filter(active=True).order_by("code").only("code", "name", "levels"):
            offered_here = levels & set(proc.levels or [])
            if not offered_here:
                continue
            p.procedures.append(
                {
                    "code": proc.code,
                    "name": proc.name,
                    "offered_by_successor": bool(successor_levels & set(proc.levels or [])) if successors else False,
                }
            )

    # Process steps naming a source.
    steps = ProcessStep.objects.filter(unit_id__in=ending_ids).select_related("definition__procedure", "unit")
    for step in steps.order_by("definition__procedure__code", "definition__version", "order"):
        if primary is None:
            where = step.unit.code if step.unit else ""
            problems.append(f"process step {step.name} of {step.definition.procedure.code} is done at {where}")
            continue
        p.process_steps.append(
            {
                "procedure": step.definition.procedure.code,
                "version": step.definition.version,
                "order": step.order,
                "name": step.name,
                "from": step.unit.code if step.unit else "",
                "to": primary.code,
            }
        )
    return p


def models_q_unit(ids: set[int]) -> Any:
    from django.db.models import Q

    return Q(unit_id__in=ids) | Q(receiving_unit_id__in=ids)


def _is_below(unit: Unit, ancestor: Unit) -> bool:
    seen: set[int] = set()
    current = unit.parent
    while current is not None and current.pk not in seen:
        if current.pk == ancestor.pk:
            return True
        seen.add(current.pk)
        current = current.parent
    return False


# ---- lifecycle of a decision -------------------------------------------------------------------


@transaction.atomic
def schedule(decision: Decision, *, now: datetime | None = None) -> Decision:
    """Draft → scheduled (after a clean preview); applied at once when the effective date has come."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.DRAFT:
        raise RestructureError(f"decision {decision.number} is {decision.status}, not a draft")
    problems = plan(decision).problems
    if problems:
        raise RestructureError(f"decision {decision.number} cannot be applied: {problems[0]}")
    decision.status = DecisionStatus.SCHEDULED
    decision.scheduled_at = now or timezone.now()
    decision.save(update_fields=["status", "scheduled_at"])
    if decision.effective_on <= local_today(now):
        apply_decision(decision, now=now)
    return decision


@transaction.atomic
def cancel(decision: Decision, *, now: datetime | None = None) -> Decision:
    """Withdraw a draft or scheduled decision before its effective date (nothing was changed yet)."""
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status not in (DecisionStatus.DRAFT, DecisionStatus.SCHEDULED):
        raise RestructureError(f"decision {decision.number} is {decision.status}: it can no longer be cancelled")
    decision.status = DecisionStatus.CANCELLED
    decision.cancelled_at = now or timezone.now()
    decision.save(update_fields=["status", "cancelled_at"])
    return decision


@transaction.atomic
def apply_decision(decision: Decision, *, now: datetime | None = None) -> Plan:
    """Carry out a scheduled decision: recompute its plan and execute exactly its items (one transaction)."""
    from motcua.catalog.models import ProcessStep
    from motcua.dossiers import services

    at = now or timezone.now()
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status != DecisionStatus.SCHEDULED:
        raise RestructureError(f"decision {decision.number} is {decision.status}, not scheduled")
    if decision.effective_on > local_today(at):
        raise RestructureError(f"decision {decision.number} takes effect on {decision.effective_on}")
    p = plan(decision)
    if p.problems:
        raise RestructureError(f"decision {decision.number} cannot be applied: {p.problems[0]}")
    effective = decision.effective_on
    units = {u.code: u for u in Unit.objects.filter(code__in=_codes(p))}
    for spec in p.new_units:
        unit = Unit.objects.create(
            code=spec["code"],
            name=spec["name"],
            level=spec["level"],
            kind=spec["kind"],
            parent=units.get(spec["parent"]) or Unit.objects.filter(code=spec["parent"]).first(),
            calendar_name=spec["calendar"],
            valid_from=effective,
            extra={"decision": decision.number},
        )
        units[unit.code] = unit
    for move in p.reparented:
        parent = units.get(move["to"]) or Unit.objects.get(code=move["to"])
        Unit.objects.filter(code=move["unit"]).update(parent=parent)
    for link in p.links:
        UnitLink.objects.get_or_create(
            predecessor=units[link["predecessor"]],
            successor=units[link["successor"]],
            defaults={"effective_on": effective, "primary": link["primary"], "decision": decision.number},
        )
    from django.contrib.auth import get_user_model

    users = {u.username: u for u in get_user_model().objects.filter(username__in={m["user"] for m in p.memberships})}
    for m in p.memberships:
        new, created = Membership.objects.get_or_create(
            user=users[m["user"]], unit=units[m["to"]], role=m["role"], defaults={"active": True}
        )
        if not created and not new.active:
            Membership.objects.filter(pk=new.pk).update(active=True)
    Membership.objects.filter(unit__code__in=p.ended_units, active=True).update(active=False)
    for step in p.process_steps:
        ProcessStep.objects.filter(
            definition__procedure__code=step["procedure"],
            definition__version=step["version"],
            order=step["order"],
            unit__code=step["from"],
        ).update(unit=units[step["to"]])
    moves = {code: p.links[0]["successor"] for code in p.ended_units} if p.links else {}
    from motcua.dossiers.models import Dossier

    for item in p.dossiers:
        d = Dossier.objects.get(code=item["code"])
        services.transfer_unit(
            d,
            unit=units[item["to_unit"]],
            receiving_unit=units[item["to_receiving"]],
            decision=decision.number,
            effective_on=effective,
            units={**moves, item["from_unit"]: item["to_unit"], item["from_receiving"]: item["to_receiving"]},
            now=at,
        )
    Unit.objects.filter(code__in=p.ended_units).update(valid_to=effective - timedelta(days=1), active=False)
    decision.status = DecisionStatus.APPLIED
    decision.applied_at = at
    decision.result = p.as_dict()
    decision.save(update_fields=["status", "applied_at", "result"])
    return p


def _codes(p: Plan) -> set[str]:
    codes: set[str] = set(p.ended_units)
    for link in p.links:
        codes |= {link["predecessor"], link["successor"]}
    for item in p.dossiers:
        codes |= {item["to_unit"], item["to_receiving"]}
    codes |= {m["to"] for m in p.memberships} | {s["to"] for s in p.process_steps}
    codes |= {r["to"] for r in p.reparented}
    return codes


def apply_due(now: datetime | None = None) -> dict[str, Any]:
    """The worker's periodic duty: apply every scheduled decision whose effective date has come."""
    at = now or timezone.now()
    applied: list[str] = []
    errors: list[str] = []
    due = Decision.objects.filter(status=DecisionStatus.SCHEDULED, effective_on__lte=local_today(at))
    for decision in due.order_by("effective_on", "pk"):
        try:
            apply_decision(decision, now=at)
            applied.append(decision.number)
        except RestructureError as exc:  # reported, not hidden: the decision stays scheduled
            if Decision.objects.filter(pk=decision.pk, status=DecisionStatus.SCHEDULED).exists():
                errors.append(str(exc))  # (another worker that applied it first is no error)
        except Exception as exc:  # e.g. a dossier changed under it: rolled back, retried on the next tick
            log.exception("restructure: decision %s could not be applied", decision.number)
            errors.append(f"decision {decision.number}: {type(exc).__name__}: {exc}")
    return {"applied": applied, "errors": errors}
