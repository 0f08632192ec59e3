"""Search's entry in the navigation: offered by the "page not found" page beside the home.

The results page is otherwise reached by the search form in every page's header (a GET form,
not a link: `tests/test_navigation_reachability.py` names it in `REACHED_OTHERWISE`).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.navigation import SEARCH, NavEntry, register_entry, request_membership
from entente.core.tour import TourStop, register_tour_stop


def register() -> None:
    register_entry(
        NavEntry(
            "search",
            SEARCH,
            _("Rechercher"),
            "search:results",
            lambda request, subject: request_membership(request) is not None,
            order=10,
        )
    )
    register_tour_stop(
        TourStop(
            "search",
            SEARCH,
            "search",
            _(
                "Quelques mots suffisent pour retrouver une tâche, un document, une discussion ou "
                "un espace, avec ou sans accents."
            ),
            _("La case « Rechercher », en haut de chaque page."),
            order=60,
        )
    )
