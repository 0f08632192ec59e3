"""The accessibility statement the law requires: on every host, for anyone, linked from every
page's footer with its state."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from entente.accounts.models import Role
from tenants.models import Tenant

pytestmark = pytest.mark.django_db


def test_anyone_reads_it_on_the_bare_domain_and_on_a_tenant(tenant_a: Tenant) -> None:
    for host in (settings.ENTENTE_DOMAIN, tenant_a.primary_host):
        response = Client().get("/accessibilite/", HTTP_HOST=host)
        assert response.status_code == 200, host
        html = response.content.decode()
        assert "<h1>Déclaration d'accessibilité</h1>" in html
        assert "non conforme" in html  # no audit yet: the only honest state
        assert "Défenseur des droits" in html  # the remedies, as the law asks
        assert f"mailto:{settings.ENTENTE_ACCESSIBILITY_CONTACT}" in html


def test_every_page_links_to_it_with_its_state(
    tenant_a: Tenant, make_user: Any, client_for: Any, settings: Any
) -> None:
    user = make_user(tenant=tenant_a, role=Role.AGENT)
    page = client_for(tenant_a, user).get("/").content.decode()
    assert '<a href="/accessibilite/">Accessibilité : non conforme</a>' in page
    settings.ENTENTE_ACCESSIBILITY_STATUS = "partiellement"
    settings.ENTENTE_ACCESSIBILITY_AUDIT_DATE = "3 mars 2027"
    statement = Client().get("/accessibilite/", HTTP_HOST=tenant_a.primary_host)
    assert "conformité partielle" in statement.content.decode()
    assert "Dernier audit : 3 mars 2027." in statement.content.decode()
    login = Client().get("/comptes/login/", HTTP_HOST=tenant_a.primary_host).content.decode()
    assert "Accessibilité : partiellement conforme" in login
