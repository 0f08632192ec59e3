"""Through allauth's real pages: password alone does not open the console, password + code does.

The other console tests write allauth's authentication records into the session; this one
proves those are the records allauth's login and reauthentication actually leave.
"""

from __future__ import annotations

import time

import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.conf import settings
from django.test import Client

from entente.accounts.models import User

NOW = 1_790_000_000.0
PASSWORD = "mot-de-passe-solide-42"


def code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def staff_member(make_user) -> tuple[User, str]:
    user = make_user("equipe@entente.test", is_staff=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


@time_machine.travel(NOW, tick=False)
def test_password_then_code_opens_the_console(make_user) -> None:
    user, secret = staff_member(make_user)
    client = Client(HTTP_HOST=settings.ENTENTE_DOMAIN)
    after_password = client.post("/comptes/login/", {"login": user.email, "password": PASSWORD})
    assert after_password["Location"] == "/comptes/2fa/authenticate/"
    assert client.get("/console/").status_code == 404  # not logged in yet
    client.post("/comptes/2fa/authenticate/", {"code": code(secret)})
    assert client.session.get("_auth_user_id") == str(user.pk)
    assert client.get("/console/").status_code == 200


@time_machine.travel(NOW, tick=False)
def test_a_session_without_the_code_gives_it_again_then_opens(make_user) -> None:
    user, secret = staff_member(make_user)
    client = Client(HTTP_HOST=settings.ENTENTE_DOMAIN)
    client.force_login(user)  # e.g. logged in before the authenticator was activated
    response = client.get("/console/journal/")
    assert response.status_code == 302
    assert response["Location"] == "/comptes/2fa/reauthenticate/?next=%2Fconsole%2Fjournal%2F"
    done = client.post(response["Location"], {"code": code(secret)})
    assert done.status_code == 302
    assert done["Location"] == "/console/journal/"
    assert client.get("/console/journal/").status_code == 200
