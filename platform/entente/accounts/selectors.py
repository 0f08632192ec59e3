"""Reads about people and their memberships."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.models import OPEN_STATES, Tenant

from .models import ApiToken, Membership, User


def membership_for(user: User, tenant: Tenant) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, tenant=tenant).first()


def memberships_of(user: User) -> QuerySet[Membership]:
    """The person's memberships in open tenants, for the tenant switcher and cross-tenant views."""
    return (
        Membership.objects.filter(user=user, tenant__state__in=OPEN_STATES)
        .select_related("tenant")
        .order_by("tenant__kind", "tenant__name")
    )


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The person's tokens, newest first, revoked ones included (their history)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
