"""The procedures' entries in the navigation: the tenant's templates, a space's checklists."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import MAIN, SPACE, NavEntry, register_entry, request_membership
from entente.core.tour import TourStop, register_tour_stop
from entente.spaces.sections import section_open

from .permissions import template_abilities


def _checklists_open(request: HttpRequest, subject: Any) -> bool:
    """`entente.checklists.views.space_access`: view ability and the checklists section."""
    membership = request_membership(request)
    return bool(subject.abilities.view) and section_open(membership, subject.space.pk, "checklists")


def register() -> None:
    register_entry(
        NavEntry(
            "procedures",
            MAIN,
            _("Procédures"),
            "checklists:template_list",
            lambda request, subject: template_abilities(request_membership(request)).view,
            order=50,
        )
    )
    register_entry(
        NavEntry(
            "checklists",
            SPACE,
            _("Procédures"),
            "checklists:checklist_list",
            _checklists_open,
            order=20,
            kwargs=lambda subject: {"space_id": subject.space.pk},
        )
    )
    register_tour_stop(
        TourStop(
            "procedures",
            MAIN,
            "procedures",
            _(
                "Les démarches qui reviennent (un conseil municipal, un permis de construire…) en "
                "listes à cocher, pour ne rien oublier même quand la personne qui sait est "
                "absente."
            ),
            _("Dans le menu principal."),
            order=50,
        )
    )
