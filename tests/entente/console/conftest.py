"""Vendor staff with and without MFA, and the clients they browse with."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.test import Client

from entente.accounts.models import User


def log_in(user: User, *, mfa: bool) -> Client:
    """A client whose session went through the password (and the TOTP code if `mfa`), as
    allauth records them: the console reads those records, not a flag of ours."""
    client = Client(HTTP_HOST=settings.ENTENTE_DOMAIN)
    client.force_login(user)
    session = client.session
    records = [{"method": "password", "at": time.time(), "email": user.email}]
    if mfa:
        records.append({"method": "mfa", "at": time.time(), "type": "totp", "id": 1})
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


@pytest.fixture
def staff_with_totp(make_user: Callable[..., User]) -> User:
    user = make_user("support@entente.test", is_staff=True, full_name="Sam Support")
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def console(staff_with_totp: User) -> Client:
    """Staff, logged in with their code: the console opens."""
    return log_in(staff_with_totp, mfa=True)
