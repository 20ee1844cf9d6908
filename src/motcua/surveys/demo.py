"""A SIPAS campaign for the current year over the demo units, with 160 generated answers (seeded)."""

from __future__ import annotations

import random
from datetime import date, datetime
from typing import TextIO

from django.utils import timezone


def load(stdout: TextIO, now: datetime | None = None) -> None:
    from motcua.organizations.models import Unit
    from motcua.surveys import service
    from motcua.surveys.models import Campaign
    from motcua.surveys.questionnaire import questions

    today = timezone.localtime(now or timezone.now()).date()
    code = f"sipas-{today.year}"
    if Campaign.objects.filter(code=code).exists():
        stdout.write("surveys: demo campaign already present\n")
        return
    units = list(Unit.objects.filter(code__in=["H32.101", "H32.27"]))
    if len(units) < 2:
        stdout.write("surveys: demo units missing, no campaign\n")
        return
    c = Campaign.objects.create(
        code=code,
        name=f"Khảo sát mức độ hài lòng (SIPAS) năm {today.year}",
        start=date(today.year, 1, 1),
        end=date(today.year, 12, 31),
        sample_size=100,
        questionnaire=service.default_questionnaire(),
    )
    c.units.set(units)
    rnd = random.Random(2026)
    qs = questions(c.questionnaire.definition)
    for i in range(160):
        unit = units[i % 2]
        bias = 0.8 if unit.code == "H32.101" else 0.6
        raw: dict[str, object] = {}
        for qid, q in qs.items():
            if q["kind"] in ("assessment", "satisfaction"):
                raw[qid] = rnd.choice([4, 5]) if rnd.random() < bias else rnd.choice([1, 2, 3])
            else:
                raw[qid] = rnd.choice(q["options"])[0]
        channel = ("portal", "kiosk", "paper")[i % 3]
        service.submit(c, unit.code, raw, channel, dossier_code=f"DEMO-SIPAS-{i:04d}", now=now)
    stdout.write(f"surveys: campaign {code} with 160 answers (kiosk: /khao-sat/{code}/kiosk/?unit=H32.101)\n")
