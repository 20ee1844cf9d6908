"""Acceptance (issue 12): one dossier carried from the counter to its returned result by clerk,
specialist and leader, in headless Chromium at desktop and phone size.

Every step is done by opening what the dossier page offers (`<details id="act-NAME">`) and
submitting its `form[data-command=NAME]`; nothing is posted by hand. The process is the default
four-step one the catalogue import makes, so the test follows the real rule of who does which step.
At phone size no page may scroll sideways and the controls must be large enough to touch.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from motcua.backoffice.tests import factories as f
from motcua.backoffice.tests.conftest import DESKTOP, PHONE
from motcua.backoffice.tests.test_browser import fill_intake, login
from motcua.catalog.models import ProcessOrigin
from motcua.catalog.process import default_steps, ensure_process
from motcua.dossiers import clock
from motcua.dossiers.commands import COMMANDS
from motcua.dossiers.models import Dossier

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = pytest.mark.parametrize("context", [DESKTOP, PHONE], indirect=True, ids=["desktop", "phone"])
# What a thumb can hit (WCAG 2.5.5): buttons, disclosure summaries, form controls, the top menu.
TOUCH = (
    "main button:visible, main summary:visible, main select:visible, header a:visible, header button:visible,"
    " main input:not([type=checkbox]):not([type=radio]):not([type=hidden]):visible"
)


@pytest.fixture
def world(transactional_db: None, settings: Any) -> dict[str, Any]:
    """Unit H32.101 with a clerk, a specialist and a leader; "Đăng ký khai sinh" with the default process."""
    # Three accounts and three sign-ins per journey: a cheap hasher saves seconds (hashing is not tested here).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    u = f.units()
    people = f.staff(u["a"])
    proc = f.procedure()
    definition, created = ensure_process(
        proc, default_steps(proc.deadline_amount, proc.deadline_unit), ProcessOrigin.DEFAULT
    )
    assert created
    roles = list(definition.steps.order_by("order").values_list("role", flat=True))
    assert roles == ["clerk", "specialist", "leader", "clerk"]
    return {"unit": u["a"], **people}


def phone(page: Any) -> bool:
    return bool(page.viewport_size["width"] <= PHONE["width"])


def check_layout(page: Any) -> None:
    """At phone size: no sideways scroll, and every control at least 44 px high."""
    if not phone(page):
        return
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert inner == PHONE["width"]
    assert width <= inner, f"{page.url} scrolls sideways: {width} px wide in a {inner} px window"
    small = page.eval_on_selector_all(
        TOUCH,
        "els => els.filter(e => e.getBoundingClientRect().height < 44).map(e => e.outerHTML.slice(0, 80))",
    )
    assert not small, f"controls under 44 px on {page.url}: {small}"


def offered(page: Any) -> set[str]:
    """The command names the dossier page offers (its `<details id="act-NAME">` sections)."""
    ids = page.eval_on_selector_all("details[id^=act-]", "els => els.map(e => e.id.slice(4))")
    return set(ids)


def run(page: Any, name: str, **select: str) -> None:
    """Open the offered section of command `name`, pick `select` values, submit, expect its done message."""
    section = page.locator(f"details#act-{name}")
    section.locator("summary").click()
    form = section.locator(f"form[data-command={name}]")
    for field, value in select.items():
        form.locator(f"select[name={field}]").select_option(value)
    check_layout(page)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    message = page.locator("ul.messages li").first
    assert "error" not in (message.get_attribute("class") or ""), message.inner_text()
    assert message.inner_text() == str(COMMANDS[name].done)
    check_layout(page)


def open_dossier(context: Any, live_server: Any, username: str, code: str, session: Any = None) -> Any:
    """Sign in (or resume an earlier `session`'s cookies), find the dossier on the worklist and open it."""
    if session is None:
        page = login(context, live_server, username)
    else:
        context.clear_cookies()
        context.add_cookies(session)
        page = context.new_page()
        page.goto(f"{live_server.url}/backoffice/")
    check_layout(page)
    page.get_by_role("link", name=code).click()
    page.get_by_role("heading", name=f"Hồ sơ {code}").wait_for()
    check_layout(page)
    return page


@SIZES
def test_dossier_from_counter_to_returned_result(context: Any, live_server: Any, world: dict[str, Any]) -> None:
    specialist, leader, clerk = world["specialist"], world["leader"], world["clerk"]

    # Clerk: receives at the counter, then does the first step ("Tiếp nhận hồ sơ") and forwards it.
    page = login(context, live_server, "lan")
    check_layout(page)
    fill_intake(page, live_server)
    check_layout(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Tiếp nhận và lập giấy hẹn").click()
    d = Dossier.objects.get()
    page.get_by_role("heading", name=f"Hồ sơ {d.code}").wait_for()
    check_layout(page)
    assert {"start_step", "finish", "return_result"} & offered(page) == {"start_step"}
    run(page, "start_step")
    run(page, "forward", assignee=str(specialist.pk))
    clerk_session = context.cookies()

    # Specialist: appraises ("Thẩm định, xử lý") and forwards to the leader; cannot finish or return.
    page = open_dossier(context, live_server, "minh", d.code)
    assert "forward" in offered(page)
    assert not {"finish", "return_result", "start_step"} & offered(page)
    run(page, "forward", assignee=str(leader.pk))

    # Leader: approves ("Phê duyệt") and forwards to the clerk's return step.
    page = open_dossier(context, live_server, "hai", d.code)
    assert "forward" in offered(page)
    assert not {"finish", "return_result"} & offered(page)
    run(page, "forward", assignee=str(clerk.pk))

    # Clerk: completes "Trả kết quả", finishes, announces an early return if due later, returns.
    page = open_dossier(context, live_server, "lan", d.code, session=clerk_session)
    assert "finish" not in offered(page)  # the return step is still open
    run(page, "complete_step")
    run(page, "finish")
    d.refresh_from_db()
    assert d.appointment_at is not None
    early = clock.local_date(timezone.now()) < clock.local_date(d.appointment_at)
    if early:  # returning before the appointment needs the notice first
        assert {"announce_early", "return_result"} & offered(page) == {"announce_early"}
        run(page, "announce_early")
    assert "announce_early" not in offered(page)
    run(page, "return_result")
    assert not offered(page) & {"return_result", "finish", "forward"}

    d.refresh_from_db()
    assert d.status == "returned"
    runs = list(d.step_runs.order_by("order").values_list("name", "assignee__username", "finished_at"))
    assert [(name, who) for name, who, _ in runs] == [
        ("Tiếp nhận hồ sơ", "lan"),
        ("Thẩm định, xử lý", "minh"),
        ("Phê duyệt", "hai"),
        ("Trả kết quả", "lan"),
    ]
    assert all(finished is not None for *_, finished in runs)
    types = list(d.events.values_list("type", flat=True))
    assert types.count("early_return_notice") == int(early)
    assert types[-1] == "returned"
    page.goto(f"{live_server.url}/backoffice/")
    check_layout(page)
