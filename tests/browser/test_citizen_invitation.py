"""In a real browser: a citizen is invited to a public project, accepts with a light account,
sees the project, and reaches nothing else (other spaces, admin pages, another tenant).

Everything is real: uvicorn serving the test database, an SMTP server catching the invitation
sent by the manager's click, chromium for both people.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role, User
from entente.citizens.models import CitizenInvitation
from entente.spaces.models import Space, SpaceMembership, SpaceRole, Visibility
from tests.support.live import LIVE_DB, live_asgi_server
from tests.support.smtp import Mailbox

pytestmark = [pytest.mark.browser, LIVE_DB]

PASSWORD = "mot-de-passe-solide-42"
PROJECT = "Rénovation du lavoir"
PRIVATE = "Préparation du budget 2027"


def _log_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/comptes/login/")
    page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(email)
    page.get_by_label(re.compile("mot de passe", re.IGNORECASE)).first.fill(password)
    page.get_by_role("button", name=re.compile("connexion|connecter", re.I)).click()
    page.wait_for_load_state()


def test_a_citizen_accepts_and_reaches_nothing_outside_the_project(
    page: Any, browser: Any, smtp_server: Mailbox, committed_user: Any, tenant_a: Any
) -> None:
    manager = committed_user({"tenant_a": "agent"}, full_name="Sandrine Gautier")
    citizen_email = f"julie-{uuid.uuid4().hex[:8]}@courriel.test"
    with tenant_context(tenant_a):
        project = Space.objects.create(name=PROJECT, visibility=Visibility.PUBLIC_PROJECT)
        private = Space.objects.create(name=PRIVATE, visibility=Visibility.TENANT)
        SpaceMembership.objects.create(space=project, user=manager, role=SpaceRole.EDITOR)

    with live_asgi_server(EMAIL_URL=smtp_server.smtp_url()) as port:
        lege = f"http://lege.entente.localhost:{port}"
        # The manager invites from the project's page.
        _log_in(page, lege, manager.email, PASSWORD)
        page.goto(f"{lege}/espaces/{project.pk}/")
        page.get_by_role("link", name="Citoyens invités").click()
        page.get_by_label("Adresses e-mail des citoyens").fill(citizen_email)
        page.get_by_label(re.compile("Message d'accompagnement")).fill("Votre avis compte !")
        page.get_by_role("button", name="Envoyer les invitations").click()
        page.wait_for_load_state()
        assert "1 invitation(s) envoyée(s)." in page.content()

        # The citizen, in their own browser, follows the link of the mail.
        message = smtp_server.wait_for(citizen_email)[0]
        assert PROJECT in message["Subject"]
        text = Mailbox.text_of(message)
        assert "Votre avis compte !" in text
        links = re.findall(r"https?://\S+", text)
        assert len(links) == 1, links
        assert links[0].startswith(f"{lege}/invitation/"), links
        context = browser.new_context(locale="fr-FR")
        citizen = context.new_page()
        try:
            citizen.goto(links[0])
            assert PROJECT in citizen.locator("h1").inner_text()
            assert "Legé" in citizen.content()
            citizen.get_by_label("Votre nom").fill("Julie Perrin")
            citizen.get_by_label("Choisissez un mot de passe").fill("un-mot-de-passe-long-2026")
            citizen.get_by_role("button", name="Créer mon compte et rejoindre le projet").click()
            citizen.wait_for_url(f"{lege}/espaces/{project.pk}/")
            assert citizen.locator("h1").first.inner_text().strip() == PROJECT
            assert citizen.locator("#section-discussions").count() == 1
            assert citizen.locator("#section-tasks").count() == 0

            # The tenant's home lists the project only.
            citizen.goto(f"{lege}/")
            assert PROJECT in citizen.content()
            assert PRIVATE not in citizen.content()
            # Another space, the admin pages, another tenant: refused.
            for url, statuses in (
                (f"{lege}/espaces/{private.pk}/", {404}),
                (f"{lege}/administration/invites/", {403}),
                (f"{lege}/administration/export/", {403}),
                (f"{lege}/espaces/{project.pk}/citoyens/", {403}),
                (f"http://paulx.entente.localhost:{port}/", {403}),
            ):
                response = citizen.goto(url)
                assert response is not None, url
                assert response.status in statuses, (url, response.status)
                assert PRIVATE not in citizen.content()
        finally:
            context.close()

    person = User.objects.get(email=citizen_email)
    assert person.full_name == "Julie Perrin"
    assert Membership.objects.get(user=person, tenant=tenant_a).role == Role.GUEST
    with tenant_context(tenant_a):
        assert SpaceMembership.objects.get(space=project, user=person).role == SpaceRole.COMMENTER
        assert CitizenInvitation.objects.get(email=citizen_email).accepted_by_id == person.pk
        CitizenInvitation.objects.filter(space=project).delete()
        SpaceMembership.objects.filter(space__in=[project, private]).delete()
        Space.objects.filter(pk__in=[project.pk, private.pk]).delete()
    Membership.objects.filter(user=person).delete()
    person.delete()
