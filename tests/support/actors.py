"""The people around one private space of tenant A, one per way of reaching it (or not).

Used by the tests of what lives in a space (checklists, discussions, e-mail → task) to cross
every page and endpoint with every actor: space editor, commenter, reader, a staff member of
the tenant outside the space, a guest (citizen), a tenant admin, anonymous, and a member of
another tenant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import Role, User
from entente.spaces.models import Space, SpaceMembership, Visibility
from tenants.models import Tenant

ACTORS = ("editor", "commenter", "reader", "staff", "guest", "admin", "anonymous", "outsider")


@dataclass
class SpaceActors:
    tenant: Tenant
    other_tenant: Tenant
    space: Space
    people: dict[str, User]
    client_for: Callable[..., Client]

    def client(self, actor: str) -> Client:
        if actor == "anonymous":
            return self.client_for(self.tenant)
        return self.client_for(self.tenant, self.people[actor])

    @contextmanager
    def inside(self) -> Iterator[None]:
        with tenant_context(self.tenant):
            yield


@pytest.fixture
def actors(
    tenant_a: Tenant, tenant_b: Tenant, make_user: Callable[..., User], client_for: Any
) -> SpaceActors:
    people = {
        "editor": make_user(
            "claire.morand@mairie-lege.fr", tenant_a, Role.AGENT, full_name="Claire Morand"
        ),
        "commenter": make_user(
            "paul.girard@mairie-lege.fr", tenant_a, Role.ELECTED, full_name="Paul Girard"
        ),
        "reader": make_user(
            "lea.martin@mairie-lege.fr", tenant_a, Role.AGENT, full_name="Léa Martin"
        ),
        "staff": make_user("hors.espace@mairie-lege.fr", tenant_a, Role.AGENT),
        "guest": make_user("citoyen@example.fr", tenant_a, Role.GUEST),
        "admin": make_user("admin@mairie-lege.fr", tenant_a, Role.ADMIN, full_name="Anne Admin"),
        "outsider": make_user("agent@mairie-paulx.fr", tenant_b, Role.ADMIN),
    }
    with tenant_context(tenant_a):
        space = Space.objects.create(name="Secrétariat de mairie", visibility=Visibility.PRIVATE)
        for actor, role in (
            ("editor", "editor"),
            ("commenter", "commenter"),
            ("reader", "reader"),
            ("guest", "commenter"),
        ):
            SpaceMembership.objects.create(space=space, user=people[actor], role=role)
    return SpaceActors(tenant_a, tenant_b, space, people, client_for)
