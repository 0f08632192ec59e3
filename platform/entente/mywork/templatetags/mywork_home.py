"""`{% home_work %}`: the home page's « Pour vous », the most pressing of « Mon travail »."""

from __future__ import annotations

from typing import Any

from django import template

from entente.federation.reach import reachable_tenants

from ..selectors import MEETINGS, OVERDUE, THIS_WEEK, work_page

register = template.Library()

HOME_ITEMS = 5  # the most pressing first: overdue, then by due date
HOME_MEETINGS = 3  # this week's meetings (and minutes to approve), soonest first


@register.inclusion_tag("mywork/_home.html", takes_context=True)
def home_work(context: template.Context) -> dict[str, Any]:
    """Overdue and this week's work across every tenant the person reaches, and this week's
    next meetings: « Mon travail »'s statement twice (its first page of five, and of three
    with the meetings' filter), each with every filter's count."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"shown": False}
    reaches = getattr(request, "reaches", None)
    if reaches is None:
        reaches = reachable_tenants(user)
        request.reaches = reaches  # type: ignore[union-attr]
    page, counts = work_page(user, key="all", per_page=HOME_ITEMS, reaches=reaches)
    meetings = (
        work_page(user, key=MEETINGS, per_page=HOME_MEETINGS, reaches=reaches)[0].object_list
        if counts[MEETINGS]
        else []
    )
    return {
        "shown": True,
        "items": list(page.object_list),
        "next_meetings": list(meetings),
        "total": page.paginator.count,
        "overdue": counts[OVERDUE],
        "this_week": counts[THIS_WEEK],
        "meetings": counts[MEETINGS],
        "mentions": counts["mentions"],
        "current_tenant": context.get("current_tenant"),
    }
