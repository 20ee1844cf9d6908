"""Walk dossiers through the back office the way a person does: read the offered actions off the page,
post only those, and check each one succeeds. Shared by the catalogue walk and the journey tests."""

from __future__ import annotations

import re
from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from motcua.organizations.demo import ACCOUNTS
from motcua.organizations.models import Membership, Unit

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
OFFERED = re.compile(r'data-command="([a-z_]+)"')
# What a person does next to move a dossier towards its result, in order of preference.
PROGRESS = ("accept", "start_step", "forward", "finish", "announce_early", "return_result")


def demo_world() -> dict[str, Any]:
    """The sample catalogue (through the real import) and the demo accounts, logged in without passwords."""
    from motcua.catalog.demo import SAMPLE
    from motcua.catalog.importer import import_file

    import_file(SAMPLE)
    units = {u.code: u for u in Unit.objects.all()}
    people: dict[str, Any] = {}
    for username, full_name, memberships, _staff in ACCOUNTS:
        last, _, first = full_name.rpartition(" ")
        user = User.objects.create(username=username, first_name=first, last_name=last)
        for code, role in memberships:
            Membership.objects.create(user=user, unit=units[code], role=role)
        people[username] = user
    return people


def client_for(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def page_of(c: Client, code: str) -> str:
    response = c.get(reverse("backoffice:dossier", args=[code]))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def offered(c: Client, code: str) -> list[str]:
    return OFFERED.findall(page_of(c, code))


def intake(c: Client, procedure_code: str, unit_code: str, key: str) -> str:
    """Fill the counter intake as shown: every default-ticked component, a scan for each file input."""
    checklist = c.get(reverse("backoffice:intake_checklist"), {"procedure": procedure_code}).content.decode()
    data: dict[str, Any] = {
        "procedure": procedure_code,
        "unit": unit_code,
        "competent_unit": unit_code,  # the demo staffs these units; the screen suggests others for some
        "applicant_name": "Nguyễn Thị Hồng Nhung",
        "applicant_id_number": "056190001234",
        "applicant_phone": "0905123456",
        "applicant_address": "12 Trần Phú, phường Nha Trang",
        "sets": "1",
        "idempotency_key": key,
    }
    for pk, checked in re.findall(r'name="component_(\d+)"( checked)?', checklist):
        if checked:
            data[f"component_{pk}"] = "on"
    from django.core.files.uploadedfile import SimpleUploadedFile

    for pk in re.findall(r'name="file_(\d+)"', checklist):
        if f"component_{pk}" in data:
            data[f"file_{pk}"] = SimpleUploadedFile(f"scan-{pk}.pdf", PDF, content_type="application/pdf")
    response = c.post(reverse("backoffice:intake"), data)
    assert response.status_code == 302, re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', response.content.decode())
    return str(response["Location"]).split("/d/")[1].split("/")[0]


def post(c: Client, code: str, command: str, data: dict[str, Any] | None = None) -> str:
    response = c.post(reverse("backoffice:act", args=[code, command]), data or {}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def messages_in(page: str, level: str) -> list[str]:
    """The flash messages of one level ("success", "error") shown at the top of the page."""
    return re.findall(rf'<li class="{level}">(.*?)</li>', page, flags=re.S)


def walk_to_result(clients: list[Client], code: str, max_moves: int = 40) -> list[tuple[int, str]]:
    """Follow only offered actions until the dossier is returned; returns (client index, command) taken."""
    from motcua.dossiers.models import Dossier

    taken: list[tuple[int, str]] = []
    last = 0
    for _ in range(max_moves):
        if Dossier.objects.get(code=code).status == "returned":
            return taken
        moved = False
        # Ask whoever acted last first (they often go on), then the others: each is shown only their own offers.
        for i in [last, *[n for n in range(len(clients)) if n != last]]:
            c = clients[i]
            choices = [name for name in PROGRESS if name in offered(c, code)]
            if not choices:
                continue
            command = choices[0]
            page = post(c, code, command)
            assert messages_in(page, "success") and not messages_in(page, "error"), (
                code,
                command,
                messages_in(page, "error"),
            )
            taken.append((i, command))
            last, moved = i, True
            break
        assert moved, (code, Dossier.objects.get(code=code).status, "no progress action offered to anyone")
    raise AssertionError(f"{code}: not returned after {max_moves} moves: {taken}")
