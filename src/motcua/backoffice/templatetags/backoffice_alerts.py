"""`{% unread_alerts user as n %}`: the number of unread alerts, for the back-office navigation."""

from __future__ import annotations

from django import template

from motcua.backoffice.alerts import unread_count

register = template.Library()


@register.simple_tag
def unread_alerts(user: object) -> int:
    return unread_count(user)


@register.simple_tag
def may_review_reads(user: object) -> bool:
    from motcua.backoffice.reads import may_review

    return may_review(user)
