"""Import a criteria set (Bộ chỉ số CCHC) from YAML or XLSX: all or nothing, errors in plain English.

Both formats become the same list of rows (code, name, max, method, metric, rule, guidance), each
remembering where it came from ("line 12" / "row 5"), checked together before anything is written.
File format: docs/REFORM.md.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from motcua.core.text import nfc
from motcua.reform import scoring
from motcua.reform.models import CriteriaSet, Criterion, Method, ReformEvent, UnitGroup

CODE = re.compile(r"^[1-9]\d*(\.[1-9]\d*){0,2}$")
HEADER_KEYS = ("code", "name", "year", "group", "version", "basis", "total")
COLUMNS = ("code", "name", "max", "method", "metric", "rule", "guidance", "evidence")


class ImportFailed(ValueError):
    """The file is refused; `errors` lists every problem found (nothing was written)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__(errors[0] if errors else "invalid file")
        self.errors = errors


@dataclass
class Row:
    where: str
    code: str
    name: str
    max: Any
    method: str
    metric: str = ""
    rule: Any = None
    guidance: str = ""
    evidence: Any = False
    has_children: bool = False


@dataclass
class Parsed:
    header: dict[str, Any]
    rows: list[Row]
    errors: list[str] = field(default_factory=list)


@dataclass
class Result:
    criteria_set: CriteriaSet | None
    code: str
    criteria: int
    leaves: int
    total: Decimal
    dry_run: bool

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "criteria": self.criteria,
            "leaves": self.leaves,
            "total": str(self.total),
            "dry_run": self.dry_run,
        }


# --- YAML ------------------------------------------------------------------------------------------


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records each mapping's line (1-based) under the key `__line__`."""


