"""The federation's entries in the navigation: the intercommunal links, the shared spaces."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from entente.accounts.acting import is_federated
from entente.core.navigation import (
    ADMINISTRATION,
    MAIN,
    NavEntry,
    register_entry,
    request_membership,
)
from tenants.models import TenantKind

from .permissions import acting_as


def _may_see_links(request: HttpRequest, subject: Any = None) -> bool:
    """`entente.federation.views.federation_home`: the collectivité's staff."""
    tenant = getattr(request, "tenant", None)
    membership = request_membership(request)
    if tenant is None or membership is None:
        return False
    return acting_as(request.user, tenant, membership).is_staff_role  # type: ignore[arg-type]


def _may_administer_links(request: HttpRequest, subject: Any = None) -> bool:
    tenant = getattr(request, "tenant", None)
    membership = request_membership(request)
    if tenant is None or membership is None:
        return False
    return acting_as(request.user, tenant, membership).is_admin  # type: ignore[arg-type]


def _may_browse_directory(request: HttpRequest, subject: Any = None) -> bool:
    """The EPCI's federation spaces: its staff, and the staff of its linked communes."""
    membership = request_membership(request)
    if membership is None:
        return False
    if is_federated(membership):
        return True
    tenant = getattr(request, "tenant", None)
    return tenant is not None and tenant.kind == TenantKind.EPCI and membership.is_staff_role


def register() -> None:
    register_entry(
        NavEntry(
            "federation", MAIN, _("Intercommunalité"), "federation:home", _may_see_links, order=60
        )
    )
    register_entry(
        NavEntry(
            "federation_spaces",
            MAIN,
            _("Espaces intercommunaux"),
            "federation:directory",
            _may_browse_directory,
            order=65,
        )
    )
    register_entry(
        NavEntry(
            "federation_links",
            ADMINISTRATION,
            _("Liens intercommunaux"),
            "federation:home",
            _may_administer_links,
            order=50,
        )
    )
