"""Help in context: every subject a form names has its page, readable by anyone on every host,
and the forms say what they are for (the crawl of the demo checks each form it meets:
tests/test_navigation_demo.py::test_every_form_of_the_demo_offers_help_in_context)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from entente.accounts.models import Role
from entente.core.help import help_topics
from tenants.models import Tenant

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.PLATFORM_DIR) / "entente"
NAMED = re.compile(r'\{% form_help "([a-z_]+)" %\}')


def test_anyone_reads_the_help_on_the_bare_domain_and_on_a_tenant(tenant_a: Tenant) -> None:
    topics = help_topics()
    for host in (settings.ENTENTE_DOMAIN, tenant_a.primary_host):
        index = Client().get("/aide/", HTTP_HOST=host)
        assert index.status_code == 200, host
        html = index.content.decode()
        assert "<h1>Aide</h1>" in html
        for topic in topics:
            assert f'href="/aide/{topic.slug}/"' in html
        page = Client().get("/aide/taches/", HTTP_HOST=host).content.decode()
        assert "<h1>Tâches</h1>" in page
        assert "la personne désignée est prévenue" in page
        assert Client().get("/aide/inconnu/", HTTP_HOST=host).status_code == 404


def test_subjects_have_one_address_each_and_text_to_read() -> None:
    topics = help_topics()
    assert len({topic.slug for topic in topics}) == len(topics)
    assert len({topic.key for topic in topics}) == len(topics)
    for topic in topics:
        assert str(topic.summary).endswith("."), topic.key  # one whole sentence
        assert topic.paragraphs, topic.key


def test_every_subject_a_template_names_is_registered() -> None:
    """A form naming an unknown subject would fail only when rendered: catch it here."""
    keys = {topic.key for topic in help_topics()}
    named = {
        (path.relative_to(TEMPLATES).as_posix(), key)
        for path in TEMPLATES.rglob("*.html")
        for key in NAMED.findall(path.read_text())
    }
    assert len(named) > 30
    assert not {(where, key) for where, key in named if key not in keys}


def test_a_form_shows_its_sentence_and_the_footer_links_the_help(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    user = make_user(tenant=tenant_a, role=Role.AGENT)
    html = client_for(tenant_a, user).get("/espaces/nouveau/").content.decode()
    assert (
        '<p class="form-help">Un espace réunit les personnes d\'un groupe de travail'
        in html.replace("&#x27;", "'")
    )
    assert '<a href="/aide/espaces/">Aide : Espaces</a>' in html
    assert '<a href="/aide/">Aide</a>' in html  # the footer, on every page
    login = Client().get("/comptes/login/", HTTP_HOST=tenant_a.primary_host).content.decode()
    assert '<a href="/aide/mon-compte/">Aide : Mon compte</a>' in login
