"""The Content-Security-Policy (issue 16): every page carries one without 'unsafe-inline' or
'unsafe-eval', and no template holds what it would refuse (an inline script, style or event
handler). The browser tests check the rest: tests/support/browser.py fails any test whose pages
Chromium reports a refusal for."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from entente.accounts.models import Role, User
from tenants.models import Tenant

TEMPLATE_ROOTS = [Path(settings.BASE_DIR) / "platform", Path(settings.BASE_DIR) / "api"]
INLINE_STYLE = re.compile(r"""\sstyle\s*=\s*["']""", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.IGNORECASE)
INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.IGNORECASE
)
EVENT_HANDLER = re.compile(r"""<[^>]*\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)
# Served by core/outage.py's middleware, which answers before the policy's middleware (and
# before static files: with PostgreSQL down the stylesheet's request would be a 503 too), so it
# carries its few rules itself and no policy header.
# The minutes' PDF (meetings/pdf.py) is laid out by weasyprint on the server, never shown to a
# browser: its rules travel with it.
STANDALONE = {
    "platform/entente/templates/core/outage.html",
    "platform/entente/templates/meetings/minutes_pdf.html",
}


def _templates() -> list[Path]:
    found = [
        path
        for root in TEMPLATE_ROOTS
        for path in root.rglob("*.html")
        if "templates" in path.parts
    ]
    assert len(found) > 100, found  # the walk found the templates
    return found


def _policy(response: Any) -> str:
    policy = response.headers.get("Content-Security-Policy", "")
    assert policy, "no Content-Security-Policy header"
    return str(policy)


def test_every_page_has_a_strict_policy(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    agent = make_user("agent@lege.test", tenant_a, Role.AGENT)
    for response in (
        Client().get("/", HTTP_HOST=settings.ENTENTE_DOMAIN),
        client_for(tenant_a, agent).get("/"),
        client_for(tenant_a, agent).get("/taches/"),
        client_for(tenant_a, None).get("/comptes/login/"),
    ):
        assert response.status_code == 200
        policy = _policy(response)
        assert "'unsafe-inline'" not in policy
        assert "'unsafe-eval'" not in policy
        directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["object-src"] == "'none'"


@pytest.mark.parametrize(
    ("pattern", "what"),
    [
        (INLINE_STYLE, "a style attribute"),
        (STYLE_ELEMENT, "a <style> element"),
        (INLINE_SCRIPT, "an inline <script>"),
        (EVENT_HANDLER, "an inline event handler (onclick=…)"),
    ],
)
def test_no_template_holds_what_the_policy_refuses(pattern: re.Pattern[str], what: str) -> None:
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in _templates()
        if str(path.relative_to(settings.BASE_DIR)) not in STANDALONE
        and pattern.search(COMMENTS.sub("", path.read_text(encoding="utf-8")))
    ]
    assert offenders == [], f"{what} in: {offenders}"


def test_the_patterns_catch_what_they_name() -> None:
    assert INLINE_STYLE.search('<span style="color:red">')
    assert STYLE_ELEMENT.search("<style>p{}</style>")
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert not INLINE_SCRIPT.search('<script src="/static/x.js" defer></script>')
    assert EVENT_HANDLER.search('<button onclick="x()">')
    assert not EVENT_HANDLER.search('<button data-on="x">')
    assert not STYLE_ELEMENT.search(COMMENTS.sub("", "{# no <style> here #}"))


def test_the_api_documentation_loads_its_script_from_a_url(
    tenant_a: Tenant, make_user: Callable[..., User], client_for: Callable[..., Client]
) -> None:
    agent = make_user("agent@lege.test", tenant_a, Role.AGENT)
    client = client_for(tenant_a, agent)
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not STYLE_ELEMENT.search(html)
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', html)
    assert script_url, html
    script = client.get(script_url.group(1).replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content
