"""Acceptance: every official form renders Vietnamese text exactly and carries a decodable QR code."""

from __future__ import annotations

import io
import json
import subprocess
import tempfile
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from motcua.backoffice import pdf
from motcua.backoffice.tests import factories as f

NAME = "Nguyễn Thị Hồng Nhung"


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Table cells wrap long text over lines: compare with white space collapsed.
    return " ".join(unicodedata.normalize("NFC", text).split())


def qr_raw(data: bytes) -> str:
    """Render page 1 to an image (poppler's pdftoppm) and decode its QR code (zxing-cpp, a self-contained wheel)."""
    import zxingcpp
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "form.pdf"
        src.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(src), f"{tmp}/page"], check=True)
        (png,) = Path(tmp).glob("page*.png")
        found = zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, "exactly one QR code on the first page"
    return str(found[0].bytes.decode("utf-8"))


def qr_of(data: bytes) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(qr_raw(data))
    return decoded


@pytest.fixture
def dossier(db: None) -> Any:
    u = f.units()
    clerk = f.user("lan", u["a"], "clerk")
    d = f.dossier(u["a"])
    f.event(d, "received", f.vn(2026, 11, 24, 9, 15), {"sets": 1}, actor=clerk)
    f.event(
        d,
        "supplement_requested",
        f.vn(2026, 11, 25, 8, 0),
        {"reason": "Giấy chứng sinh bị mờ, không đọc được", "items": ["Bản chính Giấy chứng sinh"]},
        actor=clerk,
    )
    f.event(d, "refused", f.vn(2026, 11, 25, 9, 0), {"reason": "Không thuộc thẩm quyền giải quyết của UBND phường"})
    f.event(
        d,
        "apology_approved",
        f.vn(2026, 11, 26, 9, 0),
        {"reason": "Chờ xác minh thông tin từ cơ sở y tế", "new_appointment_at": "2026-12-02T17:00:00+07:00"},
    )
    f.event(d, "stopped", f.vn(2026, 11, 26, 10, 0), {"reason": "Người nộp đề nghị dừng giải quyết"})
    return d


EXPECTED = {
    "receipt": [
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Tờ khai đăng ký khai sinh theo mẫu",
        "17 giờ 00 phút, ngày 27/11/2026",
    ],
    "supplement": ["PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Bản chính Giấy chứng sinh", "Giấy chứng sinh bị mờ"],
    "refusal": ["PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "Không thuộc thẩm quyền giải quyết của UBND phường"],
    "apology": ["Sự chậm trễ này đã gây phiền hà", "Chờ xác minh thông tin từ cơ sở y tế", "ngày 02/12/2026"],
    "stop": ["THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "Người nộp đề nghị dừng giải quyết"],
    "control": ["PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", "Tiếp nhận hồ sơ", "Yêu cầu bổ sung hồ sơ"],
}


@pytest.mark.parametrize("kind", list(pdf.FORMS))
def test_form_text_and_qr(kind: str, dossier: Any) -> None:
    spec = pdf.FORMS[kind]
    data = pdf.render(kind, dossier, issued_at=f.vn(2026, 11, 26, 14, 30))
    assert data.startswith(b"%PDF")
    text = text_of(data)
    for expected in [
        f"Mẫu số {spec.number} — {spec.title}",
        NAME,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "PHƯỜNG NHA TRANG",
        "UBND TỈNH KHÁNH HÒA",
        "H32.101-261124-0001",
        *EXPECTED[kind],
    ]:
        assert expected in text, f"{expected!r} missing from the {kind} PDF"

    if kind == "receipt":
        # contracts §8.1: the receipt's QR is the public look-up link (test_receipt_slip.py).
        assert qr_raw(data) == "http://127.0.0.1:8000/tra-cuu/?ma=H32.101-261124-0001"
        return
    code = qr_of(data)
    assert code["ma_ho_so"] == "H32.101-261124-0001"
    assert code["ma_tthc"] == "1.001193"
    assert code["so_dinh_danh"] == "056190001234"
    assert code["ten_giay_to"] == spec.title
    assert code["he_thong"].startswith("Hệ thống thông tin giải quyết TTHC")
    assert code["thoi_gian"] == "2026-11-26T14:30:00+07:00"
    if kind == "apology":
        assert code["ngay_hen"] == "2026-12-02T17:00:00+07:00"
    else:
        assert "ngay_hen" not in code


def test_forms_are_a5_portrait(dossier: Any) -> None:
    page = PdfReader(io.BytesIO(pdf.render("receipt", dossier))).pages[0]
    width_mm, height_mm = float(page.mediabox.width) / 72 * 25.4, float(page.mediabox.height) / 72 * 25.4
    assert (round(width_mm), round(height_mm)) == (148, 210)


def test_tracking_book_is_a4_landscape_with_every_dossier(dossier: Any) -> None:
    other = f.dossier(dossier.unit, code="H32.101-261124-0002", applicant_name="Lê Văn Đức")
    data = pdf.render_tracking_book(
        dossier.unit, date(2026, 11, 1), date(2026, 11, 30), [dossier, other], issued_at=f.vn(2026, 11, 30, 16, 0)
    )
    page = PdfReader(io.BytesIO(data)).pages[0]
    assert (round(float(page.mediabox.width) / 72 * 25.4), round(float(page.mediabox.height) / 72 * 25.4)) == (297, 210)
    text = text_of(data)
    for expected in ["SỔ THEO DÕI HỒ SƠ", "Mẫu số 07 — Sổ theo dõi hồ sơ", NAME, "Lê Văn Đức", "H32.101-261124-0002"]:
        assert expected in text
    code = qr_of(data)
    assert code["ten_giay_to"] == "Sổ theo dõi hồ sơ"
    assert (code["don_vi"], code["tu_ngay"], code["den_ngay"]) == ("H32.101", "2026-11-01", "2026-11-30")
