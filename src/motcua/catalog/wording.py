"""How catalogue facts read to a citizen: the deadline line and the channel a component applies to.

One home for these phrasings, shared by the counter checklist, the receipt slip and the portal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time
from decimal import Decimal
from typing import Any

from motcua.core.text import fold

CHANNELS = ("direct", "online", "postal")
CHANNEL_LABELS = {"direct": "trực tiếp", "online": "trực tuyến", "postal": "qua dịch vụ bưu chính"}
DEFAULT_CUTOFF = time(15, 0)  # contracts §2.3: same_day cut-off unless the procedure says otherwise

# A condition in brackets naming a channel, as published: "(nếu người có yêu cầu lựa chọn nộp hồ sơ
# theo hình thức trực tuyến)". Matched on folded text so spelling of accents does not matter.
_CONDITION = re.compile(r"\((?:neu|truong hop|doi voi)[^)]*\)")
_CHANNEL_WORDS = {"online": ("truc tuyen",), "direct": ("truc tiep",), "postal": ("buu chinh",)}


def _number(amount: Decimal) -> str:
    """05, 24, 1,5: whole numbers in two digits as official papers write them, decimals with a comma."""
    if amount == amount.to_integral_value():
        return f"{int(amount):02d}"
    return f"{amount.normalize():f}".replace(".", ",")


def deadline_text(amount: Any, unit: str, cutoff: time | str | None = None) -> str:
    """'Trong ngày (nhận trước 15:00)', '05 ngày làm việc', '24 giờ làm việc', '30 ngày'; 'Không quy định'."""
    if unit == "same_day":
        if isinstance(cutoff, str) and cutoff:
            cutoff = time.fromisoformat(cutoff)
        c = cutoff or DEFAULT_CUTOFF
        return f"Trong ngày (nhận trước {c.strftime('%H:%M')})"
    try:
        value = Decimal(str(amount))
    except (ArithmeticError, ValueError):
        return "Không quy định"
    words = {"working_days": "ngày làm việc", "working_hours": "giờ làm việc", "calendar_days": "ngày"}
    if unit not in words or value <= 0:
        return "Không quy định"
    return f"{_number(value)} {words[unit]}"


def procedure_deadline_text(procedure: Any) -> str:
    return deadline_text(procedure.deadline_amount, procedure.deadline_unit, procedure.cutoff)


def component_channels(component: Any) -> frozenset[str]:
    """The channels a component applies to.

    An explicit `channels: [online]` (or `channel: online`) in the catalogue file wins (kept in the
    component's `extra`); otherwise a published condition in brackets naming a channel; otherwise all.
    """
    if isinstance(component, Mapping):
        extra, name = component, str(component.get("name", ""))
    else:
        extra, name = (getattr(component, "extra", None) or {}), str(getattr(component, "name", ""))
    declared = extra.get("channels", extra.get("channel"))
    if isinstance(declared, str):
        declared = [declared]
    if isinstance(declared, list):
        chosen = frozenset(str(c) for c in declared if str(c) in CHANNELS)
        if chosen:
            return chosen
    found: set[str] = set()
    for condition in _CONDITION.findall(fold(name)):
        found |= {ch for ch, words in _CHANNEL_WORDS.items() if any(w in condition for w in words)}
    return frozenset(found) if found else frozenset(CHANNELS)


def applies_to(component: Any, channel: str) -> bool:
    return channel in component_channels(component)


def required_for(component: Any, channel: str) -> bool:
    """Mandatory for a dossier filed through `channel` (an online-only form is not required at the counter)."""
    mandatory = component.get("mandatory", True) if isinstance(component, Mapping) else component.mandatory
    return bool(mandatory) and applies_to(component, channel)


def channel_note(component: Any) -> str:
    """'chỉ khi nộp trực tuyến' for a component limited to some channels; '' when it applies to all."""
    channels = component_channels(component)
    if channels == frozenset(CHANNELS):
        return ""
    return "chỉ khi nộp " + ", ".join(CHANNEL_LABELS[c] for c in CHANNELS if c in channels)
