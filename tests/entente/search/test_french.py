"""French matching: accents, case, plurals, stemming, elision, a typo, prefix as you type."""

from __future__ import annotations

import pytest

from .conftest import Place, titles

pytestmark = pytest.mark.django_db

MEETING = "Réunion du conseil municipal"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("reunion", MEETING),  # accents ignored
        ("RÉUNION", MEETING),  # case ignored
        ("réunions", MEETING),  # plural
        ("municipaux", MEETING),  # stemming: municipal / municipaux
        ("conseil municpal", MEETING),  # a typo in the title
        ("l'école", "Cantine scolaire"),  # elision, in the query and in the text
        ("trott", "Réfection des trottoirs"),  # prefix as you type
        ("entreprise", "Réfection des trottoirs"),  # a word of the body, singular
    ],
)
def test_french_matching(place: Place, typed: str, expected: str) -> None:
    assert expected in titles(place.agent, typed)


def test_an_unrelated_word_finds_nothing(place: Place) -> None:
    assert titles(place.agent, "piscine") == []


def test_excerpt_marks_the_matched_words_and_escapes_the_rest(place: Place) -> None:
    from entente.search.query import SearchQuery
    from entente.search.selectors import search

    found = search(place.agent, SearchQuery(text="budget")).found
    assert [f.hit.title for f in found] == [MEETING]
    excerpt = str(found[0].hit.excerpt_html)
    assert "<mark>budget</mark>" in excerpt
    assert "l&#x27;école" in excerpt or "l&#39;école" in excerpt


def test_filters_by_kind(place: Place) -> None:
    assert "Voirie et école" in titles(place.agent, "école")
    assert titles(place.agent, "école", kinds=("space",)) == ["Voirie et école"]
    assert "Voirie et école" not in titles(place.agent, "école", kinds=("task",))
