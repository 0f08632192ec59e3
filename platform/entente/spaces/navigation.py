"""The spaces' entries in the navigation (entente.core.navigation): home, spaces, space tabs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import MAIN, SPACE, NavEntry, register_entry, request_membership
from entente.core.tour import TourStop, register_tour_stop


def is_member(request: HttpRequest, subject: Any = None) -> bool:
    """The tenant's pages answer whoever the membership middleware let in (members, stand-ins)."""
    return request_membership(request) is not None


def may_manage_space(request: HttpRequest, subject: Any) -> bool:
    return bool(subject.abilities.manage)


def _space_kwargs(subject: Any) -> dict[str, Any]:
    return {"space_id": subject.space.pk}


def register() -> None:
    register_entry(NavEntry("home", MAIN, _("Accueil"), "tenant_home", is_member, order=10))
    register_entry(NavEntry("spaces", MAIN, _("Espaces"), "spaces:list", is_member, order=20))
    register_entry(
        NavEntry(
            "members",
            SPACE,
            _("Membres"),
            "spaces:members",
            lambda request, subject: bool(subject.abilities.view),
            order=900,
            kwargs=_space_kwargs,
        )
    )
    register_entry(
        NavEntry(
            "settings",
            SPACE,
            _("Paramètres"),
            "spaces:settings",
            may_manage_space,
            order=910,
            kwargs=_space_kwargs,
        )
    )
    register_tour_stop(
        TourStop(
            "spaces",
            MAIN,
            "spaces",
            _(
                "Chaque groupe de travail ou projet a son espace : ses tâches, ses procédures, ses"
                " documents, ses discussions et ses réunions, au même endroit, avec ses membres."
            ),
            _("Dans le menu principal."),
            order=20,
        )
    )
