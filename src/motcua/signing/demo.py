"""Demo data of signed documents: the local test CA (a certificate per unit and per leader) and a
signed electronic result on each finished live demo dossier (after `dossiers.demo`)."""

from __future__ import annotations

from typing import Any, TextIO

from django.db import transaction
from django.template import engines
from django.utils import timezone

RESULT_HTML = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm; } body { font-family: "Noto Serif", "DejaVu Serif", serif; font-size: 12pt; }
.c { text-align: center; } h1 { font-size: 15pt; margin-top: 16mm; } td { padding: 2mm 4mm 2mm 0; vertical-align: top; }
</style></head><body>
<p class="c"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b><br><b>Độc lập - Tự do - Hạnh phúc</b></p>
<p class="c">{{ unit }}</p>
<h1 class="c">KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH<br><small>(bản điện tử dùng cho trình diễn, không có giá trị pháp lý)</small></h1>
<table><tr><td>Thủ tục:</td><td>{{ procedure }}</td></tr>
<tr><td>Mã hồ sơ:</td><td>{{ code }}</td></tr>
<tr><td>Người nộp:</td><td>{{ applicant }}</td></tr>
<tr><td>Mã số kết quả:</td><td>{{ result_code }}</td></tr>
<tr><td>Ngày cấp:</td><td>{{ issued }}</td></tr></table>
<p>Văn bản được ký số bởi cơ quan giải quyết. Kiểm tra tại trang “Xác thực văn bản điện tử” (/xac-thuc/) hoặc quét mã QR ở cuối trang.</p>
</body></html>"""


def result_pdf(d: Any, result_code: str) -> bytes:
    from weasyprint import HTML

    html = (
        engines["django"]
        .from_string(RESULT_HTML)
        .render(
            {
                "unit": d.unit.name.upper(),
                "procedure": d.procedure.name,
                "code": d.code,
                "applicant": d.applicant_name,
                "result_code": result_code,
                "issued": timezone.localtime().strftime("%d/%m/%Y"),
            }
        )
    )
    return bytes(HTML(string=html).write_pdf())


def load(stdout: TextIO) -> None:
    from motcua import config
    from motcua.documents.models import Document
    from motcua.dossiers import services
    from motcua.dossiers.demo import KEY, STAFF, account
    from motcua.dossiers.models import Dossier, Status
    from motcua.signing import ca

    if config.production() and not config.simulators_on():
        stdout.write("signing: production profile, no test CA\n")
        return
    made = ca.init_all()
    stdout.write(f"signing: test CA ready ({made['units']} unit and {made['people']} personal certificates issued)\n")
    finished = Dossier.objects.filter(idempotency_key__startswith=KEY, status=Status.FINISHED, parent__isnull=True)
    signed = 0
    for d in finished.select_related("unit", "procedure"):
        if d.unit.code not in STAFF or Document.objects.filter(dossier=d, kind="result").exists():
            continue
        result_code = f"{d.applicant_id_number}.KQ.{d.procedure.code}"
        with transaction.atomic():
            services.record_result(
                account(d.unit.code, "specialist"),
                d,
                upload=services.Upload("ket-qua.pdf", result_pdf(d, result_code)),
                result_code=result_code,
            )
        signed += 1
    stdout.write(f"signing: {signed} signed electronic results on finished demo dossiers (/xac-thuc/ verifies)\n")
