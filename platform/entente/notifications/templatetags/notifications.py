"""The bell of the header: one count query, on pages that show it."""

from __future__ import annotations

from typing import Any

from django import template

from entente.notifications.selectors import unread_counts_by_tenant

register = template.Library()


@register.inclusion_tag("notifications/_bell.html", takes_context=True)
def notification_bell(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    # The same (memoized) query as the tenant switcher's badges: one query for the header.
    return {"show": True, "unread": sum(unread_counts_by_tenant(user).values())}
