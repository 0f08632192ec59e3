"""The console shows each collectivité's two-factor policy and which of its staff lack one."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from entente.accounts.models import Role
from tenants import routing
from tenants.models import MfaPolicy, Tenant

pytestmark = pytest.mark.django_db


def test_the_console_lists_who_lacks_a_second_factor(
    console: Client, tenant_a: Tenant, make_user: Any
) -> None:
    Tenant.objects.filter(pk=tenant_a.pk).update(mfa_required_for=MfaPolicy.ADMINS)
    make_user("sans-cle@mairie.test", tenant=tenant_a, role=Role.ADMIN)
    make_user("agent-sans-cle@mairie.test", tenant=tenant_a, role=Role.AGENT)
    TOTP.activate(
        make_user("avec-cle@mairie.test", tenant=tenant_a, role=Role.ADMIN), generate_totp_secret()
    )
    page = console.get(f"/console/collectivites/{tenant_a.pk}/").content.decode()
    text = page.split("<h2>Double authentification</h2>")[1].split("<h2>")[0]
    assert "Exigée de : Les administrateurs." in text
    assert "sans-cle@mairie.test (Administrateur) — <strong>exigée par la règle</strong>" in text
    assert "agent-sans-cle@mairie.test (Agent)</li>" in text
    assert "avec-cle@mairie.test" not in text
    routing.clear_local()  # the policy was changed by update(): no cache keeps it


def test_the_console_shows_the_collectivites_saml_directory(
    console: Client, tenant_a: Tenant
) -> None:
    from entente.sso.models import SamlConnection

    def section() -> str:
        page = console.get(f"/console/collectivites/{tenant_a.pk}/").content.decode()
        return page.split("(SAML)</h2>")[1].split("<h2>")[0]

    assert "Aucun annuaire" in section()
    SamlConnection.objects.create(
        tenant=tenant_a,
        label="Annuaire de Legé",
        idp_entity_id="https://annuaire.lege.fr/saml",
        sso_url="https://annuaire.lege.fr/sso",
        x509cert="MIIB",
    )
    assert "« Annuaire de Legé » (https://annuaire.lege.fr/saml)" in section()
    assert "proposée sur la page de connexion" in section()
