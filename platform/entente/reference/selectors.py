"""Reads of the official lists: finding a collectivité, an EPCI's members, a commune's EPCI.

Only current rows are returned (see models.py). Names are compared on `search_name`, so
"saint etienne de mer" finds "Saint-Étienne-de-Mer-Morte".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import F, QuerySet

from tenants.models import TenantKind

from .models import Commune, Epci
from .text import normalize_name

# INSEE codes: 5 characters, digits except Corsica's 2A/2B; SIREN: 9 digits.
_INSEE_RE = re.compile(r"^(?:\d{5}|2[ABab]\d{3})$")
_SIREN_RE = re.compile(r"^\d{9}$")
MIN_NAME_LENGTH = 2
MAX_LIMIT = 50

_Row = TypeVar("_Row", Commune, Epci)


@dataclass(frozen=True)
class Collectivity:
    """One search result, commune or EPCI, with what a picker shows beside the name."""

    kind: str  # a TenantKind value: "commune" or "epci"
    code: str  # INSEE code of a commune, SIREN of an EPCI
    name: str
    population: int | None
    departement: str = ""
    postal_codes: tuple[str, ...] = field(default_factory=tuple)
    epci_kind: str = ""


def current_communes() -> QuerySet[Commune]:
    return Commune.objects.filter(is_current=True)


def current_epcis() -> QuerySet[Epci]:
    return Epci.objects.filter(is_current=True)


def commune_by_code(insee_code: str) -> Commune | None:
    return current_communes().select_related("epci").filter(insee_code=insee_code.upper()).first()


def epci_by_siren(siren: str) -> Epci | None:
    return current_epcis().filter(siren=siren).first()


def epci_of_commune(insee_code: str) -> Epci | None:
    """The EPCI a commune belongs to, or None (a few islands belong to none)."""
    return (
        current_epcis()
        .filter(members__insee_code=insee_code.upper(), members__is_current=True)
        .first()
    )


def members_of_epci(siren: str) -> QuerySet[Commune]:
    """The EPCI's member communes, in alphabetical order (accents ignored)."""
    return current_communes().filter(epci_id=siren, epci__is_current=True).order_by("search_name")


def is_official_member(epci_siren: str, insee_code: str) -> bool:
    return members_of_epci(epci_siren).filter(insee_code=insee_code.upper()).exists()


def search_collectivities(query: str, limit: int = 10) -> list[Collectivity]:
    """Communes and EPCI matching a name, a postal code, an INSEE code or a SIREN.

    Codes match exactly. Names match on a prefix first, then anywhere; larger collectivités
    come first within each group, since they are the likelier answer to a short query.
    """
    limit = max(1, min(limit, MAX_LIMIT))
    text = query.strip()
    compact = text.replace(" ", "")
    if _SIREN_RE.match(compact):
        communes = list(current_communes().filter(siren=compact)[:limit])
        epcis = list(current_epcis().filter(siren=compact)[:limit])
        return ([_from_epci(e) for e in epcis] + [_from_commune(c) for c in communes])[:limit]
    if _INSEE_RE.match(compact):
        code = compact.upper()
        by_code = list(current_communes().filter(insee_code=code))
        by_postal = _by_population(
            current_communes().filter(postal_codes__contains=[code]).exclude(insee_code=code)
        )[: limit - len(by_code)]
        return [_from_commune(c) for c in [*by_code, *by_postal]][:limit]

    name = normalize_name(text)
    if len(name) < MIN_NAME_LENGTH:
        return []
    results: list[Collectivity] = []
    # Best first: the whole name, a name prefix, a word of the name, then anywhere in it.
    for lookup, pattern in (
        ("search_name", name),
        ("search_name__startswith", name),
        ("search_name__contains", f" {name}"),
        ("search_name__contains", name),
    ):
        wanted = limit - len(results)
        if wanted <= 0:
            break
        found_communes = [r.code for r in results if r.kind == TenantKind.COMMUNE]
        found_epcis = [r.code for r in results if r.kind == TenantKind.EPCI]
        commune_matches = current_communes().filter(**{lookup: pattern})
        epci_matches = current_epcis().filter(**{lookup: pattern})
        group = [
            _from_commune(c)
            for c in _by_population(commune_matches.exclude(insee_code__in=found_communes))[:wanted]
        ] + [
            _from_epci(e)
            for e in _by_population(epci_matches.exclude(siren__in=found_epcis))[:wanted]
        ]
        group.sort(key=lambda item: -(item.population or 0))
        results.extend(group[:wanted])
    return results


def _by_population(queryset: QuerySet[_Row]) -> QuerySet[_Row]:
    return queryset.order_by(F("population").desc(nulls_last=True), "search_name")


def _from_commune(commune: Commune) -> Collectivity:
    return Collectivity(
        kind=TenantKind.COMMUNE,
        code=commune.insee_code,
        name=commune.name,
        population=commune.population,
        departement=commune.departement,
        postal_codes=tuple(commune.postal_codes),
    )


def _from_epci(epci: Epci) -> Collectivity:
    return Collectivity(
        kind=TenantKind.EPCI,
        code=epci.siren,
        name=epci.name,
        population=epci.population,
        epci_kind=epci.kind,
    )
