"""Record staff reads of personal data; append-only, written by the read views themselves.

Every surface that shows a citizen's personal data to staff calls `record` (one dossier) or
`record_many` (a list, a register, an export) with the request: who (the user), what (`what` plus
`detail`), when (`at`) and from where (the client address, as the login lock-out sees it behind
proxies, and the path). Surfaces: the dossier page, form PDFs (receipt slips, letters), document
downloads, the tracking book, the applicant look-up, the worklist, the API's dossier list and
detail. Inspectors review the trail at /backoffice/reads/ (`views.read_trail`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from motcua.backoffice.models import PersonalDataRead


def _origin(who: Any) -> tuple[Any, str | None, str]:
    """(user, client address, path) from a request (Django or DRF), or (user, None, "") from a user."""
    request: HttpRequest | None = getattr(who, "_request", who) if hasattr(who, "META") else None
    if request is None:
        return who, None, ""
    from motcua.core.auth import client_address

    address = client_address(request)
    try:
        address = str(ipaddress.ip_address(address)) if address else None
    except ValueError:  # a Unix socket or a proxy's odd header: keep the read, not a bogus address
        address = None
    return request.user, address, request.path[:300]


def record(who: Any, what: str, dossier: Any = None, **detail: Any) -> None:
    user, address, path = _origin(who)
    PersonalDataRead.objects.create(user=user, dossier=dossier, what=what, detail=detail, address=address, path=path)


def record_many(who: Any, what: str, dossiers: Iterable[Any], **detail: Any) -> None:
    user, address, path = _origin(who)
    PersonalDataRead.objects.bulk_create(
        [PersonalDataRead(user=user, dossier=d, what=what, detail=detail, address=address, path=path) for d in dossiers]
    )
