"""A unit's PAR-index report as PDF (WeasyPrint) and XLSX (openpyxl)."""

from __future__ import annotations

import io
from typing import Any

from django.template.loader import render_to_string

from motcua.reform.models import Assessment


def assessment_pdf(a: Assessment, rows: list[dict[str, Any]], history: list[dict[str, Any]]) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "reform/pdf/assessment.html", {"a": a, "rows": rows, "result": a.result, "history": history}
    )
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def _num(value: Any) -> float | None:
    return None if value is None or value == "" else float(value)


def assessment_xlsx(a: Assessment, rows: list[dict[str, Any]], history: list[dict[str, Any]]) -> bytes:
    from openpyxl import Workbook

    r = a.result
    wb = Workbook()
    ws = wb.active
    ws.title = "Ket qua"
    ws.append([f"Kết quả Chỉ số CCHC năm {a.round.year}: {a.unit.code} — {a.unit.name}"])
    ws.append(["Bộ chỉ số", a.round.criteria_set.code, a.round.criteria_set.name])
    ws.append(["Trạng thái", a.get_status_display()])
    ws.append(
        ["Điểm tự chấm", _num(r.get("self_points")), "Điểm đạt", _num(r.get("points")), "Tối đa", _num(r.get("max"))]
    )
    ws.append(["Chỉ số CCHC (%)", r.get("index"), "Xếp loại", r.get("band_label")])
    if r.get("cap_note"):
        ws.append(["Kết luận 91-KL/TU", r["cap_note"]])
    ws.append([])
    ws.append(
        ["Mã", "Tiêu chí", "Tối đa", "Tự chấm", "Số liệu hệ thống", "Tự báo cáo (%)", "Thẩm định", "Lý do", "Điểm đạt"]
    )
    for row in rows:
        c = row["c"]
        if row["group"]:
            ws.append([c.code, c.name, float(c.max_points), None, None, None, None, None, float(row["final"])])
            continue
        s = row["s"]
        ws.append(
            [
                c.code,
                c.name,
                float(c.max_points),
                _num(s.self_points),
                row["share_pct"] or None,
                _num(s.self_value),
                _num(s.appraised_points),
                s.appraisal_reason or None,
                float(row["final"]),
            ]
        )
    hs = wb.create_sheet("Qua cac nam")
    hs.append(["Năm", "Chỉ số CCHC (%)", "Xếp loại", "Bị giới hạn theo KL 91"])
    for h in history:
        hs.append([h["year"], h["index"], h["band_label"], "có" if h["capped"] else ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
