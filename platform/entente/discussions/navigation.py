"""The discussions' entry in the navigation: a space's threads."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import SPACE, NavEntry, register_entry, request_membership
from entente.spaces.sections import section_open


def _discussions_open(request: HttpRequest, subject: Any) -> bool:
    """`entente.discussions.views.space_access`: view ability and the discussions section."""
    membership = request_membership(request)
    return bool(subject.abilities.view) and section_open(
        membership, subject.space.pk, "discussions"
    )


def register() -> None:
    register_entry(
        NavEntry(
            "discussions",
            SPACE,
            _("Discussions"),
            "discussions:thread_list",
            _discussions_open,
            order=30,
            kwargs=lambda subject: {"space_id": subject.space.pk},
        )
    )
