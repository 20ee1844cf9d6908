"""Indicators of the provincial reform reports (seed appendices): per level and in total.

on-time rate (Phụ lục 3 §4), online-dossier and online-payment shares (Phụ lục 8 §6.2–6.5),
digitisation, reuse and electronic-result rates (Phụ lục 3 §6). Every rate has its numerator and
denominator so the figure can be checked.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from motcua.analytics.report import Scope, flag_counts_by_group, level_name, resolution_report
from motcua.analytics.rules import rate

INDICATORS = [
    ("on_time_rate", "Tỷ lệ hồ sơ giải quyết đúng hạn"),
    ("online_share", "Tỷ lệ hồ sơ trực tuyến"),
    ("online_payment_share", "Tỷ lệ hồ sơ có phí thanh toán trực tuyến"),
    ("digitized_share", "Tỷ lệ hồ sơ được số hóa"),
    ("reused_share", "Tỷ lệ hồ sơ tái sử dụng dữ liệu số hóa"),
    ("e_result_share", "Tỷ lệ hồ sơ có kết quả điện tử"),
]

CATALOGUE_INDICATORS = [
    ("procedures_online_share", "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến"),
    ("procedures_full_online_share", "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến toàn trình"),
]


def _measures(row: dict[str, Any], f: dict[str, int]) -> dict[str, Any]:
    good = row["resolved"]["early"] + row["resolved"]["on_time"] + row["withdrawn_or_stopped"]
    good += row["in_progress"]["within_time"]
    pairs = {
        "on_time_rate": (good, row["received"]["total"]),
        "online_share": (f["online"], f["new"]),
        "online_payment_share": (f["paid_online"], f["fee_bearing"]),
        "digitized_share": (f["digitized"], f["new"]),
        "reused_share": (f["reused"], f["new"]),
        "e_result_share": (f["e_result"], f["new"]),
    }
    return {k: {"numerator": n, "denominator": d, "rate": rate(n, d)} for k, (n, d) in pairs.items()}


def indicators(start: date, end: date, scope: Scope | None = None, source: str = "rollup") -> dict[str, Any]:
    scope = scope or Scope()
    report = resolution_report(start, end, "level", scope, source)
    flags = {k: v for (k, _n), v in flag_counts_by_group(start, end, "level", scope, source).items()}
    empty = dict.fromkeys(("new", "online", "paid_online", "fee_bearing", "digitized", "reused", "e_result"), 0)
    total_flags = dict(empty)
    levels = []
    for row in report["rows"]:
        f = flags.get(row["key"], empty)
        for k in total_flags:
            total_flags[k] += f.get(k, 0)
        levels.append({"level": row["key"], "name": level_name(row["key"]), **_measures(row, f)})
    for key, f in flags.items():
        if key not in {r["level"] for r in levels}:
            for k in total_flags:
                total_flags[k] += f.get(k, 0)
    from motcua.catalog.models import Procedure

    procs = Procedure.objects.filter(active=True)
    if scope.procedure_ids is not None:
        procs = procs.filter(id__in=scope.procedure_ids)
    n_procs = procs.count()
    online = procs.filter(online__in=["full", "partial"]).count()
    full = procs.filter(online="full").count()
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "levels": levels,
        "total": _measures(report["total"], total_flags),
        "catalogue": {
            "procedures_online_share": {"numerator": online, "denominator": n_procs, "rate": rate(online, n_procs)},
            "procedures_full_online_share": {"numerator": full, "denominator": n_procs, "rate": rate(full, n_procs)},
        },
    }


def indicators_xlsx(doc: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Chỉ tiêu"
    ws.append([f"Chỉ tiêu giải quyết TTHC từ {doc['from']} đến {doc['to']}"])
    ws.append(["Cấp", "Chỉ tiêu", "Tử số", "Mẫu số", "Tỷ lệ"])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for item in [*doc["levels"], {"name": "Toàn tỉnh", **doc["total"]}]:
        for key, label in INDICATORS:
            m = item[key]
            ws.append([item["name"], label, m["numerator"], m["denominator"], m["rate"]])
            ws.cell(row=ws.max_row, column=5).number_format = "0.00%"
    for key, label in CATALOGUE_INDICATORS:
        m = doc["catalogue"][key]
        ws.append(["Toàn tỉnh", label, m["numerator"], m["denominator"], m["rate"]])
        ws.cell(row=ws.max_row, column=5).number_format = "0.00%"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
