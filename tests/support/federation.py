"""A federated world for tests: the CC Sud Retz Atlantique linked to Legé (and Paulx), people of
each, and federation spaces in the CC's schema. Links are made through the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django_tenants.utils import tenant_context

from entente.accounts.models import Role, User
from entente.federation.services import accept_invitation, invite_commune
from entente.spaces.models import (
    JoinPolicy,
    Space,
    SpaceKind,
    SpaceMembership,
    SpaceRole,
    Visibility,
)
from entente.spaces.services import create_space
from tenants.models import FederationLink, Tenant
from tests.support.acting import seeding


def link(epci: Tenant, commune: Tenant, epci_admin: User, commune_admin: User) -> FederationLink:
    invited = invite_commune(epci, commune, actor=epci_admin, allow_unlisted=True)
    return accept_invitation(invited, actor=commune_admin)


def federation_space(
    epci: Tenant,
    name: str,
    *,
    policy: str = JoinPolicy.OPEN,
    scope: list[int] | None = None,
    editor: User | None = None,
    visibility: str = Visibility.FEDERATION,
    description: str = "",
) -> Space:
    with tenant_context(epci):
        space = create_space(
            seeding(editor),
            name=name,
            kind=SpaceKind.THEMATIC,
            visibility=visibility,
            description=description,
            join_policy=policy,
            federation_scope=scope or [],
        )
        if editor is not None:
            SpaceMembership.objects.create(space=space, user=editor, role=SpaceRole.EDITOR)
    return space


@dataclass
class World:
    epci: Tenant
    lege: Tenant
    paulx: Tenant
    epci_admin: User
    epci_editor: User  # agent of the CC, editor of its federation spaces
    lege_admin: User
    lege_agent: User  # « Julien »: only a Legé membership
    lege_guest: User
    paulx_agent: User  # staff of a commune that is not linked
    lege_link: FederationLink
    spaces: dict[str, Space] = field(default_factory=dict)


def make_world(
    make_user: Callable[..., User], epci: Tenant, lege: Tenant, paulx: Tenant, **extra: Any
) -> World:
    epci_admin = make_user(tenant=epci, role=Role.ADMIN, full_name="Aline Admin")
    lege_admin = make_user(tenant=lege, role=Role.ADMIN, full_name="Louis Maire")
    world = World(
        epci=epci,
        lege=lege,
        paulx=paulx,
        epci_admin=epci_admin,
        epci_editor=make_user(tenant=epci, role=Role.AGENT, full_name="Claire Morand"),
        lege_admin=lege_admin,
        lege_agent=make_user(tenant=lege, role=Role.AGENT, full_name="Julien Besnard"),
        lege_guest=make_user(tenant=lege, role=Role.GUEST, full_name="Gaëlle Citoyenne"),
        paulx_agent=make_user(tenant=paulx, role=Role.AGENT, full_name="Paul Agent"),
        lege_link=link(epci, lege, epci_admin, lege_admin),
    )
    return world
