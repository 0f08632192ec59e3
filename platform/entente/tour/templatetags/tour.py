"""`{% tour_offer %}`: the home page's offer of the guided tour, until taken or declined."""

from __future__ import annotations

from typing import Any

from django import template

from entente.core.navigation import request_membership

from ..permissions import may_take_tour
from ..selectors import stops_for

register = template.Library()


@register.inclusion_tag("tour/_offer.html", takes_context=True)
def tour_offer(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if (
        request is None
        or user is None
        or not user.is_authenticated
        or user.tour_closed_at is not None
        or not may_take_tour(request_membership(request))
    ):
        return {"total": 0}
    return {"total": len(stops_for(request)), "csrf_token": context.get("csrf_token")}
