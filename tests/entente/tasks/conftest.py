"""A private space of Legé with one person per role, and people who must not pass."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from entente.spaces.permissions import SpaceAbilities
from entente.spaces.services import create_space
from entente.tasks.models import Task
from entente.tasks.services import create_task
from tenants.models import Tenant
from tests.support.acting import seeding

EVERYTHING = SpaceAbilities(view=True, comment=True, edit=True, manage=True)
# Who may do what in the private space of `world`:
ROLES = ("editor", "commenter", "reader", "staff", "guest", "outsider")
VIEWERS = {"editor", "commenter", "reader"}
COMMENTERS = {"editor", "commenter"}
EDITORS = {"editor"}


@dataclass
class World:
    tenant: Tenant
    other_tenant: Tenant
    space: Space
    people: dict[str, User]
    task: Task
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        return self.clients[role]

    def enter(self) -> Any:
        return tenant_context(self.tenant)


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(
    tenant_a: Tenant,
    tenant_b: Tenant,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
) -> World:
    people = {
        "editor": make_user("claire.morand@lege.test", tenant=tenant_a, full_name="Claire Morand"),
        "commenter": make_user("paul.briand@lege.test", tenant=tenant_a, full_name="Paul Briand"),
        "reader": make_user("lea.durand@lege.test", tenant=tenant_a, full_name="Léa Durand"),
        "staff": make_user("agent.hors-espace@lege.test", tenant=tenant_a),
        "guest": make_user("citoyen@exemple.test", tenant=tenant_a, role=Role.GUEST),
        "outsider": make_user("admin@paulx.test", tenant=tenant_b, role=Role.ADMIN),
    }
    with tenant_context(tenant_a):
        space = create_space(
            seeding(people["editor"]), name="Voirie", visibility=Visibility.PRIVATE
        )
        for role, space_role in (
            ("editor", SpaceRole.EDITOR),
            ("commenter", SpaceRole.COMMENTER),
            ("reader", SpaceRole.READER),
            ("guest", SpaceRole.COMMENTER),
        ):
            SpaceMembership.objects.update_or_create(
                space=space, user=people[role], defaults={"role": space_role}
            )
        task = create_task(
            seeding(people["editor"]),
            space=space,
            title="Reboucher le nid-de-poule rue des Lilas",
            description="<p>Signalé par un riverain.</p>",
            assignee_ids=[people["editor"].pk],
        )
    world = World(tenant=tenant_a, other_tenant=tenant_b, space=space, people=people, task=task)
    world.clients = {role: client_for(tenant_a, user) for role, user in people.items()}
    world.clients["anonymous"] = Client(HTTP_HOST=tenant_a.primary_host)
    return world


def membership_of(world: World, role: str) -> Membership:
    return Membership.objects.select_related("tenant", "user").get(
        user=world.people[role], tenant=world.tenant
    )
