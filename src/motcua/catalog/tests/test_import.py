"""`motcua catalog import/export`: the sample loads, re-imports change nothing, bad files write nothing."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from motcua.catalog.exporter import export_catalog
from motcua.catalog.importer import import_document
from motcua.catalog.models import (
    CatalogAttribute,
    Fee,
    Field,
    LinkedGroup,
    LinkedGroupMember,
    Procedure,
    ProcedureResult,
    ProcedureVersion,
    ProcessDefinition,
    ProcessStep,
    RequiredComponent,
)
from motcua.catalog.process import deadline_budget_hours
from motcua.catalog.spec import CatalogError
from motcua.cli import main
from motcua.organizations.models import Category, Unit

SAMPLE = Path(__file__).resolve().parents[2] / "demo" / "sample-catalog.yaml"
MODELS = [
    Unit,
    Field,
    Procedure,
    ProcedureVersion,
    RequiredComponent,
    ProcedureResult,
    Fee,
    ProcessDefinition,
    ProcessStep,
    LinkedGroup,
    LinkedGroupMember,
    CatalogAttribute,
]

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


def small() -> dict[str, Any]:
    """A catalogue in the contracts §3 shape."""
    return {
        "units": [
            {"code": "H32", "name": "UBND tỉnh Khánh Hòa", "level": "province", "kind": "ubnd_tinh"},
            {"code": "H32.27", "name": "Sở Tư pháp", "level": "province", "parent": "H32", "kind": "so"},
            {"code": "H32.101", "name": "Phường Nha Trang", "level": "commune", "parent": "H32", "kind": "phuong"},
        ],
        "fields": [{"code": "HT", "name": "Hộ tịch"}, {"code": "CT", "name": "Chứng thực"}],
        "procedures": [
            {
                "code": "1.001193",
                "name": "Thủ tục đăng ký khai sinh",
                "field": "HT",
                "levels": ["commune"],
                "deadline": {"amount": 1, "unit": "working_days"},
                "online": "full",
                "fee": 0,
            },
            {
                "code": "1.000894",
                "name": "Thủ tục đăng ký kết hôn",
                "field": "HT",
                "levels": ["commune"],
                "deadline": {"amount": 0, "unit": "same_day"},
                "online": "partial",
                "fee": 0,
            },
        ],
    }


def write(tmp_path: Path, doc: Any, name: str = "catalog.yaml") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc) if name.endswith(".json") else yaml.safe_dump(doc, allow_unicode=True))
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_sample_catalogue_loads_every_section() -> None:
    summary = import_document(yaml.safe_load(SAMPLE.read_text()))
    assert summary.counts["units"]["created"] == 33
    assert summary.counts["fields"]["created"] == 19
    assert summary.counts["procedures"]["created"] == 48
    assert summary.counts["linked_groups"]["created"] == 2
    khai_sinh = Procedure.objects.get(code="1.001193")
    assert khai_sinh.deadline_unit == "same_day" and str(khai_sinh.cutoff) == "15:00:00"
    assert khai_sinh.components.count() == 6 and khai_sinh.components.filter(mandatory=True).count() == 3
    assert list(khai_sinh.results.values_list("code", flat=True)) == ["KQ.G15.000031"]
    assert khai_sinh.extra["handled_by"] == "Ủy ban nhân dân cấp xã"
    assert khai_sinh.versions.get().decision_number == "163/QĐ-BTP"
    assert Unit.objects.get(code="H32.02").category == Category.SERVICE_CENTRE
    assert Unit.objects.get(code="H32.101.01").parent == Unit.objects.get(code="H32.101")
    assert Unit.objects.get(code="H32.107").extra["merged_from"][0] == "Cam Lập"
    assert Field.objects.get(code="TNTG").extra == {"alias": "Tín ngưỡng, tôn giáo"}
    group = LinkedGroup.objects.get(code="3.000722")
    stages = [(m.procedure.code, m.order, m.mode) for m in group.members.order_by("position")]
    assert stages == [
        ("1.001193", 1, "sequence"),
        ("1.004222", 2, "parallel"),
        ("1.014137", 2, "parallel"),
        ("1.116410", 3, "sequence"),
    ]
    first = group.members.get(procedure__code="1.001193")
    assert (first.step_amount, first.step_unit) == (Decimal(24), "working_hours")
    one_of = LinkedGroup.objects.get(code="2.002913").members.filter(mode="one_of")
    assert one_of.count() == 3 and {m.order for m in one_of} == {3}
    # Procedures without a deadline still import (2.002481 publishes none).
    assert Procedure.objects.get(code="2.002481").deadline_unit == ""


def test_importing_twice_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "catalog", "import", str(SAMPLE))[0] == 0
    before, exported = counts(), export_catalog()
    code, out, err = run(capsys, "catalog", "import", str(SAMPLE), "--json")
    assert code == 0
    summary = json.loads(out)
    assert summary["procedures"] == {"created": 0, "updated": 0, "unchanged": 48}
    assert summary["procedure_versions_created"] == 0 and summary["process_versions_created"] == 0
    assert err.count("\n") == 1 and "48 unchanged" in err
    assert counts() == before
    assert export_catalog() == exported


def test_export_then_import_is_stable_and_keeps_extra_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import_document(yaml.safe_load(SAMPLE.read_text()))
    out_file = tmp_path / "out.json"
    assert run(capsys, "catalog", "export", "--output", str(out_file))[0] == 0
    exported = json.loads(out_file.read_text())
    # Every key of the sample file comes back, with the same values.
    original = json.loads(json.dumps(yaml.safe_load(SAMPLE.read_text()), default=str))
    for section in ("units", "fields", "procedures", "linked_groups"):
        assert {i["code"]: i for i in exported[section]} == {i["code"]: i for i in original[section]}
    assert exported["sources"] == original["sources"]
    before = counts()
    code, _, err = run(capsys, "catalog", "import", str(out_file))
    assert code == 0 and "0 updated" in err
    assert counts() == before
    code, yaml_out, _ = run(capsys, "catalog", "export", "--format", "yaml")
    assert code == 0 and yaml.safe_load(yaml_out) == exported


def test_json_input_is_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "catalog", "import", str(write(tmp_path, small(), "c.json")))
    assert code == 0, err
    assert Procedure.objects.get(code="1.000894").cutoff is not None  # same_day defaults to 15:00
    assert Unit.objects.get(code="H32.27").parent.code == "H32"  # type: ignore[union-attr]


def _break(doc: dict[str, Any], section: str, index: int, **changes: Any) -> dict[str, Any]:
    for key, value in changes.items():
        if value is None:
            doc[section][index].pop(key, None)
        else:
            doc[section][index][key] = value
    return doc


BROKEN = {
    "unknown field": (
        lambda d: _break(d, "procedures", 1, field="XX"),
        "procedures[1] (code 1.000894): field 'XX' is not a known field",
    ),
    "bad deadline unit": (
        lambda d: _break(d, "procedures", 1, deadline={"amount": 2, "unit": "weeks"}),
        "procedures[1] (code 1.000894): deadline.unit 'weeks' is not one of working_days, working_hours, calendar_days, same_day",
    ),
    "bad level": (
        lambda d: _break(d, "units", 2, level="ward"),
        "units[2] (code H32.101): level 'ward' is not one of province, district, commune",
    ),
    "unknown parent": (
        lambda d: _break(d, "units", 1, parent="H99"),
        "units[1] (code H32.27): parent 'H99' is not a known unit",
    ),
    "duplicate code": (
        lambda d: _break(d, "procedures", 1, code="1.001193"),
        "procedures[1] (code 1.001193): code '1.001193' is duplicated",
    ),
    "missing required key": (
        lambda d: _break(d, "procedures", 0, name=None),
        "procedures[0] (code 1.001193): name is required",
    ),
    "wrong type": (
        lambda d: _break(d, "procedures", 0, fee="free"),
        "procedures[0] (code 1.001193): fee must be a whole number, not str 'free'",
    ),
    "negative amount": (
        lambda d: _break(d, "procedures", 0, deadline={"amount": -1, "unit": "working_hours"}),
        "procedures[0] (code 1.001193): deadline.amount must not be negative, got -1",
    ),
    "text too long for its column": (
        lambda d: _break(d, "units", 0, name="x" * 256),
        "units[0] (code H32): name is longer than 255 characters",
    ),
    "unknown member": (
        lambda d: {**d, "linked_groups": [{"code": "G1", "name": "Nhóm", "procedures": ["1.001193", "9.999999"]}]},
        "linked_groups[0] (code G1): member '9.999999' is not a known procedure",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_file_exits_2_names_the_item_and_writes_nothing(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    breaker, message = BROKEN[case]
    path = write(tmp_path, breaker(small()))
    before = counts()
    code, out, err = run(capsys, "catalog", "import", str(path))
    assert code == 2
    assert err == f"motcua: error: {message}\n"
    assert out == ""
    assert counts() == before == dict.fromkeys(before, 0)


def test_several_errors_give_the_first_and_a_count_and_json_lists_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = _break(_break(small(), "procedures", 0, field="XX"), "units", 2, level="ward")
    code, out, err = run(capsys, "catalog", "import", str(write(tmp_path, doc)), "--json")
    assert code == 2
    assert err.count("\n") == 1 and err.rstrip().endswith("(and 1 more)")
    assert len(json.loads(out)["errors"]) == 2


def test_code_written_as_a_number_is_a_type_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("fields:\n  - {code: HT, name: Hộ tịch}\nprocedures:\n  - {code: 1.001193, name: X, field: HT}\n")
    code, _, err = run(capsys, "catalog", "import", str(path))
    assert code == 2
    assert "procedures[0]: code must be a string, not a number 1.001193 (quote it)" in err


def test_malformed_yaml_and_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("units:\n  - {code: H32, name: [unclosed\n")
    code, _, err = run(capsys, "catalog", "import", str(bad))
    assert code == 2 and err.count("\n") == 1 and "malformed YAML at line" in err
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('{"units": [}')
    code, _, err = run(capsys, "catalog", "import", str(bad_json))
    assert code == 2 and "malformed JSON at line 1" in err
    code, _, err = run(capsys, "catalog", "import", str(tmp_path / "nope.yaml"))
    assert code == 2 and err == f"motcua: error: {tmp_path / 'nope.yaml'}: no such file\n"
    not_a_mapping = write(tmp_path, ["units"])
    code, _, err = run(capsys, "catalog", "import", str(not_a_mapping))
    assert code == 2 and "must be a mapping" in err
    assert counts() == dict.fromkeys(counts(), 0)


def test_an_error_late_in_the_file_rolls_back_nothing_written_earlier() -> None:
    doc = small()
    doc["linked_groups"] = [{"code": "G", "name": "N", "order": ["1.001193", {"one_of": []}]}]
    with pytest.raises(CatalogError) as info:
        import_document(doc)
    assert info.value.errors == ["linked_groups[0] (code G): order[1] is empty"]
    assert Unit.objects.count() == 0


def test_default_process_fits_the_deadline_and_explicit_process_wins() -> None:
    import_document(small())
    khai_sinh = Procedure.objects.get(code="1.001193")
    definition = khai_sinh.process_definitions.get()
    steps = list(definition.steps.all())
    assert [s.role for s in steps] == ["clerk", "specialist", "leader", "clerk"]
    assert steps[0].name == "Tiếp nhận hồ sơ"
    budget = deadline_budget_hours(khai_sinh.deadline_amount, khai_sinh.deadline_unit)
    assert budget is not None and 0 < sum(s.duration_amount for s in steps) <= budget

    doc = small()
    doc["procedures"][0]["process"] = {
        "steps": [
            {"name": "Tiếp nhận", "role": "clerk", "duration": {"amount": 1, "unit": "working_hours"}},
            {"name": "Xác minh", "role": "specialist", "unit": "H32.27", "parallel_group": "A"},
        ]
    }
    summary = import_document(doc)
    assert summary.process_versions == 1
    versions = list(khai_sinh.process_definitions.order_by("version"))
    assert [(v.version, v.active, v.origin) for v in versions] == [(1, False, "default"), (2, True, "file")]
    assert versions[0].steps.count() == 4  # the old version is kept as it was
    assert versions[1].steps.get(order=2).unit.code == "H32.27"  # type: ignore[union-attr]
    # The same explicit process again: no new version; and it is exported.
    assert import_document(doc).process_versions == 0
    exported = {p["code"]: p for p in export_catalog()["procedures"]}
    assert exported["1.001193"]["process"]["steps"][1]["unit"] == "H32.27"
    assert "process" not in exported["1.000894"]


def test_a_changed_procedure_gets_a_new_amended_version() -> None:
    import_document(small())
    doc = small()
    doc["procedures"][0]["deadline"] = {"amount": 2, "unit": "working_days"}
    doc["procedures"][0]["decision"] = {"number": "200/QĐ-BTP", "date": "2026-01-05", "effective_date": "2026-02-01"}
    summary = import_document(doc)
    assert summary.counts["procedures"] == {"created": 0, "updated": 1, "unchanged": 1}
    versions = list(Procedure.objects.get(code="1.001193").versions.order_by("version"))
    assert [(v.version, v.status) for v in versions] == [(1, "new"), (2, "amended")]
    assert str(versions[1].effective_date) == "2026-02-01"
    # The default process followed the longer deadline with a new version.
    assert Procedure.objects.get(code="1.001193").process_definitions.count() == 2
    doc["procedures"][0]["decision"]["status"] = "abolished"
    import_document(doc)
    assert Procedure.objects.get(code="1.001193").active is False


def test_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "catalog", "import", str(write(tmp_path, small())), "--dry-run", "--json")
    assert code == 0 and json.loads(out)["procedures"]["created"] == 2 and "would import" in err
    assert Procedure.objects.count() == 0


def test_a_parent_cycle_is_reported_even_through_units_already_stored() -> None:
    import_document(small())
    doc = {"units": [{"code": "H32", "name": "UBND tỉnh", "level": "province", "parent": "H32.27"}]}
    with pytest.raises(CatalogError) as info:
        import_document(doc)
    assert info.value.errors == ["units (code H32): parent cycle H32 -> H32.27 -> H32"]
    in_file = {
        "units": [
            {"code": "A", "name": "A", "level": "province", "parent": "B"},
            {"code": "B", "name": "B", "level": "province", "parent": "A"},
        ]
    }
    with pytest.raises(CatalogError, match="parent cycle"):
        import_document(in_file)
    assert Unit.objects.get(code="H32").parent is None


def test_a_file_may_refer_to_rows_already_in_the_database() -> None:
    import_document(small())
    summary = import_document(
        {"procedures": [{"code": "2.000635", "name": "Cấp bản sao trích lục", "field": "CT", "levels": ["commune"]}]}
    )
    assert summary.counts["procedures"]["created"] == 1
    assert Procedure.objects.get(code="2.000635").field.code == "CT"


def test_query_helpers_for_other_contexts() -> None:
    from motcua.catalog.queries import current_version, mandatory_components, search_procedures

    import_document(yaml.safe_load(SAMPLE.read_text()))
    khai_sinh = Procedure.objects.get(code="1.001193")
    assert [c.order for c in mandatory_components(khai_sinh)] == [1, 2, 3]
    version = current_version(khai_sinh)
    assert version is not None and version.version == 1 and version.snapshot["code"] == "1.001193"
    found = set(search_procedures("dang ky ket hon").values_list("code", flat=True))
    assert "1.000894" in found and "1.001193" not in found
    assert search_procedures("   ").count() == Procedure.objects.count()


def test_cli_usage_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv, code in (
        (["catalog"], 2),
        (["catalog", "import"], 2),
        (["catalog", "import", str(tmp_path)], 2),
        (["catalog", "export", "--format", "xml"], 2),
        (["catalog", "export", "--output", str(tmp_path / "missing" / "x.yaml")], 1),
    ):
        exit_code, out, err = run(capsys, *argv)
        assert (exit_code, out, err.count("\n")) == (code, "", 1), argv
        assert err.startswith("motcua: error: ")
