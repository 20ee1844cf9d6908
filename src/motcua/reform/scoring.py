"""The one home of the PAR-index arithmetic: rule points, index, field sub-indices, bands, KL 91 cap.

index = achieved points / maximum points × 100 (regulation.md §8.1), each field the same way;
bands from `MOTCUA_REFORM_BANDS`; the Conclusion 91-KL/TU override reuses the thresholds of
`analytics.rules.kl91_unit_flags` (late share ≥ 5% or satisfaction ≤ 80% → cannot be Tốt).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from motcua.analytics.rules import kl91_unit_flags

CENT = Decimal("0.01")

TOT, KHA, TRUNG_BINH, YEU = "tot", "kha", "trung_binh", "yeu"
BANDS = (TOT, KHA, TRUNG_BINH, YEU)
BAND_LABELS = {TOT: "Tốt", KHA: "Khá", TRUNG_BINH: "Trung bình", YEU: "Yếu"}

CAP_REASONS = {
    "late": "tỷ lệ hồ sơ trễ hạn {late} (từ 5% trở lên)",
    "satisfaction": "chỉ số hài lòng {satisfaction} (từ 80% trở xuống)",
}


class RuleError(ValueError):
    """A scoring rule that cannot be applied (reported at import with the criterion's code)."""


def cents(value: Decimal | float | int) -> Decimal:
    return Decimal(repr(value) if isinstance(value, float) else value).quantize(CENT, rounding=ROUND_HALF_UP)


# --- rules: a share (0–1) to a fraction of the criterion's maximum ---------------------------------


def check_rule(rule: Mapping[str, Any]) -> None:
    """Raise RuleError unless `rule` is one of the shapes `rule_fraction` understands."""
    kind = rule.get("kind", "target")
    better = rule.get("better", "higher")
    if better not in ("higher", "lower"):
        raise RuleError(f"'better' must be 'higher' or 'lower', not {better!r}")
    if kind == "target":
        target = rule.get("target", 1)
        if not isinstance(target, int | float) or isinstance(target, bool) or not 0 <= target <= 1:
            raise RuleError("'target' must be a share between 0 and 1")
        zero = rule.get("zero", 1)
        if better == "lower" and (not isinstance(zero, int | float) or not target < zero <= 1):
            raise RuleError("'zero' must be a share above 'target' and at most 1")
    elif kind == "steps":
        steps = rule.get("steps")
        if not isinstance(steps, list) or not steps:
            raise RuleError("'steps' must be a non-empty list of [share, fraction of the maximum]")
        for step in steps:
            if (
                not isinstance(step, list | tuple)
                or len(step) != 2
                or not all(isinstance(x, int | float) and not isinstance(x, bool) and 0 <= x <= 1 for x in step)
            ):
                raise RuleError("each step must be [share, fraction], both between 0 and 1")
    else:
        raise RuleError(f"unknown rule kind {kind!r} (expected 'target' or 'steps')")


def rule_fraction(share: float, rule: Mapping[str, Any]) -> float:
    """The fraction (0–1) of the maximum a share earns.

    target, higher is better: min(1, share / target) — full points at or above the target, proportional below;
    target, lower is better: full at or below the target, falling linearly to 0 at `zero` (default 100%);
    steps: the fraction of the first step reached ([min share, fraction] for higher; [max share, fraction] for lower).
    """
    share = min(1.0, max(0.0, share))
    kind = rule.get("kind", "target")
    lower = rule.get("better", "higher") == "lower"
    if kind == "steps":
        ordered = sorted(rule["steps"], key=lambda s: s[0], reverse=not lower)
        for bound, fraction in ordered:
            if (share <= bound) if lower else (share >= bound):
                return float(fraction)
        return 0.0
    target = float(rule.get("target", 1))
    if lower:
        zero = float(rule.get("zero", 1))
        if share <= target:
            return 1.0
        return max(0.0, (zero - share) / (zero - target))
    return 1.0 if target <= 0 else min(1.0, share / target)


def rule_points(maximum: Decimal, share: float | None, rule: Mapping[str, Any]) -> Decimal | None:
    """Points for a share (None when the share is unknown: nothing to measure)."""
    if share is None:
        return None
    return cents(Decimal(maximum) * Decimal(repr(rule_fraction(share, rule))))


# --- one leaf --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    """What the arithmetic needs of one scored criterion."""

    code: str
    maximum: Decimal
    method: str  # manual | computed | survey
    self_points: Decimal | None = None
    system_points: Decimal | None = None  # computed from motcua data, or the survey's points
    appraised: Decimal | None = None

    @property
    def field(self) -> str:
        return self.code.split(".", 1)[0]


def clamp(points: Decimal, maximum: Decimal) -> Decimal:
    return min(Decimal(maximum), max(Decimal(0), Decimal(points)))


def self_score(leaf: Leaf) -> Decimal:
    """The unit's own points: manual → its self points; computed → the system's points when motcua has the
    figure, else its self points; survey → the survey's points (a unit does not score its own survey)."""
    if leaf.method == "survey":
        return clamp(leaf.system_points or Decimal(0), leaf.maximum)
    if leaf.method == "computed" and leaf.system_points is not None:
        return clamp(leaf.system_points, leaf.maximum)
    return clamp(leaf.self_points or Decimal(0), leaf.maximum)


def final_score(leaf: Leaf) -> Decimal:
    """The council's points when it adjusted the criterion, else the self score."""
    return clamp(leaf.appraised, leaf.maximum) if leaf.appraised is not None else self_score(leaf)


# --- totals, index, bands --------------------------------------------------------------------------


def index(achieved: Decimal, maximum: Decimal) -> float:
    """achieved / maximum × 100, 2 decimals (half up); 0 for an empty set."""
    if maximum <= 0:
        return 0.0
    return float((Decimal(achieved) * 100 / Decimal(maximum)).quantize(CENT, rounding=ROUND_HALF_UP))


def parse_thresholds(raw: str) -> tuple[float, float, float]:
    """'90,80,65' → (90.0, 80.0, 65.0): the lowest index of Tốt, Khá, Trung bình (strictly descending)."""
    try:
        values = tuple(float(x) for x in raw.split(","))
    except ValueError:
        raise ValueError(f"MOTCUA_REFORM_BANDS must be three numbers, got {raw!r}") from None
    if len(values) != 3 or not 100 >= values[0] > values[1] > values[2] >= 0:
        raise ValueError(f"MOTCUA_REFORM_BANDS must be three descending numbers between 0 and 100, got {raw!r}")
    return values[0], values[1], values[2]


def thresholds() -> tuple[float, float, float]:
    from motcua.config import env

    return parse_thresholds(env("MOTCUA_REFORM_BANDS"))


def band_for(value: float, limits: tuple[float, float, float]) -> str:
    for band, lowest in zip(BANDS, limits, strict=False):
        if value >= lowest:
            return band
    return YEU


def pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.2f}".replace(".", ",") + "%"


