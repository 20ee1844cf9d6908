"""Per-dossier rating rules (Decree 118/2025 Art. 33): the contents a–i, the configurable scale, and the
one overall score (1–5, contracts §9.3) the figures count. Pure: no Django import.

Raw answers are kept as given (`Rating.answers`, keyed by content letter, on the rule version's scale);
only `overall` is derived. A rating is negative (766 criterion 5.3) when its overall score is 1 or 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Decree 118 Art. 33(1): what the citizen evaluates (letters as in the Decree; "đ" written "dd").
CONTENTS: dict[str, str] = {
    "a": "Thời gian trả kết quả so với quy định",
    "b": "Số lượng cơ quan phải liên hệ để hoàn thiện hồ sơ",
    "c": "Số lần phải liên hệ với cơ quan tiếp nhận để hoàn thiện hồ sơ",
    "d": "Tính chính xác, đầy đủ, kịp thời của thông tin thủ tục hành chính được công khai",
    "dd": "Thái độ, ứng xử của cán bộ, công chức",
    "e": "Tính đúng quy định của kết quả và chi phí; chi phí ngoài quy định (nếu có)",
    "g": "Thời gian, chất lượng giải thích, hướng dẫn khi có phản ánh, kiến nghị",
    "h": "Tiến độ, chất lượng cung cấp dịch vụ công trực tuyến",
    "i": "Nội dung khác",
}


@dataclass(frozen=True)
class Scale:
    """A rule version's scale: answers are whole numbers 1..`points` (higher = more satisfied)."""

    version: str
    points: int
    labels: tuple[str, ...]


SCALES: dict[str, Scale] = {
    "nd118-5": Scale("nd118-5", 5, ("Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng")),
    "nd118-3": Scale("nd118-3", 3, ("Không hài lòng", "Hài lòng", "Rất hài lòng")),
}
DEFAULT_SCALE = "nd118-5"
NEGATIVE_MAX = 2  # overall 1 or 2 is a negative rating (contracts §9.3)


class RatingError(ValueError):
    """Bad answers (plain English for programs; the pages show their own Vietnamese)."""


def check_answers(answers: dict[str, object], scale: Scale) -> dict[str, int]:
    """The answers as {letter: whole number in 1..points}; at least one; unknown letters refused."""
    if not isinstance(answers, dict) or not answers:
        raise RatingError("answers must be a non-empty object keyed by content letter (a–i)")
    clean: dict[str, int] = {}
    for key, value in answers.items():
        if key not in CONTENTS:
            raise RatingError(f"unknown content {key!r}; use one of {', '.join(CONTENTS)}")
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= scale.points:
            raise RatingError(f"answer {key!r} must be a whole number from 1 to {scale.points}")
        clean[key] = value
    return clean


def overall(answers: dict[str, int], scale: Scale) -> int:
    """The mean answer mapped linearly from 1..points onto 1..5, rounded half up."""
    mean = Decimal(sum(answers.values())) / Decimal(len(answers))
    if scale.points == 1:
        return 5
    mapped = 1 + (mean - 1) * Decimal(4) / Decimal(scale.points - 1)
    return int(mapped.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def negative(score: int) -> bool:
    return score <= NEGATIVE_MAX
