"""Recording a rating (one per dossier and channel) and its effect on the figures."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.ratings import rules
from motcua.ratings.models import Rating

# A dossier can be rated once processing ended (finished, returned, refused, stopped...).
RATEABLE = ("finished", "returned", "refused", "stopped", "closed", "withdrawn")


class AlreadyRated(Exception):
    pass


def record(
    dossier: Dossier,
    channel: str,
    answers: dict[str, Any],
    *,
    scale: str = rules.DEFAULT_SCALE,
    comment: str = "",
    at: datetime | None = None,
) -> Rating:
    """Store the raw answers and the overall score; a negative one marks the dossier for 766 criterion 5.3
    and the KL 91 check (`negative_feedback`, through the analytics rollups). Raises RatingError or AlreadyRated."""
    if scale not in rules.SCALES:
        raise rules.RatingError(f"unknown scale {scale!r}; use one of {', '.join(rules.SCALES)}")
    sc = rules.SCALES[scale]
    clean = rules.check_answers(answers, sc)
    score = rules.overall(clean, sc)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier=dossier,
                channel=channel,
                scale=scale,
                answers=clean,
                overall=score,
                comment=comment[:2000],
                rated_at=at or timezone.now(),
            )
            if rules.negative(score):
                from motcua.dossiers.flags import mark_flags

                mark_flags(dossier.pk, negative_feedback=True)
    except IntegrityError:
        raise AlreadyRated(dossier.code) from None
    return rating
