"""« Mon travail » in the navigation: on every tenant host the person reaches."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.navigation import MAIN, NavEntry, register_entry, request_membership
from entente.core.tour import TourStop, register_tour_stop


def register() -> None:
    register_entry(
        NavEntry(
            "my_work",
            MAIN,
            _("Mon travail"),
            "mywork:home",
            lambda request, subject: request_membership(request) is not None,
            order=30,
        )
    )
    register_tour_stop(
        TourStop(
            "my_work",
            MAIN,
            "my_work",
            _(
                "Tout ce qui vous attend, dans toutes vos collectivités : vos tâches du jour et de"
                " la semaine, les prochaines réunions et ce qui a changé depuis votre dernière "
                "visite."
            ),
            _("Dans le menu principal, en haut de chaque page."),
            order=10,
        )
    )
