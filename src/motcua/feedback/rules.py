"""Feedback rules in one place (pure; no database): deadlines (contracts §9.1), on-time, redaction.

Every limit is counted in working days (`working_days`, contracts §2.3) by the calendar engine from
the feedback's receipt, or from its latest forwarding when it was forwarded; the publication limit
runs from the answer. A step meets its limit when its local date is not later than the local date of
the limit's due time (§2.6); a feedback is on time when every step it went through met its limit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from motcua.calendar.engine import classify

# Working days per step (contracts §9.1). `forward` applies to both forwarding cases.
LIMITS: dict[str, int] = {"reject": 2, "supplement": 5, "forward": 5, "answer": 15, "publish": 2}
EVENT_LABELS = {
    "received": "Tiếp nhận",
    "imported": "Chuyển đổi từ dữ liệu cũ",
    "accepted": "Phân loại: thuộc thẩm quyền, xử lý",
    "rejected": "Không tiếp nhận",
    "forwarded": "Chuyển cơ quan có thẩm quyền",
    "supplement_requested": "Yêu cầu bổ sung",
    "supplemented": "Nhận thông tin bổ sung",
    "answer_drafted": "Trình dự thảo trả lời",
    "answer_returned": "Lãnh đạo trả lại dự thảo",
    "answer_approved": "Lãnh đạo duyệt (chờ công khai)",
    "published": "Công khai kết quả",
    "rated": "Người gửi đánh giá",
}
STEP_LABELS = {
    "reject": "Từ chối tiếp nhận",
    "supplement": "Yêu cầu bổ sung",
    "forward": "Phân loại, chuyển cơ quan có thẩm quyền",
    "answer": "Xử lý, trả lời",
    "publish": "Công khai kết quả",
}


class Calendar(Protocol):
    def due(self, received: datetime, amount: Any, unit: str, cutoff: Any = None) -> Any: ...


def due(cal: Calendar, kind: str, start: datetime) -> datetime:
    """The due time of step `kind` whose clock started at `start`."""
    result: datetime = cal.due(start, LIMITS[kind], "working_days").due
    return result


def met(due_at: datetime, done_at: datetime) -> bool:
    return classify(due_at, done_at) != "late"


@dataclass(frozen=True)
class Step:
    kind: str
    start: datetime
    done: datetime


def evaluate(cal: Calendar, steps: Iterable[Step]) -> list[dict[str, Any]]:
    """Each step with its due time and whether it met it (JSON-ready)."""
    out = []
    for s in steps:
        d = due(cal, s.kind, s.start)
        out.append(
            {
                "kind": s.kind,
                "start": s.start.isoformat(),
                "due": d.isoformat(),
                "done": s.done.isoformat(),
                "met": met(d, s.done),
            }
        )
    return out


def history_steps(
    *,
    received_at: datetime,
    forwarded_at: datetime | None,
    rejected_at: datetime | None,
    answered_at: datetime | None,
    published_at: datetime | None,
    supplement_at: datetime | None = None,
) -> list[Step]:
    """The steps of a feedback known only by its times (contracts §9.2 import lines)."""
    steps: list[Step] = []
    start = received_at
    if forwarded_at is not None:
        steps.append(Step("forward", received_at, forwarded_at))
        start = forwarded_at
    if supplement_at is not None:
        steps.append(Step("supplement", start, supplement_at))
    if rejected_at is not None:
        steps.append(Step("reject", start, rejected_at))
    if answered_at is not None:
        steps.append(Step("answer", start, answered_at))
        if published_at is not None:
            steps.append(Step("publish", answered_at, published_at))
    return steps


def next_due(
    cal: Calendar, status: str, clock_start: datetime, answered_at: datetime | None
) -> tuple[str, datetime | None]:
    """The step the unit must take next and its due time (for warnings and the overdue list)."""
    if status in ("received", "forwarded"):
        # Classify: reject within 2, forward or ask for supplement within 5 working days.
        return "forward", due(cal, "forward", clock_start)
    if status in ("supplement", "processing", "awaiting_approval"):
        return "answer", due(cal, "answer", clock_start)
    if status == "answered" and answered_at is not None:
        return "publish", due(cal, "publish", answered_at)
    return "", None


# --- Decree 92/2017 requirements for electronic feedback (checked at intake) -----------------

MIN_CONTENT = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
# Typical marks of text typed in legacy Vietnamese encodings (TCVN3/VNI) read as Unicode.
_LEGACY = re.compile(r"[\u00c3\u00c2][\u0080-\u00bf]|Ö|Þ|¬n|®|ª|¸")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE_DIGITS = re.compile(r"\d")


def requirement_errors(data: dict[str, Any]) -> dict[str, str]:
    """Decree 92/2017: Vietnamese Unicode text, content clearly stated, name and a contact given.

    `data` has title, content, name, phone, email, address. Returns {field: Vietnamese message}.
    """
    errors: dict[str, str] = {}
    for key in ("title", "content", "name", "address"):
        value = str(data.get(key) or "")
        if _CONTROL.search(value) or (value and _LEGACY.search(value)):
            errors[key] = "Nội dung phải là tiếng Việt, bảng mã Unicode (TCVN 6909:2001)."
    if not str(data.get("title") or "").strip():
        errors.setdefault("title", "Vui lòng nhập tiêu đề phản ánh, kiến nghị.")
    if len(str(data.get("content") or "").strip()) < MIN_CONTENT:
        errors.setdefault("content", f"Nội dung phản ánh, kiến nghị phải rõ ràng (ít nhất {MIN_CONTENT} ký tự).")
    if not str(data.get("name") or "").strip():
        errors.setdefault("name", "Vui lòng ghi rõ họ và tên (hoặc tên tổ chức).")
    phone = str(data.get("phone") or "").strip()
    email = str(data.get("email") or "").strip()
    address = str(data.get("address") or "").strip()
    if phone and not (9 <= len(_PHONE_DIGITS.findall(phone)) <= 12):
        errors["phone"] = "Số điện thoại không hợp lệ."
    if email and not _EMAIL.match(email):
        errors["email"] = "Địa chỉ thư điện tử không hợp lệ."
    if not (phone or email or address):
        errors.setdefault("phone", "Vui lòng ghi ít nhất một cách liên hệ: địa chỉ, số điện thoại hoặc thư điện tử.")
    return errors


# --- Personal data removed from what is published ---------------------------------------------

_PHONES = re.compile(r"(?:\+?84|0)(?:[\s.\-]?\d){8,10}")
_IDS = re.compile(r"\b\d{9}(?:\d{3})?\b")
_EMAILS = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")
MASK = "***"


def _fold(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def redact(text: str, personal: Iterable[str] = ()) -> str:
    """`text` without the submitter's name, address and contacts, phone numbers, e-mails and ID numbers."""
    out = _fold(text or "")
    for value in sorted({_fold(p).strip() for p in personal if p and len(p.strip()) >= 3}, key=len, reverse=True):
        out = re.sub(re.escape(value), MASK, out, flags=re.IGNORECASE)
    out = _EMAILS.sub(MASK, out)
    out = _PHONES.sub(MASK, out)
    return _IDS.sub(MASK, out)
