"""Catalogue file → rows, all or nothing (contracts §3).

`read_file` parses YAML or JSON, `import_document` validates the whole document first and then
writes in one transaction. Rows are only saved when they differ, so importing the same file twice
changes nothing (no new procedure or process versions either).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Model, ProtectedError

from motcua.catalog.exporter import procedure_doc
from motcua.catalog.models import (
    CatalogAttribute,
    Fee,
    Field,
    LinkedGroup,
    LinkedGroupMember,
    Procedure,
    ProcedureResult,
    ProcedureVersion,
    RequiredComponent,
    VersionStatus,
)
from motcua.catalog.process import sync_process
from motcua.catalog.spec import Catalog, CatalogError, GroupSpec, ProcedureSpec, UnitSpec, validate
from motcua.core.text import nfc_deep
from motcua.organizations.models import Unit

SECTION_NAMES = ("units", "fields", "procedures", "linked_groups")


@dataclass
class Summary:
    """What an import did, per section: created / updated / unchanged counts."""

    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {s: {"created": 0, "updated": 0, "unchanged": 0} for s in SECTION_NAMES}
    )
    procedure_versions: int = 0
    process_versions: int = 0
    successions: list[str] = field(default_factory=list)  # restructuring decisions recorded from `merged_from`

    def add(self, section: str, outcome: str) -> None:
        self.counts[section][outcome] += 1

    @property
    def changed(self) -> bool:
        return any(c["created"] or c["updated"] for c in self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        doc = {
            **self.counts,
            "procedure_versions_created": self.procedure_versions,
            "process_versions_created": self.process_versions,
        }
        if self.successions:
            doc["successions"] = list(self.successions)
        return doc

    def one_line(self) -> str:
        parts = [
            f"{s} {c['created']} created, {c['updated']} updated, {c['unchanged']} unchanged"
            for s, c in self.counts.items()
        ]
        if self.successions:
            parts.append(f"successions {len(self.successions)} recorded ({', '.join(self.successions)})")
        return "; ".join(parts)


def read_file(path: str | Path) -> Any:
    """Parse a catalogue file (JSON when it ends in .json, YAML otherwise); errors are one line."""
    p = Path(path)
    if not p.exists():
        raise CatalogError([f"{p}: no such file"])
    if not p.is_file():
        raise CatalogError([f"{p}: not a file"])
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError([f"{p}: not UTF-8 text (byte {exc.start})"]) from None
    except OSError as exc:
        raise CatalogError([f"{p}: cannot read ({exc.strerror})"]) from None
    if p.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CatalogError([f"{p}: malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"]) from None
    try:
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        raise CatalogError([f"{p}: malformed YAML{where}: {exc.problem or exc.context}"]) from None
    except yaml.YAMLError as exc:
        raise CatalogError([f"{p}: malformed YAML: {exc}"]) from None


def known_codes() -> dict[str, Any]:
    """Codes already in the database, so a file may refer to them without repeating them."""
    unit_parents = dict(Unit.objects.values_list("code", "parent__code"))
    return {
        "unit_parents": unit_parents,
        "units": set(unit_parents),
        "fields": set(Field.objects.values_list("code", flat=True)),
        "procedures": set(Procedure.objects.values_list("code", flat=True)),
    }


def import_file(path: str | Path, *, dry_run: bool = False) -> Summary:
    return import_document(read_file(path), dry_run=dry_run)


def import_document(document: Any, *, dry_run: bool = False) -> Summary:
    """Validate everything, then write everything in one transaction (rolled back on `dry_run`).

    Every string of the document, kept keys and `extra` values included, is taken in NFC first.
    """
    catalog = validate(nfc_deep(document), known_codes())
    with transaction.atomic():
        summary = apply(catalog)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _save(obj: Model, values: Mapping[str, Any]) -> str:
    """Set `values` on `obj` and save only if something differs; returns the outcome."""
    if obj.pk is None:
        for k, v in values.items():
            setattr(obj, k, v)
        obj.save()
        return "created"
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if not changed:
        return "unchanged"
    for k in changed:
        setattr(obj, k, values[k])
    obj.save()
    return "updated"


def apply(catalog: Catalog) -> Summary:
    summary = Summary()
    for key, value in catalog.attributes.items():
        attr = CatalogAttribute.objects.filter(key=key).first() or CatalogAttribute(key=key)
        _save(attr, {"value": value})
    units = {u.code: u for u in Unit.objects.all()}
    for spec in catalog.units:
        summary.add("units", _apply_unit(spec, units))
    from motcua.restructure.catalog import record_successions  # `merged_from`: the province's new map

    summary.successions = record_successions(catalog.units)
    fields = {f.code: f for f in Field.objects.all()}
    for fspec in catalog.fields:
        obj = fields.get(fspec.code) or Field(code=fspec.code)
        summary.add("fields", _save(obj, {"name": fspec.name, "extra": fspec.extra}))
        fields[fspec.code] = obj
    procedures = {p.code: p for p in Procedure.objects.all()}
    for pspec in catalog.procedures:
        summary.add("procedures", _apply_procedure(pspec, procedures, fields, summary))
    for gspec in catalog.groups:
        summary.add("linked_groups", _apply_group(gspec, procedures))
    return summary


def _apply_unit(spec: UnitSpec, units: dict[str, Unit]) -> str:
    obj = units.get(spec.code) or Unit(code=spec.code)
    parent = units[spec.parent] if spec.parent else None
    outcome = _save(
        obj,
        {
            "name": spec.name,
            "level": spec.level,
            "kind": spec.kind,
            "category": spec.category,
            "parent_id": parent.id if parent else None,
            "active": spec.active,
            "extra": spec.extra,
        },
    )
    units[spec.code] = obj
    return outcome


def _sync_rows(manager: Any, model: type[Model], rows: list[dict[str, Any]], **owner: Any) -> bool:
    """Make the ordered child rows (components, results, fees) equal `rows`, editing in place by position."""
    existing = {r.order: r for r in manager.all()}
    changed = False
    for order, values in enumerate(rows, start=1):
        obj = existing.pop(order, None) or model(order=order, **owner)
        changed |= _save(obj, values) != "unchanged"
    if existing:
        try:
            manager.filter(order__in=list(existing)).delete()
        except ProtectedError:
            code = owner["procedure"].code
            label = model._meta.verbose_name
            raise CatalogError(
                [f"procedures (code {code}): cannot remove {label} {sorted(existing)} still used by dossiers"]
            ) from None
        changed = True
    return changed


def _apply_procedure(
    spec: ProcedureSpec, procedures: dict[str, Procedure], fields: dict[str, Field], summary: Summary
) -> str:
    obj = procedures.get(spec.code) or Procedure(code=spec.code)
    outcome = _save(
        obj,
        {
            "name": spec.name,
            "field_id": fields[spec.field].id,
            "levels": spec.levels,
            "deadline_amount": spec.deadline_amount,
            "deadline_unit": spec.deadline_unit,
            "cutoff": spec.cutoff,
            "online": spec.online,
            "fee": spec.fee,
            "fee_known": spec.fee_known,
            "fee_rule": spec.fee_rule,
            "active": spec.active,
            "extra": spec.extra,
        },
    )
    procedures[spec.code] = obj
    children = _sync_rows(obj.components, RequiredComponent, spec.components, procedure=obj)
    children |= _sync_rows(obj.results, ProcedureResult, spec.results, procedure=obj)
    children |= _sync_rows(obj.fees, Fee, spec.fees, procedure=obj)
    if _ensure_version(obj, spec):
        summary.procedure_versions += 1
        children = True
    if sync_process(obj, spec.process, spec.process_note):
        summary.process_versions += 1
        children = True
    if outcome == "unchanged" and children:
        return "updated"
    return outcome


def _ensure_version(obj: Procedure, spec: ProcedureSpec) -> bool:
    """A new published version when the content or the publishing decision changed."""
    snapshot = procedure_doc(spec, with_decision=False)
    snapshot.pop("process", None)
    d = spec.decision
    latest = obj.versions.order_by("-version").first()
    if latest is not None and (
        latest.snapshot == snapshot
        and latest.decision_number == d.number
        and latest.decision_date == d.date
        and latest.effective_date == d.effective_date
        and (d.status is None or latest.status == d.status)
    ):
        return False
    status = d.status or (VersionStatus.NEW if latest is None else VersionStatus.AMENDED)
    ProcedureVersion.objects.create(
        procedure=obj,
        version=(latest.version + 1) if latest else 1,
        decision_number=d.number,
        decision_date=d.date,
        effective_date=d.effective_date,
        status=status,
        snapshot=snapshot,
    )
    return True


def _apply_group(spec: GroupSpec, procedures: dict[str, Procedure]) -> str:
    group = LinkedGroup.objects.filter(code=spec.code).first() or LinkedGroup(code=spec.code)
    outcome = _save(group, {"name": spec.name, "extra": spec.extra})
    existing = {m.procedure_id: m for m in group.members.all()}
    changed = False
    for m in spec.members:
        proc = procedures[m.procedure]
        member = existing.pop(proc.id, None) or LinkedGroupMember(group=group, procedure=proc)
        values = {
            "order": m.order,
            "mode": m.mode,
            "position": m.position,
            "step_amount": m.step_amount,
            "step_unit": m.step_unit,
            "step_extra": m.step_extra,
        }
        changed |= _save(member, values) != "unchanged"
    if existing:
        group.members.filter(procedure_id__in=list(existing)).delete()
        changed = True
    if outcome == "unchanged" and changed:
        return "updated"
    return outcome
