"""CSV, XLSX and PDF renderings of the resolution report (Biểu 06a layout, Vietnamese headers)."""

from __future__ import annotations

import csv
import io
from typing import Any

from motcua.analytics.report import flatten

GROUP_TITLES = {"unit": "Đơn vị", "field": "Lĩnh vực", "procedure": "Thủ tục hành chính", "level": "Cấp"}
TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH (Biểu 06a)"
# Top header groups: (title, first column, last column) over the 15 numeric columns (0-based).
GROUPS = [
    ("Tổng số hồ sơ tiếp nhận", 0, 3),
    ("Số hồ sơ đã giải quyết", 4, 7),
    ("Số hồ sơ rút, dừng xử lý", 8, 8),
    ("Số hồ sơ đang giải quyết", 9, 11),
    ("Số hồ sơ từ chối tiếp nhận", 12, 12),
    ("Tỷ lệ đúng hạn", 13, 13),
    ("Tỷ lệ trễ hạn", 14, 14),
]
SUBHEADERS = [
    "Tổng số",
    "Trực tuyến",
    "Trực tiếp, bưu chính",
    "Từ kỳ trước",
    "Tổng số",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "",
    "Tổng số",
    "Trong hạn",
    "Quá hạn",
    "",
    "",
    "",
]
FLAT_HEADERS = [
    "Tiếp nhận: tổng số",
    "Tiếp nhận: trực tuyến",
    "Tiếp nhận: trực tiếp, bưu chính",
    "Tiếp nhận: từ kỳ trước",
    "Đã giải quyết: tổng số",
    "Đã giải quyết: trước hạn",
    "Đã giải quyết: đúng hạn",
    "Đã giải quyết: quá hạn",
    "Rút, dừng xử lý",
    "Đang giải quyết: tổng số",
    "Đang giải quyết: trong hạn",
    "Đang giải quyết: quá hạn",
    "Từ chối tiếp nhận",
    "Tỷ lệ đúng hạn",
    "Tỷ lệ trễ hạn",
]


def period_label(doc: dict[str, Any]) -> str:
    return f"Kỳ báo cáo: từ ngày {doc['from']} đến ngày {doc['to']}"


def to_csv(doc: dict[str, Any]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["STT", "Mã", GROUP_TITLES[doc["by"]], *FLAT_HEADERS])
    for i, row in enumerate(doc["rows"], start=1):
        w.writerow([i, row["key"], row["name"], *flatten(row)])
    w.writerow(["", "", "Tổng cộng", *flatten(doc["total"])])
    # UTF-8 with a BOM so that spreadsheet programs show the diacritics.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(doc: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Biểu 06a"
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ncols = 3 + 15
    ws.cell(row=1, column=1, value=TITLE).font = Font(bold=True, size=13)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.cell(row=1, column=1).alignment = center
    ws.cell(row=2, column=1, value=period_label(doc)).alignment = center
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncols)
    h1, h2 = 4, 5
    for col, title in ((1, "STT"), (2, "Mã"), (3, GROUP_TITLES[doc["by"]])):
        ws.cell(row=h1, column=col, value=title)
        ws.merge_cells(start_row=h1, start_column=col, end_row=h2, end_column=col)
    for title, first, last in GROUPS:
        c1, c2 = 4 + first, 4 + last
        ws.cell(row=h1, column=c1, value=title)
        if c1 == c2:
            ws.merge_cells(start_row=h1, start_column=c1, end_row=h2, end_column=c1)
        else:
            ws.merge_cells(start_row=h1, start_column=c1, end_row=h1, end_column=c2)
    for i, sub in enumerate(SUBHEADERS):
        if sub:
            ws.cell(row=h2, column=4 + i, value=sub)
    for r in (h1, h2):
        for c in range(1, ncols + 1):
            cell = ws.cell(row=r, column=c)
            cell.font = bold
            cell.alignment = center
            cell.border = border
    data = [[i, row["key"], row["name"], *flatten(row)] for i, row in enumerate(doc["rows"], start=1)]
    data.append(["", "", "Tổng cộng", *flatten(doc["total"])])
    for ri, values in enumerate(data, start=h2 + 1):
        for ci, value in enumerate(values, start=1):
            cell = ws.cell(row=ri, column=ci, value=value)
            cell.border = border
            if ci >= 4 + 13:
                cell.number_format = "0.00%"
            elif ci >= 4:
                cell.number_format = "#,##0"
            if ri == h2 + len(data):
                cell.font = bold
    ws.column_dimensions["A"].width = 5
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 40
    for c in range(4, ncols + 1):
        ws.column_dimensions[get_column_letter(c)].width = 12
    ws.row_dimensions[h1].height = 45
    ws.freeze_panes = ws.cell(row=h2 + 1, column=4)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _pct(value: float) -> str:
    return f"{value * 100:.2f}%"


def _num(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def to_html(doc: dict[str, Any]) -> str:
    from html import escape

    def cells(values: list[Any]) -> str:
        parts = [f"<td class='n'>{_num(v)}</td>" for v in values[:13]]
        parts += [f"<td class='n'>{_pct(v)}</td>" for v in values[13:]]
        return "".join(parts)

    head1 = "<th rowspan='2'>STT</th><th rowspan='2'>Mã</th>"
    head1 += f"<th rowspan='2'>{escape(GROUP_TITLES[doc['by']])}</th>"
    for title, first, last in GROUPS:
        span = last - first + 1
        head1 += f"<th rowspan='2'>{title}</th>" if span == 1 else f"<th colspan='{span}'>{title}</th>"
    head2 = "".join(f"<th>{s}</th>" for s in SUBHEADERS if s)
    body = ""
    for i, row in enumerate(doc["rows"], start=1):
        body += f"<tr><td>{i}</td><td>{escape(row['key'])}</td><td class='t'>{escape(row['name'])}</td>"
        body += cells(flatten(row)) + "</tr>"
    body += "<tr class='total'><td></td><td></td><td class='t'>Tổng cộng</td>" + cells(flatten(doc["total"])) + "</tr>"
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: A4 landscape; margin: 10mm; }}
body {{ font-family: "DejaVu Sans", "Noto Sans", sans-serif; font-size: 7.5pt; }}
h1 {{ font-size: 11pt; text-align: center; margin: 0 0 2mm; }}
p.period {{ text-align: center; margin: 0 0 4mm; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 0.5pt solid #000; padding: 1mm; }}
th {{ font-weight: bold; text-align: center; }}
td.n {{ text-align: right; }}
tr.total td {{ font-weight: bold; }}
</style></head><body><h1>{TITLE}</h1><p class="period">{escape(period_label(doc))}</p>
<table><thead><tr>{head1}</tr><tr>{head2}</tr></thead><tbody>{body}</tbody></table></body></html>"""


def to_pdf(doc: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=to_html(doc)).write_pdf()
    assert pdf is not None
    return bytes(pdf)


RENDERERS = {"csv": to_csv, "xlsx": to_xlsx, "pdf": to_pdf}
