"""Demo loader: a handful of live dossiers in every state, created through the services (idempotent).

Runs after the catalogue and organisation loaders; picks the first units and procedures it finds and
does nothing when there are none. Each dossier has a fixed client key (`demo-live-N`), so a second
run changes nothing.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TextIO

from django.utils import timezone


def load(stdout: TextIO) -> None:
    from motcua.catalog.models import Procedure
    from motcua.dossiers import services as s
    from motcua.dossiers.models import Dossier
    from motcua.organizations.models import Unit

    units = list(Unit.objects.filter(active=True).order_by("code")[:2])
    procedures = list(Procedure.objects.filter(active=True).exclude(deadline_unit="").order_by("code")[:4])
    if not units or not procedures:
        stdout.write("dossiers: no units or procedures, no live demo dossiers\n")
        return
    if Dossier.objects.filter(idempotency_key__startswith="demo-live-").exists():
        stdout.write("dossiers: live demo dossiers already present\n")
        return
    sys_ = s.SYSTEM
    pdf = s.Upload("can-cu.pdf", b"%PDF-1.4\n% demo evidence\n")
    base = timezone.now() - timedelta(days=10)
    made = 0
    for n in range(12):
        unit = units[n % len(units)]
        proc = procedures[n % len(procedures)]
        t = base + timedelta(hours=7 * n)
        applicant = s.Applicant(name=f"Người nộp {n + 1}", phone=f"09000000{n:02d}", email=f"demo{n}@example.vn")
        d: Any = s.receive_dossier(
            sys_, procedure=proc, unit=unit, applicant=applicant, idempotency_key=f"demo-live-{n}", now=t
        )
        made += 1
        kind = n % 6
        try:
            if kind >= 1:
                s.start_step(sys_, d, name="Thẩm định hồ sơ", now=t + timedelta(hours=1))
            if kind == 2:
                s.request_supplement(sys_, d, reason="Thiếu bản sao giấy tờ", items=["1"], now=t + timedelta(hours=2))
            if kind == 3:
                s.request_fee(sys_, d, amount=50_000, now=t + timedelta(hours=2))
            if kind == 4:
                # Walk every step of the pinned process, then finish.
                step_at = t + timedelta(hours=2)
                if d.process_definition_id is None:
                    s.complete_step(sys_, d, now=step_at)
                while d.process_definition_id and s.forward(sys_, d, now=step_at) is not None:
                    step_at += timedelta(hours=2)
                s.finish_dossier(sys_, d, now=step_at + timedelta(hours=1))
            if kind == 5:
                s.stop_dossier(sys_, d, reason="Người nộp đề nghị dừng", evidence=pdf, now=t + timedelta(hours=2))
        except s.DossierError as exc:  # e.g. a process definition with its own steps: keep what worked
            stdout.write(f"dossiers: demo {d.code}: {exc.code}\n")
    stdout.write(f"dossiers: {made} live demo dossiers\n")
