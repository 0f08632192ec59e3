"""In a real browser: the e-mail → task address on « Mes tâches » is copied in one click, and
without JavaScript it stays on the page, selectable, with no dead button."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.live import LIVE_DB, live_asgi_server

pytestmark = [pytest.mark.browser, LIVE_DB]


def _log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/comptes/login/")
    page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(email)
    page.get_by_label(re.compile("mot de passe", re.IGNORECASE)).first.fill(
        "mot-de-passe-solide-42"
    )
    page.get_by_role("button", name=re.compile("connexion|connecter", re.IGNORECASE)).click()
    page.wait_for_load_state()


def test_the_address_is_copied_in_one_click_and_shown_without_js(
    browser: Any, committed_user: Any
) -> None:
    person = committed_user({"tenant_a": "agent"}, full_name="Nadia Benali")
    with live_asgi_server() as port:
        base = f"http://entente.localhost:{port}"
        tasks = f"http://lege.entente.localhost:{port}/taches/"
        with_js = browser.new_context(locale="fr-FR")
        without_js = browser.new_context(locale="fr-FR", java_script_enabled=False)
        try:
            page = with_js.new_page()
            _log_in(page, base, person.email)
            page.goto(tasks)
            field = page.get_by_label("Votre adresse pour créer des tâches par e-mail")
            address = field.input_value()
            assert re.fullmatch(r"taches\+[0-9a-f]{30}@\S+", address), address
            button = page.get_by_role("button", name="Copier")
            button.click()
            page.get_by_role("button", name="Adresse copiée").wait_for()  # said, once copied
            selected = page.evaluate(
                "() => { const f = document.activeElement;"
                " return f.value.substring(f.selectionStart, f.selectionEnd); }"
            )
            assert selected == address

            plain = without_js.new_page()
            _log_in(plain, base, person.email)
            plain.goto(tasks)
            field = plain.get_by_label("Votre adresse pour créer des tâches par e-mail")
            assert field.input_value() == address
            assert plain.get_by_role("button", name="Copier").count() == 0  # hidden
        finally:
            with_js.close()
            without_js.close()
