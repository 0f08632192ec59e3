"""Reads about people, their memberships and the federation links through which they reach."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tenants.models import OPEN_STATES, FederationLink, FederationState, Tenant

from .models import ApiToken, Membership, Role, User


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


def active_links_from(
    commune_ids: list[int] | QuerySet[Membership, Any],
    *,
    epci: Tenant | None = None,
) -> QuerySet[FederationLink]:
    """Active federation links from these communes (to `epci` only if given), by commune name.

    The one query behind federated reach: `federated_via` (access on an EPCI's host) and
    `entente.federation.reach.reachable_tenants` (the switcher, "Mon travail") both use it.
    """
    links = FederationLink.objects.filter(
        state=FederationState.ACTIVE, commune_id__in=commune_ids
    ).select_related("epci", "commune")
    if epci is not None:
        links = links.filter(epci=epci)
    return links.order_by("commune__name")


def federated_via(user: User, epci: Tenant) -> list[Tenant]:
    """The communes, linked to `epci` by an active link, where `user` is staff. One query.

    Staff means any role but guest: citizens of a commune never reach its EPCI.
    """
    staff_of = Membership.objects.filter(user=user).exclude(role=Role.GUEST).values("tenant_id")
    return [link.commune for link in active_links_from(staff_of, epci=epci)]


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The person's tokens, newest first, revoked ones included (their history)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
