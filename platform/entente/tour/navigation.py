"""The tour's entry in the account menu: it can be taken again at any time."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.core.navigation import ACCOUNT, NavEntry, register_entry, request_membership

from .permissions import may_take_tour


def _may_take(request: HttpRequest, subject: Any = None) -> bool:
    return may_take_tour(request_membership(request))


def register() -> None:
    register_entry(NavEntry("tour", ACCOUNT, _("Visite guidée"), "tour:start", _may_take, order=5))
