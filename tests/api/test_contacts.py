"""Who sees whose e-mail address (entente.accounts.contacts), by actor, in the API and the page.

A public project of Legé: two staff editors (an admin, an agent), two citizens (commenters).
Outside the project: an agent and an elected official of Legé. A citizen sees her own address
and the project staff's, never the other citizen's; staff see each other's; a citizen's address
is seen by the staff of her project and by the admins, not by staff outside her project.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_tenants.utils import tenant_context

from entente.accounts.contacts import contact_book
from entente.accounts.models import Membership, Role, User
from entente.discussions.services import add_comment as add_thread_comment
from entente.discussions.services import create_thread
from entente.spaces.models import Space, SpaceKind, SpaceMembership, SpaceRole, Visibility
from tenants.models import Tenant
from tests.support.acting import seeding

pytestmark = pytest.mark.django_db


PEOPLE = {  # label → (tenant role, role in the project or None)
    "admin": (Role.ADMIN, SpaceRole.EDITOR),
    "agent": (Role.AGENT, SpaceRole.EDITOR),
    "citizen": (Role.GUEST, SpaceRole.COMMENTER),
    "neighbour": (Role.GUEST, SpaceRole.COMMENTER),
    "other_agent": (Role.AGENT, None),
    "elected": (Role.ELECTED, None),
}
# Viewer → the people whose address they see (everyone sees their own).
SEES = {
    "admin": {"admin", "agent", "citizen", "neighbour", "other_agent", "elected"},
    "agent": {"admin", "agent", "citizen", "neighbour", "other_agent", "elected"},
    "citizen": {"citizen", "admin", "agent"},
    "neighbour": {"neighbour", "admin", "agent"},
    "other_agent": {"admin", "agent", "other_agent", "elected"},
    "elected": {"admin", "agent", "other_agent", "elected"},
}


@dataclass
class Project:
    tenant: Tenant
    space: Space
    people: dict[str, User]
    client_for: Callable[..., Client]

    def client(self, label: str) -> Client:
        return self.client_for(self.tenant, self.people[label])

    def membership(self, label: str) -> Membership:
        return Membership.objects.get(tenant=self.tenant, user=self.people[label])


@pytest.fixture
def project(tenant_a: Tenant, make_user: Callable[..., User], client_for: Any) -> Project:
    people = {
        label: make_user(f"{label}@lege.test", tenant=tenant_a, role=role, full_name=label.title())
        for label, (role, _space_role) in PEOPLE.items()
    }
    with tenant_context(tenant_a):
        space = Space.objects.create(
            name="Concours photo", kind=SpaceKind.PROJECT, visibility=Visibility.PUBLIC_PROJECT
        )
        for label, (_role, space_role) in PEOPLE.items():
            if space_role is not None:
                SpaceMembership.objects.create(space=space, user=people[label], role=space_role)
    return Project(tenant=tenant_a, space=space, people=people, client_for=client_for)


@pytest.mark.parametrize("viewer", list(SEES))
def test_the_rule_says_who_sees_whose_address(project: Project, viewer: str) -> None:
    with tenant_context(project.tenant):
        book = contact_book(project.membership(viewer))
        seen = {label for label, user in project.people.items() if book.email_of(user)}
    assert seen == SEES[viewer]


def test_nobody_outside_sees_an_address(project: Project) -> None:
    with tenant_context(project.tenant):
        book = contact_book(None)
        assert all(book.email_of(user) is None for user in project.people.values())


@pytest.mark.parametrize("viewer", ["admin", "agent", "citizen", "neighbour"])
def test_the_members_api_shows_an_address_only_by_the_rule(project: Project, viewer: str) -> None:
    response = project.client(viewer).get(reverse("api-space-member-list", args=[project.space.pk]))
    assert response.status_code == 200
    rows = response.json()
    rows = rows["results"] if isinstance(rows, dict) else rows
    shown = {row["user"]["display_name"].lower(): row["user"]["email"] for row in rows}
    assert set(shown) == {"admin", "agent", "citizen", "neighbour"}  # names: always
    for label, email in shown.items():
        expected = project.people[label].email if label in SEES[viewer] else None
        assert email == expected, (viewer, label)
    if viewer in {"citizen", "neighbour"}:
        other = "neighbour" if viewer == "citizen" else "citizen"
        assert project.people[other].email not in response.content.decode()


@pytest.mark.parametrize("viewer", ["admin", "agent", "citizen", "neighbour"])
def test_the_members_page_shows_an_address_only_by_the_rule(project: Project, viewer: str) -> None:
    response = project.client(viewer).get(reverse("spaces:members", args=[project.space.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("admin", "agent", "citizen", "neighbour"):
        assert label.title() in html
        assert (project.people[label].email in html) is (label in SEES[viewer]), (viewer, label)


def test_a_citizen_never_gets_another_citizens_address_in_the_schema_of_people(
    project: Project,
) -> None:
    """The OpenAPI says the address may be null, so that clients expect it."""
    response = project.client("agent").get(reverse("api-schema"), {"format": "json"})
    person = response.json()["components"]["schemas"]["Person"]["properties"]["email"]
    assert person.get("nullable") is True


def test_a_citizen_never_receives_another_citizens_address_anywhere(project: Project) -> None:
    """The neighbour takes part (a discussion, a message: the activity names her); the citizen
    then reads every API route that answers GET and the pages of the project and of her own
    things: the neighbour's name is there, her address nowhere."""
    from tests.api.test_hostile_input import api_routes

    neighbour = project.people["neighbour"]
    with tenant_context(project.tenant):
        thread = create_thread(
            seeding(neighbour),
            space=project.space,
            title="Mes photos du lavoir",
            body="Voici mes photos",
        )
        comment = add_thread_comment(seeding(neighbour), thread, body="Et une")
    ids = {
        "space_id": project.space.pk,
        "pk": thread.pk,
        "comment_id": comment.pk,
        "user_id": neighbour.pk,
    }
    paths = [
        reverse(route.name, kwargs={param: ids.get(param, 1) for param in route.params})
        for route in api_routes()
        if "GET" in route.methods and route.name not in {"api-schema", "api-docs"}
    ]
    space = [project.space.pk]
    paths += [
        reverse("tenant_home"),
        reverse("spaces:detail", args=space),
        reverse("spaces:members", args=space),
        reverse("discussions:thread_list", args=space),
        reverse("discussions:thread", args=[project.space.pk, thread.pk]),
        reverse("notifications:list"),
        reverse("mywork:home"),
    ]
    client = project.client("citizen")
    seen_name = False
    for path in paths:
        response = client.get(path)
        assert response.status_code < 500, path
        body = response.content.decode()
        assert neighbour.email not in body, path
        seen_name = seen_name or "Neighbour" in body
    assert seen_name  # she is shown, by name
