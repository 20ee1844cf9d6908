"""Process definitions as versioned data: the default workflow and the "new version on change" rule.

A version that dossiers may be pinned to is never edited: a different list of steps becomes a new
version and the older ones are deactivated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db import transaction

from motcua.catalog.models import DeadlineUnit, Procedure, ProcessDefinition, ProcessOrigin, ProcessStep
from motcua.organizations.models import Role, Unit

# Office time per working day (07:00–11:30 and 13:30–17:00, contracts §2.1).
HOURS_PER_WORKING_DAY = Decimal(8)
# From a same-day cut-off (15:00) to the end of the day (17:00).
SAME_DAY_HOURS = Decimal(2)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class StepSpec:
    """One step as data, independent of rows: what the file, the admin and the default produce."""

    name: str
    role: str = ""
    unit: str = ""  # agency code; empty = the dossier's competent unit
    duration_amount: Decimal = Decimal(0)
    duration_unit: str = DeadlineUnit.WORKING_HOURS
    parallel_group: str = ""

    def key(self) -> tuple[str, str, str, Decimal, str, str]:
        return (
            self.name,
            self.role,
            self.unit,
            self.duration_amount.quantize(CENT),
            self.duration_unit,
            self.parallel_group,
        )


# (name, role, share of the legal deadline): receive, examine, approve, return.
DEFAULT_STEPS: list[tuple[str, str, Decimal]] = [
    ("Tiếp nhận hồ sơ", Role.CLERK, Decimal("0.10")),
    ("Thẩm định, xử lý", Role.SPECIALIST, Decimal("0.60")),
    ("Phê duyệt", Role.LEADER, Decimal("0.20")),
    ("Trả kết quả", Role.CLERK, Decimal("0.10")),
]


def deadline_budget_hours(amount: Decimal, unit: str) -> Decimal | None:
    """Office hours available within a legal deadline (None when the procedure states no deadline)."""
    if unit == DeadlineUnit.WORKING_DAYS:
        return amount * HOURS_PER_WORKING_DAY
    if unit == DeadlineUnit.WORKING_HOURS:
        return amount
    if unit == DeadlineUnit.CALENDAR_DAYS:
        # Five working days in seven calendar days, at least one working day.
        return max(Decimal(1), (amount * 5 / 7).to_integral_value(ROUND_DOWN)) * HOURS_PER_WORKING_DAY
    if unit == DeadlineUnit.SAME_DAY:
        return SAME_DAY_HOURS
    return None


def default_steps(amount: Decimal, unit: str) -> list[StepSpec]:
    """The four usual one-stop steps, their durations in working hours summing to at most the deadline."""
    budget = deadline_budget_hours(amount, unit)
    steps = []
    for name, role, share in DEFAULT_STEPS:
        hours = Decimal(0) if budget is None else (budget * share).quantize(CENT, ROUND_DOWN)
        steps.append(StepSpec(name=name, role=role, duration_amount=hours, duration_unit=DeadlineUnit.WORKING_HOURS))
    return steps


def current_definition(procedure: Procedure) -> ProcessDefinition | None:
    """The active definition with the highest version (what new dossiers are pinned to)."""
    return procedure.process_definitions.filter(active=True).order_by("-version").first()


def steps_of(definition: ProcessDefinition) -> list[StepSpec]:
    return [
        StepSpec(
            name=s.name,
            role=s.role,
            unit=s.unit.code if s.unit_id and s.unit else "",
            duration_amount=s.duration_amount,
            duration_unit=s.duration_unit,
            parallel_group=s.parallel_group,
        )
        for s in definition.steps.select_related("unit").order_by("order")
    ]


def same_steps(a: Sequence[StepSpec], b: Sequence[StepSpec]) -> bool:
    return [s.key() for s in a] == [s.key() for s in b]


@transaction.atomic
def ensure_process(
    procedure: Procedure, steps: Sequence[StepSpec], origin: str, note: str = ""
) -> tuple[ProcessDefinition, bool]:
    """Make `steps` the current process of `procedure`; returns (definition, created).

    Identical steps change nothing. Otherwise a new version is created and earlier ones are
    deactivated (dossiers keep pointing at the version they started with).
    """
    current = current_definition(procedure)
    if current is not None and same_steps(steps_of(current), steps):
        return current, False
    last = procedure.process_definitions.order_by("-version").values_list("version", flat=True).first() or 0
    procedure.process_definitions.filter(active=True).update(active=False)
    definition = ProcessDefinition.objects.create(
        procedure=procedure, version=last + 1, active=True, origin=origin, note=note
    )
    units = {u.code: u for u in Unit.objects.filter(code__in={s.unit for s in steps if s.unit})}
    ProcessStep.objects.bulk_create(
        ProcessStep(
            definition=definition,
            order=i,
            name=s.name,
            role=s.role,
            unit=units.get(s.unit) if s.unit else None,
            duration_amount=s.duration_amount,
            duration_unit=s.duration_unit,
            parallel_group=s.parallel_group,
        )
        for i, s in enumerate(steps, start=1)
    )
    return definition, True


def sync_process(procedure: Procedure, explicit: Sequence[StepSpec] | None, note: str = "") -> bool:
    """Apply the catalogue rule: explicit steps win; otherwise a default (kept in step with the deadline)
    unless an explicit process already exists. Returns True when a new version was made."""
    if explicit is not None:
        return ensure_process(procedure, explicit, ProcessOrigin.FILE, note)[1]
    current = current_definition(procedure)
    if current is not None and current.origin != ProcessOrigin.DEFAULT:
        return False
    steps = default_steps(procedure.deadline_amount, procedure.deadline_unit)
    return ensure_process(procedure, steps, ProcessOrigin.DEFAULT)[1]
