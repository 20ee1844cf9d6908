"""The admin lists officials' deadline alerts read-only (who was told what, when)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client


@pytest.mark.django_db
def test_staff_alerts_are_listed_read_only_in_the_admin() -> None:
    admin = get_user_model().objects.create_superuser("root", "root@example.vn", "x")
    c = Client()
    c.force_login(admin)
    assert c.get("/admin/notifications/staffalert/").status_code == 200
    assert c.get("/admin/notifications/staffalert/add/").status_code == 403
