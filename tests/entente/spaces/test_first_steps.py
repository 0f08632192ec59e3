"""The « Premiers pas » of a new collectivité's home page: for its admins, ticked as they go."""

from __future__ import annotations

from typing import Any

import pytest
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, Role
from entente.spaces.services import create_space
from tenants.models import FederationLink, FederationState, Tenant

pytestmark = pytest.mark.django_db

STEPS = {
    "Invitez vos collègues": "/equipe/",
    "Créez un premier espace": "/espaces/nouveau/",
    "Lancez une procédure": "/procedures/",
    "Reliez-vous à votre intercommunalité": "/federation/",
}


def _section(html: str) -> str:
    start = html.find('id="first-steps-title"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


def test_a_new_admin_sees_every_step_with_its_link_and_an_agent_sees_none(
    tenant_a: Tenant, make_user: Any, client_for: Any
) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    section = _section(client_for(tenant_a, admin).get("/").content.decode())
    for label, href in STEPS.items():
        assert f'<a href="{href}"><strong>{label}</strong></a>' in section
    agent = make_user(tenant=tenant_a, role=Role.AGENT)
    assert "Premiers pas" not in client_for(tenant_a, agent).get("/").content.decode()


def test_steps_tick_themselves_and_the_panel_goes_once_all_are_done(
    tenant_a: Tenant, tenant_epci: Tenant, make_user: Any, client_for: Any
) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    client = client_for(tenant_a, admin)
    with tenant_context(tenant_a):
        create_space(Membership.objects.get(user=admin, tenant=tenant_a), name="Voirie")
    section = _section(client.get("/").content.decode())
    assert "<s>Créez un premier espace</s>" in section
    assert '<a href="/espaces/nouveau/">' not in section
    # The colleague (a second person on the team) and the link with the EPCI.
    make_user(tenant=tenant_a, role=Role.AGENT)
    FederationLink.objects.create(epci=tenant_epci, commune=tenant_a, state=FederationState.ACTIVE)
    section = _section(client.get("/").content.decode())
    assert "<s>Invitez vos collègues</s>" in section
    assert "<s>Reliez-vous à votre intercommunalité</s>" in section
    assert '<a href="/procedures/"><strong>Lancez une procédure</strong></a>' in section


def test_an_admin_hides_them(tenant_a: Tenant, make_user: Any, client_for: Any) -> None:
    admin = make_user(tenant=tenant_a, role=Role.ADMIN)
    client = client_for(tenant_a, admin)
    hidden = client.post("/espaces/premiers-pas/masquer/", follow=True)
    assert hidden.status_code == 200
    html = hidden.content.decode()
    assert "Les premiers pas sont masqués." in html
    assert not _section(html)
    assert Membership.objects.get(user=admin, tenant=tenant_a).first_steps_hidden
    assert client.get("/espaces/premiers-pas/masquer/").status_code == 405
