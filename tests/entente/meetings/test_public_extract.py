"""A public project's published extract: editors publish approved minutes; its citizens read
the decisions (with votes) and each item's minutes, never the attendance, the documents, a
draft or an unpublished meeting; per role, and from another tenant."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from entente.accounts.models import User
from entente.meetings import extract, minutes, services
from entente.meetings.models import Attendance, Meeting, Minutes
from entente.meetings.services import MeetingSpec
from entente.spaces.models import Space, SpaceMembership, Visibility
from tests.support.acting import member, seeding
from tests.support.actors import SpaceActors

pytestmark = pytest.mark.django_db
START = datetime.datetime(2027, 3, 2, 17, 30, tzinfo=datetime.UTC)


@dataclass
class Project:
    space: Space
    published: Meeting  # approved and published
    approved: Meeting  # approved, not published
    draft: Meeting

    def extract(self, meeting: Meeting) -> str:
        return f"/espaces/{self.space.pk}/seances-publiques/{meeting.pk}/"

    @property
    def extracts(self) -> str:
        return f"/espaces/{self.space.pk}/seances-publiques/"

    def publish(self, meeting: Meeting) -> str:
        return f"/espaces/{self.space.pk}/reunions/{meeting.pk}/extrait/publier/"


def _council(space: Space, editor: User, title: str, *, approve: bool) -> Meeting:
    acting = seeding(editor)
    meeting = services.create_meeting(
        acting, space=space, spec=MeetingSpec(title, START, series="conseil")
    )
    item = services.add_agenda_item(
        acting, meeting, title=f"{title} : parc", notes="Exposé interne du rapporteur"
    )
    minutes.write_item_minutes(acting, item, text=f"{title} : débat sur le parc.")
    minutes.record_decision(acting, item, text=f"{title} : parc adopté.", votes=(11, 3, 2))
    reader = meeting.attendees.order_by("id").first()
    assert reader is not None
    services.set_attendance(acting, meeting, person_id=reader.person_id, status=Attendance.EXCUSED)
    if approve:
        minutes.submit_minutes(acting, meeting, approver_ids=[editor.pk])
        minutes.approve_minutes(acting, meeting)
    return meeting


@pytest.fixture
def project(actors: SpaceActors) -> Project:
    """A public project: the editor (an agent), the élu commenting, a reader, the citizen."""
    editor = actors.people["editor"]
    with actors.inside():
        space = Space.objects.create(name="Parc des Rives", visibility=Visibility.PUBLIC_PROJECT)
        for actor, role in (
            ("editor", "editor"),
            ("commenter", "commenter"),
            ("reader", "reader"),
            ("guest", "commenter"),
        ):
            SpaceMembership.objects.create(space=space, user=actors.people[actor], role=role)
        published = _council(space, editor, "Séance de mars", approve=True)
        extract.publish_extract(member(editor, actors.tenant), published)
        approved = _council(space, editor, "Séance à huis clos", approve=True)
        draft = _council(space, editor, "Séance en rédaction", approve=False)
    return Project(space, published, approved, draft)


def test_the_citizen_reads_the_published_extract_and_nothing_else(
    actors: SpaceActors, project: Project
) -> None:
    client = actors.client("guest")
    listing = client.get(project.extracts)
    page = client.get(project.extract(project.published))
    assert listing.status_code == 200
    assert page.status_code == 200
    listed, body = listing.content.decode(), page.content.decode()
    assert "Séance de mars" in listed
    assert "huis clos" not in listed
    assert "en rédaction" not in listed
    assert "Séance de mars : parc adopté." in body
    assert "pour 11, contre 3, abstentions 2" in body
    assert "Séance de mars : débat sur le parc." in body
    # Not the attendance, the exposé, the approvers, the PDF or the meeting's own page.
    for hidden in ("Excusé", "Exposé interne", "Claire Morand", "Léa Martin", "proces-verbal"):
        assert hidden not in body, hidden
    base = f"/espaces/{project.space.pk}/reunions/"
    assert client.get(f"{base}{project.published.pk}/").status_code == 404
    assert client.get(f"{base}{project.published.pk}/proces-verbal.pdf").status_code == 404
    assert client.get(base).status_code == 404
    for unpublished in (project.approved, project.draft):
        assert client.get(project.extract(unpublished)).status_code == 404
    # The project's tab leads there.
    assert project.extracts in client.get(f"/espaces/{project.space.pk}/").content.decode()


@pytest.mark.parametrize("actor", ["editor", "admin"])
def test_editors_and_admins_publish_approved_minutes(
    actors: SpaceActors, project: Project, actor: str
) -> None:
    client = actors.client(actor)
    meeting_page = client.get(f"/espaces/{project.space.pk}/reunions/{project.approved.pk}/")
    assert "Publier l'extrait pour les citoyens" in meeting_page.content.decode()
    assert client.post(project.publish(project.approved)).status_code == 302
    with actors.inside():
        row = Minutes.objects.get(meeting=project.approved)
    assert row.published_at is not None
    assert row.published_by_id == actors.people[actor].pk
    assert actors.client("guest").get(project.extract(project.approved)).status_code == 200


@pytest.mark.parametrize(
    ("actor", "status"), [("commenter", 403), ("reader", 403), ("staff", 403), ("guest", 404)]
)
def test_others_may_not_publish(
    actors: SpaceActors, project: Project, actor: str, status: int
) -> None:
    client = actors.client(actor)
    page = client.get(f"/espaces/{project.space.pk}/reunions/{project.approved.pk}/")
    assert "Publier l'extrait" not in page.content.decode()
    assert client.post(project.publish(project.approved)).status_code == status
    with actors.inside():
        with pytest.raises(PermissionDenied):
            extract.publish_extract(member(actors.people[actor], actors.tenant), project.approved)
        assert Minutes.objects.get(meeting=project.approved).published_at is None


def test_only_approved_minutes_of_a_public_project_are_published(
    actors: SpaceActors, project: Project
) -> None:
    editor = actors.people["editor"]
    client = actors.client("editor")
    draft_page = client.get(f"/espaces/{project.space.pk}/reunions/{project.draft.pk}/")
    assert "Publier l'extrait" not in draft_page.content.decode()
    assert client.post(project.publish(project.draft)).status_code == 302  # with its message
    with actors.inside():
        assert Minutes.objects.get(meeting=project.draft).published_at is None
        private = _council(actors.space, editor, "Conseil privé", approve=True)
        with pytest.raises(ValidationError):
            extract.publish_extract(member(editor, actors.tenant), private)
        assert Minutes.objects.get(meeting=private).published_at is None
    page = client.get(f"/espaces/{actors.space.pk}/reunions/{private.pk}/").content.decode()
    assert "Publier l'extrait" not in page
    # A private space has no « Séances publiques » at all.
    assert client.get(f"/espaces/{actors.space.pk}/seances-publiques/").status_code == 404


@pytest.mark.parametrize(("actor", "status"), [("editor", 200), ("reader", 200), ("staff", 200)])
def test_the_projects_staff_read_the_extracts_too(
    actors: SpaceActors, project: Project, actor: str, status: int
) -> None:
    response = actors.client(actor).get(project.extract(project.published))
    assert response.status_code == status


def test_anonymous_and_another_tenant_reach_no_extract(
    actors: SpaceActors, project: Project, client_for: Any
) -> None:
    anonymous = actors.client("anonymous").get(project.extract(project.published))
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    outsider = actors.client("outsider")
    response = outsider.get(project.extract(project.published))
    assert response.status_code in {403, 404}
    assert "parc adopté" not in response.content.decode()
    # On their own tenant's host, the same ids name nothing.
    own = client_for(actors.other_tenant, actors.people["outsider"])
    assert own.get(project.extract(project.published)).status_code == 404
    assert own.get(project.extracts).status_code == 404
