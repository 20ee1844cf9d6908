"""Record staff reads of personal data; append-only, written by the read views themselves."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from motcua.backoffice.models import PersonalDataRead


def record(user: Any, what: str, dossier: Any = None, **detail: Any) -> None:
    PersonalDataRead.objects.create(user=user, dossier=dossier, what=what, detail=detail)


def record_many(user: Any, what: str, dossiers: Iterable[Any], **detail: Any) -> None:
    PersonalDataRead.objects.bulk_create(
        [PersonalDataRead(user=user, dossier=d, what=what, detail=detail) for d in dossiers]
    )
