"""The tasks' entries in the navigation: « Mes tâches », a space's board, the labels."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import MAIN, SPACE, TASKS, NavEntry, register_entry, request_membership
from entente.core.tour import TourStop, register_tour_stop
from entente.spaces.sections import section_open

from .permissions import may_see_labels


def _board_open(request: HttpRequest, subject: Any) -> bool:
    """`entente.tasks.views._space_access`: the space's view ability and its tasks section."""
    membership = request_membership(request)
    return bool(subject.abilities.view) and section_open(membership, subject.space.pk, "tasks")


def register() -> None:
    register_entry(
        NavEntry(
            "my_tasks",
            MAIN,
            _("Mes tâches"),
            "tasks:mine",
            lambda request, subject: request_membership(request) is not None,
            order=40,
        )
    )
    register_entry(
        NavEntry(
            "board",
            SPACE,
            _("Tableau des tâches"),
            "tasks:board",
            _board_open,
            order=10,
            kwargs=lambda subject: {"space_id": subject.space.pk},
        )
    )
    register_entry(
        NavEntry(
            "labels",
            TASKS,
            _("Étiquettes"),
            "tasks:labels",
            lambda request, subject: may_see_labels(request_membership(request)),
            order=10,
        )
    )
    register_tour_stop(
        TourStop(
            "my_tasks",
            MAIN,
            "my_tasks",
            _(
                "Les tâches qui vous sont confiées, avec leur échéance. Cochez-en une quand elle "
                "est faite : celui qui l'a demandée le voit."
            ),
            _("Dans le menu principal."),
            order=30,
        )
    )
