"""Demo data of the national-portal simulator: the VNeID test citizens and one dossier they filed online.

The dossier goes to motcua through the same inbound function the HTTP endpoint calls (the server is
not up while the demo loads); its acceptance and later messages reach the simulator through the
outbox when `motcua demo` serves (its worker delivers them to `MOTCUA_NATIONAL_URL`).
"""

from __future__ import annotations

import hashlib
from typing import IO

PDF = b"%PDF-1.4\n% demo attachment\n"

REF = "G22.DEMO.0001"
CITIZEN = "056185000002"


def load(stdout: IO[str]) -> None:
    from motcua.catalog.models import Procedure
    from motcua.nationalportal import inbound
    from motcua.portalsim.citizens import TEST_PASSWORD, ensure_citizens
    from motcua.portalsim.models import Citizen, Delivery, PortalDossier, PortalFile
    from motcua.portalsim.province import attachment

    ensure_citizens()
    print(f"portalsim: VNeID test citizens ready (password {TEST_PASSWORD}); the portal is at /sim/dvcqg/", file=stdout)
    if PortalDossier.objects.filter(ref=REF).exists():
        return
    procedure = Procedure.objects.filter(code="1.001193").first()
    if procedure is None:
        return
    citizen = Citizen.objects.get(id_number=CITIZEN)
    d = PortalDossier.objects.create(
        ref=REF,
        citizen=citizen,
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        unit_code="H32.101",
        unit_name="Phường Nha Trang",
        form={"noi_dung": "Đăng ký khai sinh cho con"},
    )
    for order, name in ((2, "mau-ho-tich-dien-tu.pdf"), (3, "giay-chung-sinh.pdf")):
        data = PDF + name.encode()
        PortalFile.objects.create(
            dossier=d,
            component=str(order),
            filename=name,
            content=data,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
        )
    message = {
        "message_id": f"{REF}:submit",
        "type": "dossier.submitted",
        "portal_ref": REF,
        "procedure": procedure.code,
        "unit": "H32.101",
        "applicant": {
            "id_number": citizen.id_number,
            "name": citizen.name,
            "phone": citizen.phone,
            "address": citizen.address,
            "vneid_subject": citizen.subject,
            "verified": True,
        },
        "form": d.form,
        "attachments": [attachment(f) for f in d.files.order_by("id")],
    }
    answer = inbound.handle(message)
    if answer.status in (200, 201):
        d.delivery, d.code = Delivery.DELIVERED, str(answer.body["code"])
        d.status, d.status_label = "submitted", "Đã nộp, chờ tiếp nhận"
        d.save()
        print(f"portalsim: {citizen.name} filed {d.code} online (portal {REF})", file=stdout)
    else:
        print(f"portalsim: the demo filing was not received: {answer.body}", file=stdout)
