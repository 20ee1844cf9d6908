"""The overdue remediation list as XLSX (per unit counts and the items)."""

from __future__ import annotations

import io
from typing import Any


def overdue_xlsx(doc: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Theo đơn vị"
    ws.append([f"Kiến nghị khắc phục sau kiểm tra CCHC quá hạn, tính đến ngày {doc['today']:%d/%m/%Y}"])
    ws["A1"].font = Font(bold=True)
    ws.append(
        [
            "Mã đơn vị",
            "Tên đơn vị",
            "Đang quá hạn",
            f"Quá hạn hoặc đóng trễ (hạn năm {doc['year']})",
            f"Tổng số (hạn năm {doc['year']})",
        ]
    )
    for u in doc["units"]:
        ws.append([u["code"], u["name"], u["overdue"], u["bad"], u["total"]])
    items = wb.create_sheet("Danh sách quá hạn")
    items.append(
        ["Đơn vị", "Yêu cầu khắc phục", "Tồn tại, hạn chế", "Tiêu chí", "Hạn", "Số ngày quá hạn", "Trạng thái"]
    )
    for x in doc["items"]:
        r = x["r"]
        items.append(
            [
                r.owner_unit.code,
                r.text,
                r.finding.text,
                r.finding.criterion_code,
                r.due_on,
                x["days"],
                str(r.get_status_display()),
            ]
        )
    for row in items.iter_rows(min_row=2, min_col=5, max_col=5):
        for c in row:
            c.number_format = "DD/MM/YYYY"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
