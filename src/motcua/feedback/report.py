"""The periodic PAKN report (six-monthly, yearly; per unit) and its XLSX/PDF renderings.

Counts per handling unit for the feedback received in the period (local date of `received_at`),
as the provincial reports on feedback handling present them: received (of which through the
national portal / other channels), not accepted, forwarded, answered (of which on time / late),
published, still in progress (of which overdue), rated and satisfied (ratings 4–5). Each figure
is a named subset (`metrics.SUBSETS`) so that every number links to its feedback list.
"""

from __future__ import annotations

import io
from datetime import date
from html import escape
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.utils import timezone

from motcua.feedback.metrics import q_for, received_in

# (cell, header) in report order
COLUMNS: list[tuple[str, str]] = [
    ("received", "Tổng số tiếp nhận"),
    ("portal", "Qua Cổng DVC quốc gia"),
    ("other_channels", "Qua kênh khác"),
    ("rejected", "Không tiếp nhận"),
    ("forwarded", "Đã chuyển"),
    ("answered", "Đã xử lý, trả lời"),
    ("answered_on_time", "Trả lời đúng hạn"),
    ("answered_late", "Trả lời trễ hạn"),
    ("published", "Đã công khai"),
    ("in_progress", "Đang xử lý"),
    ("overdue", "Quá hạn chưa xử lý"),
    ("rated", "Được đánh giá"),
    ("satisfied", "Hài lòng (4–5)"),
]
CELL_LABELS = dict(COLUMNS) | {
    "final": "Đã kết thúc xử lý",
    "on_time": "Xử lý đúng hạn",
    "late": "Xử lý trễ hạn",
    "dissatisfied": "Chưa hài lòng (1–3)",
    "awaiting_publication": "Chờ công khai",
}


def period_bounds(period: str, year: int) -> tuple[date | None, date | None]:
    """`h1` (01/01–30/06), `h2` (01/07–31/12) or `year`."""
    return {
        "h1": (date(year, 1, 1), date(year, 6, 30)),
        "h2": (date(year, 7, 1), date(year, 12, 31)),
        "year": (date(year, 1, 1), date(year, 12, 31)),
    }.get(period, (None, None))


def pakn_report(start: date, end: date, unit_ids: set[int] | None = None) -> dict[str, Any]:
    now = timezone.now()
    aggregates = {cell: Count("id", filter=q_for(cell, now)) for cell, _h in COLUMNS}
    rows = []
    qs = received_in(start, end, unit_ids)
    grouped: Any = qs.values("unit__code", "unit__name").annotate(**aggregates).order_by("unit__code")
    for r in grouped:
        rows.append({"key": r["unit__code"], "name": r["unit__name"], **{c: r[c] for c, _h in COLUMNS}})
    total = qs.aggregate(**aggregates)
    for row in [*rows, total]:
        answered = row["answered"]
        row["on_time_rate"] = round(row["answered_on_time"] / answered, 4) if answered else 0.0
        row["satisfaction_rate"] = round(row["satisfied"] / row["rated"], 4) if row["rated"] else 0.0
    return {"from": start.isoformat(), "to": end.isoformat(), "rows": rows, "total": total}


TITLE = "BÁO CÁO TÌNH HÌNH, KẾT QUẢ TIẾP NHẬN, XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ"


def _link(base: str, doc: dict[str, Any], cell: str, row: str | None) -> str:
    params = {"from": doc["from"], "to": doc["to"], "cell": cell, **({"row": row} if row else {})}
    return f"{base}?{urlencode(params)}"


def to_xlsx(doc: dict[str, Any], link_base: str) -> bytes:
    """One sheet; every count is a hyperlink to the list of its feedback."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "PAKN"
    ws.append([TITLE])
    ws["A1"].font = Font(bold=True)
    ws.append([f"Kỳ báo cáo: {doc['from']} – {doc['to']}"])
    ws.append(["Mã đơn vị", "Tên đơn vị", *[h for _c, h in COLUMNS], "Tỷ lệ đúng hạn", "Tỷ lệ hài lòng"])
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in [*doc["rows"], {"key": None, "name": "Tổng cộng", **doc["total"]}]:
        ws.append(
            [
                row["key"] or "",
                row["name"],
                *[row[c] for c, _h in COLUMNS],
                row["on_time_rate"],
                row["satisfaction_rate"],
            ]
        )
        r = ws.max_row
        for i, (c, _h) in enumerate(COLUMNS, start=3):
            cell = ws.cell(row=r, column=i)
            cell.hyperlink = _link(link_base, doc, c, row["key"])
            cell.style = "Hyperlink"
        for col in (len(COLUMNS) + 3, len(COLUMNS) + 4):
            ws.cell(row=r, column=col).number_format = "0.00%"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_pdf(doc: dict[str, Any], link_base: str) -> bytes:
    from weasyprint import HTML

    head = "".join(f"<th>{escape(h)}</th>" for _c, h in COLUMNS)
    body = ""
    for row in [*doc["rows"], {"key": None, "name": "Tổng cộng", **doc["total"]}]:
        cells = "".join(
            f'<td class="n"><a href="{escape(_link(link_base, doc, c, row["key"]))}">{row[c]}</a></td>'
            for c, _h in COLUMNS
        )
        body += (
            f"<tr><td>{escape(row['key'] or '')}</td><td>{escape(row['name'])}</td>{cells}"
            f'<td class="n">{row["on_time_rate"] * 100:.2f}%</td><td class="n">{row["satisfaction_rate"] * 100:.2f}%</td></tr>'
        )
    html = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page {{ size: A4 landscape; margin: 12mm; }} body {{ font-family: "DejaVu Sans", sans-serif; font-size: 7.5pt; }}
h1 {{ font-size: 11pt; text-align: center; }} table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 0.5pt solid #000; padding: 1mm; }} td.n {{ text-align: right; }} a {{ color: #000; }}
</style></head><body><h1>{TITLE}</h1><p>Kỳ báo cáo: {doc["from"]} – {doc["to"]}</p>
<table><thead><tr><th>Mã</th><th>Đơn vị</th>{head}<th>Tỷ lệ đúng hạn</th><th>Tỷ lệ hài lòng</th></tr></thead>
<tbody>{body}</tbody></table></body></html>"""
    pdf = HTML(string=html).write_pdf()
    assert pdf is not None
    return bytes(pdf)


RENDERERS = {"xlsx": to_xlsx, "pdf": to_pdf}
