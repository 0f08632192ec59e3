"""`create_staff`: a staff account that can log in, and the MFA steps printed for it."""

from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from entente.accounts.models import User


def test_creates_a_verified_staff_account_and_prints_the_mfa_steps(db: None) -> None:
    out = io.StringIO()
    call_command("create_staff", "Anne@Editeur.fr", "--name", "Anne Martin", stdout=out)
    user = User.objects.get(email="anne@editeur.fr")
    assert user.is_staff
    assert not user.is_superuser
    assert EmailAddress.objects.get(user=user).verified
    text = out.getvalue()
    password = text.split("Mot de passe (affiché une seule fois) : ")[1].split("\n")[0]
    assert user.check_password(password)
    assert "/comptes/login/" in text
    assert "/console/" in text
    assert "double authentification" in text


def test_refuses_an_existing_address(make_user) -> None:
    make_user("deja@editeur.fr")
    with pytest.raises(CommandError):
        call_command("create_staff", "deja@editeur.fr", stdout=io.StringIO())
