"""Reads of the official lists: finding a collectivité, an EPCI's members, a commune's EPCI.

Only current rows are returned (see models.py). Names are compared on `search_name`, so
"saint etienne de mer" finds "Saint-Étienne-de-Mer-Morte".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TypeVar

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import Case, F, QuerySet, Value, When

from tenants.models import TenantKind

from .models import Commune, Epci
from .text import normalize_name

# INSEE codes: 5 characters, digits except Corsica's 2A/2B; SIREN: 9 digits.
_INSEE_RE = re.compile(r"^(?:\d{5}|2[ABab]\d{3})$")
_SIREN_RE = re.compile(r"^\d{9}$")
MIN_NAME_LENGTH = 2
MAX_LIMIT = 50
# Near misses (trigram similarity) only from this length: shorter strings match too much.
FUZZY_MIN_LENGTH = 4
TRIGRAM_LENGTH = 3

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
    # A commune's EPCI (SIREN and name), when it belongs to one.
    epci_code: str = ""
    epci_name: str = ""


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

    Codes match exactly. Names match in one query per table, served by the trigram index on
    `search_name` (migration 0002): the whole name first, then a name prefix, a word of the
    name, anywhere in it; larger collectivités first within each group, since they are the
    likelier answer to a short query. A name found nowhere falls back to near misses
    (trigram similarity), so that a typo still finds its commune.
    """
    limit = max(1, min(limit, MAX_LIMIT))
    text = query.strip()
    compact = text.replace(" ", "")
    if _SIREN_RE.match(compact):
        communes = list(_communes().filter(siren=compact)[:limit])
        epcis = list(current_epcis().filter(siren=compact)[:limit])
        return (
            [collectivity_of_epci(e) for e in epcis]
            + [collectivity_of_commune(c) for c in communes]
        )[:limit]
    if _INSEE_RE.match(compact):
        code = compact.upper()
        by_code = list(_communes().filter(insee_code=code))
        by_postal = _by_population(
            _communes().filter(postal_codes__contains=[code]).exclude(insee_code=code)
        )[: limit - len(by_code)]
        return [collectivity_of_commune(c) for c in [*by_code, *by_postal]][:limit]

    name = normalize_name(text)
    if len(name) < MIN_NAME_LENGTH:
        return []
    rank = Case(
        When(search_name=name, then=Value(0)),
        When(search_name__startswith=name, then=Value(1)),
        When(search_name__contains=f" {name}", then=Value(2)),
        default=Value(3),
    )
    # The name's start first (the b-tree prefix index); words inside names (the trigram index)
    # only when the starts did not fill the list, since common strings match thousands there.
    # Two letters have no trigram: people typing them mean the name's start anyway.
    found: list[tuple[int, Collectivity]] = []
    tiers: list[tuple[dict[str, str], dict[str, str]]] = [({"search_name__startswith": name}, {})]
    if len(name) >= TRIGRAM_LENGTH:
        tiers.append(({"search_name__contains": name}, {"search_name__startswith": name}))
    for wanted, unwanted in tiers:
        communes = _ranked(_communes().filter(**wanted).exclude(**unwanted), rank, limit)
        epcis = _ranked(current_epcis().filter(**wanted).exclude(**unwanted), rank, limit)
        group = [(_rank(c.search_name, name), collectivity_of_commune(c)) for c in communes] + [
            (_rank(e.search_name, name), collectivity_of_epci(e)) for e in epcis
        ]
        group.sort(key=lambda item: (item[0], -(item[1].population or 0)))
        found.extend(group[: limit - len(found)])
        if len(found) >= limit:
            break
    if not found and len(name) >= FUZZY_MIN_LENGTH:
        return _near_misses(name, limit)
    return [item for _, item in found]


def _rank(search_name: str, name: str) -> int:
    """The database's ordering (`rank` in `_ranked`), for merging communes and EPCI."""
    if search_name == name:
        return 0
    if search_name.startswith(name):
        return 1
    return 2 if f" {name}" in search_name else 3


def _communes() -> QuerySet[Commune]:
    return current_communes().select_related("epci")


def _ranked(queryset: QuerySet[_Row], rank: Case, limit: int) -> list[_Row]:
    return list(
        queryset.annotate(rank=rank).order_by(
            "rank", F("population").desc(nulls_last=True), "search_name"
        )[:limit]
    )


def _near_misses(name: str, limit: int) -> list[Collectivity]:
    """Names within trigram similarity of `name` ("machecoul st meme", "nantse")."""
    found = _most_similar(_communes(), name, limit) + _most_similar(current_epcis(), name, limit)
    found.sort(key=lambda item: (-item[0], -(item[1].population or 0)))
    return [item for _, item in found[:limit]]


def _most_similar(
    queryset: QuerySet[_Row], name: str, limit: int
) -> list[tuple[float, Collectivity]]:
    rows = (
        queryset.filter(search_name__trigram_similar=name)
        .annotate(similarity=TrigramSimilarity("search_name", name))
        .order_by("-similarity", F("population").desc(nulls_last=True))[:limit]
    )
    return [(row.similarity, collectivity_of(row)) for row in rows]


def _by_population(queryset: QuerySet[_Row]) -> QuerySet[_Row]:
    return queryset.order_by(F("population").desc(nulls_last=True), "search_name")


def collectivity_of(row: Commune | Epci) -> Collectivity:
    if isinstance(row, Commune):
        return collectivity_of_commune(row)
    return collectivity_of_epci(row)


def collectivity_of_commune(commune: Commune) -> Collectivity:
    return Collectivity(
        kind=TenantKind.COMMUNE,
        code=commune.insee_code,
        name=commune.name,
        population=commune.population,
        departement=commune.departement,
        postal_codes=tuple(commune.postal_codes),
        epci_code=commune.epci.siren if commune.epci else "",
        epci_name=commune.epci.name if commune.epci else "",
    )


def collectivity_of_epci(epci: Epci) -> Collectivity:
    return Collectivity(
        kind=TenantKind.EPCI,
        code=epci.siren,
        name=epci.name,
        population=epci.population,
        epci_kind=epci.kind,
    )
