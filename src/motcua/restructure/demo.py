"""Demo restructuring: one merger applied in the past (its history shows in the reports) and one pending.

- Past: communes H32.901 "Xã Cam Hải Đông" and H32.902 "Xã Cam Hải Tây" (with an official,
  `clerk.camhai`, and some imported history, a few dossiers still open) merged into H32.910
  "Xã Cam Hải" by DEMO-01/NQ-HĐND, effective the first day of this month: last month's report
  shows the two old communes, `--as-of` today sums them into H32.910, the open dossiers carry a
  transfer event.
- Pending: DEMO-02/NQ-HĐND merges H32.105 and H32.106 into a new H32.920 thirty days from now: a
  newcomer previews it (admin → Quyết định sắp xếp đơn vị, or `motcua units restructure preview
  DEMO-02/NQ-HĐND`) and may cancel it; the worker applies it on its date.
Idempotent: skipped when DEMO-01 exists. Times relative to the load.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import IO

from django.utils import timezone

from motcua.analytics.rules import LOCAL_TZ

PAST, PENDING = "DEMO-01/NQ-HĐND", "DEMO-02/NQ-HĐND"


def load(stdout: IO[str]) -> None:
    from django.contrib.auth.models import User

    from motcua.analytics.importer import import_lines
    from motcua.catalog.models import Procedure
    from motcua.organizations.demo import DEMO_PASSWORD
    from motcua.organizations.models import Membership, Role, Unit
    from motcua.restructure import engine
    from motcua.restructure.forms import create_decision
    from motcua.restructure.models import Decision

    if Decision.objects.filter(number=PAST).exists():
        print("restructure: demo decisions already loaded", file=stdout)
        return
    root = Unit.objects.filter(code="H32").first()
    procs = Procedure.objects.filter(active=True, deadline_unit="working_days", deadline_amount__gt=0).order_by("code")
    proc = next((x for x in procs if "commune" in (x.levels or [])), None)
    if root is None or proc is None:
        print("restructure: no catalogue loaded, demo decisions skipped", file=stdout)
        return
    now = timezone.now()
    today = now.astimezone(LOCAL_TZ).date()
    effective = today.replace(day=1) if today.day > 1 else (today - timedelta(days=1)).replace(day=1)
    east, _ = Unit.objects.get_or_create(
        code="H32.901", defaults={"name": "Xã Cam Hải Đông", "level": "commune", "kind": "xa", "parent": root}
    )
    west, _ = Unit.objects.get_or_create(
        code="H32.902", defaults={"name": "Xã Cam Hải Tây", "level": "commune", "kind": "xa", "parent": root}
    )
    user, created = User.objects.get_or_create(
        username="clerk.camhai", defaults={"first_name": "Hải", "last_name": "Phan Thị"}
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, unit=east, role=Role.CLERK)

    # Last month's history at the two old communes (through the real import path), a few still open.
    start = effective - timedelta(days=45)
    lines = []
    for i in range(24):
        unit = east if i % 2 else west
        day = start + timedelta(days=i * 2)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        received = datetime(day.year, day.month, day.day, 8 + i % 8, 15, tzinfo=LOCAL_TZ)
        doc = {
            "code": f"CH-DEMO-{i + 1:03d}",
            "procedure": proc.code,
            "unit": unit.code,
            "channel": "online" if i % 3 == 0 else "direct",
            "received_at": received.isoformat(),
            "status": "processing" if i >= 20 else ("finished" if i % 4 == 0 else "returned"),
        }
        if doc["status"] != "processing":
            doc["finished_at"] = (received + timedelta(days=2 + i % 9, hours=1)).isoformat()
        lines.append(json.dumps(doc, ensure_ascii=False))
    import_lines(lines, partial=True, progress=None)

    past = create_decision(
        kind="merge",
        number=PAST,
        signed_on=effective - timedelta(days=20),
        effective_on=effective,
        legal_basis="Nghị quyết (minh họa) của HĐND tỉnh về sắp xếp đơn vị hành chính cấp xã",
        unit_codes=[east.code, west.code],
        new_code="H32.910",
        new_name="Xã Cam Hải",
    )
    engine.schedule(past, now=now)  # the date has passed: applied at once
    pending_units = [c for c in ("H32.105", "H32.106") if Unit.objects.filter(code=c, valid_to__isnull=True).exists()]
    if pending_units and not Decision.objects.filter(number=PENDING).exists():
        pending = create_decision(
            kind="merge",
            number=PENDING,
            signed_on=today,
            effective_on=today + timedelta(days=30),
            legal_basis="Nghị quyết (minh họa) của HĐND tỉnh về sắp xếp đơn vị hành chính cấp xã",
            unit_codes=pending_units,
            new_code="H32.920",
            new_name="Phường Cam Ranh (mới)",
        )
        engine.schedule(pending, now=now)
    print(
        f"restructure: {PAST} applied (H32.901 + H32.902 → H32.910 on {effective:%d/%m/%Y}); "
        f"{PENDING} pending (preview it in the admin)",
        file=stdout,
    )
