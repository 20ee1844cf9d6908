"""The arithmetic against a simple reference (hypothesis), bands, the KL 91 cap and its consequences."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.reform import scoring

LIMITS = (90.0, 80.0, 65.0)
# Points in cents (cheap to draw: the shared CI machine trips hypothesis' too_slow check on decimals).
money = st.integers(0, 3000).map(lambda c: Decimal(c) / 100)
QUICK = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


@st.composite
def leaves(draw: st.DrawFn) -> list[scoring.Leaf]:
    out = []
    for i in range(draw(st.integers(1, 12))):
        maximum = draw(st.integers(50, 2000).map(lambda c: Decimal(c) / 100))
        method = draw(st.sampled_from(["manual", "computed", "survey"]))
        out.append(
            scoring.Leaf(
                code=f"{i % 3 + 1}.{i + 1}",
                maximum=maximum,
                method=method,
                self_points=draw(st.none() | money),
                system_points=draw(st.none() | money),
                appraised=draw(st.none() | money),
            )
        )
    return out


def reference_points(leaf: scoring.Leaf) -> float:
    if leaf.appraised is not None:
        value = float(leaf.appraised)
    elif leaf.method == "survey":
        value = float(leaf.system_points or 0)
    elif leaf.method == "computed" and leaf.system_points is not None:
        value = float(leaf.system_points)
    else:
        value = float(leaf.self_points or 0)
    return min(float(leaf.maximum), max(0.0, value))


def reference_band(index: float, late: float, satisfaction: float | None) -> str:
    band = "tot" if index >= 90 else "kha" if index >= 80 else "trung_binh" if index >= 65 else "yeu"
    if band == "tot" and (late >= 0.05 or (satisfaction is not None and satisfaction <= 0.80)):
        return "kha"
    return band


@QUICK
@given(leaves(), st.floats(0, 1), st.none() | st.floats(0, 1))
def test_evaluate_matches_reference(ls: list[scoring.Leaf], late: float, satisfaction: float | None) -> None:
    result = scoring.evaluate(ls, late_share=late, satisfaction=satisfaction, limits=LIMITS)
    achieved = sum(reference_points(leaf) for leaf in ls)
    maximum = sum(float(leaf.maximum) for leaf in ls)
    assert float(result["points"]) == pytest.approx(achieved, abs=1e-9)
    assert result["index"] == pytest.approx(achieved / maximum * 100, abs=0.005 + 1e-9)
    assert result["band"] == reference_band(result["index"], late, satisfaction)
    assert result["capped"] == (result["band"] != result["points_band"])
    assert sum(Decimal(f["max"]) for f in result["fields"]) == sum(leaf.maximum for leaf in ls)


@QUICK
@given(st.floats(0, 1), st.floats(0.01, 1), st.integers(0, 5000).map(lambda c: Decimal(c) / 100))
def test_target_rule_reference(share: float, target: float, maximum: Decimal) -> None:
    points = scoring.rule_points(maximum, share, {"kind": "target", "target": target})
    assert points is not None
    assert float(points) == pytest.approx(float(maximum) * min(1.0, share / target), abs=0.005 + 1e-9)
    assert 0 <= points <= maximum


@given(st.floats(0, 1))
def test_lower_is_better_and_steps(share: float) -> None:
    lower = scoring.rule_fraction(share, {"kind": "target", "target": 0.05, "better": "lower", "zero": 0.25})
    assert lower == (1.0 if share <= 0.05 else max(0.0, (0.25 - share) / 0.2))
    steps = scoring.rule_fraction(share, {"kind": "steps", "steps": [[0.6, 0.5], [0.8, 1]]})
    assert steps == (1.0 if share >= 0.8 else 0.5 if share >= 0.6 else 0.0)


def test_band_edges_and_config() -> None:
    assert [scoring.band_for(v, LIMITS) for v in (90, 89.99, 80, 79.99, 65, 64.99)] == [
        "tot",
        "kha",
        "kha",
        "trung_binh",
        "trung_binh",
        "yeu",
    ]
    assert scoring.parse_thresholds("95,85,70") == (95.0, 85.0, 70.0)
    for bad in ("90,80", "80,90,65", "a,b,c", "101,80,65"):
        with pytest.raises(ValueError, match="MOTCUA_REFORM_BANDS"):
            scoring.parse_thresholds(bad)


def test_kl91_cap_reasons() -> None:
    assert scoring.kl91_cap("tot", 0.05, None)[0] == "kha"  # 5% is already too many
    assert scoring.kl91_cap("tot", 0.0499, 0.81) == ("tot", [])
    band, reasons = scoring.kl91_cap("tot", 0.01, 0.80)  # 80% satisfaction is not enough
    assert band == "kha" and "80,00%" in reasons[0]
    assert scoring.kl91_cap("trung_binh", 0.2, 0.5)[0] == "trung_binh"  # the cap only lowers Tốt
    assert scoring.kl91_cap("tot", None, None) == ("tot", [])  # no dossiers, no survey: nothing to hold against


def test_consequences_over_years() -> None:
    assert scoring.consequences({2025: "tot"}, 2025) == []
    two_tb = scoring.consequences({2024: "trung_binh", 2025: "trung_binh"}, 2025)
    assert any("2 năm liên tiếp" in c for c in two_tb)
    one_tb = scoring.consequences({2024: "kha", 2025: "trung_binh"}, 2025)
    assert not any("xem xét trách nhiệm" in c for c in one_tb) and any("hoàn thành tốt" in c for c in one_tb)
    assert any("Yếu" in c for c in scoring.consequences({2025: "yeu"}, 2025))
