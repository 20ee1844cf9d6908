"""Demo PAR-index rounds: two finished years and the current year's open round (seeded, repeatable).

Communes H32.101–H32.106 and departments H32.27, H32.10–H32.12 are scored. In the open round
H32.101 (`unitadmin`) is still self-scoring and H32.27 (`unitadmin.stp`) has submitted, so the
appraisal council (`appraiser`) has something to review and `reform` can move the round on.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from django.utils import timezone

DATA = Path(__file__).resolve().parent / "data"
COMMUNES = ["H32.101", "H32.102", "H32.103", "H32.104", "H32.105", "H32.106"]
DEPARTMENTS = ["H32.27", "H32.10", "H32.11", "H32.12"]
# How well each unit does (share of the maximum it claims on manual criteria); H32.104 sits at
# Trung bình two years running, so the KL 91 consequence shows.
LEVEL = {"H32.104": 0.72, "H32.106": 0.84, "H32.12": 0.85, "H32.102": 0.9, "H32.11": 0.9}
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _set_for(year: int, kind: str, actor: Any) -> Any:
    from motcua.reform.importer import import_set
    from motcua.reform.models import CriteriaSet

    text = (DATA / f"cchc-{kind}-2025.yaml").read_text(encoding="utf-8").replace("2025", str(year))
    existing = CriteriaSet.objects.filter(code=f"CCHC-{kind.upper()}-{year}").first()
    return existing or import_set(f"cchc-{kind}-{year}.yaml", text.encode(), actor=actor).criteria_set


def _self_score(a: Any, actor: Any, rnd: random.Random, now: datetime, evidence: bool = True) -> Any:
    from motcua.reform.commands import execute

    level = LEVEL.get(a.unit.code, 0.97)
    scores: dict[str, Any] = {}
    for s in a.scores.select_related("criterion"):
        c = s.criterion
        if c.method == "survey":
            continue
        share = min(1.0, max(0.0, level + rnd.uniform(-0.08, 0.08)))
        points = (c.max_points * Decimal(repr(share))).quantize(Decimal("0.25"))
        row = {"points": str(points), "comment": "Có văn bản, tài liệu kèm theo." if points else ""}
        if c.method == "computed":
            row["value"] = f"{share * 100:.1f}"
        scores[c.code] = row
    a = execute("self_score", actor, a, {"scores": scores}, now=now)
    if evidence:
        for code in ("1.1", "1.3"):
            data = {"criterion": code, "filename": f"tai-lieu-kiem-chung-{code}.pdf", "content": PDF + code.encode()}
            a = execute("upload_evidence", actor, a, data, now=now)
    return a


def _survey(a: Any, actor: Any, rnd: random.Random, now: datetime) -> Any:
    from motcua.reform.commands import execute

    value = 92.0 - (1 - LEVEL.get(a.unit.code, 0.97)) * 40 + rnd.uniform(-3, 3)
    return execute("survey", actor, a, {"criterion": "8.1", "value": f"{value:.2f}", "source": "SIPAS"}, now=now)


def _unit_admins(codes: set[str], users: dict[str, Any]) -> dict[str, Any]:
    """Who self-scores for each unit: the demo accounts for H32.101 and H32.27, and a sign-in-less
    unit administrator (`cchc.<code>`) for the other units, so each unit's history has its own author."""
    from django.contrib.auth import get_user_model

    from motcua.organizations.models import Membership, Role, Unit

    out = {"H32.101": users["unitadmin"], "H32.27": users["unitadmin.stp"]}
    for unit in Unit.objects.filter(code__in=codes - set(out)):
        user, created = get_user_model().objects.get_or_create(username=f"cchc.{unit.code.lower()}")
        if created:
            user.first_name = f"Cán bộ CCHC {unit.name}"
            user.set_unusable_password()
            user.save()
            Membership.objects.create(user=user, unit=unit, role=Role.UNIT_ADMIN)
        out[unit.code] = user
    return out


def _finished_round(
    year: int, kind: str, codes: list[str], users: dict[str, Any], admins: dict[str, Any], rnd: random.Random
) -> None:
    from motcua.reform import commands

    cs = _set_for(year, kind, users["reform"])
    start = timezone.make_aware(datetime(year + 1, 1, 6, 9))
    r = commands.open_round(users["reform"], cs, codes, now=start)
    for a in r.assessments.select_related("unit", "round__criteria_set"):
        admin = admins[a.unit.code]
        a = _self_score(a, admin, rnd, start + timedelta(days=5))
        a = commands.execute("submit", admin, a, now=start + timedelta(days=10))
        _survey(a, users["reform"], rnd, start + timedelta(days=15))
    commands.advance_round("start_appraisal", users["reform"], r, now=start + timedelta(days=20))
    for a in r.assessments.select_related("unit", "round__criteria_set"):
        if a.unit.code in ("H32.101", "H32.27"):
            a = commands.execute(
                "adjust",
                users["appraiser"],
                a,
                {"criterion": "1.2", "points": "2", "reason": "Còn 02 nhiệm vụ trong kế hoạch chưa hoàn thành."},
                now=start + timedelta(days=25),
            )
        commands.execute("finalise", users["appraiser"], a, now=start + timedelta(days=30))
    commands.advance_round("publish", users["reform"], r, now=start + timedelta(days=35))


def load(stdout: TextIO, now: datetime | None = None) -> None:
    from django.db import transaction

    with transaction.atomic():  # all the demo rounds or none
        _load(stdout, now)


def _load(stdout: TextIO, now: datetime | None) -> None:
    from django.contrib.auth import get_user_model

    from motcua.organizations.models import Unit
    from motcua.reform import commands
    from motcua.reform.models import Round

    today = timezone.localtime(now or timezone.now()).date()
    if Round.objects.filter(year=today.year).exists():
        stdout.write("reform: demo rounds already present\n")
        return
    User = get_user_model()
    users = {
        u.username: u for u in User.objects.filter(username__in=["reform", "appraiser", "unitadmin", "unitadmin.stp"])
    }
    present = set(Unit.objects.filter(code__in=COMMUNES + DEPARTMENTS).values_list("code", flat=True))
    if len(users) < 4 or "H32.101" not in present or "H32.27" not in present:
        stdout.write("reform: demo users or units missing, no rounds\n")
        return
    unit_admins = _unit_admins(present, users)
    communes = [c for c in COMMUNES if c in present]
    departments = [c for c in DEPARTMENTS if c in present]
    rnd = random.Random(2026)
    for year in (today.year - 2, today.year - 1):
        _finished_round(year, "xa", communes, users, unit_admins, rnd)
        _finished_round(year, "so", departments, users, unit_admins, rnd)
    opened = min(timezone.make_aware(datetime(today.year, 1, 6, 9)), now or timezone.now())
    xa = commands.open_round(users["reform"], _set_for(today.year, "xa", users["reform"]), communes, now=opened)
    so = commands.open_round(users["reform"], _set_for(today.year, "so", users["reform"]), departments, now=opened)
    a101 = xa.assessments.get(unit__code="H32.101")
    _self_score(a101, users["unitadmin"], rnd, opened, evidence=False)
    a27 = so.assessments.get(unit__code="H32.27")
    a27 = _self_score(a27, users["unitadmin.stp"], rnd, opened)
    commands.execute("submit", users["unitadmin.stp"], a27, now=opened)
    stdout.write(
        f"reform: finished PAR-index rounds {today.year - 2} and {today.year - 1}, open round {today.year} "
        "(/backoffice/cai-cach/: unitadmin, unitadmin.stp, appraiser, reform)\n"
    )
