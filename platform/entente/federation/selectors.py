"""Reads of federation: who is linked with whom, and an EPCI's members as the pages show them."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from entente.reference.models import Commune
from entente.reference.selectors import members_of_epci
from tenants.models import FederationLink, FederationState, Tenant, TenantKind


def linked_communes(epci: Tenant) -> QuerySet[Tenant]:
    """The communes with an active link to this EPCI."""
    return Tenant.objects.filter(
        epci_links__epci=epci, epci_links__state=FederationState.ACTIVE
    ).order_by("name")


def linked_epcis(commune: Tenant) -> QuerySet[Tenant]:
    """The EPCI with an active link to this commune (one, in practice)."""
    return Tenant.objects.filter(
        member_links__commune=commune, member_links__state=FederationState.ACTIVE
    ).order_by("name")


def links_of(tenant: Tenant) -> QuerySet[FederationLink]:
    """Every link the tenant is a party to, either side, with both tenants loaded."""
    return (
        FederationLink.objects.filter(Q(epci=tenant) | Q(commune=tenant))
        .select_related("epci", "commune")
        .order_by("epci__name", "commune__name")
    )


def link_of(tenant: Tenant, link_id: int) -> FederationLink | None:
    """One of the tenant's links; None for another tenant's link, as for a missing one."""
    return links_of(tenant).filter(pk=link_id).first()


@dataclass(frozen=True)
class MemberRow:
    """One line of an EPCI's federation page: a commune, its tenant if any, its link if any."""

    name: str
    insee_code: str
    population: int | None
    official: bool  # listed among the EPCI's members by the COG
    tenant: Tenant | None  # the commune's Entente tenant, if it has one
    link: FederationLink | None

    @property
    def on_entente(self) -> bool:
        return self.tenant is not None and self.tenant.is_open


def member_overview(epci: Tenant) -> list[MemberRow]:
    """The EPCI's official members with their Entente status, then linked communes off the list.

    Three queries whatever the number of members (up to 131 for the largest EPCI).
    """
    officials: list[Commune] = (
        list(members_of_epci(epci.official_code)) if epci.country == "FR" else []
    )
    links = {link.commune.official_code: link for link in links_of(epci).filter(epci=epci)}
    tenants = {
        tenant.official_code: tenant
        for tenant in Tenant.objects.filter(
            kind=TenantKind.COMMUNE,
            country=epci.country,
            official_code__in=[commune.insee_code for commune in officials],
        )
    }
    rows = [
        MemberRow(
            name=commune.name,
            insee_code=commune.insee_code,
            population=commune.population,
            official=True,
            tenant=tenants.get(commune.insee_code),
            link=links.get(commune.insee_code),
        )
        for commune in officials
    ]
    listed = {commune.insee_code for commune in officials}
    rows.extend(
        MemberRow(
            name=link.commune.name,
            insee_code=code,
            population=link.commune.population,
            official=False,
            tenant=link.commune,
            link=link,
        )
        for code, link in sorted(links.items(), key=lambda item: item[1].commune.name)
        if code not in listed
    )
    return rows
