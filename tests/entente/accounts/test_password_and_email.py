"""Forgotten password and e-mail verification, from the e-mail sent to the link that works."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from django.core import mail

from entente.accounts.models import User
from tenants.models import Tenant

from .support import PASSWORD, Visitor

NEW_PASSWORD = "un-tout-nouveau-secret-77"


def only_link(message: mail.EmailMessage, path_prefix: str) -> str:
    links = re.findall(r"https?://\S+", str(message.body))
    matching = [link for link in links if urlsplit(link).path.startswith(path_prefix)]
    assert len(matching) == 1, message.body
    return matching[0]


def test_forgotten_password_mail_carries_a_link_that_sets_a_new_one(
    tenant_a: Tenant, person, visitor: Visitor
) -> None:
    anne = person(email="anne@lege.fr", tenant=tenant_a)

    asked = visitor.post(tenant_a, "/comptes/password/reset/", {"email": "Anne@Lege.fr"})

    assert asked.status_code == 302
    done = visitor.get(tenant_a, asked["Location"])
    assert "Regardez votre boîte e-mail" in done.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anne@lege.fr"]
    assert message.subject.startswith("[Entente] ")
    assert "Entente (Legé)" in message.body
    link = urlsplit(only_link(message, "/comptes/password/reset/key/"))
    assert link.netloc == tenant_a.primary_host

    opened = visitor.get(tenant_a, link.path)
    assert opened.status_code == 302  # the key moves into the session, out of the address bar
    form = visitor.get(tenant_a, opened["Location"])
    assert form.status_code == 200
    assert 'name="password1"' in form.content.decode()
    changed = visitor.post(
        tenant_a, opened["Location"], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert changed.status_code == 302
    done = visitor.get(tenant_a, changed["Location"])
    assert "Votre mot de passe est changé" in done.content.decode()

    anne.refresh_from_db()
    assert anne.check_password(NEW_PASSWORD)
    assert not anne.check_password(PASSWORD)
    fresh = Visitor()
    assert fresh.log_in(tenant_a, "anne@lege.fr", NEW_PASSWORD)["Location"] == "/"
    assert fresh.user_id == str(anne.pk)


def test_a_used_reset_link_does_not_work_twice(tenant_a: Tenant, person, visitor: Visitor) -> None:
    person(email="anne@lege.fr", tenant=tenant_a)
    visitor.post(tenant_a, "/comptes/password/reset/", {"email": "anne@lege.fr"})
    path = urlsplit(only_link(mail.outbox[0], "/comptes/password/reset/key/")).path
    set_url = visitor.get(tenant_a, path)["Location"]
    visitor.post(tenant_a, set_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    again = Visitor()
    reopened = again.get(tenant_a, path)
    page = again.get(tenant_a, reopened["Location"]) if reopened.status_code == 302 else reopened

    html = page.content.decode()
    assert "Ce lien ne fonctionne plus" in html
    assert 'name="password1"' not in html


def test_reset_for_an_unknown_address_reveals_nothing(tenant_a: Tenant, visitor: Visitor) -> None:
    """The page says the same thing; the mail goes to the address typed, not to an account."""
    response = visitor.post(tenant_a, "/comptes/password/reset/", {"email": "inconnu@example.fr"})

    assert response.status_code == 302
    assert "/comptes/password/reset/key/" not in "".join(str(m.body) for m in mail.outbox)


def test_an_unverified_address_is_verified_by_mail_before_login(
    tenant_a: Tenant, make_user, visitor: Visitor
) -> None:
    """A person whose address was never confirmed gets a link; following it logs them in."""
    paul = make_user(email="paul@lege.fr", tenant=tenant_a)

    attempt = visitor.log_in(tenant_a, "paul@lege.fr")

    assert attempt.status_code == 302
    assert attempt["Location"] == "/comptes/confirm-email/"
    assert visitor.user_id is None
    sent = visitor.get(tenant_a, attempt["Location"])
    assert "Confirmez votre adresse e-mail" in sent.content.decode()
    assert len(mail.outbox) == 1
    link = urlsplit(only_link(mail.outbox[0], "/comptes/confirm-email/"))
    assert link.netloc == tenant_a.primary_host

    confirm_page = visitor.get(tenant_a, link.path)
    assert confirm_page.status_code == 200
    confirmed = visitor.post(tenant_a, link.path)

    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=paul, email="paul@lege.fr").verified
    assert visitor.user_id == str(paul.pk)
    assert visitor.get(tenant_a, "/").status_code == 200


def test_a_wrong_confirmation_link_says_what_to_do(tenant_a: Tenant, visitor: Visitor) -> None:
    page = visitor.get(tenant_a, "/comptes/confirm-email/pas-une-cle/")

    assert page.status_code == 200
    assert "Confirmer l'adresse e-mail" in page.content.decode()


def test_changing_address_needs_the_new_one_confirmed(
    tenant_a: Tenant, person, visitor: Visitor
) -> None:
    anne: User = person(email="anne@lege.fr", tenant=tenant_a)
    visitor.log_in(tenant_a, "anne@lege.fr")

    response = visitor.post(
        tenant_a, "/comptes/email/", {"action_add": "", "email": "anne.martin@lege.fr"}
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["anne.martin@lege.fr"]
    anne.refresh_from_db()
    assert anne.email == "anne@lege.fr"  # until the new address is confirmed
    page = visitor.get(tenant_a, "/comptes/email/").content.decode()
    assert "Vous vous connectez avec l'adresse : <strong>anne@lege.fr</strong>" in page
    assert "Vous avez demandé à la remplacer par <strong>anne.martin@lege.fr</strong>" in page
    path = urlsplit(only_link(mail.outbox[0], "/comptes/confirm-email/")).path
    visitor.post(tenant_a, path)
    anne.refresh_from_db()
    assert anne.email == "anne.martin@lege.fr"
