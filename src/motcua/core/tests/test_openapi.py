"""The committed OpenAPI document must match the code (regenerate with `make openapi`)."""

from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[4]


def test_committed_openapi_matches_the_code(tmp_path: Path) -> None:
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate")
    committed = ROOT / "docs" / "openapi.yaml"
    assert committed.exists(), "docs/openapi.yaml is missing: run `make openapi`"
    assert generated.read_text() == committed.read_text(), "docs/openapi.yaml drifted: run `make openapi`"
