from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def signing_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh test CA folder per test (the CA and certificates are made on first use)."""
    folder = tmp_path / "signing"
    monkeypatch.setenv("MOTCUA_SIGNING_DIR", str(folder))
    monkeypatch.delenv("MOTCUA_SIGNING_TRUST_ROOTS", raising=False)
    monkeypatch.delenv("MOTCUA_SIGNING_PROVIDER", raising=False)
    return folder
