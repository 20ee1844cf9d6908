"""The default SIPAS questionnaire, as data (regulation.md §9).

Shape: {"code", "version", "title", "scale": {value: label}, "elements": [{"id", "name", "questions":
[{"id", "kind": assessment|satisfaction|expectation, "text", "options"?: [[code, label]]}]}],
"profile": [{"id", "text", "options": [[code, label]]}]}. Assessment and satisfaction questions take
a value of the 1–5 scale; expectation and profile questions one option code.
"""

from __future__ import annotations

from typing import Any

SCALE = {
    "1": "Rất không hài lòng",
    "2": "Không hài lòng",
    "3": "Bình thường",
    "4": "Hài lòng",
    "5": "Rất hài lòng",
}
AGREE = {
    "1": "Rất không đồng ý",
    "2": "Không đồng ý",
    "3": "Phân vân",
    "4": "Đồng ý",
    "5": "Rất đồng ý",
}

_ELEMENTS: list[tuple[str, str, list[str], list[str], str, list[tuple[str, str]]]] = [
    (
        "E1",
        "Tiếp cận dịch vụ",
        ["Nơi tiếp nhận hồ sơ dễ tìm, có chỗ ngồi và trang thiết bị phục vụ đầy đủ."],
        ["Hài lòng về nơi tiếp nhận và trả kết quả.", "Hài lòng về việc tiếp cận dịch vụ trực tuyến."],
        "Điều cần cải thiện nhất về tiếp cận dịch vụ",
        [("space", "Không gian, chỗ ngồi"), ("online", "Dịch vụ trực tuyến"), ("hours", "Giờ làm việc")],
    ),
    (
        "E2",
        "Thủ tục hành chính",
        ["Thủ tục được niêm yết công khai, đầy đủ, dễ hiểu."],
        ["Hài lòng về thành phần hồ sơ phải nộp.", "Hài lòng về phí, lệ phí và thời hạn giải quyết."],
        "Điều cần cải thiện nhất về thủ tục",
        [("fewer_papers", "Giảm giấy tờ"), ("shorter", "Rút ngắn thời hạn"), ("clearer", "Hướng dẫn rõ hơn")],
    ),
    (
        "E3",
        "Công chức trực tiếp giải quyết công việc",
        ["Công chức có thái độ lịch sự, hướng dẫn tận tình, không gây phiền hà."],
        ["Hài lòng về thái độ của công chức.", "Hài lòng về năng lực của công chức."],
        "Điều cần cải thiện nhất về công chức",
        [
            ("attitude", "Thái độ giao tiếp"),
            ("skill", "Năng lực chuyên môn"),
            ("guidance", "Hướng dẫn một lần, đầy đủ"),
        ],
    ),
    (
        "E4",
        "Kết quả cung ứng dịch vụ",
        ["Kết quả được trả đúng hẹn, thông tin chính xác."],
        ["Hài lòng về thời gian nhận kết quả.", "Hài lòng về tính chính xác của kết quả."],
        "Điều cần cải thiện nhất về kết quả",
        [("on_time", "Trả đúng hẹn"), ("accuracy", "Chính xác"), ("e_result", "Kết quả điện tử")],
    ),
    (
        "E5",
        "Tiếp nhận, xử lý ý kiến góp ý, phản ánh, kiến nghị",
        ["Có hình thức tiếp nhận góp ý, phản ánh thuận tiện."],
        ["Hài lòng về việc tiếp nhận góp ý, phản ánh.", "Hài lòng về việc trả lời, xử lý phản ánh."],
        "Điều cần cải thiện nhất về tiếp nhận phản ánh",
        [("channels", "Thêm kênh tiếp nhận"), ("speed", "Trả lời nhanh hơn"), ("publicity", "Công khai kết quả")],
    ),
]

PROFILE = [
    {"id": "P1", "text": "Giới tính", "options": [["m", "Nam"], ["f", "Nữ"], ["o", "Khác"]]},
    {
        "id": "P2",
        "text": "Độ tuổi",
        "options": [["u25", "Dưới 25"], ["25_40", "25–40"], ["41_60", "41–60"], ["o60", "Trên 60"]],
    },
    {
        "id": "P3",
        "text": "Nghề nghiệp",
        "options": [
            ["worker", "Công nhân, nông dân"],
            ["office", "Công chức, viên chức"],
            ["business", "Kinh doanh"],
            ["other", "Khác"],
        ],
    },
]


def default_definition() -> dict[str, Any]:
    elements = []
    for eid, name, assessments, satisfactions, expect_text, expect_options in _ELEMENTS:
        questions: list[dict[str, Any]] = []
        for n, text in enumerate(assessments, start=1):
            questions.append({"id": f"{eid}.A{n}", "kind": "assessment", "text": text})
        for n, text in enumerate(satisfactions, start=1):
            questions.append({"id": f"{eid}.S{n}", "kind": "satisfaction", "text": text})
        questions.append(
            {
                "id": f"{eid}.X1",
                "kind": "expectation",
                "text": expect_text,
                "options": [list(o) for o in expect_options],
            }
        )
        elements.append({"id": eid, "name": name, "questions": questions})
    return {
        "code": "SIPAS",
        "version": 1,
        "title": "Phiếu khảo sát mức độ hài lòng của người dân, tổ chức (SIPAS)",
        "scale": SCALE,
        "agree": AGREE,
        "elements": elements,
        "profile": PROFILE,
    }


def questions(definition: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every question by id, with its element id (profile questions: element "")."""
    out: dict[str, dict[str, Any]] = {}
    for el in definition["elements"]:
        for q in el["questions"]:
            out[q["id"]] = {**q, "element": el["id"]}
    for q in definition.get("profile", []):
        out[q["id"]] = {**q, "kind": "profile", "element": ""}
    return out


def clean_answers(
    definition: dict[str, Any], raw: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """(answers, profile, errors): scale values as ints 1–5, options as their codes; blanks dropped."""
    qs = questions(definition)
    answers: dict[str, Any] = {}
    profile: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for qid, value in raw.items():
        if qid not in qs:
            errors[qid] = "câu hỏi không có trong bảng hỏi"
            continue
        if value in (None, ""):
            continue
        q = qs[qid]
        if q["kind"] in ("assessment", "satisfaction"):
            try:
                v = int(str(value).strip().split(".")[0]) if str(value).strip().replace(".0", "").isdigit() else None
            except ValueError:
                v = None
            if v is None or not 1 <= v <= 5 or isinstance(value, bool):
                errors[qid] = f"{value!r} không phải giá trị 1–5"
                continue
            answers[qid] = v
        else:
            codes = [o[0] for o in q["options"]]
            if str(value) not in codes:
                errors[qid] = f"{value!r} không phải một trong {', '.join(codes)}"
                continue
            (profile if q["kind"] == "profile" else answers)[qid] = str(value)
    return answers, profile, errors
