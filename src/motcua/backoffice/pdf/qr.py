"""QR codes on published documents (Circular 01/2023/TT-VPCP, TCVN 7322:2009 = ISO/IEC 18004).

Payload: compact JSON (UTF-8, byte mode, error correction M), keys
  `ma_ho_so`      dossier code (empty for a register covering many dossiers)
  `ma_tthc`       procedure code
  `so_dinh_danh`  applicant's personal/organisation identification number
  `ten_giay_to`   document name (e.g. "Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
  `he_thong`      system name
  `thoi_gian`     issue time, ISO 8601 with +07:00
  `ngay_hen`      appointment date-time (only on the receipt slip and the apology)
  plus, on the tracking book, `don_vi`, `tu_ngay`, `den_ngay`.
JSON keeps Vietnamese text unambiguous and lets a scanner app read named fields.
"""

from __future__ import annotations

import json
from typing import Any

import segno

SYSTEM_NAME = "Hệ thống thông tin giải quyết TTHC tỉnh (motcua)"


def payload(**fields: Any) -> str:
    """The QR text: the given fields in a stable order, empty optional ones dropped."""
    data = {k: v for k, v in fields.items() if v not in (None, "")}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def svg_data_uri(text: str) -> str:
    """An SVG data URI of the QR (vector: stays sharp when printed)."""
    qr = segno.make(text, error="m", micro=False, encoding="utf-8")
    return str(qr.svg_data_uri(scale=4, border=2))
