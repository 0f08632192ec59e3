"""`{% trial_badge %}`: the days left of the trial, in the page header, for the tenant's admins."""

from __future__ import annotations

from typing import Any

from django import template

from tenants.lifecycle import days_left

register = template.Library()


@register.inclusion_tag("trials/badge.html", takes_context=True)
def trial_badge(context: template.Context) -> dict[str, Any]:
    """No query: the tenant and the membership are the request's."""
    tenant = context.get("current_tenant")
    membership = context.get("current_membership")
    if tenant is None or membership is None or not membership.is_admin:
        return {"days_left": None}
    return {"days_left": days_left(tenant), "tenant": tenant}
