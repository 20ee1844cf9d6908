from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from motcua.core.tests.live import free_port


@pytest.fixture
def population_up(live_server: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The adapter pointed at the simulator, served over HTTP by the live test server."""
    url = f"{live_server.url}/sim/csdlqg-dancu/"
    monkeypatch.setenv("MOTCUA_POPULATION_URL", url)
    monkeypatch.setenv("MOTCUA_POPULATION_PROVIDER", "csdlqg")
    yield url


@pytest.fixture
def population_down(monkeypatch: pytest.MonkeyPatch) -> str:
    """The adapter pointed at a port nobody listens on (connection refused)."""
    url = f"http://127.0.0.1:{free_port()}/csdlqg-dancu/"
    monkeypatch.setenv("MOTCUA_POPULATION_URL", url)
    monkeypatch.setenv("MOTCUA_POPULATION_PROVIDER", "csdlqg")
    return url
