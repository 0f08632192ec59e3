"""Only vendor staff whose session used MFA reach the console; everyone else gets a 404."""

from __future__ import annotations

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.test import Client
from django.urls import reverse

from entente.accounts.models import Role, User
from tenants.models import Tenant

from .conftest import log_in

CONSOLE = settings.PUBLIC_SCHEMA_URLCONF


def console_routes(tenant: Tenant) -> list[tuple[str, str]]:
    """(method, path) of every console page."""
    return [
        ("get", reverse("console:tenants", urlconf=CONSOLE)),
        ("get", reverse("console:tenant", urlconf=CONSOLE, args=[tenant.pk])),
        ("post", reverse("console:tenant_action", urlconf=CONSOLE, args=[tenant.pk])),
        ("post", reverse("console:open_support", urlconf=CONSOLE, args=[tenant.pk])),
        ("get", reverse("console:audit_log", urlconf=CONSOLE)),
    ]


def test_anonymous_people_and_tenant_admins_get_a_404_everywhere(
    tenant_a: Tenant, make_user
) -> None:
    admin = make_user("maire@lege.test", tenant=tenant_a, role=Role.ADMIN)
    TOTP.activate(admin, generate_totp_secret())
    for client in (Client(HTTP_HOST=settings.ENTENTE_DOMAIN), log_in(admin, mfa=True)):
        for method, path in console_routes(tenant_a):
            response = getattr(client, method)(path, {"action": "suspend", "reason": "x"})
            assert response.status_code == 404, (path, response.status_code)
            assert tenant_a.name not in response.content.decode()


def test_staff_without_an_authenticator_is_sent_to_set_one_up(tenant_a: Tenant, make_user) -> None:
    staff = make_user("nouveau@entente.test", is_staff=True)
    client = log_in(staff, mfa=False)
    for method, path in console_routes(tenant_a):
        response = getattr(client, method)(path, {"action": "suspend", "reason": "x"})
        assert response.status_code == 302, path
        assert response["Location"] == "/comptes/2fa/totp/activate/"
    tenant_a.refresh_from_db()
    assert tenant_a.state != "suspended"


def test_staff_whose_session_did_not_use_the_code_must_give_it(
    tenant_a: Tenant, staff_with_totp: User
) -> None:
    client = log_in(staff_with_totp, mfa=False)
    for method, path in console_routes(tenant_a):
        response = getattr(client, method)(path, {"action": "suspend", "reason": "x"})
        assert response.status_code == 302, path
        assert response["Location"].startswith("/comptes/2fa/reauthenticate/?next=")
    tenant_a.refresh_from_db()
    assert tenant_a.state != "suspended"


def test_the_code_page_leads_back_to_the_console(tenant_a: Tenant, staff_with_totp: User) -> None:
    """The redirect target is allauth's real reauthentication page, which records "mfa"."""
    client = log_in(staff_with_totp, mfa=False)
    response = client.get("/console/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/comptes/2fa/reauthenticate/")
    assert response.status_code == 200


def test_staff_with_mfa_open_every_page(console: Client, tenant_a: Tenant) -> None:
    for method, path in console_routes(tenant_a):
        if method == "get":
            response = console.get(path)
            assert response.status_code == 200, path


def test_the_console_does_not_exist_on_tenant_hosts(
    tenant_a: Tenant, staff_with_totp: User, make_user
) -> None:
    from entente.accounts.services import add_member

    add_member(tenant_a, staff_with_totp, Role.ADMIN)
    client = log_in(staff_with_totp, mfa=True)
    response = client.get("/console/", HTTP_HOST=tenant_a.primary_host)
    assert response.status_code == 404
