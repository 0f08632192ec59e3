"""What a citizen reaches: the sections its project opens, and nothing else in any tenant."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.accounts.last_seen import forget_visits
from entente.accounts.models import Membership
from entente.citizens import services
from entente.discussions.models import Comment
from entente.spaces.models import SpaceMembership

from .conftest import PRIVATE_NAME, PRIVATE_TASK, PROJECT_NAME, TASK_TITLE, THREAD_TITLE, Project

pytestmark = pytest.mark.django_db


def _open(project: Project, *sections: str) -> None:
    with tenant_context(project.tenant):
        services.set_open_sections(project.membership("manager"), project.space, list(sections))


def test_by_default_a_citizen_sees_the_discussions_only(project: Project) -> None:
    citizen = project.client("guest")
    page = citizen.get(f"/espaces/{project.space.pk}/").content.decode()
    assert 'id="section-discussions"' in page
    assert THREAD_TITLE in page
    assert 'id="section-tasks"' not in page
    assert TASK_TITLE not in page
    assert 'id="section-checklists"' not in page
    assert 'id="section-activity"' not in page  # it would tell what closed sections hold
    staff = project.client("commenter").get(f"/espaces/{project.space.pk}/").content.decode()
    assert 'id="section-tasks"' in staff
    assert TASK_TITLE in staff


def test_closed_sections_are_404_for_citizens_pages_and_api(project: Project) -> None:
    citizen = project.client("guest")
    space, task = project.space.pk, project.task.pk
    for path in (
        f"/espaces/{space}/tableau/",
        f"/taches/{task}/",
        f"/espaces/{space}/procedures/",
        f"/api/v1/tasks/{task}/",
        f"/api/v1/spaces/{space}/checklists/",
        f"/api/v1/spaces/{space}/activity/",
    ):
        assert citizen.get(path).status_code == 404, path
    listed = citizen.get("/api/v1/tasks/").json()
    assert listed["count"] == 0
    filtered = citizen.get(f"/api/v1/tasks/?space={space}")
    assert filtered.status_code in {400, 404} or filtered.json()["count"] == 0
    assert TASK_TITLE not in citizen.get("/taches/?relation=all").content.decode()
    # The open section answers.
    assert citizen.get(f"/espaces/{space}/discussions/").status_code == 200
    threads = citizen.get(f"/api/v1/spaces/{space}/discussions/").json()
    assert [t["title"] for t in threads["results"]] == [THREAD_TITLE]
    # Staff are not concerned.
    assert project.client("commenter").get(f"/api/v1/tasks/{task}/").status_code == 200


def test_opening_tasks_and_closing_discussions(project: Project) -> None:
    _open(project, "tasks", "checklists")
    citizen = project.client("guest")
    space = project.space.pk
    page = citizen.get(f"/espaces/{space}/").content.decode()
    assert 'id="section-tasks"' in page
    assert 'id="section-discussions"' not in page
    assert citizen.get(f"/espaces/{space}/tableau/").status_code == 200
    assert citizen.get(f"/taches/{project.task.pk}/").status_code == 200
    assert [t["title"] for t in citizen.get("/api/v1/tasks/").json()["results"]] == [TASK_TITLE]
    assert citizen.get(f"/api/v1/spaces/{space}/checklists/").status_code == 200
    assert citizen.get(f"/espaces/{space}/discussions/").status_code == 404
    assert citizen.get(f"/api/v1/spaces/{space}/discussions/").status_code == 404
    # Opened, a section still gives a citizen at most a commenter's abilities.
    created = citizen.post(
        "/api/v1/tasks/", {"space": space, "title": "Tâche de citoyen"}, "application/json"
    )
    assert created.status_code in {400, 403}


def test_only_managers_choose_what_citizens_see(project: Project) -> None:
    for actor in ("commenter", "guest"):
        with (
            tenant_context(project.tenant),
            pytest.raises(services.PermissionDenied),
        ):
            services.set_open_sections(project.membership(actor), project.space, ["tasks"])
    with tenant_context(project.tenant), pytest.raises(services.ValidationError):
        services.set_open_sections(project.membership("manager"), project.space, ["budget"])


@pytest.mark.parametrize(
    "path",
    [
        "/espaces/",
        "/taches/",
        "/procedures/",
        "/administration/invites/",
        "/administration/export/",
        "/administration/demandes/",
        "/federation/",
    ],
)
def test_a_citizen_reaches_nothing_else_in_the_tenant(project: Project, path: str) -> None:
    response = project.client("guest").get(path)
    html = response.content.decode()
    assert PRIVATE_NAME not in html
    assert PRIVATE_TASK not in html
    if path.startswith("/administration/") or path == "/procedures/":
        assert response.status_code == 403


def test_a_citizens_home_and_lists_show_their_project_only(project: Project) -> None:
    citizen = project.client("guest")
    home = citizen.get("/").content.decode()
    assert PROJECT_NAME in home
    assert PRIVATE_NAME not in home
    assert citizen.get(f"/espaces/{project.private_space.pk}/").status_code == 404
    assert citizen.get(f"/api/v1/spaces/{project.private_space.pk}/").status_code == 404
    names = [s["name"] for s in citizen.get("/api/v1/spaces/").json()["results"]]
    assert names == [PROJECT_NAME]
    # No way to invite: the page refuses, the project page shows no link.
    assert citizen.get(f"/espaces/{project.space.pk}/citoyens/").status_code == 403
    page = citizen.get(f"/espaces/{project.space.pk}/").content.decode()
    assert "/citoyens/" not in page
    assert citizen.get(f"/api/v1/spaces/{project.space.pk}/invitations/").status_code == 403


def test_a_citizen_gets_403_on_another_tenant(project: Project) -> None:
    citizen = project.client_for(project.other_tenant, project.people["guest"])
    assert citizen.get("/").status_code == 403
    assert citizen.get("/api/v1/spaces/").status_code == 403


def test_removal_cuts_access_at_once_and_keeps_comments(project: Project) -> None:
    guest = project.people["guest"]
    citizen = project.client("guest")
    with tenant_context(project.tenant):
        Comment.objects.create(thread=project.thread, author=guest, body="<p>Merci</p>")
    assert citizen.get(f"/espaces/{project.space.pk}/").status_code == 200
    response = project.client("admin").post(f"/administration/invites/{guest.pk}/retirer/")
    assert response.status_code == 302
    assert not Membership.objects.filter(user=guest, tenant=project.tenant).exists()
    with tenant_context(project.tenant):
        assert not SpaceMembership.objects.filter(user_id=guest.pk).exists()
        assert Comment.objects.filter(author=guest).count() == 1
    assert citizen.get(f"/espaces/{project.space.pk}/").status_code == 403
    assert citizen.get("/api/v1/spaces/").status_code == 403
    thread = project.client("manager").get(
        f"/espaces/{project.space.pk}/discussions/{project.thread.pk}/"
    )
    assert "Merci" in thread.content.decode()


def test_only_admins_remove_guests_and_only_guests(project: Project) -> None:
    guest = project.people["guest"]
    for actor in ("manager", "guest"):
        response = project.client(actor).post(f"/administration/invites/{guest.pk}/retirer/")
        assert response.status_code == 403
    staff = project.people["commenter"]
    response = project.client("admin").post(f"/administration/invites/{staff.pk}/retirer/")
    assert response.status_code == 404
    assert Membership.objects.filter(user=staff, tenant=project.tenant).exists()


def test_the_admin_page_lists_guests_projects_visits_and_pending(project: Project) -> None:
    project.invite("en.attente@courriel.test")
    Membership.objects.filter(user=project.people["guest"], tenant=project.tenant).update(
        last_seen_at=timezone.now() - timedelta(days=2)
    )
    page = project.client("admin").get("/administration/invites/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Citoyens invités" in html
    assert project.people["guest"].email in html
    assert PROJECT_NAME in html
    assert "Jamais" not in html  # the guest's visit is shown, two days ago
    assert "en.attente@courriel.test" in html
    assert project.people["commenter"].email not in html  # staff are not guests


def test_an_admin_revokes_from_the_admin_page(project: Project) -> None:
    token = project.invite("revoque@courriel.test")
    with tenant_context(project.tenant):
        from entente.citizens.models import CitizenInvitation

        invitation = CitizenInvitation.objects.get(email="revoque@courriel.test")
    project.client("admin").post(f"/administration/invites/invitations/{invitation.pk}/revoquer/")
    assert (
        Client(HTTP_HOST=project.tenant.primary_host).get(f"/invitation/{token}/").status_code
        == 410
    )


def test_last_visit_is_written_at_most_once_per_window(project: Project) -> None:
    forget_visits()
    guest = project.people["guest"]
    citizen = project.client("guest")
    citizen.get("/")
    first = Membership.objects.get(user=guest, tenant=project.tenant).last_seen_at
    assert first is not None
    assert timezone.now() - first < timedelta(minutes=1)
    # Within the window, no request writes again (nor queries): an old value stays.
    old = timezone.now() - timedelta(hours=3)
    Membership.objects.filter(user=guest, tenant=project.tenant).update(last_seen_at=old)
    citizen.get("/")
    assert Membership.objects.get(user=guest, tenant=project.tenant).last_seen_at == old
    # A new process (or the window passed) writes it again.
    forget_visits()
    citizen.get("/")
    latest = Membership.objects.get(user=guest, tenant=project.tenant).last_seen_at
    assert latest is not None
    assert latest > old


def test_citizens_are_offered_for_tasks_only_where_tasks_are_open(project: Project) -> None:
    from entente.tasks.selectors import people_who_can_view

    guest = project.people["guest"]
    with tenant_context(project.tenant):
        closed = people_who_can_view(project.space, project.tenant)
    _open(project, "tasks")
    with tenant_context(project.tenant):
        opened = people_who_can_view(project.space, project.tenant)
    assert guest not in closed
    assert project.people["commenter"] in closed
    assert guest in opened


def test_only_managers_see_the_invite_link_and_page(project: Project) -> None:
    link = f'href="/espaces/{project.space.pk}/citoyens/"'
    for actor, shown, status in (
        ("manager", True, 200),
        ("admin", True, 200),
        ("commenter", False, 403),
        ("guest", False, 403),
    ):
        page = project.client(actor).get(f"/espaces/{project.space.pk}/").content.decode()
        assert (link in page) == shown, actor
        assert project.client(actor).get(f"/espaces/{project.space.pk}/citoyens/").status_code == (
            status
        ), actor
    # A private space's page is refused to outsiders of it, as for one that does not exist.
    response = project.client("commenter").get(f"/espaces/{project.private_space.pk}/citoyens/")
    assert response.status_code == 404
