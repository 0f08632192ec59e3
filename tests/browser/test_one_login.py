"""In a real browser: one login on the bare domain reaches every tenant of the person.

Chromium keeps a cookie set for `.entente.localhost` on every subdomain (ARCHITECTURE.md §2);
this test proves the whole chain: the login form, the cookie domain, tenant routing by host,
the tenant switcher and the not-a-member page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.live import LIVE_DB, live_asgi_server

pytestmark = [pytest.mark.browser, LIVE_DB]


def test_login_once_then_every_tenant_of_mine_and_no_other(page: Any, committed_user: Any) -> None:
    person = committed_user(
        {"tenant_a": "admin", "tenant_epci": "agent"}, full_name="Claire Morand"
    )
    with live_asgi_server() as port:
        base = f"http://entente.localhost:{port}"
        page.goto(f"{base}/comptes/login/")
        page.get_by_label(re.compile("e-mail", re.IGNORECASE)).fill(person.email)
        page.get_by_label(re.compile("mot de passe", re.IGNORECASE)).first.fill(
            "mot-de-passe-solide-42"
        )
        page.get_by_role("button", name=re.compile("connexion|connecter", re.IGNORECASE)).click()
        page.wait_for_load_state()

        page.goto(f"http://lege.entente.localhost:{port}/")
        assert page.locator("h1").first.inner_text().strip() == "Legé"
        switcher = page.locator(".tenant-switcher")
        switcher.locator("summary").click()
        assert switcher.get_by_role("link", name=re.compile("CC Sud Retz Atlantique")).is_visible()

        switcher.get_by_role("link", name=re.compile("CC Sud Retz Atlantique")).click()
        page.wait_for_url(re.compile(r"cc-sud-retz-atlantique\.entente\.localhost"))
        assert "CC Sud Retz Atlantique" in page.locator("h1").first.inner_text()

        response = page.goto(f"http://paulx.entente.localhost:{port}/")
        assert response is not None
        assert response.status == 403
        assert "pas membre de Paulx" in page.content()
