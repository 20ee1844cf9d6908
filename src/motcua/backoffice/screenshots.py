"""Take the documentation screenshots of the back office at 1366×768, tablet and phone size (`docs/screens/*.png`).

    .venv/bin/python -m motcua.backoffice.screenshots [--out docs/screens]

Builds a throw-away SQLite database in a temporary data dir (your own data is never touched),
fills it through the dossier services, serves the app on a free local port and drives Debian's
Chromium with Playwright, exactly like the browser tests.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

SHOTS = [
    ("01-login.png", "Đăng nhập"),
    ("02-worklist.png", "Danh sách hồ sơ của cán bộ, hồ sơ quá hạn và sắp đến hạn được tô màu"),
    ("03-intake.png", "Tiếp nhận tại quầy: tìm thủ tục không dấu, danh mục thành phần hồ sơ, người nộp"),
    ("04-dossier.png", "Trang hồ sơ: thông tin, hạn giải quyết giải thích bằng tiếng Việt, biểu mẫu, các bước"),
    ("05-dossier-timeline.png", "Trang hồ sơ (cuộn xuống): quá trình xử lý và trạng thái gửi thông báo"),
    ("06-apology-approval.png", "Lãnh đạo duyệt văn bản xin lỗi và hẹn lại ngày trả kết quả"),
    ("07-receipt-slip.png", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả (PDF A5, mã QR)"),
    ("08-dossier-tablet.png", "Trang hồ sơ trên máy tính bảng (820×1180, một cột)"),
    ("09-worklist-phone.png", "Danh sách hồ sơ trên điện thoại (390×844): mỗi hồ sơ một thẻ, không cuộn ngang"),
    ("10-dossier-phone.png", "Trang hồ sơ trên điện thoại (390×844): biểu mẫu và các thao tác xử lý lên đầu"),
]


def _setup(data_dir: Path) -> None:
    os.environ["MOTCUA_DATA_DIR"] = str(data_dir)
    os.environ["MOTCUA_DATABASE_URL"] = f"sqlite:///{data_dir / 'screens.sqlite3'}"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from motcua.cli import setup_django

    setup_django(migrate=True)


def _data() -> dict[str, Any]:
    """Units, officials and dossiers in several states, all made through the services."""
    from django.utils import timezone

    from motcua.backoffice.tests import factories as f
    from motcua.dossiers import services as s
    from motcua.notifications.worker import run as run_worker

    u = f.units()
    people = f.staff(u["a"])
    proc = f.procedure()
    f.process(proc, u["a"])
    f.procedure("1.000894", "Đăng ký kết hôn")
    clerk, specialist, leader = people["clerk"], people["specialist"], people["leader"]
    for user, (family, given) in zip(
        (clerk, specialist, leader), [("Trần Thị", "Lan"), ("Lê Văn", "Minh"), ("Nguyễn Văn", "Hải")], strict=True
    ):
        # Family and middle names in last_name, the given name in first_name (organizations.names).
        user.first_name, user.last_name = given, family
        user.save()
    now = timezone.now()
    names = [
        "Phạm Thị Thu Hà",
        "Võ Minh Tuấn",
        "Đặng Thị Ngọc Ánh",
        "Huỳnh Văn Phúc",
        "Bùi Thị Mỹ Linh",
        "Ngô Quang Vinh",
        "Trương Thị Hoa",
    ]
    dossiers = []
    for i, name in enumerate(names):
        received_at = now - timedelta(days=[9, 6, 4, 3, 1, 0, 0][i], hours=i)
        d = s.receive_dossier(
            clerk,
            procedure=proc,
            unit=u["a"],
            applicant=s.Applicant(name=name, id_number=f"05619000{i:04d}", phone=f"09051234{i:02d}"),
            now=received_at,
        )
        dossiers.append(d)
    s.start_step(specialist, dossiers[1], now=now - timedelta(days=5))
    s.start_step(specialist, dossiers[2], now=now - timedelta(days=3))
    s.request_supplement(
        clerk, dossiers[4], reason="Bản chụp Giấy chứng sinh bị mờ", items=["Bản chính Giấy chứng sinh"], now=now
    )
    main = s.receive_dossier(
        clerk,
        procedure=proc,
        unit=u["a"],
        applicant=s.Applicant(
            name="Nguyễn Thị Hồng Nhung", id_number="056190001234", phone="0905123456", address="12 Trần Phú, Nha Trang"
        ),
        now=now - timedelta(hours=2),
    )
    s.start_step(specialist, main, now=now - timedelta(hours=1, minutes=30))
    s.forward(specialist, main, note="Hồ sơ đầy đủ, hợp lệ", now=now - timedelta(hours=1))
    assert main.appointment_at is not None
    s.record_apology(
        specialist,
        main,
        reason="Chờ kết quả xác minh của cơ sở y tế nơi sinh",
        new_appointment_at=main.appointment_at + timedelta(days=2),
        now=now - timedelta(minutes=30),
    )
    run_worker(once=True)  # deliver the receipts so the outbox shows "Đã gửi"
    return {"main": main.code, "now": now}


def _serve() -> tuple[Any, str]:
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.test.testcases import LiveServerThread

    thread = LiveServerThread("127.0.0.1", StaticFilesHandler, connections_override={}, port=0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    return thread, f"http://127.0.0.1:{thread.port}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default="docs/screens", help="output folder (default docs/screens)")
    args = parser.parse_args(argv)
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="motcua-screens-") as tmp:
        _setup(Path(tmp))
        data = _data()
        server, url = _serve()
        from playwright.sync_api import sync_playwright

        from motcua.backoffice.tests.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE

        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            ctx = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
            page = ctx.new_page()

            def login(username: str) -> None:
                ctx.clear_cookies()
                page.goto(f"{url}/backoffice/login/")
                page.get_by_label("Tên đăng nhập").fill(username)
                page.get_by_label("Mật khẩu").fill("mat-khau-123")

            login("lan")
            page.screenshot(path=str(out / SHOTS[0][0]))
            page.keyboard.press("Enter")
            page.get_by_role("heading", name="Danh sách hồ sơ cần xử lý").wait_for()
            page.screenshot(path=str(out / SHOTS[1][0]))

            page.goto(f"{url}/backoffice/intake/")
            search = page.get_by_role("searchbox", name="Tìm thủ tục")
            search.fill("dang ky khai sinh")
            page.get_by_role("option", name="Đăng ký khai sinh").wait_for()
            page.get_by_role("option", name="Đăng ký khai sinh").click()
            page.get_by_text("Thành phần hồ sơ").wait_for()
            page.get_by_label("Họ và tên người nộp").fill("Nguyễn Thị Hồng Nhung")
            page.get_by_label("Số định danh cá nhân / mã số doanh nghiệp").fill("056190001234")
            page.get_by_text("Hồ sơ trước đây của người nộp").wait_for()
            page.screenshot(path=str(out / SHOTS[2][0]))

            login("minh")
            page.keyboard.press("Enter")
            page.get_by_role("heading", name="Danh sách hồ sơ cần xử lý").wait_for()
            page.goto(f"{url}/backoffice/d/{data['main']}/")
            page.screenshot(path=str(out / SHOTS[3][0]))
            page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
            page.screenshot(path=str(out / SHOTS[4][0]))

            login("hai")
            page.keyboard.press("Enter")
            page.get_by_role("heading", name="Danh sách hồ sơ cần xử lý").wait_for()
            page.goto(f"{url}/backoffice/d/{data['main']}/")
            page.get_by_text("Duyệt văn bản xin lỗi và hẹn lại").click()
            page.get_by_role("button", name="Duyệt và gửi người dân").scroll_into_view_if_needed()
            page.screenshot(path=str(out / SHOTS[5][0]))

            tablet = browser.new_context(viewport={"width": 820, "height": 1180}, locale="vi-VN")
            tablet.add_cookies(ctx.cookies())  # type: ignore[arg-type]
            tpage = tablet.new_page()
            tpage.goto(f"{url}/backoffice/d/{data['main']}/")
            tpage.screenshot(path=str(out / SHOTS[7][0]))
            tablet.close()

            phone = browser.new_context(viewport=PHONE, locale="vi-VN")  # type: ignore[arg-type]
            phone.add_cookies(ctx.cookies())  # type: ignore[arg-type]
            ppage = phone.new_page()
            ppage.goto(f"{url}/backoffice/")
            ppage.evaluate("document.querySelector('form.cards').scrollIntoView(); window.scrollBy(0, -8)")
            ppage.screenshot(path=str(out / SHOTS[8][0]))
            ppage.goto(f"{url}/backoffice/d/{data['main']}/")
            ppage.screenshot(path=str(out / SHOTS[9][0]))
            phone.close()

            pdf = ctx.request.get(f"{url}/backoffice/d/{data['main']}/forms/receipt.pdf").body()
            browser.close()
        server.terminate()
        pdf_path = Path(tmp) / "slip.pdf"
        pdf_path.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "110",
                "-f",
                "1",
                "-l",
                "1",
                "-png",
                "-singlefile",
                str(pdf_path),
                str(out / "07-receipt-slip"),
            ],
            check=True,
        )
    readme = [
        "# Back-office screens",
        "",
        "Taken at 1366×768 (one tablet view, two phone views at 390×844) by `python -m motcua.backoffice.screenshots`",
        "(`make screens`).",
        "",
    ]
    readme += [f"- [{name}]({name}): {caption}" for name, caption in SHOTS]
    (out / "README.md").write_text("\n".join(readme) + "\n", encoding="utf-8")
    print(f"wrote {len(SHOTS)} screenshots to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
