"""SIPAS results as XLSX (indices, per unit, raw answers) and PDF, with n and the margin of error."""

from __future__ import annotations

import io
from html import escape
from typing import Any

from motcua.surveys.models import Response


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.2f}%"


def to_xlsx(campaign: Any, doc: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Chỉ số"
    ws.append([f"Kết quả khảo sát SIPAS: {campaign.name}"])
    ws["A1"].font = Font(bold=True)
    ws.append([f"Từ {campaign.start:%d/%m/%Y} đến {campaign.end:%d/%m/%Y}; số phiếu {doc['respondents']}"])
    ws.append(["Yếu tố / câu hỏi", "Tên", "Chỉ số", "Cỡ mẫu (n)", "Sai số (±)"])
    ws.append(["SIPAS", "Chỉ số hài lòng chung", doc["overall"]["index"], doc["overall"]["n"], doc["overall"]["moe"]])
    for el in doc["elements"]:
        ws.append([el["id"], el["name"], el["index"], el["n"], el["moe"]])
    for qid, q in doc["questions"].items():
        ws.append([qid, q["kind"], q["index"], q["n"], q["moe"]])
    for row in ws.iter_rows(min_row=4, min_col=3, max_col=3):
        for c in row:
            c.number_format = "0.00%"
    units = wb.create_sheet("Đơn vị")
    units.append(
        [
            "Mã đơn vị",
            "Tên",
            "Cỡ mẫu dự kiến",
            "Số phiếu",
            "Chỉ số chung",
            "Sai số (±)",
            *[e["id"] for e in doc["elements"]],
        ]
    )
    for u in doc["units"]:
        units.append(
            [
                u["unit"],
                u["name"],
                u["sample_size"],
                u["respondents"],
                u["overall"]["index"],
                u["overall"]["moe"],
                *[e["index"] for e in u["elements"]],
            ]
        )
    raw = wb.create_sheet("Phiếu")
    from motcua.surveys.service import template_header

    header = template_header(campaign)
    raw.append(["id", "channel", "submitted_at", *header])
    for r in Response.objects.filter(campaign=campaign).select_related("unit").order_by("id").iterator():
        merged = {**r.profile, **r.answers}
        raw.append(
            [
                r.pk,
                r.channel,
                r.submitted_at.isoformat(),
                r.unit.code,
                r.dossier_code,
                *[merged.get(h, "") for h in header[2:]],
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_pdf(campaign: Any, doc: dict[str, Any], chart_svg: str) -> bytes:
    from weasyprint import HTML

    rows = "".join(
        f"<tr><td>{escape(e['id'])}</td><td>{escape(e['name'])}</td><td>{_pct(e['index'])}</td><td>{e['n']}</td><td>{_pct(e['moe'])}</td></tr>"
        for e in doc["elements"]
    )
    units = "".join(
        f"<tr><td>{escape(u['unit'])}</td><td>{escape(u['name'])}</td><td>{u['respondents']}/{u['sample_size']}</td>"
        f"<td>{_pct(u['overall']['index'])}</td><td>{_pct(u['overall']['moe'])}</td></tr>"
        for u in doc["units"]
    )
    o = doc["overall"]
    html = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 15mm; }} body {{ font-family: "DejaVu Sans", sans-serif; font-size: 9pt; }}
table {{ border-collapse: collapse; width: 100%; margin: 3mm 0; }} th, td {{ border: .5pt solid #000; padding: 1mm; }}
</style></head><body><h1>Kết quả khảo sát SIPAS: {escape(campaign.name)}</h1>
<p>Chỉ số hài lòng chung: <b>{_pct(o["index"])}</b> (n = {o["n"]}, sai số ± {_pct(o["moe"])})</p>
{chart_svg}
<table><tr><th>Yếu tố</th><th>Tên</th><th>Chỉ số</th><th>n</th><th>Sai số (±)</th></tr>{rows}</table>
<table><tr><th>Mã</th><th>Đơn vị</th><th>Số phiếu / cỡ mẫu</th><th>Chỉ số chung</th><th>Sai số (±)</th></tr>{units}</table>
</body></html>"""
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)
