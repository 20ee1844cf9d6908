"""The catalogue file as validated data (contracts §3 and its extensions in docs/ARCHITECTURE.md).

`validate(document)` checks the WHOLE document and returns a `Catalog` of plain specs or raises
`CatalogError` with every problem, each naming the item and the key. Nothing here writes; the
importer applies a `Catalog` and the exporter turns rows back into the same document shape.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from motcua.catalog.models import ComponentKind, DeadlineUnit, MemberMode, OnlineLevel, VersionStatus
from motcua.catalog.process import StepSpec
from motcua.core.text import nfc
from motcua.organizations.models import Category, Level, Role, category_for_kind

SECTIONS = ("units", "fields", "procedures", "linked_groups")
UNIT_KEYS = {"code", "name", "level", "kind", "category", "parent", "active"}
FIELD_KEYS = {"code", "name"}
PROCEDURE_KEYS = {
    "code",
    "name",
    "field",
    "levels",
    "decision",
    "deadline",
    "online",
    "fee",
    "fee_rule",
    "fees",
    "components",
    "results",
    "process",
}
COMPONENT_KEYS = {"name", "copies", "mandatory", "kind", "form_template", "digitisation_required"}
GROUP_KEYS = {"code", "name", "procedures", "order", "step_deadlines"}
DEFAULT_CUTOFF = dt.time(15, 0)


class CatalogError(Exception):
    """The catalogue cannot be imported; `errors` lists every problem found, in file order."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(errors[0] if errors else "invalid catalogue")
        self.errors = errors

    def one_line(self) -> str:
        more = len(self.errors) - 1
        return self.errors[0] + (f" (and {more} more)" if more > 0 else "")


@dataclass
class UnitSpec:
    code: str
    name: str
    level: str
    kind: str = ""
    category: str = Category.OTHER
    parent: str | None = None
    active: bool = True
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass
class FieldSpec:
    code: str
    name: str
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass
class DecisionSpec:
    number: str = ""
    date: dt.date | None = None
    effective_date: dt.date | None = None
    status: str | None = None  # None: implicit (new for the first version, amended after)


@dataclass
class ProcedureSpec:
    code: str
    name: str
    field: str
    levels: list[str]
    deadline_amount: Decimal = Decimal(0)
    deadline_unit: str = ""
    cutoff: dt.time | None = None
    online: str = OnlineLevel.NONE
    fee: int = 0
    fee_known: bool = True
    fee_rule: str = ""
    fees: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    components: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    results: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    decision: DecisionSpec = dataclasses.field(default_factory=DecisionSpec)
    process: list[StepSpec] | None = None
    process_note: str = ""
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def active(self) -> bool:
        return self.decision.status != VersionStatus.ABOLISHED


@dataclass
class MemberSpec:
    procedure: str
    order: int
    mode: str
    position: int
    step_amount: Decimal | None = None
    step_unit: str = ""
    step_extra: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass
class GroupSpec:
    code: str
    name: str
    members: list[MemberSpec]
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass
class Catalog:
    attributes: dict[str, Any] = dataclasses.field(default_factory=dict)
    units: list[UnitSpec] = dataclasses.field(default_factory=list)  # parents before children
    fields: list[FieldSpec] = dataclasses.field(default_factory=list)
    procedures: list[ProcedureSpec] = dataclasses.field(default_factory=list)
    groups: list[GroupSpec] = dataclasses.field(default_factory=list)


class _Bad(Exception):
    """One problem with one key; turned into a message naming the item by `_Checker`."""


def _str(value: Any, key: str, *, required: bool = True, max_len: int = 255) -> str:
    if value is None or value == "":
        if required:
            raise _Bad(f"{key} is required")
        return ""
    if not isinstance(value, str):
        hint = " (quote it)" if isinstance(value, int | float) and not isinstance(value, bool) else ""
        raise _Bad(f"{key} must be a string, not {_type(value)} {value!r}{hint}")
    text = nfc(value.strip())
    if len(text) > max_len:
        raise _Bad(f"{key} is longer than {max_len} characters")
    return text


