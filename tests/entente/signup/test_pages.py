"""The sign-up's pages: picker (with and without JavaScript), honeypot, confirmation, progress,
welcome, and the admins' join-request page."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from entente.accounts.models import Membership, Role, User
from entente.reference.selectors import Collectivity
from entente.signup import joins, services
from entente.signup.models import JoinRequest, JoinState, Signup, SignupState
from tenants.models import Tenant

from .conftest import link_in

pytestmark = [pytest.mark.usefixtures("official_data"), pytest.mark.django_db]

PLATFORM = "entente.localhost"


def _text(response: Any) -> str:
    return html.unescape(response.content.decode())


def _client(ip: str) -> Client:
    return Client(HTTP_HOST=PLATFORM, REMOTE_ADDR=ip)


def test_the_landing_page_offers_the_trial() -> None:
    text = _text(_client("10.0.0.1").get("/"))
    assert "Essayer gratuitement" in text
    assert 'href="/inscription/"' in text


def test_searching_without_javascript_lists_links_with_the_epci(db: None) -> None:
    text = _text(_client("10.0.0.1").get("/inscription/", {"q": "machecoul"}))
    assert "Machecoul-Saint-Même" in text
    assert "CC Sud Retz Atlantique" in text  # the commune's EPCI
    assert 'href="/inscription/collectivite/commune/44087/"' in text


def test_the_combobox_fragment_is_a_listbox_and_marks_tenants_already_here(
    tenant_a: Tenant,
) -> None:
    text = _text(_client("10.0.0.1").get("/inscription/recherche/", {"q": "44650"}))
    assert 'role="listbox"' in text
    assert 'role="option"' in text
    assert "Legé" in text
    assert "déjà sur Entente" in text
    assert 'role="status"' in text  # the count, read by screen readers


def test_an_unknown_code_is_a_404(db: None) -> None:
    assert _client("10.0.0.1").get("/inscription/collectivite/commune/99999/").status_code == 404


def _form(email: str, **extra: str) -> dict[str, str]:
    return {"full_name": "Anne Lebreton", "email": email, "function": "DGS", **extra}


def test_signing_up_sends_the_link_and_says_where(
    fresh_ip: str, fresh_email: Callable[[], str], django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(fresh_ip)
    email = fresh_email()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/inscription/collectivite/commune/44087/", _form(email))
    assert response.status_code == 302
    assert email in _text(client.get(response["Location"]))
    assert Signup.objects.get(email=email).ip_address == fresh_ip
    assert mail.outbox[0].to == [email]


def test_the_honeypot_sends_nothing_and_says_nothing(
    fresh_ip: str, fresh_email: Callable[[], str], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(fresh_ip).post(
            "/inscription/collectivite/commune/44087/",
            _form(fresh_email(), site_web="http://spam.example"),
        )
    assert response.status_code == 302  # looks like success to the robot
    assert not Signup.objects.exists()
    assert mail.outbox == []


def test_missing_fields_say_what_to_write(fresh_ip: str) -> None:
    response = _client(fresh_ip).post("/inscription/collectivite/commune/44087/", {})
    assert response.status_code == 400
    text = _text(response)
    assert "Indiquez vos prénom et nom." in text
    assert "Indiquez votre adresse e-mail." in text


def test_too_many_sign_ups_get_a_429_that_says_when_to_retry(
    fresh_ip: str, fresh_email: Callable[[], str], settings: Any
) -> None:
    settings.SIGNUP_RATE_LIMIT_PER_IP = 1
    client = _client(fresh_ip)
    assert (
        client.post("/inscription/collectivite/commune/44087/", _form(fresh_email())).status_code
        == 302
    )
    response = client.post("/inscription/collectivite/commune/44087/", _form(fresh_email()))
    assert response.status_code == 429
    assert "Attendez" in _text(response)


def test_a_collectivity_already_here_offers_a_join_request(
    tenant_a: Tenant,
    fresh_ip: str,
    fresh_email: Callable[[], str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = _client(fresh_ip)
    email = fresh_email()
    text = _text(client.get("/inscription/collectivite/commune/44081/"))
    assert "Legé est déjà sur Entente" in text
    assert "Demander l'accès" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/inscription/collectivite/commune/44081/", _form(email))
    assert response.status_code == 302
    assert JoinRequest.objects.get(email=email).tenant == tenant_a
    assert not Signup.objects.exists()
    assert not Tenant.objects.filter(official_code="44081").exclude(pk=tenant_a.pk).exists()


def test_the_click_builds_the_tenant_and_goes_straight_to_its_welcome(
    start: Callable[..., Signup],
    sent_tasks: list[int],
    fresh_ip: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """No queue round trip before the welcome page (issue 17): the request builds the tenant;
    the task sent at the same commit finds it READY and does nothing."""
    signup = start()
    path = link_in(str(mail.outbox[0].body)).split("localhost", 1)[1]
    client = _client(fresh_ip)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    signup.refresh_from_db()
    assert signup.state == SignupState.READY
    assert signup.tenant is not None
    assert response["Location"] == signup.tenant.url("/bienvenue/")
    assert sent_tasks == [signup.pk]  # still sent: it finishes what a request could not
    from entente.signup import services

    assert services.provision_signup(signup.pk) == signup  # the task's run: nothing to do
    assert Tenant.objects.filter(slug=signup.slug).count() == 1


def test_the_link_asks_for_a_click_then_logs_in_and_shows_the_progress(
    start: Callable[..., Signup],
    sent_tasks: list[int],
    fresh_ip: str,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.ENTENTE_SIGNUP_INLINE_PROVISIONING = False  # the worker alone builds it
    signup = start()
    path = link_in(str(mail.outbox[0].body)).split("localhost", 1)[1]
    client = _client(fresh_ip)
    page = client.get(path)
    assert page.status_code == 200
    assert "Confirmer et créer l'espace" in _text(page)
    signup.refresh_from_db()
    assert signup.state == SignupState.PENDING  # a GET (a mail scanner) confirms nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path)
    assert response.status_code == 302
    progress = response["Location"]
    assert progress == f"/inscription/suivi/{signup.public_id}/"
    text = _text(client.get(progress))
    assert "Nous créons votre espace" in text
    assert "every 1s" in text

    # A second click, in this browser: back to the progress, nothing sent again.
    assert client.post(path)["Location"] == progress
    # In another browser: asked to log in, not logged in.
    other = _client(fresh_ip)
    response = other.post(path)
    assert response.status_code == 200
    assert "Se connecter" in _text(response)
    assert other.get(progress).status_code == 302
    assert len(sent_tasks) == 1


def test_the_status_fragment_redirects_to_the_welcome_once_ready(
    start: Callable[..., Signup], sent_tasks: list[int], fresh_ip: str, settings: Any
) -> None:
    settings.ENTENTE_SIGNUP_INLINE_PROVISIONING = False  # the worker builds it, later
    signup = start()
    client = _client(fresh_ip)
    client.post(f"/inscription/confirmer/{services.signup_token(signup)}/")
    status = f"/inscription/suivi/{signup.public_id}/etat/"
    assert "HX-Redirect" not in client.get(status, HTTP_HX_REQUEST="true")
    services.provision_signup(signup.pk)
    response = client.get(status, HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == "http://machecoul-saint-meme.entente.localhost/bienvenue/"
    assert "Entrer dans mon espace" in _text(response)


def test_someone_elses_progress_is_a_404(
    start: Callable[..., Signup], sent_tasks: list[int], make_user: Callable[..., User]
) -> None:
    signup = start()
    services.confirm_signup(services.signup_token(signup))
    client = _client("10.0.0.1")
    client.force_login(make_user())
    assert client.get(f"/inscription/suivi/{signup.public_id}/").status_code == 404


def test_the_welcome_page_proposes_a_password_and_points_to_the_epci(
    start: Callable[..., Signup], sent_tasks: list[int], tenant_epci: Tenant
) -> None:
    signup = start()
    services.confirm_signup(services.signup_token(signup))
    done = services.provision_signup(signup.pk)
    assert done is not None
    assert done.tenant is not None
    assert done.user is not None
    client = Client(HTTP_HOST=done.tenant.primary_host)
    client.force_login(done.user)
    text = _text(client.get("/bienvenue/"))
    assert "Bienvenue dans l'espace de Machecoul-Saint-Même" in text
    assert "CC Sud Retz Atlantique, est déjà sur Entente" in text
    assert 'href="/federation/"' in text
    assert "Choisissez votre mot de passe" in text

    response = client.post("/bienvenue/", {"password": "court"})
    assert response.status_code == 400
    response = client.post("/bienvenue/", {"password": "un-mot-de-passe-solide-2026"})
    assert response.status_code == 302
    done.user.refresh_from_db()
    assert done.user.check_password("un-mot-de-passe-solide-2026")
    assert "Choisissez votre mot de passe" not in _text(client.get("/bienvenue/"))


# -- The admins' page ------------------------------------------------------------------------


@pytest.fixture
def request_for_lege(
    tenant_a: Tenant, fresh_ip: str, fresh_email: Callable[[], str]
) -> JoinRequest:
    join_request = joins.request_to_join(
        tenant=tenant_a, full_name="Paul Girard", email=fresh_email(), function="Adjoint",
        ip_address=fresh_ip,
    )  # fmt: skip
    confirmed, _ = joins.confirm_join_request(joins.join_token(join_request))
    return confirmed


def test_an_admin_sees_and_accepts_a_request(
    request_for_lege: JoinRequest,
    tenant_a: Tenant,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    client = client_for(tenant_a, admin)
    text = _text(client.get("/administration/demandes/"))
    assert "Paul Girard" in text
    assert "Adjoint" in text
    response = client.post(f"/administration/demandes/{request_for_lege.pk}/accepter/")
    assert response.status_code == 302
    request_for_lege.refresh_from_db()
    assert request_for_lege.state == JoinState.ACCEPTED
    assert Membership.objects.filter(user=request_for_lege.user, tenant=tenant_a).exists()
    assert "a maintenant accès" in _text(client.get("/administration/demandes/"))


def test_an_agent_may_neither_see_nor_answer(
    request_for_lege: JoinRequest,
    tenant_a: Tenant,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
) -> None:
    client = client_for(tenant_a, make_user(tenant=tenant_a, role=Role.AGENT))
    response = client.get("/administration/demandes/")
    assert response.status_code == 403
    assert "réservée aux administrateurs" in _text(response)
    assert (
        client.post(f"/administration/demandes/{request_for_lege.pk}/refuser/").status_code == 403
    )
    request_for_lege.refresh_from_db()
    assert request_for_lege.state == JoinState.PENDING


def test_an_admin_cannot_answer_another_tenants_request(
    request_for_lege: JoinRequest,
    tenant_b: Tenant,
    make_user: Callable[..., User],
    client_for: Callable[..., Client],
) -> None:
    client = client_for(tenant_b, make_user(tenant=tenant_b, role=Role.ADMIN))
    response = client.post(f"/administration/demandes/{request_for_lege.pk}/accepter/")
    assert response.status_code == 404
    request_for_lege.refresh_from_db()
    assert request_for_lege.state == JoinState.PENDING


def test_the_picked_collectivity_carries_its_epci(machecoul: Collectivity) -> None:
    assert machecoul.epci_name == "CC Sud Retz Atlantique"


def test_an_expired_link_says_to_start_again(start: Callable[..., Signup], fresh_ip: str) -> None:
    signup = start()
    Signup.objects.filter(pk=signup.pk).update(expires_at=signup.created_at)
    response = _client(fresh_ip).get(f"/inscription/confirmer/{services.signup_token(signup)}/")
    assert response.status_code == 400
    assert "Recommencez-la depuis la page d'inscription" in _text(response)
    signup.refresh_from_db()
    assert signup.state == SignupState.EXPIRED
