"""The receipt slip (Mẫu 01) a citizen takes home: one A5 page, a readable deadline, the right
components for the channel, and a QR code that opens the public look-up (contracts §8.1)."""

from __future__ import annotations

import io
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from motcua.backoffice import pdf
from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.test_forms_pdf import text_of
from motcua.catalog.models import Procedure
from motcua.organizations.names import display_name

SAMPLE = Path(__file__).resolve().parents[2] / "demo" / "sample-catalog.yaml"
ONLINE_FORM = "Mẫu hộ tịch điện tử tương tác đăng ký khai sinh"


def qr_text(data: bytes) -> str:
    """Render page 1 at 200 dpi and decode its single QR code (zxing-cpp: no system library needed)."""
    import zxingcpp
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "form.pdf"
        src.write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(src), f"{tmp}/page"], check=True)
        (png,) = Path(tmp).glob("page*.png")
        found = [r for r in zxingcpp.read_barcodes(Image.open(png)) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(found) == 1, "exactly one QR code on the first page"
    return str(found[0].text)


@pytest.fixture
def catalogue(db: None) -> dict[str, Procedure]:
    from motcua.catalog.importer import import_file

    import_file(SAMPLE)
    return {p.code: p for p in Procedure.objects.prefetch_related("components")}


def longest(procedures: dict[str, Procedure]) -> Procedure:
    """The procedure whose component list takes the most room on paper."""
    return max(procedures.values(), key=lambda p: sum(len(c.name) + 60 for c in p.components.all()))


def slip(procedure: Procedure, channel: str = "direct", **kw: Any) -> bytes:
    u = f.units()
    clerk = f.user("lan", u["a"], "clerk")
    clerk.first_name, clerk.last_name = "Nhận", "Nguyễn Thị Tiếp"
    clerk.save()
    d = f.dossier(
        u["a"],
        procedure=procedure,
        channel=channel,
        applicant_name="Tôn Nữ Thị Hoàng Phương Thảo",
        applicant_address="Tổ dân phố 12, số 345/17 đường Nguyễn Thị Minh Khai, phường Nha Trang, tỉnh Khánh Hòa",
        applicant_email="tonnuthihoangphuongthao@example.vn",
        **kw,
    )
    payload = {
        "received_at": "2026-11-24T09:15:00+07:00",
        "due_at": "2026-11-27T17:00:00+07:00",
        "deadline": {
            "amount": str(procedure.deadline_amount),
            "unit": procedure.deadline_unit,
            "cutoff": procedure.cutoff.strftime("%H:%M") if procedure.cutoff else None,
        },
    }
    f.event(d, "received", f.vn(2026, 11, 24, 9, 15), payload, actor=clerk)
    return pdf.render("receipt", d, issued_at=f.vn(2026, 11, 24, 9, 20))


def test_longest_demo_procedure_fits_one_a5_page(catalogue: dict[str, Procedure]) -> None:
    proc = longest(catalogue)
    assert proc.components.count() >= 5, "the longest demo procedure should really be long"
    data = slip(proc)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (round(float(page.mediabox.width) / 72 * 25.4), round(float(page.mediabox.height) / 72 * 25.4)) == (148, 210)
    text = text_of(data)
    assert "trang 1/1" in text
    assert "Tôn Nữ Thị Hoàng Phương Thảo" in text
    assert "17 giờ 00 phút, ngày 27/11/2026" in text


def test_counter_slip_leaves_off_the_online_only_form(catalogue: dict[str, Procedure]) -> None:
    khai_sinh = catalogue["1.001193"]
    assert any(ONLINE_FORM in c.name for c in khai_sinh.components.all())
    counter = text_of(slip(khai_sinh, "direct"))
    assert ONLINE_FORM not in counter
    assert "Tờ khai đăng ký khai sinh theo mẫu" in counter
    assert "nộp trực tiếp" in counter


def test_online_slip_lists_the_online_form_as_mandatory_and_not_the_paper_one() -> None:
    rows = pdf.forms.components(
        type("D", (), {"channel": "online", "procedure": None})(),  # type: ignore[arg-type]
        {
            "components": [
                {"name": "Tờ khai đăng ký khai sinh theo mẫu (nếu nộp hồ sơ trực tiếp)", "mandatory": True},
                {"name": f"{ONLINE_FORM} (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tuyến)"},
                {"name": "Giấy chứng sinh", "mandatory": True},
                {"name": "Văn bản ủy quyền", "mandatory": False, "channels": ["direct", "postal"]},
            ]
        },
    )
    assert [(r["name"][:30], r["required"]) for r in rows] == [
        (ONLINE_FORM[:30], True),
        ("Giấy chứng sinh", True),
    ]
    assert rows[0]["note"] == "chỉ khi nộp trực tuyến"


@pytest.mark.parametrize(
    ("amount", "unit", "cutoff", "expected"),
    [
        ("0", "same_day", None, "Trong ngày (nhận trước 15:00)"),
        ("0", "same_day", "11:00", "Trong ngày (nhận trước 11:00)"),
        ("5", "working_days", None, "05 ngày làm việc"),
        ("24", "working_hours", None, "24 giờ làm việc"),
        ("30", "calendar_days", None, "30 ngày"),
        ("1.5", "working_days", None, "1,5 ngày làm việc"),
        ("0", "", None, "Không quy định"),
    ],
)
def test_deadline_line_reads_naturally(amount: str, unit: str, cutoff: str | None, expected: str) -> None:
    from motcua.catalog.wording import deadline_text

    assert deadline_text(Decimal(amount), unit, cutoff) == expected


def test_same_day_slip_prints_the_cutoff(catalogue: dict[str, Procedure]) -> None:
    same_day = next(p for p in catalogue.values() if p.deadline_unit == "same_day")
    text = text_of(slip(same_day))
    assert "Thời gian giải quyết hồ sơ theo quy định: Trong ngày (nhận trước 15:00)" in text
    assert "0 trong ngày" not in text


def test_qr_opens_the_public_lookup(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTCUA_PUBLIC_URL", "https://dichvucong.khanhhoa.example/")
    data = slip(f.procedure())
    assert qr_text(data) == "https://dichvucong.khanhhoa.example/tra-cuu/?ma=H32.101-261124-0001"


def test_qr_default_public_url(db: None) -> None:
    assert qr_text(slip(f.procedure())) == "http://127.0.0.1:8000/tra-cuu/?ma=H32.101-261124-0001"


def test_receiving_official_is_named_family_name_first(db: None) -> None:
    text = text_of(slip(f.procedure()))
    assert "Nguyễn Thị Tiếp Nhận" in text
    assert "Nhận Nguyễn Thị Tiếp" not in text


def test_display_name_order() -> None:
    person = type("U", (), {"first_name": "Nhận", "last_name": "Nguyễn Thị Tiếp", "get_username": lambda self: "x"})()
    assert display_name(person) == "Nguyễn Thị Tiếp Nhận"
    nobody = type("U", (), {"first_name": "", "last_name": "", "get_username": lambda self: "clerk"})()
    assert display_name(nobody) == "clerk"
    assert display_name(None) == ""
