"""The documents' entries in the navigation: a space's tree, the collectivité's archive."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import MAIN, SPACE, NavEntry, register_entry, request_membership

from .permissions import tree_abilities


def _space_tree_open(request: HttpRequest, subject: Any) -> bool:
    """`views.space_tree`: `selectors.access_tree` refuses what `tree_abilities` does not open."""
    return tree_abilities(request_membership(request), subject.space).view


def _archive_open(request: HttpRequest, subject: Any) -> bool:
    """`views.archive_tree`: the tenant's own staff, never guests nor federated stand-ins."""
    return tree_abilities(request_membership(request), None).view


def register() -> None:
    register_entry(
        NavEntry(
            "documents",
            SPACE,
            _("Documents"),
            "documents:space",
            _space_tree_open,
            order=30,
            kwargs=lambda subject: {"space_id": subject.space.pk},
        )
    )
    register_entry(
        NavEntry("archives", MAIN, _("Archives"), "documents:archive", _archive_open, order=60)
    )
