"""What the team declares to usage analytics (`entente.core.discovery`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from entente.core.discovery import register_usage


def register() -> None:
    register_usage("team.invited", _("Collègues invités"))
