"""The sign-up's services: slugs, confirmation (first and second click), expiry, provisioning,
rate limits; join requests and who may answer them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from entente.accounts.models import Membership, Role, User
from entente.reference.selectors import Collectivity
from entente.signup import services
from entente.signup.models import JoinRequest, JoinState, Signup, SignupState
from entente.signup.services import SignupRefused
from tenants.models import Tenant, TenantKind, TenantState

from .conftest import link_in, token_of

pytestmark = [pytest.mark.usefixtures("official_data"), pytest.mark.django_db]

Start = Callable[..., Signup]


def _tenant_row(slug: str, code: str, kind: str = TenantKind.COMMUNE) -> Tenant:
    """A tenant row without a schema: slugs and codes live in the public schema."""
    return Tenant.objects.create(
        name=slug, slug=slug, schema_name="t_" + slug.replace("-", "_"), kind=kind,
        official_code=code, state=TenantState.TRIAL,
    )  # fmt: skip


# -- Starting: slug, e-mail ----------------------------------------------------------------------


def test_a_sign_up_holds_the_slug_of_its_name_and_mails_a_link(start: Start) -> None:
    signup = start()
    assert signup.state == SignupState.PENDING
    assert signup.slug == "machecoul-saint-meme"
    assert signup.expires_at == signup.created_at + timedelta(hours=48)
    [message] = mail.outbox
    assert message.to == [signup.email]
    assert "Machecoul-Saint-Même" in message.subject
    link = link_in(str(message.body))
    assert "/inscription/confirmer/" in link
    assert services.read_token(token_of(link), services.SIGNUP_SALT) == str(signup.public_id)


def test_a_slug_taken_by_a_tenant_gets_the_departement_then_a_number(start: Start) -> None:
    _tenant_row("machecoul-saint-meme", "99001")
    assert start().slug == "machecoul-saint-meme-44"
    # The first sign-up holds "-44" while it waits: the next one gets a number.
    assert start().slug == "machecoul-saint-meme-2"


def test_reserved_slugs_are_never_proposed() -> None:
    assert services.propose_slug("Admin", "44") == "admin-44"
    assert services.propose_slug("Www") == "www-2"


def test_an_unconfirmed_sign_up_expires_and_frees_its_slug(start: Start) -> None:
    first = start()
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        assert services.expire_signups() == 1
        second = start()
    first.refresh_from_db()
    assert first.state == SignupState.EXPIRED
    assert second.slug == first.slug


# -- Confirming ------------------------------------------------------------------------------------


def test_confirming_makes_the_account_and_sends_the_provisioning_task(
    start: Start, sent_tasks: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    signup = start()
    with django_capture_on_commit_callbacks(execute=True):
        confirmation = services.confirm_signup(services.signup_token(signup))
    assert confirmation.first_time
    signup.refresh_from_db()
    assert signup.state == SignupState.PROVISIONING
    user = User.objects.get(email=signup.email)
    assert signup.user == user
    assert (user.full_name, user.function) == ("Anne Lebreton", "Secrétaire de mairie")
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert sent_tasks == [signup.pk]


def test_a_second_click_changes_nothing(
    start: Start, sent_tasks: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    signup = start()
    token = services.signup_token(signup)
    with django_capture_on_commit_callbacks(execute=True):
        services.confirm_signup(token)
        again = services.confirm_signup(token)
    assert not again.first_time
    assert again.signup.pk == signup.pk
    assert sent_tasks == [signup.pk]
    assert User.objects.filter(email=signup.email).count() == 1


def test_confirming_reuses_the_account_with_that_address(
    start: Start, make_user: Callable[..., User], sent_tasks: list[int], fresh_ip: str
) -> None:
    local = f"Claire.Morand.{fresh_ip.replace('.', '-')}"  # rate limits count per address
    existing = make_user(f"{local}@Mairie-Test.fr", full_name="Claire Morand")
    signup = start(email=f"{local.lower()}@mairie-test.fr", full_name="C. Morand")
    services.confirm_signup(services.signup_token(signup))
    signup.refresh_from_db()
    assert signup.user == existing
    existing.refresh_from_db()
    assert existing.full_name == "Claire Morand"  # never overwritten
    assert existing.has_usable_password()


def test_a_link_past_its_hours_is_refused_with_what_to_do(start: Start) -> None:
    signup = start()
    token = services.signup_token(signup)
    later = timezone.now() + timedelta(hours=49)
    with time_machine.travel(later), pytest.raises(SignupRefused) as refused:
        services.confirm_signup(token)
    assert refused.value.code == "expired"
    assert "Recommencez" in refused.value.message


def test_a_sign_up_marked_expired_is_refused_even_with_a_valid_link(
    start: Start, settings: Any
) -> None:
    signup = start()
    Signup.objects.filter(pk=signup.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(SignupRefused) as refused:
        services.confirm_signup(services.signup_token(signup))
    assert refused.value.code == "expired"
    signup.refresh_from_db()
    assert signup.state == SignupState.EXPIRED


def test_a_tampered_link_is_refused() -> None:
    with pytest.raises(SignupRefused) as refused:
        services.confirm_signup("not-a-token")
    assert refused.value.code == "bad_link"


def test_a_collectivity_that_got_a_tenant_meanwhile_diverts_to_a_join_request(
    start: Start,
) -> None:
    signup = start()
    tenant = _tenant_row("machecoul", "44087")
    with pytest.raises(SignupRefused) as refused:
        services.confirm_signup(services.signup_token(signup))
    assert refused.value.code == "already_on_entente"
    assert refused.value.tenant == tenant
    signup.refresh_from_db()
    assert signup.state == SignupState.DIVERTED
    assert not Tenant.objects.filter(slug=signup.slug).exists()


def test_starting_for_a_collectivity_already_on_entente_is_refused(start: Start) -> None:
    _tenant_row("machecoul", "44087")
    with pytest.raises(SignupRefused) as refused:
        start()
    assert refused.value.code == "already_on_entente"
    assert not Signup.objects.exists()


# -- Provisioning ----------------------------------------------------------------------------------


def test_provisioning_opens_the_trial_with_its_person_as_admin(
    start: Start, sent_tasks: list[int], settings: Any
) -> None:
    settings.ENTENTE_TRIAL_DAYS = 30
    signup = start()
    services.confirm_signup(services.signup_token(signup))
    done = services.provision_signup(signup.pk)
    assert done is not None
    assert done.state == SignupState.READY
    tenant = Tenant.objects.get(slug="machecoul-saint-meme")
    assert (tenant.state, tenant.kind, tenant.official_code) == ("trial", "commune", "44087")
    assert tenant.trial_ends_at is not None
    assert abs(tenant.trial_ends_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=5)
    membership = Membership.objects.get(tenant=tenant)
    assert (membership.user, membership.role) == (done.user, Role.ADMIN)
    assert done.tenant == tenant


def test_provisioning_twice_makes_one_tenant(start: Start, sent_tasks: list[int]) -> None:
    """Celery delivers at least once: the second run finds the sign-up ready."""
    signup = start()
    services.confirm_signup(services.signup_token(signup))
    services.provision_signup(signup.pk)
    services.provision_signup(signup.pk)
    assert Tenant.objects.filter(official_code="44087").count() == 1
    assert Membership.objects.filter(tenant__official_code="44087").count() == 1


def test_a_failed_provisioning_says_so_and_can_be_retried(
    start: Start, sent_tasks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    signup = start()
    services.confirm_signup(services.signup_token(signup))

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disque plein")

    monkeypatch.setattr(services, "create_tenant", broken)
    with pytest.raises(RuntimeError):
        services.provision_signup(signup.pk)
    signup.refresh_from_db()
    assert signup.state == SignupState.FAILED
    assert "disque plein" in signup.failure_reason

    monkeypatch.undo()
    monkeypatch.setattr("entente.signup.tasks.provision_signup_task.delay", sent_tasks.append)
    assert signup.user is not None
    services.retry_signup(signup, signup.user)
    done = services.provision_signup(signup.pk)
    assert done is not None
    assert done.state == SignupState.READY


def test_only_its_person_may_retry_a_sign_up(
    start: Start, sent_tasks: list[int], make_user: Callable[..., User]
) -> None:
    signup = start()
    with pytest.raises(PermissionDenied):
        services.retry_signup(signup, make_user())


# -- Abuse -----------------------------------------------------------------------------------------


def test_sign_ups_per_address_are_limited(start: Start, settings: Any) -> None:
    settings.SIGNUP_RATE_LIMIT_PER_EMAIL = 2
    settings.SIGNUP_RATE_LIMIT_PER_IP = 100
    email = f"limite-{timezone.now().timestamp()}@mairie-test.fr"
    start(email=email)
    start(email=email)
    with pytest.raises(SignupRefused) as refused:
        start(email=email)
    assert refused.value.code == "rate_limited"
    assert "Attendez" in refused.value.message
    assert Signup.objects.filter(email=email).count() == 2


def test_sign_ups_per_ip_address_are_limited(start: Start, settings: Any, fresh_ip: str) -> None:
    settings.SIGNUP_RATE_LIMIT_PER_IP = 2
    start()
    start()
    with pytest.raises(SignupRefused) as refused:
        start()  # a third address, from the same connection
    assert refused.value.code == "rate_limited"


def test_the_limits_count_per_window(start: Start, settings: Any) -> None:
    """Refused again within the window, accepted in the next one (windows are UTC hours)."""
    settings.SIGNUP_RATE_LIMIT_PER_IP = 1
    settings.SIGNUP_RATE_LIMIT_WINDOW_SECONDS = 3600
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    with time_machine.travel(hour + timedelta(minutes=10), tick=False):
        first = start()
        with pytest.raises(SignupRefused) as refused:
            start()
        assert refused.value.code == "rate_limited"
    with time_machine.travel(hour + timedelta(hours=1, minutes=10), tick=False):
        second = start()  # a new window
    assert second.state == SignupState.PENDING
    assert Signup.objects.filter(pk__in=[first.pk, second.pk]).count() == 2


# -- Join requests -----------------------------------------------------------------------------


@pytest.fixture
def admins(make_user: Callable[..., User], tenant_a: Tenant) -> dict[str, User]:
    return {
        "admin": make_user("admin@lege.test", tenant=tenant_a, role=Role.ADMIN),
        "agent": make_user("agent@lege.test", tenant=tenant_a, role=Role.AGENT),
    }


@pytest.fixture
def requester(fresh_email: Callable[[], str]) -> str:
    return fresh_email()


@pytest.fixture
def pending_request(
    tenant_a: Tenant,
    admins: dict[str, User],
    fresh_ip: str,
    requester: str,
    django_capture_on_commit_callbacks: Any,
) -> JoinRequest:
    with django_capture_on_commit_callbacks(execute=True):
        join_request = services.request_to_join(
            tenant=tenant_a,
            full_name="Paul Girard",
            email=requester,
            function="Adjoint",
            message="Je m'occupe des travaux.",
            ip_address=fresh_ip,
        )
    [confirmation] = mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        confirmed, first_time = services.confirm_join_request(
            token_of(link_in(str(confirmation.body)))
        )
    assert first_time
    assert confirmed.pk == join_request.pk
    return confirmed


def test_a_confirmed_join_request_is_mailed_to_the_admins_only(
    pending_request: JoinRequest,
) -> None:
    assert pending_request.state == JoinState.PENDING
    assert pending_request.user is not None
    to_admins = [m for m in mail.outbox if "demande l'accès" in m.subject]
    assert [m.to for m in to_admins] == [["admin@lege.test"]]
    assert "/administration/demandes/" in to_admins[0].body
    assert not Membership.objects.filter(user=pending_request.user).exists()


def test_an_admin_accepts_and_the_requester_becomes_an_agent(
    pending_request: JoinRequest,
    requester: str,
    admins: dict[str, User],
    tenant_a: Tenant,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_join_request(pending_request, by=admins["admin"])
    pending_request.refresh_from_db()
    assert pending_request.state == JoinState.ACCEPTED
    assert pending_request.decided_by == admins["admin"]
    membership = Membership.objects.get(user=pending_request.user, tenant=tenant_a)
    assert membership.role == Role.AGENT
    assert mail.outbox[-1].to == [requester]
    assert tenant_a.url("/") in mail.outbox[-1].body


def test_an_admin_refuses_and_the_requester_is_told(
    pending_request: JoinRequest,
    requester: str,
    admins: dict[str, User],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.refuse_join_request(pending_request, by=admins["admin"])
    pending_request.refresh_from_db()
    assert pending_request.state == JoinState.REFUSED
    assert not Membership.objects.filter(user=pending_request.user).exists()
    assert mail.outbox[-1].to == [requester]


@pytest.mark.parametrize("who", ["agent", "other_admin", "requester"])
def test_only_the_tenants_admins_may_answer(
    who: str,
    pending_request: JoinRequest,
    admins: dict[str, User],
    make_user: Callable[..., User],
    tenant_b: Tenant,
) -> None:
    actor = {
        "agent": admins["agent"],
        "other_admin": make_user("admin@paulx.test", tenant=tenant_b, role=Role.ADMIN),
        "requester": pending_request.user,
    }[who]
    assert actor is not None
    for decide in (services.accept_join_request, services.refuse_join_request):
        with pytest.raises(PermissionDenied):
            decide(pending_request, by=actor)
    pending_request.refresh_from_db()
    assert pending_request.state == JoinState.PENDING


def test_a_request_is_answered_once(pending_request: JoinRequest, admins: dict[str, User]) -> None:
    services.refuse_join_request(pending_request, by=admins["admin"])
    with pytest.raises(SignupRefused) as refused:
        services.accept_join_request(pending_request, by=admins["admin"])
    assert refused.value.code == "already_decided"
    assert not Membership.objects.filter(user=pending_request.user).exists()


def test_a_member_asking_to_join_is_told_to_log_in(
    admins: dict[str, User], tenant_a: Tenant, fresh_ip: str
) -> None:
    with pytest.raises(SignupRefused) as refused:
        services.request_to_join(
            tenant=tenant_a, full_name="Agent", email="AGENT@lege.test", function="Agent",
            ip_address=fresh_ip,
        )  # fmt: skip
    assert refused.value.code == "already_member"
    assert "Connectez-vous" in refused.value.message


def test_confirming_a_join_request_twice_tells_the_admins_once(
    pending_request: JoinRequest, django_capture_on_commit_callbacks: Any
) -> None:
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again, first_time = services.confirm_join_request(services.join_token(pending_request))
    assert not first_time
    assert again.pk == pending_request.pk
    assert len(mail.outbox) == before


def test_an_unconfirmed_join_request_expires(
    tenant_a: Tenant, admins: dict[str, User], fresh_ip: str
) -> None:
    join_request = services.request_to_join(
        tenant=tenant_a, full_name="P", email=f"p-{fresh_ip}@lege-test.fr", function="Agent",
        ip_address=fresh_ip,
    )  # fmt: skip
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        services.expire_signups()
    join_request.refresh_from_db()
    assert join_request.state == JoinState.EXPIRED


def test_collectivity_is_a_commune_of_the_reference(machecoul: Collectivity) -> None:
    assert (machecoul.epci_code, machecoul.epci_name) == ("200071546", "CC Sud Retz Atlantique")