def kl91_cap(band: str, late_share: float | None, satisfaction: float | None) -> tuple[str, list[str]]:
    """(band after the cap, Vietnamese reasons): a Tốt unit flagged by KL 91 is ranked Khá."""
    # No dossiers (late share unknown) is not a reason: 0 stands for it.
    flags = kl91_unit_flags(late_share if late_share is not None else 0.0, satisfaction)
    reasons = [CAP_REASONS[f].format(late=pct(late_share), satisfaction=pct(satisfaction)) for f in flags]
    if band == TOT and reasons:
        return KHA, reasons
    return band, reasons


def cap_explanation(reasons: list[str]) -> str:
    return "Đủ điểm xếp loại Tốt nhưng theo Kết luận 91-KL/TU chỉ được xếp loại Khá vì " + " và ".join(reasons) + "."


def kl91_note(reasons: list[str]) -> str:
    """Said whatever the points: the unit cannot be ranked Tốt this year, and why."""
    if not reasons:
        return ""
    return "Theo Kết luận 91-KL/TU, đơn vị không được xếp loại Tốt vì " + " và ".join(reasons) + "."


def consequences(history: Mapping[int, str], year: int) -> list[str]:
    """What KL 91-KL/TU attaches to the band of `year` given earlier years' bands ({year: band})."""
    band = history.get(year)
    out: list[str] = []
    if band in (TRUNG_BINH, YEU):
        out.append("Người đứng đầu không được đánh giá ở mức “hoàn thành tốt nhiệm vụ” trở lên.")
    if band == YEU:
        out.append("Người đứng đầu bị xem xét trách nhiệm: đơn vị xếp loại Yếu.")
    elif band == TRUNG_BINH and history.get(year - 1) == TRUNG_BINH:
        out.append("Người đứng đầu bị xem xét trách nhiệm: đơn vị 2 năm liên tiếp xếp loại Trung bình.")
    if band is not None and band != TOT:
        out.append("Tổ chức đảng của đơn vị không được xếp loại “hoàn thành xuất sắc nhiệm vụ”.")
    return out


def evaluate(
    leaves: Iterable[Leaf],
    field_names: Mapping[str, str] | None = None,
    *,
    late_share: float | None = None,
    satisfaction: float | None = None,
    limits: tuple[float, float, float] | None = None,
) -> dict[str, Any]:
    """The whole result of one assessment (self and final totals, fields, band, cap), JSON-ready."""
    leaves = list(leaves)
    limits = limits or thresholds()
    maximum = sum((Decimal(leaf.maximum) for leaf in leaves), Decimal(0))
    self_total = sum((self_score(leaf) for leaf in leaves), Decimal(0))
    final_total = sum((final_score(leaf) for leaf in leaves), Decimal(0))
    fields: dict[str, dict[str, Any]] = {}
    for leaf in leaves:
        f = fields.setdefault(leaf.field, {"max": Decimal(0), "self": Decimal(0), "final": Decimal(0)})
        f["max"] += leaf.maximum
        f["self"] += self_score(leaf)
        f["final"] += final_score(leaf)
    final_index = index(final_total, maximum)
    points_band = band_for(final_index, limits)
    band, reasons = kl91_cap(points_band, late_share, satisfaction)
    return {
        "max": str(maximum),
        "self_points": str(self_total),
        "self_index": index(self_total, maximum),
        "points": str(final_total),
        "index": final_index,
        "points_band": points_band,
        "band": band,
        "band_label": BAND_LABELS[band],
        "capped": band != points_band,
        "cap_reasons": reasons,
        "cap_note": cap_explanation(reasons) if band != points_band else "",
        "kl91_note": kl91_note(reasons),
        "late_share": late_share,
        "satisfaction": satisfaction,
        "thresholds": list(limits),
        "fields": [
            {
                "code": code,
                "name": (field_names or {}).get(code, code),
                "max": str(f["max"]),
                "self_points": str(f["self"]),
                "points": str(f["final"]),
                "index": index(f["final"], f["max"]),
            }
            for code, f in sorted(fields.items(), key=lambda kv: code_key(kv[0]))
        ],
    }


def code_key(code: str) -> tuple[int, ...]:
    """Sort key of a criterion code: '1.10' after '1.9'."""
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))
