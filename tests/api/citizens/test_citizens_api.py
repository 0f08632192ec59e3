"""The citizens API crossed with every actor: managers invite, admins list and remove guests."""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership
from entente.citizens.models import CitizenInvitation
from entente.spaces.models import SpaceMembership
from tests.entente.citizens.conftest import PROJECT_NAME, Project

pytestmark = pytest.mark.django_db

ACTORS = ("manager", "editor", "admin", "commenter", "guest", "outsider", "anonymous")
MANAGERS = {"manager", "editor", "admin"}


def _client(project: Project, actor: str) -> Client:
    if actor == "outsider":
        return project.client_for(project.tenant, project.people["outsider"])
    return project.client(actor)


def _refused(status: int, actor: str) -> None:
    expected = {"anonymous": {401}, "outsider": {403}}.get(actor, {403})
    assert status in expected, (actor, status)


@pytest.mark.parametrize("actor", ACTORS)
def test_invite_through_the_api(project: Project, actor: str) -> None:
    url = f"/api/v1/spaces/{project.space.pk}/invitations/"
    response = _client(project, actor).post(
        url, {"emails": ["api@courriel.test"], "message": "Bonjour"}, "application/json"
    )
    with tenant_context(project.tenant):
        made = CitizenInvitation.objects.filter(email="api@courriel.test").exists()
    if actor in MANAGERS:
        assert response.status_code == 201, response.content
        assert response.json()[0]["email"] == "api@courriel.test"
        assert response.json()[0]["state"] == "pending"
        assert "token" not in response.json()[0]
        assert "token_hash" not in response.json()[0]
        assert made
        listed = _client(project, actor).get(url).json()
        assert [i["email"] for i in listed["results"]] == ["api@courriel.test"]
    else:
        _refused(response.status_code, actor)
        assert not made
        _refused(_client(project, actor).get(url).status_code, actor)


def test_the_api_refuses_a_space_that_is_not_a_public_project(project: Project) -> None:
    response = project.client("manager").post(
        f"/api/v1/spaces/{project.private_space.pk}/invitations/",
        {"emails": ["x@courriel.test"]},
        "application/json",
    )
    assert response.status_code == 400
    assert "Projet ouvert aux citoyens" in response.content.decode()


@pytest.mark.parametrize("actor", ACTORS)
def test_revoke_and_resend_through_the_api(project: Project, actor: str) -> None:
    token = project.invite("api@courriel.test")
    with tenant_context(project.tenant):
        invitation = CitizenInvitation.objects.get(email="api@courriel.test")
    base = f"/api/v1/spaces/{project.space.pk}/invitations/{invitation.pk}/"
    client = _client(project, actor)
    resent = client.post(f"{base}resend/")
    revoked = client.delete(base)
    with tenant_context(project.tenant):
        invitation.refresh_from_db()
    if actor in MANAGERS:
        assert resent.status_code == 200
        assert resent.json()["sent_count"] == 2
        assert revoked.status_code == 204
        assert invitation.revoked_at is not None
        page = Client(HTTP_HOST=project.tenant.primary_host).get(f"/invitation/{token}/")
        assert page.status_code == 404  # the resend replaced that token
    else:
        _refused(resent.status_code, actor)
        _refused(revoked.status_code, actor)
        assert invitation.revoked_at is None
        assert invitation.sent_count == 1


@pytest.mark.parametrize("actor", ACTORS)
def test_open_sections_through_the_api(project: Project, actor: str) -> None:
    url = f"/api/v1/spaces/{project.space.pk}/citizen-sections/"
    client = _client(project, actor)
    response = client.put(url, {"open_sections": ["tasks", "discussions"]}, "application/json")
    if actor in MANAGERS:
        assert response.status_code == 200
        assert client.get(url).json() == {"open_sections": ["discussions", "tasks"]}
        guest = project.client("guest")
        assert guest.get(f"/api/v1/tasks/{project.task.pk}/").status_code == 200
    else:
        _refused(response.status_code, actor)
        assert project.client("guest").get(f"/api/v1/tasks/{project.task.pk}/").status_code == 404


def test_unknown_sections_are_a_400(project: Project) -> None:
    response = project.client("manager").put(
        f"/api/v1/spaces/{project.space.pk}/citizen-sections/",
        {"open_sections": ["budget"]},
        "application/json",
    )
    assert response.status_code == 400


@pytest.mark.parametrize("actor", ACTORS)
def test_guests_list_and_removal(project: Project, actor: str) -> None:
    guest = project.people["guest"]
    client = _client(project, actor)
    listed = client.get("/api/v1/guests/")
    removed = client.delete(f"/api/v1/guests/{guest.pk}/")
    still = Membership.objects.filter(user=guest, tenant=project.tenant).exists()
    if actor == "admin":
        assert listed.status_code == 200
        rows = listed.json()
        assert [r["email"] for r in rows] == [guest.email]
        assert [p["name"] for p in rows[0]["projects"]] == [PROJECT_NAME]
        assert removed.status_code == 204
        assert not still
        with tenant_context(project.tenant):
            assert not SpaceMembership.objects.filter(user_id=guest.pk).exists()
        assert project.client("guest").get("/api/v1/spaces/").status_code == 403
    else:
        _refused(listed.status_code, actor)
        _refused(removed.status_code, actor)
        assert still


def test_removing_someone_who_is_not_a_guest_is_a_404(project: Project) -> None:
    staff = project.people["commenter"]
    response = project.client("admin").delete(f"/api/v1/guests/{staff.pk}/")
    assert response.status_code == 404
    assert Membership.objects.filter(user=staff, tenant=project.tenant).exists()
