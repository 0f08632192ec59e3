"""The header's search box on tenant pages, its suggestions, and the results page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from .conftest import Place

pytestmark = pytest.mark.django_db


def test_every_tenant_page_has_the_search_box_as_a_combobox(
    place: Place, client_for: Callable[..., Client]
) -> None:
    html = client_for(place.tenant, place.agent).get("/").content.decode()
    assert 'role="search"' in html
    assert 'action="/recherche/"' in html  # a plain GET form: works without JavaScript
    assert 'role="combobox"' in html
    assert 'aria-controls="recherche-options"' in html
    assert 'hx-get="/recherche/suggestions/"' in html
    assert "entente/combobox.js" in html


def test_suggestions_are_a_listbox_of_links_with_the_typed_prefix(
    place: Place, client_for: Callable[..., Client]
) -> None:
    response = client_for(place.tenant, place.agent).get("/recherche/suggestions/", {"q": "tro"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="listbox"' in html
    assert 'role="option"' in html
    assert "Réfection des <mark>trottoirs</mark>" in html
    assert f'href="{place.tenant.url("/taches/")}' in html
    assert "Voir tous les résultats" in html


def test_results_are_grouped_by_tenant_then_kind(
    place: Place, client_for: Callable[..., Client]
) -> None:
    html = client_for(place.tenant, place.agent).get("/recherche/", {"q": "école"}).content.decode()
    assert '<h2 id="resultats" role="status">' in html
    tenant_section = html.index(f'data-tenant="{place.tenant.slug}"')
    spaces = html.index('data-kind="space"')
    tasks = html.index('data-kind="task"')
    assert tenant_section < min(spaces, tasks)
    assert "<h4>Espace</h4>" in html
    assert "<h4>Tâche</h4>" in html


def test_a_results_page_without_words_shows_only_the_form(
    place: Place, client_for: Callable[..., Client]
) -> None:
    response = client_for(place.tenant, place.agent).get("/recherche/")
    assert response.status_code == 200
    assert "résultat" not in response.content.decode().split("</form>")[-1]


def test_bad_filters_are_ignored_not_an_error(
    place: Place, client_for: Callable[..., Client]
) -> None:
    response = client_for(place.tenant, place.agent).get(
        "/recherche/", {"q": "école", "date_from": "hier", "kind": "licorne", "page": "-3"}
    )
    assert response.status_code == 200
