"""The collectivité's team: inviting colleagues by e-mail, accepting the link, roles, departures.

The e-mail goes through a real SMTP server (aiosmtpd); the link it carries is what the tests
follow, as the colleague would.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.notifications.models import Notification, NotificationKind
from entente.team import services
from entente.team.models import ColleagueInvitation
from entente.team.selectors import token_hash
from tenants.models import Tenant

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^/\s]+(/invitation/collegue/[^/\s]+/)")
PASSWORD = "un-mot-de-passe-long-42"


def _membership(user: User, tenant: Tenant) -> Membership:
    return Membership.objects.get(user=user, tenant=tenant)


def _invite(tenant: Tenant, by: User, emails: Any, **kwargs: Any) -> list[services.SentInvitation]:
    with tenant_context(tenant):
        return services.invite_colleagues(_membership(by, tenant), tenant, emails, **kwargs)


def test_an_agent_invites_colleagues_and_each_gets_a_french_mail_with_the_link(
    tenant_a: Tenant,
    make_user: Any,
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    agent = make_user(tenant=tenant_a, role=Role.AGENT, full_name="Alice Agent")
    with django_capture_on_commit_callbacks(execute=True):
        sent = _invite(
            tenant_a,
            agent,
            "Marc@Mairie.test, lea@mairie.test\nmarc@mairie.test",
            message="On travaille ici désormais.",
        )
    assert [s.invitation.email for s in sent] == ["marc@mairie.test", "lea@mairie.test"]
    with tenant_context(tenant_a):
        row = ColleagueInvitation.objects.get(email="marc@mairie.test")
    assert row.token_hash == token_hash(sent[0].token)
    assert row.role == Role.AGENT
    assert row.expires_at - row.sent_at == timedelta(days=14)
    [message] = smtp_server.wait_for("marc@mairie.test")
    assert message["Subject"] == f"Invitation à rejoindre {tenant_a.name} sur Entente"
    body = smtp_server.text_of(message)
    assert "Alice Agent vous invite à rejoindre l'équipe" in body
    assert "On travaille ici désormais." in body
    match = LINK.search(body)
    assert match
    assert match.group(1) == f"/invitation/collegue/{sent[0].token}/"
    assert smtp_server.wait_for("lea@mairie.test")


def test_who_may_invite_and_with_which_role(tenant_a: Tenant, make_user: Any) -> None:
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    elected = make_user(tenant=tenant_a, role=Role.ELECTED)
    guest = make_user(tenant=tenant_a, role=Role.GUEST)
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    with pytest.raises(PermissionDenied) as refused:
        _invite(tenant_a, agent, ["chef@mairie.test"], role=Role.ADMIN)
    assert str(refused.value) == "Seul un administrateur peut inviter un autre administrateur."
    with pytest.raises(ValidationError) as unknown:
        _invite(tenant_a, agent, ["chef@mairie.test"], role="maire")
    assert "Choisissez le rôle" in unknown.value.message_dict["role"][0]
    for person in (elected, guest):
        with pytest.raises(PermissionDenied):
            _invite(tenant_a, person, ["x@mairie.test"])
    [sent] = _invite(tenant_a, admin, ["chef@mairie.test"], role=Role.ADMIN)
    assert sent.invitation.role == Role.ADMIN


def test_bad_addresses_and_colleagues_already_here_are_refused_in_french(
    tenant_a: Tenant, make_user: Any
) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    colleague = make_user(tenant=tenant_a, role=Role.AGENT)
    with pytest.raises(ValidationError) as bad:
        _invite(tenant_a, admin, "pas-une-adresse, ok@mairie.test")
    assert bad.value.message_dict["emails"] == [
        "Adresse invalide : pas-une-adresse. Corrigez-la et réessayez."
    ]
    with pytest.raises(ValidationError) as here:
        _invite(tenant_a, admin, [colleague.email.upper()])
    assert "font déjà partie de la collectivité" in here.value.message_dict["emails"][0]
    with tenant_context(tenant_a):
        assert not ColleagueInvitation.objects.exists()


def test_inviting_again_sends_the_same_invitation_with_a_new_link(
    tenant_a: Tenant, make_user: Any
) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    [first] = _invite(tenant_a, admin, ["marc@mairie.test"])
    [second] = _invite(tenant_a, admin, ["marc@mairie.test"], role=Role.ELECTED)
    assert first.invitation.pk == second.invitation.pk
    with tenant_context(tenant_a):
        row = ColleagueInvitation.objects.get()
        assert services.refusal_for(row) is None
    assert (row.sent_count, row.role) == (2, Role.ELECTED)
    assert row.token_hash == token_hash(second.token) != token_hash(first.token)


def test_a_newcomer_accepts_with_a_new_account_and_lands_on_the_home_page(
    tenant_a: Tenant, make_user: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN, full_name="Anne Admin")
    with django_capture_on_commit_callbacks(execute=True):
        _invite(tenant_a, admin, ["marc@mairie.test"], role=Role.ELECTED)
    path = LINK.search(smtp_server.text_of(smtp_server.wait_for("marc@mairie.test")[0]))
    assert path
    client = Client(HTTP_HOST=tenant_a.primary_host)
    page = client.get(path.group(1))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Anne Admin vous invite sur Entente, avec le rôle « Élu »." in text
    assert "Je crée mon compte" in text
    short = client.post(path.group(1), {"full_name": "Marc", "password": "court"})
    assert short.status_code == 400
    assert "Ce mot de passe est trop court" in short.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(path.group(1), {"full_name": "Marc Élu", "password": PASSWORD})
    assert done.status_code == 302
    assert done["Location"] == "/"
    marc = User.objects.get(email="marc@mairie.test")
    assert _membership(marc, tenant_a).role == Role.ELECTED
    home = client.get("/", follow=True)
    assert "Bienvenue dans l&#x27;équipe de" in home.content.decode()
    # The admin hears of it; a second click on the link is harmless.
    joined = Notification.objects.get(user=admin, kind=NotificationKind.TEAM)
    assert joined.title == f"Marc Élu a rejoint l'équipe de {tenant_a.name}"
    assert client.get(path.group(1))["Location"] == "/"


def test_the_link_refuses_another_account_an_expired_and_a_cancelled_invitation(
    tenant_a: Tenant, make_user: Any
) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    someone = make_user(email="quelquun@ailleurs.test")
    [sent] = _invite(tenant_a, admin, ["marc@mairie.test"])
    with pytest.raises(services.InvitationRefused) as other, tenant_context(tenant_a):
        services.accept_invitation(sent.token, tenant_a, user=someone)
    assert other.value.code == "other_account"
    with tenant_context(tenant_a):
        ColleagueInvitation.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    client = Client(HTTP_HOST=tenant_a.primary_host)
    expired = client.get(f"/invitation/collegue/{sent.token}/")
    assert expired.status_code == 410
    assert "Cette invitation a expiré" in expired.content.decode()
    with tenant_context(tenant_a):
        services.revoke_invitation(_membership(admin, tenant_a), tenant_a, sent.invitation)
    cancelled = client.get(f"/invitation/collegue/{sent.token}/")
    assert cancelled.status_code == 410
    assert "Cette invitation a été annulée" in cancelled.content.decode()
    assert client.get("/invitation/collegue/inconnu/").status_code == 404
    assert not Membership.objects.filter(user__email="marc@mairie.test").exists()


def test_a_citizen_invited_as_an_agent_becomes_staff(tenant_a: Tenant, make_user: Any) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    citizen = make_user(email="julie@courriel.test", tenant=tenant_a, role=Role.GUEST)
    [sent] = _invite(tenant_a, admin, [citizen.email])
    with tenant_context(tenant_a):
        acceptance = services.accept_invitation(sent.token, tenant_a, user=citizen)
    assert acceptance.membership.role == Role.AGENT
    assert _membership(citizen, tenant_a).role == Role.AGENT


def test_admins_change_roles_and_remove_but_always_keep_an_admin(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    agent = make_user(tenant=tenant_a, role=Role.AGENT, full_name="Paul Agent")
    acting = _membership(admin, tenant_a)
    with pytest.raises(ValidationError) as last:
        services.change_role(acting, tenant_a, admin.pk, Role.AGENT)
    assert "au moins un administrateur" in last.value.messages[0]
    with pytest.raises(PermissionDenied):
        services.change_role(_membership(agent, tenant_a), tenant_a, admin.pk, Role.AGENT)
    client = client_for(tenant_a, admin)
    changed = client.post(f"/equipe/{agent.pk}/role/", {"role": "elected"})
    assert changed.status_code == 302
    assert _membership(agent, tenant_a).role == Role.ELECTED
    page = client.get("/equipe/").content.decode()
    assert "Paul Agent est désormais : Élu." in page
    removed = client.post(f"/equipe/{agent.pk}/retirer/", follow=True)
    assert "Paul Agent n&#x27;a plus accès" in removed.content.decode()
    assert not Membership.objects.filter(user=agent, tenant=tenant_a).exists()
    assert client.post(f"/equipe/{agent.pk}/retirer/").status_code == 404


def test_the_team_page_shows_colleagues_and_invitations_and_explains_form_errors(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    agent = make_user(tenant=tenant_a, role=Role.AGENT, full_name="Alice Agent")
    make_user(tenant=tenant_a, role=Role.GUEST, full_name="Julie Citoyenne")
    client = client_for(tenant_a, agent)
    page = client.get("/equipe/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Alice Agent" in text
    assert "Julie Citoyenne" not in text
    assert "Inviter des collègues" in text
    assert '<option value="admin"' not in text  # an agent cannot give the admin role
    bad = client.post("/equipe/", {"emails": "", "role": "agent"})
    assert bad.status_code == 400
    assert "Ce champ est obligatoire." in bad.content.decode()
    sent = client.post("/equipe/", {"emails": "lea@mairie.test", "role": "agent"}, follow=True)
    text = sent.content.decode()
    assert "Invitation envoyée à lea@mairie.test." in text
    assert "lea@mairie.test — Agent" in text


def test_an_elected_official_sees_the_team_but_invites_nobody(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    elected = make_user(tenant=tenant_a, role=Role.ELECTED)
    client = client_for(tenant_a, elected)
    page = client.get("/equipe/").content.decode()
    assert "Inviter des collègues" not in page
    refused = client.post("/equipe/", {"emails": "x@mairie.test", "role": "agent"})
    assert refused.status_code == 403
