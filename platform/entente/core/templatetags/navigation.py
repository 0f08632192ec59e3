"""`{% nav_links "space" subject as tabs %}`: a registered menu as one person sees it."""

from __future__ import annotations

from typing import Any

from django import template

from entente.core.navigation import SPACE, NavLink, SpaceTabSubject, links_for
from entente.core.navigation import whom_to_ask as contacts_for

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_links(context: dict[str, Any], menu: str, subject: Any = None) -> list[NavLink]:
    request = context.get("request")
    if request is None:
        return []
    return links_for(request, menu, subject)


@register.simple_tag(takes_context=True)
def space_tabs(context: dict[str, Any], space: Any, abilities: Any) -> list[NavLink]:
    request = context.get("request")
    if request is None:
        return []
    return links_for(request, SPACE, SpaceTabSubject(space, abilities))


@register.inclusion_tag("includes/whom_to_ask.html", takes_context=True)
def whom_to_ask(context: dict[str, Any]) -> dict[str, Any]:
    """ "Ask …": the tenant's admins by name (for its members), else its administrators."""
    request = context.get("request")
    tenant = getattr(request, "tenant", None)
    return {
        "admins": contacts_for(request) if request is not None else [],
        "tenant": tenant,
    }
