"""Rows → catalogue document (the same shape `motcua catalog import` reads).

Specs are the meeting point: rows become specs, specs become documents. The importer builds a
procedure's version snapshot with the same `procedure_doc`, so "did it change?" compares like with like.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import yaml

from motcua.catalog.models import (
    CatalogAttribute,
    Field,
    LinkedGroup,
    MemberMode,
    Procedure,
    ProcessOrigin,
    VersionStatus,
)
from motcua.catalog.process import StepSpec, current_definition, steps_of
from motcua.catalog.spec import (
    DecisionSpec,
    FieldSpec,
    GroupSpec,
    MemberSpec,
    ProcedureSpec,
    UnitSpec,
    jsonable,
)
from motcua.organizations.models import Category, Unit, category_for_kind


def number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def unit_doc(u: UnitSpec) -> dict[str, Any]:
    doc: dict[str, Any] = {"code": u.code, "name": u.name, "level": u.level}
    if u.parent:
        doc["parent"] = u.parent
    if u.kind:
        doc["kind"] = u.kind
    if u.category != category_for_kind(u.kind):
        doc["category"] = u.category
    if not u.active:
        doc["active"] = False
    doc.update(u.extra)
    return doc


def field_doc(f: FieldSpec) -> dict[str, Any]:
    return {"code": f.code, "name": f.name, **f.extra}


def decision_doc(d: DecisionSpec) -> str | dict[str, Any] | None:
    explicit_status = d.status not in (None, VersionStatus.NEW, VersionStatus.AMENDED)
    if not (d.date or d.effective_date or explicit_status):
        return d.number or None
    doc: dict[str, Any] = {"number": d.number}
    if d.date:
        doc["date"] = d.date.isoformat()
    if d.effective_date:
        doc["effective_date"] = d.effective_date.isoformat()
    if d.status:
        doc["status"] = d.status
    return doc


def step_doc(s: StepSpec) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": s.name}
    if s.role:
        doc["role"] = s.role
    if s.unit:
        doc["unit"] = s.unit
    doc["duration"] = {"amount": number(s.duration_amount), "unit": s.duration_unit}
    if s.parallel_group:
        doc["parallel_group"] = s.parallel_group
    return doc


def procedure_doc(p: ProcedureSpec, *, with_decision: bool = True) -> dict[str, Any]:
    doc: dict[str, Any] = {"code": p.code, "name": p.name, "field": p.field, "levels": list(p.levels)}
    decision = decision_doc(p.decision) if with_decision else None
    if decision:
        doc["decision"] = decision
    if p.deadline_unit:
        deadline: dict[str, Any] = {"amount": number(p.deadline_amount), "unit": p.deadline_unit}
        if p.cutoff is not None:
            deadline["cutoff"] = p.cutoff.strftime("%H:%M")
        doc["deadline"] = deadline
    doc["online"] = p.online
    if p.fee_known:
        doc["fee"] = p.fee
    if p.fee_rule:
        doc["fee_rule"] = p.fee_rule
    if p.fees:
        doc["fees"] = [{k: v for k, v in f.items() if v not in (None, "")} for f in p.fees]
    doc["components"] = [_component_doc(c) for c in p.components]
    doc["results"] = [{"name": r["name"], **({"code": r["code"]} if r["code"] else {})} for r in p.results]
    if p.process is not None:
        process: dict[str, Any] = {"steps": [step_doc(s) for s in p.process]}
        if p.process_note:
            process["note"] = p.process_note
        doc["process"] = process
    doc.update(p.extra)
    return doc


def _component_doc(c: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": c["name"], "copies": c["copies"], "mandatory": c["mandatory"]}
    if c["kind"]:
        doc["kind"] = c["kind"]
    if c["form_template"]:
        doc["form_template"] = c["form_template"]
    if c["digitisation_required"]:
        doc["digitisation_required"] = True
    doc.update(c["extra"])
    return doc


def group_doc(g: GroupSpec) -> dict[str, Any]:
    doc: dict[str, Any] = {"code": g.code, "name": g.name}
    members = sorted(g.members, key=lambda m: m.position)
    doc["procedures"] = [m.procedure for m in members]
    stages: dict[int, list[MemberSpec]] = {}
    for m in members:
        stages.setdefault(m.order, []).append(m)
    order: list[Any] = []
    for stage in sorted(stages):
        ms = stages[stage]
        codes = [m.procedure for m in ms]
        if ms[0].mode == MemberMode.ONE_OF:
            order.append({"one_of": codes})
        elif ms[0].mode == MemberMode.PARALLEL:
            order.append(codes)
        else:
            order.extend(codes)
    doc["order"] = order
    step_deadlines = [
        {"procedure": m.procedure, "amount": number(m.step_amount), "unit": m.step_unit, **m.step_extra}
        for m in members
        if m.step_unit and m.step_amount is not None
    ]
    if step_deadlines:
        doc["step_deadlines"] = step_deadlines
    doc.update(g.extra)
    return doc


def unit_spec(u: Unit) -> UnitSpec:
    return UnitSpec(
        code=u.code,
        name=u.name,
        level=u.level,
        kind=u.kind,
        category=u.category or Category.OTHER,
        parent=u.parent.code if u.parent else None,
        active=u.active,
        extra=dict(u.extra or {}),
    )


def procedure_spec(p: Procedure) -> ProcedureSpec:
    """The procedure as the file would describe it (the explicit process only; defaults are derived)."""
    version = p.versions.order_by("-version").first()
    decision = (
        DecisionSpec(
            number=version.decision_number,
            date=version.decision_date,
            effective_date=version.effective_date,
            status=version.status,
        )
        if version
        else DecisionSpec()
    )
    definition = current_definition(p)
    process = steps_of(definition) if definition and definition.origin != ProcessOrigin.DEFAULT else None
    return ProcedureSpec(
        code=p.code,
        name=p.name,
        field=p.field.code,
        levels=list(p.levels),
        deadline_amount=p.deadline_amount,
        deadline_unit=p.deadline_unit,
        cutoff=p.cutoff,
        online=p.online,
        fee=p.fee,
        fee_known=p.fee_known,
        fee_rule=p.fee_rule,
        fees=[{"name": f.name, "amount": f.amount, "rule": f.rule} for f in p.fees.all()],
        components=[
            {
                "name": c.name,
                "copies": c.copies,
                "mandatory": c.mandatory,
                "kind": c.kind,
                "form_template": c.form_template,
                "digitisation_required": c.digitisation_required,
                "extra": dict(c.extra or {}),
            }
            for c in p.components.all()
        ],
        results=[{"name": r.name, "code": r.code} for r in p.results.all()],
        decision=decision,
        process=process,
        process_note=definition.note if process is not None and definition else "",
        extra=dict(p.extra or {}),
    )


def group_spec(g: LinkedGroup) -> GroupSpec:
    return GroupSpec(
        code=g.code,
        name=g.name,
        members=[
            MemberSpec(
                procedure=m.procedure.code,
                order=m.order,
                mode=m.mode,
                position=m.position,
                step_amount=m.step_amount,
                step_unit=m.step_unit,
                step_extra=dict(m.step_extra or {}),
            )
            for m in g.members.select_related("procedure").order_by("position", "order")
        ],
        extra=dict(g.extra or {}),
    )


def units_parents_first() -> list[Unit]:
    units = list(Unit.objects.select_related("parent").order_by("code"))
    by_id = {u.id: u for u in units}
    done: set[int] = set()
    ordered: list[Unit] = []

    def visit(u: Unit, depth: int = 0) -> None:
        if u.id in done or depth > len(units):
            return
        if u.parent_id and u.parent_id in by_id:
            visit(by_id[u.parent_id], depth + 1)
        done.add(u.id)
        ordered.append(u)

    for u in units:
        visit(u)
    return ordered


def export_catalog() -> dict[str, Any]:
    """The whole catalogue as one document; importing it back changes nothing."""
    doc: dict[str, Any] = {a.key: a.value for a in CatalogAttribute.objects.order_by("id")}
    doc["units"] = [unit_doc(unit_spec(u)) for u in units_parents_first()]
    doc["fields"] = [
        field_doc(FieldSpec(code=f.code, name=f.name, extra=dict(f.extra or {}))) for f in Field.objects.all()
    ]
    procedures = Procedure.objects.select_related("field").prefetch_related("components", "results", "fees")
    doc["procedures"] = [procedure_doc(procedure_spec(p)) for p in procedures.order_by("code")]
    doc["linked_groups"] = [group_doc(group_spec(g)) for g in LinkedGroup.objects.order_by("code")]
    return jsonable(doc)  # type: ignore[no-any-return]


def dumps(document: dict[str, Any], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)
