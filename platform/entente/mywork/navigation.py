"""« Mon travail » in the navigation: on every tenant host the person reaches."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.navigation import MAIN, NavEntry, register_entry, request_membership


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
