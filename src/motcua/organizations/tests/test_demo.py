"""`motcua demo` loaders: one account per role, and running them twice changes nothing."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from motcua.catalog import demo as catalog_demo
from motcua.catalog.models import Procedure
from motcua.organizations import demo
from motcua.organizations.access import Action, can
from motcua.organizations.models import Membership, Role, Unit


@pytest.mark.django_db
def test_demo_loads_once_with_one_account_per_role(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast in tests
    out = io.StringIO()
    catalog_demo.load(out)
    demo.load(out)
    state = (User.objects.count(), Membership.objects.count(), Procedure.objects.count(), Unit.objects.count())
    catalog_demo.load(out)
    demo.load(out)
    assert (User.objects.count(), Membership.objects.count(), Procedure.objects.count(), Unit.objects.count()) == state
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert "0 created" in out.getvalue().splitlines()[-1]
    clerk = authenticate(username="clerk", password=demo.DEMO_PASSWORD)
    assert clerk is not None
    assert can(clerk, Action.RECEIVE, Unit.objects.get(code="H32.101"))
    assert not can(clerk, Action.RECEIVE, Unit.objects.get(code="H32.102"))
    clerk2 = User.objects.get(username="clerk2")
    assert can(clerk2, Action.RECEIVE, Unit.objects.get(code="H32.102"))
    assert can(User.objects.get(username="leader.stp"), Action.APPROVE, Unit.objects.get(code="H32.27"))
