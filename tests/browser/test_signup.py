"""In a real browser: the free trial from the landing page to the new tenant, and a join request.

Everything is real: uvicorn serving the test database, a Celery worker taking this run's queue
(the provisioning task, sent at the confirmation, which finds the tenant the click's request
built; no eager mode), an SMTP server catching the mails, chromium driving the pages with the
keyboard where a person would.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from entente.core.db import connection
from entente.signup.models import Signup, SignupState
from tenants.models import Tenant
from tenants.provisioning import drop_schema, schema_name_for
from tests.conftest import ensure_session_tenants
from tests.support.live import LIVE_DB, live_asgi_server
from tests.support.smtp import Mailbox
from tests.support.worker import celery_worker

pytestmark = [pytest.mark.browser, LIVE_DB, pytest.mark.usefixtures("official_data")]

NEW_SLUG = "machecoul-saint-meme"
# The live server sees every request from 127.0.0.1: lift the per-IP limit, not the per-address one.
SERVER_ENV = {"SIGNUP_RATE_LIMIT_PER_IP": "1000"}


def _link(mailbox: Mailbox, address: str, count: int = 1) -> str:
    message = mailbox.wait_for(address, count=count)[count - 1]
    links = re.findall(r"https?://\S+", Mailbox.text_of(message))
    assert len(links) == 1, Mailbox.text_of(message)
    return links[0]


@pytest.fixture
def no_leftover_tenant() -> Iterator[None]:
    """The sign-up makes a schema; a flush removes rows, not schemas: drop it before and after."""
    ensure_session_tenants()
    if not Tenant.objects.filter(slug=NEW_SLUG).exists():
        drop_schema(schema_name_for(NEW_SLUG))
    connection.close()
    yield
    connection.set_schema_to_public()
    drop_schema(schema_name_for(NEW_SLUG))


def test_from_the_landing_page_to_my_new_tenant(
    page: Any, smtp_server: Mailbox, no_leftover_tenant: None, tmp_path: Path
) -> None:
    email = f"anne-{uuid.uuid4().hex[:8]}@machecoul-test.fr"
    env = {"EMAIL_URL": smtp_server.smtp_url(), **SERVER_ENV}
    with celery_worker(tmp_path, **env) as (worker, log), live_asgi_server(**env) as port:
        base = f"http://entente.localhost:{port}"
        page.goto(f"{base}/")
        page.get_by_role("link", name="Essayer gratuitement").click()
        # htmx listens from DOMContentLoaded on: typed earlier, the input asks for nothing (a
        # CI run on a busy machine timed out so).
        page.wait_for_load_state()

        # The combobox, with the keyboard: type, arrow down to the first option, Enter.
        combobox = page.get_by_role("combobox", name=re.compile("code postal"))
        combobox.fill("Machecoul")
        option = page.get_by_role("option", name=re.compile("Machecoul-Saint-Même"))
        option.wait_for()
        assert "CC Sud Retz Atlantique" in option.inner_text()  # its EPCI is shown
        assert combobox.get_attribute("aria-expanded") == "true"
        combobox.press("ArrowDown")
        assert combobox.get_attribute("aria-activedescendant") == option.get_attribute("id")
        combobox.press("Enter")
        page.wait_for_url(re.compile(r"/inscription/collectivite/commune/44087/"))

        page.get_by_label("Vos prénom et nom").fill("Anne Lebreton")
        page.get_by_label("Votre adresse e-mail professionnelle").fill(email)
        page.get_by_label("Votre fonction").fill("Secrétaire de mairie")
        page.get_by_role("button", name="Recevoir le lien de confirmation").click()
        assert "Vérifiez votre messagerie" in page.locator("h1").inner_text()

        link = _link(smtp_server, email)
        assert link.startswith(f"{base}/inscription/confirmer/")
        page.goto(link)
        page.get_by_role("button", name="Confirmer et créer l'espace").click()

        # The click's request builds the tenant and sends the browser straight to it.
        try:
            page.wait_for_url(
                f"http://{NEW_SLUG}.entente.localhost:{port}/bienvenue/", timeout=60_000
            )
        except Exception:
            pytest.fail(f"No redirect to the new tenant. Worker log:\n{log.read_text()}")
        heading = page.locator("h1").inner_text()
        assert heading == "Bienvenue dans l'espace de Machecoul-Saint-Même"
        assert "CC Sud Retz Atlantique, est déjà sur Entente" in page.content()

        page.get_by_label("Choisissez un mot de passe").fill("un-mot-de-passe-solide-2026")
        page.get_by_role("button", name="Enregistrer le mot de passe").click()
        # The form posts and the page reloads: wait for the new page, not the old one's content.
        page.get_by_text("Votre mot de passe est enregistré.").wait_for()
        page.get_by_role("link", name="Aller à l'accueil").click()
        assert page.locator("h1").first.inner_text().strip() == "Machecoul-Saint-Même"

        # A second click on the link: harmless, back to the progress (now done).
        page.goto(link)
        assert re.search(r"/inscription/suivi/[0-9a-f-]+/$", page.url)
        assert "Votre espace est prêt" in page.content()
        assert worker.poll() is None

    signup = Signup.objects.get(email=email)
    assert signup.state == SignupState.READY
    tenant = Tenant.objects.get(slug=NEW_SLUG)
    assert tenant.state == "trial"
    assert tenant.trial_ends_at is not None
    assert tenant.memberships.get().user.email == email


def test_asking_to_join_a_tenant_already_here(
    page: Any, browser: Any, smtp_server: Mailbox, committed_user: Any
) -> None:
    admin = committed_user({"tenant_a": "admin"}, full_name="Claire Morand")
    email = f"paul-{uuid.uuid4().hex[:8]}@lege-test.fr"
    env = {"EMAIL_URL": smtp_server.smtp_url(), **SERVER_ENV}
    with live_asgi_server(**env) as port:
        base = f"http://entente.localhost:{port}"
        # Without JavaScript's help: the plain search form and its result links.
        page.goto(f"{base}/inscription/?q=44650")
        page.get_by_role("link", name=re.compile("Legé")).click()
        page.get_by_text("Legé est déjà sur Entente").first.wait_for()
        page.get_by_label("Vos prénom et nom").fill("Paul Girard")
        page.get_by_label("Votre adresse e-mail professionnelle").fill(email)
        page.get_by_label("Votre fonction").fill("Adjoint aux travaux")
        page.get_by_role("button", name="Envoyer ma demande").click()
        assert "Vérifiez votre messagerie" in page.locator("h1").inner_text()

        page.goto(_link(smtp_server, email))
        page.get_by_role("button", name="Confirmer et envoyer ma demande").click()
        assert "Demande transmise" in page.locator("h1").inner_text()
        # Not a member yet: the tenant stays closed to them.
        response = page.goto(f"http://lege.entente.localhost:{port}/")
        assert response is not None
        assert response.status == 403

        # The admin, in their own browser, answers from the link of their mail.
        admin_link = _link(smtp_server, admin.email)
        assert admin_link == f"http://lege.entente.localhost:{port}/administration/demandes/"
        admin_context = browser.new_context(locale="fr-FR")
        admin_page = admin_context.new_page()
        try:
            admin_page.goto(f"{base}/comptes/login/")
            admin_page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(admin.email)
            admin_page.get_by_label(re.compile("mot de passe", re.IGNORECASE)).first.fill(
                "mot-de-passe-solide-42"
            )
            admin_page.get_by_role(
                "button", name=re.compile("connexion|connecter", re.IGNORECASE)
            ).click()
            admin_page.wait_for_load_state()
            admin_page.goto(admin_link)
            assert "Paul Girard" in admin_page.content()
            admin_page.get_by_role("button", name="Accepter Paul Girard").click()
            assert "Paul Girard a maintenant accès à Legé" in admin_page.content()
        finally:
            admin_context.close()

        # The requester is told, and enters.
        accepted = smtp_server.wait_for(email, count=2)[1]
        assert "accepté" in accepted["Subject"]
        page.goto(_link(smtp_server, email, count=2))
        assert page.locator("h1").first.inner_text().strip() == "Legé"
