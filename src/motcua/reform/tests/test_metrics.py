"""Acceptance 2: computed criteria equal the Biểu 06a and 766 figures for the same year and unit."""

from __future__ import annotations

from datetime import date
from typing import Any

from motcua.analytics.index766 import index_766
from motcua.analytics.kl91 import kl91
from motcua.analytics.report import Scope, resolution_report
from motcua.analytics.tests.conftest import make_dossier, t
from motcua.reform import metrics
from motcua.reform.tests.conftest import finished_dossiers


def test_metrics_equal_06a_and_766(province: dict[str, Any]) -> None:
    unit, proc = province["H32.101"], province["proc"]
    finished_dossiers(unit, proc, 20, late=3)
    finished_dossiers(province["H32.102"], proc, 5, late=5)  # another unit: not counted
    make_dossier(
        "ONLINE-1",
        unit,
        proc,
        channel="online",
        received_at=t("2025-05-05"),
        finished_at=t("2025-05-06"),
        status="finished",
        digitized=True,
        e_result=True,
        fee_amount=5000,
        paid_online=True,
    )
    make_dossier("OLD", unit, proc, received_at=t("2024-05-05"), finished_at=t("2024-05-06"), status="finished")
    metrics.clear_cache()
    start, end, scope = date(2025, 1, 1), date(2025, 12, 31), Scope(unit_ids={unit.id})
    total = resolution_report(start, end, "unit", scope)["total"]
    on_time = metrics.REGISTRY["on_time_rate"].figure("H32.101", 2025)
    assert on_time["denominator"] == total["received"]["total"] == 21
    assert on_time["share"] == total["on_time_rate"] == round(18 / 21, 4)
    late = metrics.REGISTRY["late_rate"].figure("H32.101", 2025)
    assert late["share"] == total["late_rate"]
    doc = index_766(start, end, scope, unit_code="H32.101")
    by_id = {c["id"]: c for g in doc["groups"] for c in g["criteria"]}
    for key, cid in [
        ("online_rate", "3.3"),
        ("online_payment_rate", "3.6"),
        ("digitisation_rate", "4.2"),
        ("e_result_rate", "4.1"),
        ("feedback_on_time", "5.1"),
    ]:
        fig = metrics.REGISTRY[key].figure("H32.101", 2025)
        assert (fig["numerator"], fig["denominator"]) == (by_id[cid]["numerator"], by_id[cid]["denominator"]), key
        assert fig["share"] == by_id[cid]["share"], key
    assert metrics.REGISTRY["index_766"].figure("H32.101", 2025)["numerator"] == doc["total"]
    row = next(r for r in kl91(start, end, scope, limit=0)["units"] if r["unit"] == "H32.101")
    assert metrics.kl91_figures("H32.101", 2025)["late_share"] == row["late_rate"] == round(3 / 21, 4)
    link = on_time["link"]
    assert link.startswith("/analytics/dossiers/?") and "unit=H32.101" in link and "cell=late_or_overdue" in link


def test_register_a_metric_from_another_app(province: dict[str, Any]) -> None:
    @metrics.register("other_app_late", "Việc trễ hạn của một phân hệ khác")
    def other_app_late(unit_code: str, year: int) -> tuple[float, float]:
        return (1, 4) if unit_code == "H32.101" else (0, 0)

    try:
        assert metrics.REGISTRY["other_app_late"].figure("H32.101", 2025)["share"] == 0.25
        assert metrics.REGISTRY["other_app_late"].figure("H32.102", 2025)["share"] is None
    finally:
        del metrics.REGISTRY["other_app_late"]