def _mapping_with_line(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = {str(k): v for k, v in loader.construct_mapping(node, deep=True).items()}
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


def parse_yaml(text: str) -> Parsed:
    try:
        doc = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        raise ImportFailed([f"{where}not valid YAML ({getattr(exc, 'problem', None) or exc})"]) from None
    if not isinstance(doc, dict):
        raise ImportFailed(["line 1: expected a mapping with the set's code, name, year, group and criteria"])
    header = {k: doc.get(k) for k in HEADER_KEYS if k in doc}
    parsed = Parsed(header, [])
    criteria = doc.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        parsed.errors.append(f"line {doc['__line__']}: 'criteria' must be a non-empty list")
        return parsed

    def walk(items: list[Any], parent_line: int) -> None:
        for item in items:
            if not isinstance(item, dict):
                parsed.errors.append(f"line {parent_line}: each criterion must be a mapping (code, name, max, ...)")
                continue
            where = f"line {item['__line__']}"
            children = item.get("children") or []
            if not isinstance(children, list):
                parsed.errors.append(f"{where}: 'children' must be a list")
                children = []
            unknown = set(item) - {*COLUMNS, "children", "__line__"}
            if unknown:
                parsed.errors.append(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
            parsed.rows.append(
                Row(
                    where=where,
                    code=str(item.get("code", "")).strip(),
                    name=nfc(str(item.get("name") or "")).strip(),
                    max=item.get("max"),
                    method=str(item.get("method") or ("group" if children else "")).strip(),
                    metric=str(item.get("metric") or "").strip(),
                    rule=_strip_lines(item.get("rule")),
                    guidance=nfc(str(item.get("guidance") or "")).strip(),
                    evidence=item.get("evidence", False),
                    has_children=bool(children),
                )
            )
            walk(children, item["__line__"])

    walk(criteria, doc["__line__"])
    return parsed


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != "__line__"}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


# --- XLSX ------------------------------------------------------------------------------------------


def parse_xlsx(data: bytes) -> Parsed:
    """Sheet `set`: key | value rows (code, name, year, group, version, basis, total). Sheet `criteria`:
    a header row naming the columns code, name, max, method, metric, rule (JSON), guidance."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise ImportFailed(["not a readable XLSX workbook"]) from None
    missing = [name for name in ("set", "criteria") if name not in wb.sheetnames]
    if missing:
        raise ImportFailed([f"the workbook has no sheet named {', '.join(repr(m) for m in missing)}"])
    header: dict[str, Any] = {}
    for i, row in enumerate(wb["set"].iter_rows(values_only=True), start=1):
        if not row or row[0] in (None, ""):
            continue
        key = str(row[0]).strip().lower()
        if key in HEADER_KEYS:
            header[key] = row[1] if len(row) > 1 else None
        elif i > 1 or key not in ("key", "khoa"):
            raise ImportFailed([f"sheet 'set' row {i}: unknown key {key!r}"])
    parsed = Parsed(header, [])
    rows = wb["criteria"].iter_rows(values_only=True)
    titles = [str(c or "").strip().lower() for c in next(rows, ())]
    absent = [c for c in ("code", "name", "max", "method") if c not in titles]
    if absent:
        raise ImportFailed([f"sheet 'criteria' row 1: missing column(s) {', '.join(absent)}"])
    col = {name: titles.index(name) for name in COLUMNS if name in titles}
    for i, values in enumerate(rows, start=2):
        if not values or all(v in (None, "") for v in values):
            continue

        def cell(name: str, values: tuple[Any, ...] = values) -> Any:
            j = col.get(name)
            return values[j] if j is not None and j < len(values) else None

        where = f"sheet 'criteria' row {i}"
        rule: Any = None
        raw_rule = cell("rule")
        if raw_rule not in (None, ""):
            try:
                rule = json.loads(str(raw_rule))
            except ValueError:
                parsed.errors.append(f'{where}: \'rule\' is not valid JSON (e.g. {{"kind": "target", "target": 0.95}})')
        parsed.rows.append(
            Row(
                where=where,
                code=str(cell("code") or "").strip(),
                name=nfc(str(cell("name") or "")).strip(),
                max=cell("max"),
                method=str(cell("method") or "").strip().lower(),
                metric=str(cell("metric") or "").strip(),
                rule=rule,
                guidance=nfc(str(cell("guidance") or "")).strip(),
                evidence=_yes(cell("evidence")),
            )
        )
    codes = {r.code for r in parsed.rows}
    for r in parsed.rows:
        r.has_children = any(c.rsplit(".", 1)[0] == r.code for c in codes if "." in c)
        if not r.method and r.has_children:
            r.method = "group"
    return parsed


# --- checks and writing ----------------------------------------------------------------------------


def _yes(value: Any) -> Any:
    """An XLSX cell as a yes/no: empty → False; yes, x, 1, true, có → True; anything else stays (refused)."""
    if value in (None, "", 0, False):
        return False
    text = str(value).strip().lower()
    if text in ("yes", "x", "1", "true", "có", "co"):
        return True
    return False if text in ("no", "0", "false", "không", "khong") else value


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        d = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return None
    return d if d.is_finite() else None


def check(parsed: Parsed) -> tuple[dict[str, Any], list[Row], dict[str, Decimal]]:
    """Every problem at once (ImportFailed), else (header, rows, max points by code)."""
    from motcua.reform.metrics import REGISTRY

    errors = list(parsed.errors)
    h = parsed.header
    code = nfc(str(h.get("code") or "")).strip()
    name = nfc(str(h.get("name") or "")).strip()
    if not code:
        errors.append("set: 'code' is missing")
    if not name:
        errors.append("set: 'name' is missing")
    year, version = h.get("year"), h.get("version", 1)
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        errors.append(f"set: 'year' must be a year such as 2025, not {year!r}")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        errors.append(f"set: 'version' must be a whole number from 1, not {version!r}")
    if h.get("group") not in UnitGroup.values:
        errors.append(f"set: 'group' must be one of {', '.join(UnitGroup.values)}, not {h.get('group')!r}")
    rows = parsed.rows
    seen: dict[str, Row] = {}
    for r in rows:
        if not CODE.match(r.code):
            errors.append(f"{r.where}: code {r.code!r} must look like 1, 1.2 or 1.2.3")
            continue
        if r.code in seen:
            errors.append(f"{r.where}: code {r.code} already used at {seen[r.code].where}")
            continue
        seen[r.code] = r
        if not r.name:
            errors.append(f"{r.where}: criterion {r.code} has no name")
        if "." in r.code and r.code.rsplit(".", 1)[0] not in seen:
            errors.append(
                f"{r.where}: criterion {r.code} comes before (or without) its parent {r.code.rsplit('.', 1)[0]}"
            )
        if r.has_children:
            if r.method != Method.GROUP:
                errors.append(f"{r.where}: criterion {r.code} has sub-criteria, so its method must be empty or 'group'")
            continue
        if r.method not in (Method.MANUAL, Method.COMPUTED, Method.SURVEY):
            errors.append(f"{r.where}: criterion {r.code}: method must be manual, computed or survey, not {r.method!r}")
        points = _decimal(r.max)
        if points is None or points <= 0 or points > 100:
            errors.append(f"{r.where}: criterion {r.code}: 'max' must be a number of points above 0, not {r.max!r}")
        if r.method == Method.COMPUTED and r.metric not in REGISTRY:
            errors.append(
                f"{r.where}: criterion {r.code}: unknown metric {r.metric!r} (known: {', '.join(sorted(REGISTRY))})"
            )
        if r.method != Method.COMPUTED and r.metric:
            errors.append(f"{r.where}: criterion {r.code}: only computed criteria take a 'metric'")
        if r.method in (Method.COMPUTED, Method.SURVEY):
            if r.rule is None:
                r.rule = {"kind": "target", "target": 1}
            if not isinstance(r.rule, dict):
                errors.append(f"{r.where}: criterion {r.code}: 'rule' must be a mapping")
            else:
                try:
                    scoring.check_rule(r.rule)
                except scoring.RuleError as exc:
                    errors.append(f"{r.where}: criterion {r.code}: {exc}")
        elif r.rule not in (None, {}):
            errors.append(f"{r.where}: criterion {r.code}: only computed and survey criteria take a 'rule'")
        if not isinstance(r.evidence, bool):
            errors.append(f"{r.where}: criterion {r.code}: 'evidence' must be true or false, not {r.evidence!r}")
        elif r.evidence and r.method != Method.MANUAL:
            errors.append(f"{r.where}: criterion {r.code}: only manual criteria require evidence")
    maxima: dict[str, Decimal] = {}
    if not errors:
        for r in sorted(rows, key=lambda r: -r.code.count(".")):
            if r.has_children:
                total = sum((maxima[c] for c in maxima if c.rsplit(".", 1)[0] == r.code and "." in c), Decimal(0))
                given = _decimal(r.max)
                if r.max not in (None, "") and given != total:
                    errors.append(
                        f"{r.where}: criterion {r.code}: 'max' is {r.max} but its sub-criteria add up to {total}"
                    )
                maxima[r.code] = total
            else:
                maxima[r.code] = _decimal(r.max) or Decimal(0)
        grand = sum((maxima[r.code] for r in rows if "." not in r.code), Decimal(0))
        declared = _decimal(h.get("total"))
        if h.get("total") not in (None, "") and declared != grand:
            errors.append(f"set: 'total' is {h.get('total')} but the fields add up to {grand}")
    if not errors and CriteriaSet.objects.filter(code=code).exists():
        errors.append(f"set: a criteria set with code {code!r} already exists (raise 'version' and change 'code')")
    if not errors and CriteriaSet.objects.filter(year=int(year or 0), group=h["group"], version=version).exists():
        errors.append(f"set: version {version} of the {h['group']} set for {year} already exists")
    if errors:
        raise ImportFailed(errors)
    header = {"code": code, "name": name, "year": year, "group": h["group"], "version": version}
    header["basis"] = nfc(str(h.get("basis") or "")).strip()
    return header, rows, maxima


def import_set(filename: str, data: bytes, *, dry_run: bool = False, actor: Any = None) -> Result:
    """Parse, check and (unless `dry_run`) write the set in one transaction; ImportFailed lists the problems."""
    if filename.lower().endswith((".yaml", ".yml")):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ImportFailed(["the YAML file is not UTF-8 text"]) from None
        parsed = parse_yaml(text)
    elif filename.lower().endswith(".xlsx"):
        parsed = parse_xlsx(data)
    else:
        raise ImportFailed(["the file must be .yaml, .yml or .xlsx"])
    header, rows, maxima = check(parsed)
    leaves = sum(1 for r in rows if not r.has_children)
    total = sum((maxima[r.code] for r in rows if "." not in r.code), Decimal(0))
    if dry_run:
        return Result(None, header["code"], len(rows), leaves, total, True)
    now = timezone.now()
    with transaction.atomic():
        cs = CriteriaSet.objects.create(source=filename[:255], imported_at=now, **header)
        by_code: dict[str, Criterion] = {}
        for order, r in enumerate(rows, start=1):
            parent = by_code.get(r.code.rsplit(".", 1)[0]) if "." in r.code else None
            by_code[r.code] = Criterion.objects.create(
                criteria_set=cs,
                parent=parent,
                code=r.code,
                name=r.name[:500],
                max_points=maxima[r.code],
                method=Method.GROUP if r.has_children else r.method,
                metric=r.metric,
                rule=r.rule or {},
                guidance=r.guidance,
                evidence_required=bool(r.evidence) and not r.has_children,
                order=order,
            )
        ReformEvent.objects.create(
            criteria_set=cs,
            type="set_imported",
            actor=actor if getattr(actor, "pk", None) else None,
            at=now,
            payload={"file": filename, "criteria": len(rows), "total": str(total)},
        )
    return Result(cs, cs.code, len(rows), leaves, total, False)
