"""Reads of the sign-up: the collectivité picked, whether it (or its EPCI) is on Entente."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from entente.reference.selectors import (
    Collectivity,
    collectivity_of_commune,
    collectivity_of_epci,
    commune_by_code,
    epci_by_siren,
    epci_of_commune,
    members_of_epci,
    search_collectivities,
)
from tenants.models import Tenant, TenantKind

from .models import JoinRequest, JoinState, Signup


@dataclass(frozen=True)
class Choice:
    """A search result and the tenant it already has on Entente, if any."""

    collectivity: Collectivity
    tenant: Tenant | None

    @property
    def on_entente(self) -> bool:
        return self.tenant is not None


def tenant_of_collectivity(kind: str, code: str) -> Tenant | None:
    """The tenant of a commune (INSEE code) or an EPCI (SIREN), whatever its state."""
    return Tenant.objects.filter(country="FR", kind=kind, official_code=code.upper()).first()


def search_choices(query: str, limit: int = 10) -> list[Choice]:
    """Search results, each with its tenant: one query for the whole page of results."""
    results = search_collectivities(query, limit=limit)
    if not results:
        return []
    tenants = {
        (t.kind, t.official_code): t
        for t in Tenant.objects.filter(country="FR", official_code__in={r.code for r in results})
    }
    return [Choice(r, tenants.get((r.kind, r.code))) for r in results]


def collectivity_by_code(kind: str, code: str) -> Collectivity | None:
    """The official collectivité behind a picked result, or None if the code is unknown."""
    if kind == TenantKind.COMMUNE:
        commune = commune_by_code(code)
        return collectivity_of_commune(commune) if commune else None
    if kind == TenantKind.EPCI:
        epci = epci_by_siren(code)
        return collectivity_of_epci(epci) if epci else None
    return None


def epci_tenant_of(tenant: Tenant) -> Tenant | None:
    """For a commune's tenant: its EPCI's tenant, if the EPCI is on Entente."""
    if tenant.kind != TenantKind.COMMUNE:
        return None
    epci = epci_of_commune(tenant.official_code)
    if epci is None:
        return None
    return tenant_of_collectivity(TenantKind.EPCI, epci.siren)


def member_tenants_of(tenant: Tenant) -> QuerySet[Tenant]:
    """For an EPCI's tenant: its member communes already on Entente."""
    codes = members_of_epci(tenant.official_code).values_list("insee_code", flat=True)
    return Tenant.objects.filter(kind=TenantKind.COMMUNE, official_code__in=list(codes))


def signup_of(public_id: str) -> Signup | None:
    return Signup.objects.select_related("tenant").filter(public_id=public_id).first()


def pending_join_requests(tenant: Tenant) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(tenant=tenant, state=JoinState.PENDING).order_by("created_at")


def recent_decisions(tenant: Tenant, limit: int = 20) -> QuerySet[JoinRequest]:
    return (
        JoinRequest.objects.filter(tenant=tenant, state__in=[JoinState.ACCEPTED, JoinState.REFUSED])
        .select_related("decided_by")
        .order_by("-decided_at")[:limit]
    )
