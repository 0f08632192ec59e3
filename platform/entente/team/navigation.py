"""The team's entry in the navigation: the collectivité's staff, for its staff."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import MAIN, NavEntry, register_entry, request_membership
from entente.core.tour import TourStop, register_tour_stop

from .permissions import may_see_team


def _may_see(request: HttpRequest, subject: Any = None) -> bool:
    return may_see_team(request_membership(request))


def register() -> None:
    # In the main menu, not under Administration: agents invite their colleagues too.
    register_entry(NavEntry("team", MAIN, _("Équipe"), "team:members", _may_see, order=70))
    register_tour_stop(
        TourStop(
            "team",
            MAIN,
            "team",
            _(
                "Les collègues de votre collectivité et leur rôle. Invitez-en un par son adresse "
                "e-mail : il reçoit un lien pour vous rejoindre."
            ),
            _("Dans le menu principal."),
            order=80,
        )
    )
