"""The assigned-task report as XLSX: counts per unit and per directive, the seeds' appendix list of
unfinished tasks past their deadline, and every task of the year with its outcome."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from motcua.assignments import queries, rules

OVERDUE_TITLE = "Nhiệm vụ chưa hoàn thành quá hạn"
COUNT_HEADERS = ["Tổng số nhiệm vụ", *(rules.OUTCOME_LABELS[o] for o in rules.OUTCOMES)]
OVERDUE_HEADERS = [
    "STT",
    "Văn bản giao nhiệm vụ",
    "Trích yếu",
    "Nội dung nhiệm vụ",
    "Đơn vị chủ trì",
    "Đơn vị phối hợp",
    "Thời hạn",
    "Số ngày quá hạn",
    "Tiến độ (%)",
    "Tình hình thực hiện",
]


def with_last_update(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with the coordinating unit codes and the latest progress report text."""
    for r in rows:
        t = r["task"]
        last = t.updates.order_by("-at", "-id").first()
        r["last_update"] = last.text if last is not None else ""
        r["coordinating"] = ", ".join(t.coordinating_units.order_by("code").values_list("code", flat=True))
    return rows


def _count_sheet(ws: Any, title: str, key_header: str, rows: list[dict[str, Any]]) -> None:
    ws.append([title])
    ws.append([key_header, "Tên / trích yếu", *COUNT_HEADERS])
    for r in rows:
        ws.append([r["key"], r["name"], r["total"], *(r[o] for o in rules.OUTCOMES)])
    ws.append(["Tổng cộng", "", *(sum(r[k] for r in rows) for k in ("total", *rules.OUTCOMES))])


def _directive_ref(t: Any) -> str:
    return f"{t.directive.number} ngày {t.directive.issued_on:%d/%m/%Y}"


def to_xlsx(year: int, today: date, tasks: list[Any], open_late: list[Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Theo đơn vị"
    _count_sheet(
        ws,
        f"Kết quả thực hiện nhiệm vụ năm {year} (tính đến {today:%d/%m/%Y})",
        "Mã đơn vị",
        queries.counts_by(tasks, today, "unit"),
    )
    _count_sheet(
        wb.create_sheet("Theo văn bản"),
        f"Kết quả theo văn bản giao, năm {year}",
        "Số văn bản",
        queries.counts_by(tasks, today, "directive"),
    )
    late = wb.create_sheet("Quá hạn chưa hoàn thành")
    late.append([f"{OVERDUE_TITLE} (tính đến {today:%d/%m/%Y})"])
    late.append(OVERDUE_HEADERS)
    rows = [r for r in queries.annotate(open_late, today) if r["outcome"] == rules.OVERDUE]
    for i, r in enumerate(with_last_update(rows), 1):
        t = r["task"]
        late.append(
            [
                i,
                _directive_ref(t),
                t.directive.title,
                t.content,
                f"{t.lead_unit.code} — {t.lead_unit.name}",
                r["coordinating"],
                t.due_on,
                r["days_late"],
                t.percent,
                r["last_update"],
            ]
        )
    every = wb.create_sheet("Danh sách nhiệm vụ")
    every.append(
        [
            "STT",
            "Văn bản giao nhiệm vụ",
            "Nội dung nhiệm vụ",
            "Đơn vị chủ trì",
            "Thời hạn giao",
            "Thời hạn (sau gia hạn)",
            "Ngày hoàn thành",
            "Văn bản kết quả",
            "Kết quả",
            "Số ngày trễ",
        ]
    )
    for i, r in enumerate(queries.annotate(tasks, today), 1):
        t = r["task"]
        done = getattr(t, "completion", None) if r["completed_on"] else None
        every.append(
            [
                i,
                _directive_ref(t),
                t.content,
                t.lead_unit.code,
                t.deadline,
                t.due_on,
                r["completed_on"],
                f"{done.result_number} ngày {done.result_date:%d/%m/%Y}" if done else "",
                r["label"],
                r["days_late"],
            ]
        )
    for sheet in wb.worksheets:
        sheet["A1"].font = Font(bold=True)
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
