"""The public verification page at phone size in headless Chromium: upload the signed result → valid;
upload it with one byte changed → "đã bị thay đổi". `MOTCUA_SCREENS_DIR` keeps screenshots."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.conftest import PHONE
from motcua.signing.tests.test_signing import altered, record
from motcua.signing.verify import ALTERED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("context", [PHONE], indirect=True, ids=["phone"])
def test_verify_page_on_a_phone(context: Any, live_server: Any, tmp_path: Path) -> None:
    u = f.units()
    people = f.staff(u["a"])
    data = record({"dossier": f.received(people["clerk"], u["a"]), **people})
    good, bad = tmp_path / "ket-qua.pdf", tmp_path / "ket-qua-sua.pdf"
    good.write_bytes(data)
    bad.write_bytes(altered(data))
    page = context.new_page()
    shots = os.environ.get("MOTCUA_SCREENS_DIR")
    for path, expected in [(good, "Hợp lệ"), (bad, ALTERED)]:
        page.goto(f"{live_server.url}/xac-thuc/")
        page.get_by_label("Tệp PDF cần kiểm tra").set_input_files(str(path))
        page.get_by_role("button", name="Kiểm tra chữ ký số").click()
        page.get_by_text(expected, exact=False).first.wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        if shots:
            page.screenshot(path=str(Path(shots) / f"verify-{path.stem}-phone.png"), full_page=True)
