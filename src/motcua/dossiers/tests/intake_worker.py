"""A separate process that receives dossiers through the service layer and prints each acknowledged code.

Used by the crash and concurrency tests: `python -m motcua.dossiers.tests.intake_worker UNIT PROC CLERK COUNT PREFIX [SHARED]`.
A code is printed only after `receive_dossier` returned, i.e. after its transaction committed.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from motcua.catalog.models import Procedure
    from motcua.dossiers import services
    from motcua.organizations.models import Unit

    unit_id, proc_id, clerk_id, count, prefix = sys.argv[1:6]
    shared = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    unit = Unit.objects.get(pk=int(unit_id))
    procedure = Procedure.objects.get(pk=int(proc_id))
    clerk = get_user_model().objects.get(pk=int(clerk_id))
    applicant = services.Applicant(name="Trần Thị B", email="b@example.vn")
    print("ready", flush=True)
    n = int(count)
    i = 0
    while n == 0 or i < n:
        # Interleave retried submissions (same client key in every worker) with fresh ones.
        key = f"shared-{(i // 2) % shared}" if shared and i % 2 == 0 else f"{prefix}-{i}"
        d = services.receive_dossier(clerk, procedure=procedure, unit=unit, applicant=applicant, idempotency_key=key)
        print(f"{key} {d.code}", flush=True)
        i += 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
