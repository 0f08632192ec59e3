"""A collectivité's admins set, change and remove its SAML directory.

Views, API and tests call these; each change is in the activity log and its event tells the
other admins (`sso.notifications`): who may sign in to the collectivité has changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _
from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser

from entente.accounts.models import Membership
from entente.activity.services import record_activity
from entente.core.events import Event, publish_on_commit
from entente.team.permissions import require_team_admin
from tenants.models import Tenant

from .models import SamlConnection

SAML_CHANGED = "sso.saml_changed"
TEXT_FIELDS = SamlConnection.TEXT_FIELDS
LOOPBACK_SUFFIXES = (".localhost",)
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class SamlSettings:
    label: str
    idp_entity_id: str
    sso_url: str
    x509cert: str
    slo_url: str = ""
    email_attribute: str = ""
    first_name_attribute: str = ""
    last_name_attribute: str = ""
    enabled: bool = True


def _check_url(value: str, field: str) -> str:
    """https, or http on this machine only (a test directory, `make run`)."""
    try:
        URLValidator(schemes=["https", "http"])(value)
    except ValidationError:
        raise ValidationError(
            {field: _("Saisissez une adresse web complète (https://…).")}
        ) from None
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    local = host in LOOPBACK_HOSTS or host.endswith(LOOPBACK_SUFFIXES)
    if parts.scheme != "https" and not (local and settings.ENTENTE_SCHEME == "http"):
        raise ValidationError(
            {field: _("L'adresse doit commencer par https:// : la connexion passe par elle.")}
        )
    return value


def normalised_certificate(text: str) -> str:
    """The certificate's base64 body (what python3-saml reads), from PEM or bare base64."""
    body = "".join(
        line.strip()
        for line in text.strip().splitlines()
        if line.strip() and not line.startswith("-----")
    )
    pem = "-----BEGIN CERTIFICATE-----\n" + body + "\n-----END CERTIFICATE-----\n"
    try:
        x509.load_pem_x509_certificate(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise ValidationError(
            {
                "x509cert": _(
                    "Ce certificat est illisible : collez le certificat de signature du "
                    "fournisseur, de « -----BEGIN CERTIFICATE----- » à « -----END "
                    "CERTIFICATE----- »."
                )
            }
        ) from None
    return body


def read_idp_metadata(xml: str) -> dict[str, str]:
    """The fields a directory's metadata gives (entity ID, addresses, certificate), so that an
    admin pastes one document instead of four values."""
    try:
        found = OneLogin_Saml2_IdPMetadataParser.parse(xml.strip().encode("utf-8"))
    except Exception:  # lxml's and the parser's many errors: all mean « not metadata »
        found = {}
    idp = found.get("idp") or {}
    if not idp.get("entityId") or not (idp.get("singleSignOnService") or {}).get("url"):
        raise ValidationError(
            {
                "metadata": _(
                    "Ces métadonnées ne décrivent pas un fournisseur d'identité SAML : il y "
                    "manque son identifiant ou son adresse de connexion."
                )
            }
        )
    certificate = idp.get("x509cert") or next(
        iter((idp.get("x509certMulti") or {}).get("signing") or []), ""
    )
    return {
        "idp_entity_id": idp["entityId"],
        "sso_url": idp["singleSignOnService"]["url"],
        "slo_url": (idp.get("singleLogoutService") or {}).get("url", ""),
        "x509cert": certificate,
    }


def clean(values: SamlSettings) -> dict[str, Any]:
    data: dict[str, Any] = {name: str(getattr(values, name) or "").strip() for name in TEXT_FIELDS}
    errors: dict[str, list[str]] = {}
    for name in ("label", "idp_entity_id", "sso_url", "x509cert"):
        if not data[name]:
            errors.setdefault(name, []).append(_("Ce champ est obligatoire."))
    checks = (
        ("sso_url", lambda: _check_url(data["sso_url"], "sso_url")),
        ("slo_url", lambda: _check_url(data["slo_url"], "slo_url")),
        ("x509cert", lambda: normalised_certificate(data["x509cert"])),
    )
    for name, check in checks:
        if data[name] and name not in errors:
            try:
                data[name] = check()
            except ValidationError as error:
                for message in error.message_dict.get(name, []):
                    errors.setdefault(name, []).append(message)
    for name, limit in (("label", 80), ("idp_entity_id", 500), ("sso_url", 500), ("slo_url", 500)):
        if len(data[name]) > limit:
            errors.setdefault(name, []).append(
                _("%(limit)s caractères au plus.") % {"limit": limit}
            )
    if errors:
        raise ValidationError(errors)
    data["enabled"] = bool(values.enabled)
    return data


@transaction.atomic
def set_saml_connection(
    membership: Membership | None, tenant: Tenant, values: SamlSettings
) -> SamlConnection:
    """Creates or changes the collectivité's directory (admins only)."""
    acting = require_team_admin(membership, tenant)
    data = clean(values)
    connection, created = SamlConnection.objects.select_for_update().get_or_create(
        tenant=tenant, defaults={**data, "updated_by": acting.user}
    )
    if not created:
        for name, value in data.items():
            setattr(connection, name, value)
        connection.updated_by = acting.user
        connection.save()
    record_activity(
        actor=acting.user,
        verb=SAML_CHANGED,
        object_type="tenant",
        object_id=tenant.pk,
        summary=(
            _("a proposé la connexion par « %(label)s »")
            if connection.enabled
            else _("a retiré de la page de connexion « %(label)s »")
        )
        % {"label": connection.label},
    )
    publish_on_commit(
        Event(
            SAML_CHANGED,
            tenant_schema=tenant.schema_name,
            payload={
                "changed_by": acting.user_id,
                "label": connection.label,
                "enabled": connection.enabled,
            },
        )
    )
    return connection


@transaction.atomic
def remove_saml_connection(membership: Membership | None, tenant: Tenant) -> None:
    """Removes the directory; the accounts it linked keep their password and other ways in."""
    acting = require_team_admin(membership, tenant)
    connection = SamlConnection.objects.filter(tenant=tenant).first()
    if connection is None:
        return
    connection.delete()
    record_activity(
        actor=acting.user,
        verb=SAML_CHANGED,
        object_type="tenant",
        object_id=tenant.pk,
        summary=_("a supprimé la connexion par « %(label)s »") % {"label": connection.label},
    )
    publish_on_commit(
        Event(
            SAML_CHANGED,
            tenant_schema=tenant.schema_name,
            payload={"changed_by": acting.user_id, "label": connection.label, "enabled": False},
        )
    )
