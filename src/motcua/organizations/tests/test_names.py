"""Officials' names print in Vietnamese order (family name first) on screens, in the API and on paper."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from motcua.organizations.demo import ACCOUNTS
from motcua.organizations.models import Membership, Role, Unit
from motcua.organizations.names import display_name


def demo_clerk(db: Any) -> User:
    """Created exactly as `organizations.demo` creates its accounts."""
    username, full_name, _, _ = ACCOUNTS[0]
    last, _, first = full_name.rpartition(" ")
    user = User.objects.create_user(username=username, first_name=first, last_name=last, password="x-123-y")
    unit = Unit.objects.create(code="H32.101", name="Phường Nha Trang", level="commune")
    Membership.objects.create(user=user, unit=unit, role=Role.CLERK)
    return user


def test_demo_account_reads_family_name_first(db: None) -> None:
    user = demo_clerk(db)
    assert user.get_full_name() == "Nhận Nguyễn Thị Tiếp"  # Django's Western order: why the helper exists
    assert display_name(user) == "Nguyễn Thị Tiếp Nhận"


def test_template_filter_is_builtin(db: None) -> None:
    user = demo_clerk(db)
    assert Template("{{ u|display_name }}").render(Context({"u": user})) == "Nguyễn Thị Tiếp Nhận"


def test_backoffice_header_shows_natural_order(db: None) -> None:
    c = Client()
    c.force_login(demo_clerk(db))
    page = c.get(reverse("backoffice:worklist")).content.decode()
    assert "Nguyễn Thị Tiếp Nhận" in page
    assert "Nhận Nguyễn Thị Tiếp" not in page


def test_officials_api_full_name(db: None) -> None:
    user = demo_clerk(db)
    user.is_superuser = True
    user.save()
    c = Client()
    c.force_login(user)
    rows = c.get("/api/v1/officials/").json()
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    assert [r["full_name"] for r in rows] == ["Nguyễn Thị Tiếp Nhận"]


def test_full_name_from_query_values() -> None:
    from motcua.organizations.names import full_name

    assert full_name("Nguyễn Thị Tiếp", "Nhận", "clerk") == "Nguyễn Thị Tiếp Nhận"
    assert full_name("", " ", "clerk") == "clerk"
    assert full_name(None, "Lan") == "Lan"
