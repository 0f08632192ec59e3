"""In a real browser: the admin reaches the administration in two clicks; a citizen's header
shows her project and her account, nothing she may not open (issue 22)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.live import LIVE_DB, live_asgi_server

pytestmark = [pytest.mark.browser, LIVE_DB]


def _log_in(page: Any, port: str, email: str) -> None:
    page.goto(f"http://entente.localhost:{port}/comptes/login/")
    page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(email)
    page.get_by_label(re.compile("mot de passe", re.IGNORECASE)).first.fill(
        "mot-de-passe-solide-42"
    )
    page.get_by_role("button", name=re.compile("connexion|connecter", re.IGNORECASE)).click()
    page.wait_for_load_state()


def test_the_admin_opens_export_support_and_addresses_in_two_clicks(
    page: Any, committed_user: Any
) -> None:
    admin = committed_user({"tenant_a": "admin"}, full_name="Valérie Bouyer")
    with live_asgi_server() as port:
        _log_in(page, port, admin.email)
        home = f"http://lege.entente.localhost:{port}/"
        for link, heading in (
            ("Exporter les données", re.compile("export", re.IGNORECASE)),
            ("Accès du support", re.compile("support", re.IGNORECASE)),
            ("Adresses de réception (e-mail → tâche)", re.compile("e-mail", re.IGNORECASE)),
        ):
            page.goto(home)
            menu = page.locator("details[data-admin-menu]")
            menu.locator("summary").click()  # first click
            menu.get_by_role("link", name=link).click()  # second click
            page.wait_for_load_state()
            assert re.search(heading, page.locator("h1").first.inner_text()), link
        page.goto(home)
        menu = page.locator("details[data-admin-menu]")
        menu.locator("summary").click()
        page.keyboard.press("Escape")
        assert menu.get_attribute("open") is None


def test_a_citizen_is_shown_her_project_and_her_account_only(
    page: Any, committed_user: Any
) -> None:
    citizen = committed_user({"tenant_a": "guest"}, full_name="Julie Perrin")
    with live_asgi_server() as port:
        _log_in(page, port, citizen.email)
        page.goto(f"http://lege.entente.localhost:{port}/")
        header = page.locator("nav.main-nav")
        names = [name.strip() for name in header.get_by_role("link").all_inner_texts()]
        assert "Espaces" in names
        for refused in ("Procédures", "Intercommunalité", "Administration"):
            assert refused not in names
        assert page.locator("details[data-admin-menu]").count() == 0
        page.goto(f"http://lege.entente.localhost:{port}/taches/")
        assert page.get_by_role("link", name="Étiquettes").count() == 0
