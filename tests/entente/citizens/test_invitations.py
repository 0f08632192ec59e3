"""Inviting citizens to a public project and accepting: who may, what the link does, when not."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.citizens import services
from entente.citizens.models import CitizenInvitation
from entente.citizens.selectors import token_hash
from entente.core.events import Event, subscribe, unsubscribe
from entente.spaces.models import SpaceMembership, SpaceRole

from .conftest import PROJECT_NAME, Project

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/invitation/[^/\s]+/)")


def test_a_manager_invites_several_addresses_and_each_gets_a_french_mail(
    project: Project, django_capture_on_commit_callbacks: Any
) -> None:
    events: list[Event] = []
    subscribe(events.append)
    try:
        with django_capture_on_commit_callbacks(execute=True), tenant_context(project.tenant):
            sent = services.invite_citizens(
                project.membership("manager"),
                project.space,
                "Julie@Courriel.test, paul@courriel.test\nJulie@courriel.test",
                message="Venez donner votre avis !",
                tenant=project.tenant,
            )
    finally:
        unsubscribe(events.append)
    assert [s.invitation.email for s in sent] == ["julie@courriel.test", "paul@courriel.test"]
    with tenant_context(project.tenant):
        rows = list(CitizenInvitation.objects.filter(space=project.space).order_by("email"))
    assert [r.email for r in rows] == ["julie@courriel.test", "paul@courriel.test"]
    for s, row in zip(sent, rows, strict=True):
        assert row.token_hash == token_hash(s.token)
        assert s.token not in row.token_hash
        assert row.expires_at - row.sent_at == timedelta(days=14)
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert PROJECT_NAME in message.subject
    assert "Invitation" in message.subject
    assert "Venez donner votre avis !" in message.body
    assert f"{project.tenant.primary_host}" in message.body
    match = LINK.search(str(message.body))
    assert match
    assert match.group(1) == f"/invitation/{sent[0].token}/"
    invited = [e for e in events if e.name == "space.invited"]
    assert len(invited) == 2
    assert invited[0].space_id == project.space.pk
    assert invited[0].tenant_schema == project.tenant.schema_name


def test_the_event_names_the_person_when_they_already_have_an_account(
    project: Project, django_capture_on_commit_callbacks: Any
) -> None:
    events: list[Event] = []
    subscribe(events.append)
    try:
        with django_capture_on_commit_callbacks(execute=True), tenant_context(project.tenant):
            services.invite_citizens(
                project.membership("manager"),
                project.space,
                [project.people["outsider"].email],
                tenant=project.tenant,
            )
    finally:
        unsubscribe(events.append)
    invited = [e for e in events if e.name == "space.invited"]
    assert invited[-1].user_ids == (project.people["outsider"].pk,)


def test_the_delay_follows_the_setting(project: Project, settings: Any) -> None:
    settings.ENTENTE_CITIZEN_INVITATION_DAYS = 3
    project.invite("court@courriel.test")
    with tenant_context(project.tenant):
        row = CitizenInvitation.objects.get(email="court@courriel.test")
    assert row.expires_at - row.sent_at == timedelta(days=3)


@pytest.mark.parametrize("actor", ["manager", "editor", "admin"])
def test_managers_invite(project: Project, actor: str) -> None:
    project.invite(f"{actor}-invite@courriel.test", actor=actor)
    with tenant_context(project.tenant):
        assert CitizenInvitation.objects.filter(email=f"{actor}-invite@courriel.test").exists()


@pytest.mark.parametrize("actor", ["commenter", "guest"])
def test_commenters_and_citizens_cannot_invite(project: Project, actor: str) -> None:
    with pytest.raises(PermissionDenied):
        project.invite("nope@courriel.test", actor=actor)
    with tenant_context(project.tenant):
        assert not CitizenInvitation.objects.filter(email="nope@courriel.test").exists()


def test_a_space_that_is_not_a_public_project_refuses_clearly(project: Project) -> None:
    with tenant_context(project.tenant), pytest.raises(ValidationError) as error:
        services.invite_citizens(
            project.membership("manager"), project.private_space, ["x@courriel.test"]
        )
    assert "Projet ouvert aux citoyens" in " ".join(error.value.messages)


def test_bad_addresses_are_refused_by_name(project: Project) -> None:
    with tenant_context(project.tenant), pytest.raises(ValidationError) as error:
        services.invite_citizens(project.membership("manager"), project.space, "pas-une-adresse")
    assert "pas-une-adresse" in " ".join(error.value.messages)


# -- Accepting through the link --------------------------------------------------------------------


def test_a_new_citizen_accepts_with_a_light_account(project: Project) -> None:
    token = project.invite("julie@courriel.test")
    client = project.client("anonymous")
    page = client.get(f"/invitation/{token}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert PROJECT_NAME in html
    assert project.tenant.name in html
    assert "J&#x27;ai déjà un compte" in html or "J'ai déjà un compte" in html
    response = client.post(
        f"/invitation/{token}/",
        {"full_name": "Julie Perrin", "password": "un-mot-de-passe-long"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/espaces/{project.space.pk}/"
    user = User.objects.get(email="julie@courriel.test")
    assert user.full_name == "Julie Perrin"
    assert user.check_password("un-mot-de-passe-long")
    assert user.emailaddress_set.get().verified  # type: ignore[attr-defined]
    assert Membership.objects.get(user=user, tenant=project.tenant).role == Role.GUEST
    with tenant_context(project.tenant):
        assert SpaceMembership.objects.get(space=project.space, user=user).role == (
            SpaceRole.COMMENTER
        )
        assert CitizenInvitation.objects.get(email=user.email).accepted_by_id == user.pk
    # Logged in by the acceptance: the project opens; a second click is harmless.
    assert client.get(f"/espaces/{project.space.pk}/").status_code == 200
    again = client.post(f"/invitation/{token}/", {})
    assert again.status_code == 302
    assert again["Location"] == f"/espaces/{project.space.pk}/"
    assert Membership.objects.filter(user=user).count() == 1


def test_get_never_accepts(project: Project) -> None:
    token = project.invite("scanner@courriel.test")
    project.client("anonymous").get(f"/invitation/{token}/")
    assert not User.objects.filter(email="scanner@courriel.test").exists()


def test_a_weak_password_is_refused_and_nothing_is_made(project: Project) -> None:
    token = project.invite("faible@courriel.test")
    response = project.client("anonymous").post(
        f"/invitation/{token}/", {"full_name": "Faible", "password": "1234"}
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="faible@courriel.test").exists()


def test_a_person_with_an_account_logs_in_then_accepts_in_one_click(project: Project) -> None:
    outsider = project.people["outsider"]
    token = project.invite(outsider.email)
    anonymous = project.client("anonymous").get(f"/invitation/{token}/").content.decode()
    assert f"/comptes/login/?next=/invitation/{token}/" in anonymous
    assert 'name="password"' not in anonymous  # no second account for that address
    client = project.client_for(project.tenant, outsider)
    assert client.get(f"/invitation/{token}/").status_code == 200
    response = client.post(f"/invitation/{token}/")
    assert response.status_code == 302
    assert Membership.objects.get(user=outsider, tenant=project.tenant).role == Role.GUEST
    assert Membership.objects.get(user=outsider, tenant=project.other_tenant).role == Role.ADMIN


def test_a_forwarded_link_lets_nobody_else_in(project: Project) -> None:
    token = project.invite("destinataire@courriel.test")
    outsider = project.people["outsider"]
    client = project.client_for(project.tenant, outsider)
    response = client.post(f"/invitation/{token}/")
    assert response.status_code == 400
    assert "destinataire@courriel.test" in response.content.decode()
    assert not Membership.objects.filter(user=outsider, tenant=project.tenant).exists()
    with tenant_context(project.tenant):
        assert not SpaceMembership.objects.filter(space=project.space, user=outsider).exists()
        assert CitizenInvitation.objects.get(email="destinataire@courriel.test").accepted_at is None


def test_staff_of_the_tenant_keep_their_role(project: Project) -> None:
    staff = project.people["admin"]
    token = project.invite(staff.email)
    project.client("admin").post(f"/invitation/{token}/")
    assert Membership.objects.get(user=staff, tenant=project.tenant).role == Role.ADMIN
    with tenant_context(project.tenant):
        assert SpaceMembership.objects.filter(space=project.space, user=staff).exists()


def test_an_expired_link_gets_a_clear_page(project: Project) -> None:
    token = project.invite("tard@courriel.test")
    with tenant_context(project.tenant):
        CitizenInvitation.objects.filter(email="tard@courriel.test").update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    for method in ("get", "post"):
        response = getattr(project.client("anonymous"), method)(
            f"/invitation/{token}/", {"full_name": "Tard", "password": "un-mot-de-passe-long"}
        )
        assert response.status_code == 410
        assert "a expiré" in response.content.decode()
    assert not User.objects.filter(email="tard@courriel.test").exists()


def test_a_revoked_link_gets_a_clear_page(project: Project) -> None:
    token = project.invite("annule@courriel.test")
    with tenant_context(project.tenant):
        invitation = CitizenInvitation.objects.get(email="annule@courriel.test")
        services.revoke_invitation(project.membership("manager"), invitation)
    response = project.client("anonymous").post(
        f"/invitation/{token}/", {"full_name": "A", "password": "un-mot-de-passe-long"}
    )
    assert response.status_code == 410
    assert "annulée" in response.content.decode()
    assert not User.objects.filter(email="annule@courriel.test").exists()


def test_a_used_link_does_not_open_for_someone_else(project: Project) -> None:
    token = project.invite("julie@courriel.test")
    project.client("anonymous").post(
        f"/invitation/{token}/", {"full_name": "Julie", "password": "un-mot-de-passe-long"}
    )
    other = project.client_for(project.tenant, project.people["outsider"])
    response = other.post(f"/invitation/{token}/")
    assert response.status_code == 410
    assert "déjà été acceptée" in response.content.decode()
    assert not Membership.objects.filter(
        user=project.people["outsider"], tenant=project.tenant
    ).exists()


def test_an_unknown_token_is_a_404_page(project: Project) -> None:
    response = project.client("anonymous").get("/invitation/nimporte-quoi/")
    assert response.status_code == 404
    assert "pas valable" in response.content.decode()


def test_resending_gives_a_new_link_and_kills_the_old_one(project: Project) -> None:
    old = project.invite("relance@courriel.test")
    with tenant_context(project.tenant):
        invitation = CitizenInvitation.objects.get(email="relance@courriel.test")
        new = services.resend_invitation(project.membership("manager"), invitation).token
        assert CitizenInvitation.objects.get(pk=invitation.pk).sent_count == 2
    assert project.client("anonymous").get(f"/invitation/{old}/").status_code == 404
    assert project.client("anonymous").get(f"/invitation/{new}/").status_code == 200
    # Inviting the same address again re-sends too: still one open invitation.
    again = project.invite("relance@courriel.test")
    with tenant_context(project.tenant):
        assert CitizenInvitation.objects.filter(email="relance@courriel.test").count() == 1
    assert project.client("anonymous").get(f"/invitation/{again}/").status_code == 200
