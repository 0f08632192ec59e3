"""A collectivité's two-factor policy: an admin requires a second factor of its admins or of its
whole team; those it covers who lack one are sent to set one up, by every page and the API, told
by a notification, and may not remove their last one; the console lists who lacks it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django_tenants.utils import tenant_context

from entente.accounts import mfa
from entente.accounts.acting import federated_member, support_reader
from entente.accounts.adapters import MFAAdapter
from entente.accounts.models import Membership, Role, User
from entente.accounts.services import create_api_token
from entente.activity.models import ActivityEntry
from entente.meetings import elected_link
from entente.notifications.models import Notification, NotificationKind
from entente.team import services
from tenants import routing
from tenants.models import MfaPolicy, Tenant

pytestmark = pytest.mark.django_db

SETUP = "/double-authentification/"


@pytest.fixture
def require(tenant_a: Tenant) -> Iterator[Callable[[str], Tenant]]:
    """Set tenant_a's policy for one test (its row outlives the test's transaction in the
    process-wide routing cache: put it back and forget it afterwards)."""

    def set_policy(policy: str) -> Tenant:
        Tenant.objects.filter(pk=tenant_a.pk).update(mfa_required_for=policy)
        routing.clear_local()
        tenant_a.mfa_required_for = policy
        return tenant_a

    yield set_policy
    Tenant.objects.filter(pk=tenant_a.pk).update(mfa_required_for=MfaPolicy.NOBODY)
    tenant_a.mfa_required_for = MfaPolicy.NOBODY
    routing.clear_local()


def _with_totp(user: User) -> User:
    TOTP.activate(user, generate_totp_secret())
    return user


def _recently_authenticated(client: Client, user: User) -> Client:
    """allauth asks for a recent login before touching authenticators: the records it reads."""
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time(), "email": user.email, "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def _membership(user: User, tenant: Tenant) -> Membership:
    return Membership.objects.get(user=user, tenant=tenant)


# -- Who the policy covers ---------------------------------------------------------------------


def test_the_policy_covers_the_collectivites_own_staff_by_role_and_no_one_else(
    tenant_a: Tenant, tenant_epci: Tenant, make_user: Any, require: Any
) -> None:
    people = {role: make_user(tenant=tenant_a, role=role) for role in Role.values}
    expected = {
        MfaPolicy.NOBODY: set(),
        MfaPolicy.ADMINS: {Role.ADMIN},
        MfaPolicy.STAFF: {Role.ADMIN, Role.AGENT, Role.ELECTED},
    }
    for policy, roles in expected.items():
        tenant = require(policy)
        covered = {
            role
            for role, user in people.items()
            if mfa.policy_covers(tenant, _membership(user, tenant))
        }
        assert covered == roles, policy
    tenant = require(MfaPolicy.STAFF)
    agent = people[Role.AGENT]
    # Vendor staff under a support access, a commune's staff on the EPCI, nobody: not covered.
    assert not mfa.policy_covers(tenant, support_reader(agent, tenant))
    assert not mfa.policy_covers(tenant, None)
    stand_in = federated_member(agent, tenant_epci, via=[tenant])
    assert not mfa.policy_covers(tenant_epci, stand_in)
    assert not mfa.policy_covers(tenant, stand_in)  # another tenant's membership


def test_a_recovery_code_alone_is_not_a_second_factor(tenant_a: Tenant, make_user: Any) -> None:
    agent = make_user(tenant=tenant_a)
    Authenticator.objects.create(
        user=agent, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"}
    )
    assert not mfa.has_second_factor(agent.pk)
    _with_totp(agent)
    assert mfa.has_second_factor(agent.pk)


# -- What a person it covers meets -------------------------------------------------------------


def test_an_agent_without_a_second_factor_is_sent_to_set_one_up_then_goes_on(
    tenant_a: Tenant, make_user: Any, client_for: Any, require: Any
) -> None:
    require(MfaPolicy.STAFF)
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    client = client_for(tenant_a, agent)

    stopped = client.get("/espaces/?vue=liste")
    assert stopped.status_code == 302
    assert stopped["Location"] == f"{SETUP}?next=%2Fespaces%2F%3Fvue%3Dliste"
    page = client.get(stopped["Location"])
    text = page.content.decode()
    assert page.status_code == 200
    assert "Activez la double authentification" in text
    assert f"{tenant_a.name} demande à toute son équipe" in text
    assert 'href="/comptes/2fa/totp/activate/"' in text
    assert 'href="/comptes/2fa/webauthn/add/"' in text
    assert 'href="/espaces/?vue=liste"' in text
    # What they need meanwhile stays open: setting one up, the help, logging out.
    for path in ("/comptes/2fa/", "/comptes/2fa/totp/activate/", "/aide/", "/comptes/logout/"):
        assert client.get(path).status_code in (200, 302), path
        assert not client.get(path).get("Location", "").startswith(SETUP), path

    api = client.get("/api/v1/spaces/")
    assert api.status_code == 403
    assert api.json()["code"] == "mfa_required"
    assert "demande une double authentification" in api.json()["detail"]

    _with_totp(agent)
    assert client.get("/espaces/").status_code == 200
    assert client.get("/api/v1/spaces/").status_code == 200
    onwards = client.get(f"{SETUP}?next=/espaces/")
    assert onwards.status_code == 302
    assert onwards["Location"] == "/espaces/"


def test_the_setup_page_never_sends_elsewhere(
    tenant_a: Tenant, make_user: Any, client_for: Any, require: Any
) -> None:
    require(MfaPolicy.STAFF)
    agent = _with_totp(make_user(tenant=tenant_a))
    client = client_for(tenant_a, agent)
    for hostile in ("//evil.example/", "https://evil.example/", "javascript:alert(1)"):
        answer = client.get(SETUP, {"next": hostile})
        assert answer.status_code == 302
        assert answer["Location"] == "/", hostile


def test_a_token_of_someone_it_covers_is_refused_by_the_api_in_french(
    tenant_a: Tenant, make_user: Any, require: Any
) -> None:
    require(MfaPolicy.ADMINS)
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    raw = create_api_token(admin, name="Script").raw
    client = Client(HTTP_HOST=tenant_a.primary_host, HTTP_AUTHORIZATION=f"Bearer {raw}")
    refused = client.get("/api/v1/spaces/")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith(f"{tenant_a.name} demande une double")
    _with_totp(admin)
    assert client.get("/api/v1/spaces/").status_code == 200


def test_those_it_does_not_cover_work_as_before(
    tenant_a: Tenant, make_user: Any, client_for: Any, require: Any
) -> None:
    require(MfaPolicy.ADMINS)
    for role in (Role.AGENT, Role.ELECTED, Role.GUEST):
        client = client_for(tenant_a, make_user(tenant=tenant_a, role=role))
        answer = client.get("/")
        assert answer.status_code == 200, role
        assert client.get(SETUP).status_code == 302  # nothing to set up: on to the home
    require(MfaPolicy.STAFF)
    citizen = client_for(tenant_a, make_user(tenant=tenant_a, role=Role.GUEST))
    assert citizen.get("/").status_code == 200


def test_the_last_second_factor_stays_while_a_policy_covers_its_person(
    tenant_a: Tenant, make_user: Any, client_for: Any, require: Any
) -> None:
    require(MfaPolicy.STAFF)
    agent = make_user(tenant=tenant_a)
    key = Authenticator.objects.create(
        user=agent, type=Authenticator.Type.WEBAUTHN, data={"name": "Ma clé"}
    )
    adapter = MFAAdapter()
    assert not adapter.can_delete_authenticator(key)
    client = _recently_authenticated(client_for(tenant_a, agent), agent)
    refused = client.post(f"/comptes/2fa/webauthn/keys/{key.pk}/remove/", follow=True)
    assert Authenticator.objects.filter(pk=key.pk).exists()
    assert "ajoutez un autre second moyen avant de retirer celui-ci" in refused.content.decode()

    _with_totp(agent)  # a second one: either may go
    assert adapter.can_delete_authenticator(key)
    removed = client.post(f"/comptes/2fa/webauthn/keys/{key.pk}/remove/")
    assert removed.status_code == 302, removed.content.decode()[-2000:]
    assert removed["Location"] == "/comptes/2fa/webauthn/"
    assert not Authenticator.objects.filter(pk=key.pk).exists()
    totp = Authenticator.objects.get(user=agent, type=Authenticator.Type.TOTP)
    assert not adapter.can_delete_authenticator(totp)
    require(MfaPolicy.ADMINS)  # no longer covered: free to remove it
    assert adapter.can_delete_authenticator(totp)


def test_the_elected_link_opens_nothing_once_the_elus_must_use_a_second_factor(
    tenant_a: Tenant, make_user: Any, require: Any
) -> None:
    elected = make_user(tenant=tenant_a, role=Role.ELECTED)
    with tenant_context(tenant_a):
        assert "/mes-seances/acces/" in (elected_link.link_for(elected, tenant_a) or "")
        token = elected_link.make_token(elected, tenant_a)
        assert elected_link.person_of_token(token, tenant_a) == elected
        require(MfaPolicy.STAFF)
        assert elected_link.link_for(elected, tenant_a) == tenant_a.url(elected_link.PAGE)
        assert elected_link.person_of_token(token, tenant_a) is None


# -- Choosing the policy -------------------------------------------------------------------------


def test_only_an_admin_with_a_second_factor_requires_one(
    tenant_a: Tenant, make_user: Any, require: Any, django_capture_on_commit_callbacks: Any
) -> None:
    tenant = require(MfaPolicy.NOBODY)
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    elected_with_key = _with_totp(make_user(tenant=tenant_a, role=Role.ELECTED))
    with tenant_context(tenant_a):
        with pytest.raises(PermissionDenied):
            services.set_mfa_policy(_membership(agent, tenant), tenant, MfaPolicy.STAFF)
        with pytest.raises(ValidationError) as unknown:
            services.set_mfa_policy(_membership(admin, tenant), tenant, "tout-le-monde")
        assert unknown.value.message_dict["mfa_required_for"][0].startswith("Choisissez parmi")
        with pytest.raises(ValidationError) as first_yours:
            services.set_mfa_policy(_membership(admin, tenant), tenant, MfaPolicy.ADMINS)
        assert "Activez d'abord votre propre double authentification" in str(first_yours.value)
        assert Tenant.objects.get(pk=tenant.pk).mfa_required_for == MfaPolicy.NOBODY

        _with_totp(admin)
        with django_capture_on_commit_callbacks(execute=True):
            services.set_mfa_policy(_membership(admin, tenant), tenant, MfaPolicy.STAFF)
        assert Tenant.objects.get(pk=tenant.pk).mfa_required_for == MfaPolicy.STAFF
        entry = ActivityEntry.objects.get(verb="team.mfa_policy_changed")
        assert entry.actor == admin
    told = Notification.objects.filter(kind=NotificationKind.TEAM)
    # The agent lacks one and is told; the élu has one, the admin chose it: neither is.
    assert set(told.values_list("user_id", flat=True)) == {agent.pk}
    notice = told.get()
    assert notice.title == f"{tenant_a.name} demande la double authentification à son équipe"
    assert notice.url.endswith(SETUP)
    assert elected_with_key.pk not in set(told.values_list("user_id", flat=True))


def test_the_security_page_for_admins(
    tenant_a: Tenant, make_user: Any, client_for: Any, require: Any
) -> None:
    require(MfaPolicy.NOBODY)
    admin = make_user(tenant=tenant_a, role=Role.ADMIN, full_name="Anne Admin")
    make_user(tenant=tenant_a, role=Role.AGENT, full_name="Paul Agent")
    agent_client = client_for(tenant_a, make_user(tenant=tenant_a, role=Role.AGENT))
    assert agent_client.get("/equipe/securite/").status_code == 403
    assert "Sécurité : double authentification" not in agent_client.get("/equipe/").content.decode()

    client = client_for(tenant_a, admin)
    team = client.get("/equipe/").content.decode()
    assert 'href="/equipe/securite/"' in team
    assert '<th scope="col">Double authentification</th>' in team
    page = client.get("/equipe/securite/")
    assert page.status_code == 200
    assert "Vous n'avez pas encore de second moyen" in page.content.decode()
    refused = client.post("/equipe/securite/", {"mfa_required_for": MfaPolicy.STAFF})
    assert refused.status_code == 400
    assert "Activez d&#x27;abord votre propre double authentification" in refused.content.decode()
    empty = client.post("/equipe/securite/", {})
    assert empty.status_code == 400
    assert "Ce champ est obligatoire." in empty.content.decode()

    _with_totp(admin)
    saved = client.post("/equipe/securite/", {"mfa_required_for": MfaPolicy.STAFF}, follow=True)
    text = saved.content.decode()
    assert "La règle de double authentification est enregistrée." in text
    assert "Paul Agent (Agent)" in text
    assert "Anne Admin" not in text.split("Personnes concernées sans second moyen")[1]


def test_the_security_api(tenant_a: Tenant, make_user: Any, client_for: Any, require: Any) -> None:
    require(MfaPolicy.NOBODY)
    admin = _with_totp(make_user(tenant=tenant_a, role=Role.ADMIN))
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    client = client_for(tenant_a, admin)
    body = client.get("/api/v1/team/security/").json()
    assert body == {"mfa_required_for": "nobody", "lacking_second_factor": []}
    bad = client.patch(
        "/api/v1/team/security/", json.dumps({"mfa_required_for": "all"}), "application/json"
    )
    assert bad.status_code == 400
    changed = client.patch(
        "/api/v1/team/security/", json.dumps({"mfa_required_for": "staff"}), "application/json"
    )
    assert changed.status_code == 200
    assert changed.json()["mfa_required_for"] == "staff"
    assert [p["id"] for p in changed.json()["lacking_second_factor"]] == [agent.pk]
    refused = client_for(tenant_a, _with_totp(agent)).get("/api/v1/team/security/")
    assert refused.status_code == 403
