"""A public project of tenant A with its people, and a private space beside it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import Role, User
from entente.accounts.services import add_member
from entente.citizens import services
from entente.discussions.models import Comment, Thread
from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from entente.tasks.models import Task
from tenants.models import Tenant

PROJECT_NAME = "Réaménagement de la place du marché"
PRIVATE_NAME = "Budget confidentiel"
TASK_TITLE = "Commander les bancs"
THREAD_TITLE = "Vos idées pour la place"
PRIVATE_TASK = "Négocier le prix du terrain"


@dataclass
class Project:
    tenant: Tenant
    other_tenant: Tenant
    space: Space
    private_space: Space
    people: dict[str, User]
    client_for: Callable[..., Client]
    thread: Thread
    task: Task

    def client(self, actor: str) -> Client:
        if actor == "anonymous":
            return self.client_for(self.tenant)
        return self.client_for(self.tenant, self.people[actor])

    def membership(self, actor: str) -> Any:
        return self.people[actor].memberships.filter(tenant=self.tenant).first()

    def invite(self, email: str, actor: str = "manager") -> str:
        """Invite as `actor` and return the raw token (what the e-mail carries)."""
        with tenant_context(self.tenant):
            sent = services.invite_citizens(
                self.membership(actor), self.space, [email], tenant=self.tenant
            )
        return sent[0].token

    def make_citizen(self, email: str = "julie.citoyenne@courriel.test") -> User:
        token = self.invite(email)
        with tenant_context(self.tenant):
            return services.accept_invitation(
                token, self.tenant, full_name="Julie Citoyenne", password="un-mot-de-passe-long"
            ).user


@pytest.fixture
def project(
    tenant_a: Tenant, tenant_b: Tenant, make_user: Callable[..., User], client_for: Any
) -> Project:
    people = {
        "manager": make_user("marie.editrice@mairie-lege.fr", tenant_a, Role.AGENT),
        "editor": make_user("eric.editeur@mairie-lege.fr", tenant_a, Role.ELECTED),
        "commenter": make_user("camille.commente@mairie-lege.fr", tenant_a, Role.AGENT),
        "admin": make_user("anne.admin@mairie-lege.fr", tenant_a, Role.ADMIN),
        "outsider": make_user("olivier@mairie-paulx.fr", tenant_b, Role.ADMIN),
        "guest": make_user("gaston.invite@courriel.test", tenant_a, Role.GUEST),
    }
    with tenant_context(tenant_a):
        space = Space.objects.create(name=PROJECT_NAME, visibility=Visibility.PUBLIC_PROJECT)
        private = Space.objects.create(name=PRIVATE_NAME, visibility=Visibility.PRIVATE)
        for actor, role in (
            ("manager", SpaceRole.EDITOR),
            ("editor", SpaceRole.EDITOR),
            ("commenter", SpaceRole.COMMENTER),
            ("guest", SpaceRole.COMMENTER),
        ):
            SpaceMembership.objects.create(space=space, user=people[actor], role=role)
        SpaceMembership.objects.create(space=private, user=people["manager"], role="editor")
        thread = Thread.objects.create(
            space=space, title=THREAD_TITLE, created_by=people["manager"]
        )
        Comment.objects.create(thread=thread, author=people["manager"], body="<p>Bienvenue</p>")
        task = Task.objects.create(space=space, title=TASK_TITLE, created_by=people["manager"])
        Task.objects.create(space=private, title=PRIVATE_TASK)
    add_member(tenant_b, people["outsider"], Role.ADMIN)
    return Project(tenant_a, tenant_b, space, private, people, client_for, thread, task)
