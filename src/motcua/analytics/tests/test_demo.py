"""The demo loader over the sample catalogue: loads once, through the import path, and is idempotent."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

SAMPLE = Path(__file__).resolve().parents[2] / "demo" / "sample-catalog.yaml"


@pytest.mark.django_db
def test_demo_loads_once(clock: Any) -> None:
    from motcua.analytics import demo
    from motcua.analytics.report import resolution_report
    from motcua.analytics.rules import LOCAL_TZ
    from motcua.catalog.importer import import_file
    from motcua.dossiers.models import Dossier

    out = io.StringIO()
    demo.load(out)
    assert "skipped" in out.getvalue() and Dossier.objects.count() == 0
    import_file(SAMPLE)
    demo.load(out)
    n = Dossier.objects.filter(code__startswith=demo.PREFIX).count()
    assert n > demo.COUNT * 0.9, out.getvalue()
    demo.load(out)
    assert Dossier.objects.count() == n and "already loaded" in out.getvalue()
    today = timezone.now().astimezone(LOCAL_TZ).date()
    # The demo receives from the 1st of the month 100 days back (up to 131 days), moved off weekends.
    start = today - timedelta(days=140)
    doc = resolution_report(start, today)
    assert doc == resolution_report(start, today, source="base")
    assert doc["total"]["received"]["total"] + doc["total"]["refused"] == n
