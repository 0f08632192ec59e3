"""Finding collectivités in the official lists: by name, postal code, INSEE code or SIREN."""

from __future__ import annotations

import pytest

from entente.reference.selectors import (
    epci_of_commune,
    is_official_member,
    members_of_epci,
    search_collectivities,
)
from entente.reference.text import normalize_name

pytestmark = pytest.mark.usefixtures("official_data")

SUD_RETZ = "200071546"


def test_the_cc_sud_retz_atlantique_has_its_eight_communes(db: None) -> None:
    names = list(members_of_epci(SUD_RETZ).values_list("name", flat=True))
    assert len(names) == 8
    assert {"Machecoul-Saint-Même", "Legé", "Corcoué-sur-Logne"} <= set(names)
    # Alphabetical, accents aside: "Saint-Étienne…" comes between "Paulx" and "Saint-Mars…".
    assert names.index("Paulx") < names.index("Saint-Étienne-de-Mer-Morte")
    assert names.index("Saint-Étienne-de-Mer-Morte") < names.index("Saint-Mars-de-Coutais")


def test_epci_of_a_commune(db: None) -> None:
    epci = epci_of_commune("44081")
    assert epci is not None
    assert epci.name == "CC Sud Retz Atlantique"
    assert epci_of_commune("29155") is None  # Ouessant belongs to no EPCI
    assert epci_of_commune("00000") is None


def test_official_membership(db: None) -> None:
    assert is_official_member(SUD_RETZ, "44081")
    assert not is_official_member(SUD_RETZ, "44109")  # Nantes


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("Machecoul", ("commune", "44087")),
        ("machecoul saint meme", ("commune", "44087")),
        ("Legé", ("commune", "44081")),
        ("lege", ("commune", "44081")),
        ("44087", ("commune", "44087")),  # INSEE code
        ("44650", ("commune", "44081")),  # Legé's postal code
        ("200071546", ("epci", SUD_RETZ)),  # SIREN of the EPCI
        ("200056455", ("commune", "44087")),  # SIREN of the commune
        ("2A004", ("commune", "2A004")),  # Ajaccio
        ("2a004", ("commune", "2A004")),
        ("Sud Retz", ("epci", SUD_RETZ)),
    ],
)
def test_search_finds_the_expected_collectivity_first(
    db: None, query: str, expected_first: tuple[str, str]
) -> None:
    results = search_collectivities(query, limit=5)
    assert results, f"nothing found for {query!r}"
    assert (results[0].kind, results[0].code) == expected_first


def test_search_prefers_a_whole_name_then_a_prefix_then_a_word(db: None) -> None:
    results = search_collectivities("Nantes", limit=10)
    names = [r.name for r in results]
    assert names[0] == "Nantes"
    assert "Nantes Métropole" in names  # a name prefix, after the exact name
    assert all("nantes" in normalize_name(name) for name in names)


def test_search_by_postal_code_lists_every_commune_sharing_it(db: None) -> None:
    results = search_collectivities("44270", limit=10)
    assert {r.code for r in results} >= {"44087"}
    assert all("44270" in r.postal_codes for r in results)


def test_search_respects_the_limit_without_duplicates(db: None) -> None:
    results = search_collectivities("saint", limit=25)
    assert len(results) == 25
    assert len({(r.kind, r.code) for r in results}) == 25
    populations = [r.population or 0 for r in results]
    assert populations == sorted(populations, reverse=True)


def test_search_of_a_word_inside_a_name(db: None) -> None:
    codes = {r.code for r in search_collectivities("coutais", limit=5)}
    assert "44178" in codes  # Saint-Mars-de-Coutais


@pytest.mark.parametrize("query", ["", " ", "a", "-", "zzzzzz"])
def test_search_returns_nothing_for_too_short_or_unknown(db: None, query: str) -> None:
    assert search_collectivities(query) == []


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("L'Île-d'Yeu", "l ile d yeu"),
        ("Saint-Étienne-de-Mer-Morte", "saint etienne de mer morte"),
        ("Œuilly", "oeuilly"),
        ("  Corcoué--sur  Logne ", "corcoue sur logne"),
    ],
)
def test_names_are_normalized_for_search(raw: str, normalized: str) -> None:
    assert normalize_name(raw) == normalized
