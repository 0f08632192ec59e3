"""The meetings' entries: « Mes séances », « Mon calendrier », a space's « Réunions » and
« Calendrier » tabs, a public project's « Séances publiques »."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import (
    ADMINISTRATION,
    MAIN,
    SPACE,
    NavEntry,
    register_entry,
    request_membership,
)
from entente.core.tour import TourStop, register_tour_stop
from entente.spaces.sections import section_open

from .elected import may_open
from .elected_link import may_set_policy
from .extract import may_read_extracts
from .permissions import SECTION


def _meetings_open(request: HttpRequest, subject: Any) -> bool:
    """Same rule as `views.space_access`: view ability and the meetings section."""
    membership = request_membership(request)
    return bool(subject.abilities.view) and section_open(membership, subject.space.pk, SECTION)


def _space_open(request: HttpRequest, subject: Any) -> bool:
    """The space's calendar: whoever may open the space (`calendar_views.space_calendar`)."""
    return bool(subject.abilities.view)


def _extracts_open(request: HttpRequest, subject: Any) -> bool:
    """A public project's « Séances publiques » (same rule as `views.public_extracts`)."""
    return may_read_extracts(request_membership(request), subject.space)


def _is_elected(request: HttpRequest, subject: Any) -> bool:
    """« Mes séances », the élus' one link (same rule as the page)."""
    return may_open(request_membership(request))


def _administers(request: HttpRequest, subject: Any) -> bool:
    """The élus' link policy (same rule as `elected_views.link_policy`)."""
    return may_set_policy(request_membership(request))


def register() -> None:
    register_entry(
        NavEntry(
            "elected",
            MAIN,
            _("Mes séances"),
            "meetings:elected",
            _is_elected,
            order=34,
        )
    )
    register_entry(
        NavEntry(
            "elected_link_policy",
            ADMINISTRATION,
            _("Lien des élus"),
            "meetings:elected_link_policy",
            _administers,
            order=75,
        )
    )
    register_entry(
        NavEntry(
            "my_calendar",
            MAIN,
            _("Mon calendrier"),
            "meetings:my_calendar",
            lambda request, subject: request_membership(request) is not None,
            order=35,
        )
    )
    register_entry(
        NavEntry(
            "meetings",
            SPACE,
            _("Réunions"),
            "meetings:meeting_list",
            _meetings_open,
            order=15,
            kwargs=lambda subject: {"space_id": subject.space.pk},
        )
    )
    register_entry(
        NavEntry(
            "calendar",
            SPACE,
            _("Calendrier"),
            "meetings:space_calendar",
            _space_open,
            order=16,
            kwargs=lambda subject: {"space_id": subject.space.pk},
        )
    )
    register_entry(
        NavEntry(
            "public_extracts",
            SPACE,
            _("Séances publiques"),
            "meetings:extracts",
            _extracts_open,
            order=17,
            kwargs=lambda subject: {"space_id": subject.space.pk},
        )
    )
    register_tour_stop(
        TourStop(
            "elected",
            MAIN,
            "elected",
            _(
                "Vos prochaines séances, leur ordre du jour et leurs documents, lisibles sur un "
                "téléphone."
            ),
            _("Dans le menu principal ; le lien reçu par e-mail y mène aussi sans mot de passe."),
            order=35,
        )
    )
    register_tour_stop(
        TourStop(
            "my_calendar",
            MAIN,
            "my_calendar",
            _(
                "Les réunions et les échéances de vos espaces, par mois, par semaine ou en liste. "
                "Vous pouvez les recevoir dans l'agenda de votre téléphone."
            ),
            _("Dans le menu principal."),
            order=40,
        )
    )
