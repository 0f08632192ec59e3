"""« Ma découverte » in the account menu, « Adoption » under Administration."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import ACCOUNT, ADMINISTRATION, NavEntry, register_entry
from entente.core.tour import TourStop, register_tour_stop

from .access import may_see_adoption, may_see_discovery


def _discovery(request: HttpRequest, subject: Any = None) -> bool:
    return may_see_discovery(getattr(request, "membership", None))


def _adoption(request: HttpRequest, subject: Any = None) -> bool:
    return may_see_adoption(getattr(request, "membership", None))


def register() -> None:
    register_entry(
        NavEntry("discovery", ACCOUNT, _("Ma découverte"), "analytics:discovery", _discovery, 15)
    )
    register_entry(
        NavEntry("adoption", ADMINISTRATION, _("Adoption"), "analytics:adoption", _adoption, 90)
    )
    register_tour_stop(
        TourStop(
            "discovery",
            ACCOUNT,
            "discovery",
            _("Ce que vous avez déjà découvert d'Entente, et la prochaine chose à essayer."),
            _("Dans le menu de votre compte."),
            order=90,
        )
    )