def _type(value: Any) -> str:
    return {dict: "a mapping", list: "a list", bool: "a boolean", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def _bool(value: Any, key: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _Bad(f"{key} must be true or false, not {value!r}")
    return value


def _int(value: Any, key: str, default: int, minimum: int = 0) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise _Bad(f"{key} must be a whole number, not {_type(value)} {value!r}")
    if value < minimum:
        raise _Bad(f"{key} must be at least {minimum}, not {value}")
    return value


def _amount(value: Any, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise _Bad(f"{key} must be a number, not {_type(value)} {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _Bad(f"{key} must be a number, not {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise _Bad(f"{key} must not be negative, got {value}")
    if amount >= Decimal(1_000_000):
        raise _Bad(f"{key} {value} is too large")
    if amount != amount.quantize(Decimal("0.01")):
        raise _Bad(f"{key} {value} has more than two decimals")
    return amount


def _choice(value: Any, key: str, choices: Iterable[str]) -> str:
    allowed = [c for c in choices if c]
    if not isinstance(value, str) or value not in allowed:
        raise _Bad(f"{key} {value!r} is not one of {', '.join(allowed)}")
    return value


def _time(value: Any, key: str) -> dt.time:
    # YAML 1.1 reads an unquoted 15:00 as the base-60 number 900 (minutes).
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return dt.time(value // 60, value % 60)
    if isinstance(value, str):
        try:
            hours, minutes = value.strip().split(":")
            return dt.time(int(hours), int(minutes))
        except ValueError:
            pass
    raise _Bad(f"{key} {value!r} is not a time HH:MM")


def _date(value: Any, key: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _Bad(f"{key} {value!r} is not a date YYYY-MM-DD")


def _list(value: Any, key: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Bad(f"{key} must be a list, not {_type(value)}")
    return value


def _mapping(value: Any, key: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _Bad(f"{key} must be a mapping, not {_type(value)} {value!r}")
    return value


def _extra(item: Mapping[str, Any], known: set[str]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in known}


def jsonable(value: Any) -> Any:
    """Extra values are stored as JSON: dates from YAML become ISO strings."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


class _Checker:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def run(self, where: str, fn: Callable[[], Any]) -> Any:
        try:
            return fn()
        except _Bad as exc:
            self.errors.append(f"{where}: {exc}")
            return None


def _where(section: str, index: int, item: Any) -> str:
    code = item.get("code") if isinstance(item, Mapping) else None
    return f"{section}[{index}]" + (f" (code {code})" if isinstance(code, str) and code else "")


def _deadline(value: Any, key: str) -> tuple[Decimal, str, dt.time | None]:
    d = _mapping(value, key)
    unit = _choice(d.get("unit"), f"{key}.unit", DeadlineUnit.values)
    if "amount" not in d and unit != DeadlineUnit.SAME_DAY:
        raise _Bad(f"{key}.amount is required")
    amount = _amount(d.get("amount", 0), f"{key}.amount")
    if unit in (DeadlineUnit.WORKING_DAYS, DeadlineUnit.CALENDAR_DAYS) and (
        amount < 1 or amount != amount.to_integral_value()
    ):
        raise _Bad(f"{key}.amount must be a whole number of days, at least 1, for {unit}, not {d.get('amount')}")
    if unit == DeadlineUnit.WORKING_HOURS and amount <= 0:
        raise _Bad(f"{key}.amount must be more than 0 for working_hours")
    cutoff = _time(d["cutoff"], f"{key}.cutoff") if d.get("cutoff") is not None else None
    if unit == DeadlineUnit.SAME_DAY and cutoff is None:
        cutoff = DEFAULT_CUTOFF
    unknown = set(d) - {"amount", "unit", "cutoff"}
    if unknown:
        raise _Bad(f"{key} has unknown key {sorted(unknown)[0]!r} (expected amount, unit, cutoff)")
    return amount, unit, cutoff


def _component(value: Any, key: str) -> dict[str, Any]:
    c = _mapping(value, key)
    kind = c.get("kind") or ""
    if kind == "original":
        kind = ""
    return {
        "name": _str(c.get("name"), f"{key}.name", max_len=100_000),
        "copies": _int(c.get("copies"), f"{key}.copies", 1),
        "mandatory": _bool(c.get("mandatory"), f"{key}.mandatory", True),
        "kind": _choice(kind, f"{key}.kind", ["original", *ComponentKind.values]) if kind else "",
        "form_template": _str(c.get("form_template"), f"{key}.form_template", required=False, max_len=500),
        "digitisation_required": _bool(c.get("digitisation_required"), f"{key}.digitisation_required", False),
        "extra": jsonable(_extra(c, COMPONENT_KEYS)),
    }


def _result(value: Any, key: str) -> dict[str, Any]:
    if isinstance(value, str):
        return {"name": _str(value, key, max_len=500), "code": ""}
    r = _mapping(value, key)
    unknown = set(r) - {"name", "code"}
    if unknown:
        raise _Bad(f"{key} has unknown key {sorted(unknown)[0]!r} (expected name, code)")
    return {
        "name": _str(r.get("name"), f"{key}.name", max_len=500),
        "code": _str(r.get("code"), f"{key}.code", required=False, max_len=40),
    }


def _fee(value: Any, key: str) -> dict[str, Any]:
    f = _mapping(value, key)
    unknown = set(f) - {"name", "amount", "rule"}
    if unknown:
        raise _Bad(f"{key} has unknown key {sorted(unknown)[0]!r} (expected name, amount, rule)")
    amount = None if f.get("amount") is None else _int(f.get("amount"), f"{key}.amount", 0)
    rule = _str(f.get("rule"), f"{key}.rule", required=False, max_len=100_000)
    if amount is None and not rule:
        raise _Bad(f"{key} needs an amount or a rule")
    return {"name": _str(f.get("name"), f"{key}.name", required=False), "amount": amount, "rule": rule}


def _decision(value: Any, key: str) -> DecisionSpec:
    if value is None:
        return DecisionSpec()
    if isinstance(value, str):
        return DecisionSpec(number=_str(value, key, max_len=100))
    d = _mapping(value, key)
    unknown = set(d) - {"number", "date", "effective_date", "status"}
    if unknown:
        raise _Bad(f"{key} has unknown key {sorted(unknown)[0]!r} (expected number, date, effective_date, status)")
    status = _choice(d["status"], f"{key}.status", VersionStatus.values) if d.get("status") is not None else None
    return DecisionSpec(
        number=_str(d.get("number"), f"{key}.number", required=False, max_len=100),
        date=_date(d.get("date"), f"{key}.date"),
        effective_date=_date(d.get("effective_date"), f"{key}.effective_date"),
        status=status,
    )


def _step(value: Any, key: str) -> StepSpec:
    s = _mapping(value, key)
    unknown = set(s) - {"name", "role", "unit", "duration", "parallel_group"}
    if unknown:
        raise _Bad(
            f"{key} has unknown key {sorted(unknown)[0]!r} (expected name, role, unit, duration, parallel_group)"
        )
    role = _choice(s["role"], f"{key}.role", Role.values) if s.get("role") else ""
    d = _mapping(s.get("duration"), f"{key}.duration") if s.get("duration") is not None else {}
    unit = _choice(d.get("unit", DeadlineUnit.WORKING_HOURS), f"{key}.duration.unit", DeadlineUnit.values)
    return StepSpec(
        name=_str(s.get("name"), f"{key}.name"),
        role=role,
        unit=_str(s.get("unit"), f"{key}.unit", required=False, max_len=40),
        duration_amount=_amount(d.get("amount", 0), f"{key}.duration.amount"),
        duration_unit=unit,
        parallel_group=_str(s.get("parallel_group"), f"{key}.parallel_group", required=False, max_len=20),
    )


def _process(value: Any, key: str) -> tuple[list[StepSpec], str]:
    note = ""
    if isinstance(value, Mapping):
        unknown = set(value) - {"steps", "note"}
        if unknown:
            raise _Bad(f"{key} has unknown key {sorted(unknown)[0]!r} (expected steps, note)")
        note = _str(value.get("note"), f"{key}.note", required=False, max_len=100_000)
        value = value.get("steps")
        key = f"{key}.steps"
    steps = [_step(s, f"{key}[{i}]") for i, s in enumerate(_list(value, key))]
    if not steps:
        raise _Bad(f"{key} must list at least one step")
    return steps, note


def _order(value: Any, key: str) -> list[tuple[list[str], str]]:
    """`order` items: a code (one stage), a list of codes (parallel) or {one_of: [codes]}."""
    stages: list[tuple[list[str], str]] = []
    for i, item in enumerate(_list(value, key)):
        k = f"{key}[{i}]"
        if isinstance(item, str):
            stages.append(([item], MemberMode.SEQUENCE))
        elif isinstance(item, list):
            stages.append(([_str(c, f"{k}[{j}]") for j, c in enumerate(item)], MemberMode.PARALLEL))
        elif isinstance(item, Mapping) and set(item) == {"one_of"}:
            codes = [_str(c, f"{k}.one_of[{j}]") for j, c in enumerate(_list(item["one_of"], f"{k}.one_of"))]
            stages.append((codes, MemberMode.ONE_OF))
        else:
            raise _Bad(f"{k} must be a procedure code, a list of codes (parallel) or {{one_of: [codes]}}")
        if not stages[-1][0]:
            raise _Bad(f"{k} is empty")
    return stages


def validate(document: Any, known: Mapping[str, Any] | None = None) -> Catalog:
    """Check the whole document against what the database already holds.

    `known` (from `importer.known_codes`): code sets under "units", "fields", "procedures" and the
    database's unit tree under "unit_parents" ({code: parent code or None}).
    """
    known = known or {}
    check = _Checker()
    if not isinstance(document, Mapping):
        raise CatalogError([f"the catalogue must be a mapping with units, fields, procedures, not {_type(document)}"])
    catalog = Catalog()
    for key, value in document.items():
        if key not in SECTIONS:
            catalog.attributes[str(key)] = jsonable(value)
    sections: dict[str, list[Any]] = {}
    for section in SECTIONS:
        sections[section] = check.run(section, lambda s=section: _list(document.get(s), s)) or []  # type: ignore[misc]

    # Codes written in the file, valid or not: an item with a bad key is reported once, not again
    # as an "unknown" reference from every item that points at it.
    written: dict[str, set[str]] = {s: set() for s in SECTIONS}

    def items(section: str) -> Iterable[tuple[str, Mapping[str, Any]]]:
        seen = written[section]
        for i, item in enumerate(sections[section]):
            where = _where(section, i, item)
            if not isinstance(item, Mapping):
                check.errors.append(f"{where}: must be a mapping, not {_type(item)}")
                continue
            code = check.run(where, lambda item=item: _str(item.get("code"), "code"))  # type: ignore[misc]
            if code is None:
                continue
            if code in seen:
                check.errors.append(f"{where}: code {code!r} is duplicated")
                continue
            seen.add(code)
            yield where, item

    # Units: fields first, then parents (resolved against the file and the database), then cycles.
    units: dict[str, UnitSpec] = {}
    for where, u in items("units"):

        def unit(u: Mapping[str, Any] = u) -> UnitSpec:
            kind = _str(u.get("kind"), "kind", required=False, max_len=40)
            category = _choice(u["category"], "category", Category.values) if u.get("category") else ""
            return UnitSpec(
                code=_str(u.get("code"), "code", max_len=40),
                name=_str(u.get("name"), "name"),
                level=_choice(u.get("level"), "level", Level.values),
                kind=kind,
                category=category or category_for_kind(kind),
                parent=_str(u.get("parent"), "parent", required=False, max_len=40) or None,
                active=_bool(u.get("active"), "active", True),
                extra=jsonable(_extra(u, UNIT_KEYS)),
            )

        spec = check.run(where, unit)
        if spec is not None:
            units[spec.code] = spec
    unit_codes = written["units"] | set(known.get("units", ()))
    for i, item in enumerate(sections["units"]):
        code = item.get("code") if isinstance(item, Mapping) else None
        spec = units.get(code) if isinstance(code, str) else None
        if spec and spec.parent and spec.parent not in unit_codes:
            check.errors.append(f"{_where('units', i, item)}: parent {spec.parent!r} is not a known unit")
    _cycles(units, known.get("unit_parents", {}), check)
    catalog.units = _parents_first(units)

    for where, f in items("fields"):
        spec_f = check.run(
            where,
            lambda f=f: FieldSpec(  # type: ignore[misc]
                code=_str(f.get("code"), "code", max_len=20),
                name=_str(f.get("name"), "name"),
                extra=jsonable(_extra(f, FIELD_KEYS)),
            ),
        )
        if spec_f is not None:
            catalog.fields.append(spec_f)
    field_codes = written["fields"] | set(known.get("fields", ()))

    for where, p in items("procedures"):
        spec_p = check.run(where, lambda p=p: _procedure(p, field_codes, unit_codes))  # type: ignore[misc]
        if spec_p is not None:
            catalog.procedures.append(spec_p)
    procedure_codes = written["procedures"] | set(known.get("procedures", ()))

    for where, g in items("linked_groups"):
        spec_g = check.run(where, lambda g=g: _group(g, procedure_codes))  # type: ignore[misc]
        if spec_g is not None:
            catalog.groups.append(spec_g)

    if check.errors:
        raise CatalogError(check.errors)
    return catalog


def _cycles(units: dict[str, UnitSpec], db_parents: Mapping[str, str | None], check: _Checker) -> None:
    """Report parent cycles, including ones closed through units already in the database."""
    reported: set[frozenset[str]] = set()
    for spec in units.values():
        chain = [spec.code]
        parent = spec.parent
        while parent:
            if parent in chain:
                cycle = chain[chain.index(parent) :]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    check.errors.append(f"units (code {parent}): parent cycle {' -> '.join([*cycle, parent])}")
                break
            chain.append(parent)
            parent = units[parent].parent if parent in units else db_parents.get(parent)


def _parents_first(units: dict[str, UnitSpec]) -> list[UnitSpec]:
    ordered: list[UnitSpec] = []
    done: set[str] = set()

    def visit(code: str, depth: int) -> None:
        if code in done or code not in units or depth > len(units):
            return
        parent = units[code].parent
        if parent:
            visit(parent, depth + 1)
        done.add(code)
        ordered.append(units[code])

    for code in units:
        visit(code, 0)
    return ordered


def _procedure(p: Mapping[str, Any], field_codes: set[str], unit_codes: set[str]) -> ProcedureSpec:
    field_code = _str(p.get("field"), "field", max_len=20)
    if field_code not in field_codes:
        raise _Bad(f"field {field_code!r} is not a known field")
    levels = [_choice(v, f"levels[{i}]", Level.values) for i, v in enumerate(_list(p.get("levels"), "levels"))]
    if len(set(levels)) != len(levels):
        raise _Bad("levels lists a level twice")
    spec = ProcedureSpec(
        code=_str(p.get("code"), "code", max_len=40),
        name=_str(p.get("name"), "name", max_len=2000),
        field=field_code,
        levels=levels,
        online=_choice(p["online"], "online", OnlineLevel.values) if p.get("online") is not None else OnlineLevel.NONE,
        fee=_int(p.get("fee"), "fee", 0),
        fee_known=p.get("fee") is not None,
        fee_rule=_str(p.get("fee_rule"), "fee_rule", required=False, max_len=100_000),
        fees=[_fee(f, f"fees[{i}]") for i, f in enumerate(_list(p.get("fees"), "fees"))],
        components=[_component(c, f"components[{i}]") for i, c in enumerate(_list(p.get("components"), "components"))],
        results=[_result(r, f"results[{i}]") for i, r in enumerate(_list(p.get("results"), "results"))],
        decision=_decision(p.get("decision"), "decision"),
        extra=jsonable(_extra(p, PROCEDURE_KEYS)),
    )
    if p.get("deadline") is not None:
        spec.deadline_amount, spec.deadline_unit, spec.cutoff = _deadline(p["deadline"], "deadline")
    if p.get("process") is not None:
        spec.process, spec.process_note = _process(p["process"], "process")
        for i, step in enumerate(spec.process):
            if step.unit and step.unit not in unit_codes:
                raise _Bad(f"process step {i} unit {step.unit!r} is not a known unit")
    return spec


def _group(g: Mapping[str, Any], procedure_codes: set[str]) -> GroupSpec:
    code = _str(g.get("code"), "code", max_len=40)
    listed = [_str(c, f"procedures[{i}]") for i, c in enumerate(_list(g.get("procedures"), "procedures"))]
    stages = _order(g["order"], "order") if g.get("order") is not None else [([c], MemberMode.SEQUENCE) for c in listed]
    in_order = [c for codes, _ in stages for c in codes]
    if not in_order:
        raise _Bad("procedures must list at least one member")
    if len(set(in_order)) != len(in_order):
        raise _Bad("order lists a procedure twice")
    if listed and set(listed) != set(in_order):
        odd = sorted(set(listed) ^ set(in_order))[0]
        raise _Bad(f"procedures and order disagree about member {odd!r}")
    if len(set(listed)) != len(listed):
        raise _Bad("procedures lists a member twice")
    for c in in_order:
        if c not in procedure_codes:
            raise _Bad(f"member {c!r} is not a known procedure")
    positions = {c: i for i, c in enumerate(listed or in_order)}
    members = {
        c: MemberSpec(procedure=c, order=stage, mode=mode, position=positions[c])
        for stage, (codes, mode) in enumerate(stages, start=1)
        for c in codes
    }
    for i, sd in enumerate(_list(g.get("step_deadlines"), "step_deadlines")):
        k = f"step_deadlines[{i}]"
        sdm = _mapping(sd, k)
        member = members.get(_str(sdm.get("procedure"), f"{k}.procedure"))
        if member is None:
            raise _Bad(f"{k}.procedure {sdm.get('procedure')!r} is not a member of the group")
        member.step_unit = _choice(sdm.get("unit"), f"{k}.unit", DeadlineUnit.values)
        member.step_amount = _amount(sdm.get("amount", 0), f"{k}.amount")
        member.step_extra = jsonable(_extra(sdm, {"procedure", "amount", "unit"}))
    return GroupSpec(
        code=code,
        name=_str(g.get("name"), "name", max_len=500),
        members=sorted(members.values(), key=lambda m: m.position),
        extra=jsonable(_extra(g, GROUP_KEYS)),
    )
