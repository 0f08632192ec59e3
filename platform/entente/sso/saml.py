"""A collectivité's SAML identity provider as allauth's `saml` provider sees it.

- **One app per collectivité, built from its `SamlConnection`** (never a `SocialApp` row): its
  `client_id` (allauth's « organization slug ») is the tenant's slug, so its addresses are
  `/comptes/saml/<slug>/…` on the collectivité's own host; its `provider_id` is
  `saml-<slug>`, so two directories that both call someone « jdupont » link two accounts,
  never one.
- **What a collectivité's directory may open.** Unlike ProConnect, any collectivité sets its
  own, a trial one included, so it proves an address only for people who are its own and
  no one else's: an account linked to it before, or one whose verified address it asserts
  and that belongs to this collectivité alone (`may_open_by_address`). Anyone else signs in
  with their password once and links it from their account (`/comptes/3rdparty/`). A newcomer
  gets an account whose address they confirm by e-mail, and a request to join.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialLogin
from django.http import HttpRequest
from django.urls import reverse

from entente.accounts.models import Membership, User
from tenants.models import Tenant

from .models import SamlConnection

PROVIDER = "saml"
PREFIX = "saml-"

# What most directories send (Active Directory FS, Keycloak, LemonLDAP::NG, Shibboleth).
DEFAULT_ATTRIBUTES: dict[str, list[str]] = {
    "email": [
        "urn:oid:0.9.2342.19200300.100.1.3",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "email",
        "mail",
    ],
    "first_name": [
        "urn:oid:2.5.4.42",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "givenName",
        "firstName",
    ],
    "last_name": [
        "urn:oid:2.5.4.4",
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "sn",
        "lastName",
    ],
}


def provider_id(tenant: Tenant) -> str:
    return f"{PREFIX}{tenant.slug}"


def is_saml(sociallogin: SocialLogin) -> bool:
    return str(getattr(sociallogin.provider, "id", "")) == PROVIDER


def service_provider_urls(tenant: Tenant) -> dict[str, str]:
    """What the collectivité's IT declares in its directory: our entity ID (the metadata's
    address), where the directory posts its answer, and where it sends a logout."""
    slug = {"organization_slug": tenant.slug}
    return {
        "entity_id": tenant.url(reverse("saml_metadata", kwargs=slug)),
        "metadata_url": tenant.url(reverse("saml_metadata", kwargs=slug)),
        "acs_url": tenant.url(reverse("saml_acs", kwargs=slug)),
        "sls_url": tenant.url(reverse("saml_sls", kwargs=slug)),
    }


def _mapping(connection: SamlConnection) -> dict[str, list[str]]:
    chosen = {
        "email": connection.email_attribute,
        "first_name": connection.first_name_attribute,
        "last_name": connection.last_name_attribute,
    }
    return {
        key: ([chosen[key]] if chosen[key] else []) + DEFAULT_ATTRIBUTES[key]
        for key in DEFAULT_ATTRIBUTES
    }


def social_app(connection: SamlConnection) -> SocialApp:
    """allauth's app for this connection, in memory."""
    tenant = connection.tenant
    idp: dict[str, Any] = {
        "entity_id": connection.idp_entity_id,
        "sso_url": connection.sso_url,
        "x509cert": connection.x509cert,
    }
    if connection.slo_url:
        idp["slo_url"] = connection.slo_url
    return SocialApp(
        provider=PROVIDER,
        provider_id=provider_id(tenant),
        name=connection.label,
        client_id=tenant.slug,
        settings={
            "idp": idp,
            "sp": {"entity_id": service_provider_urls(tenant)["entity_id"]},
            "attribute_mapping": _mapping(connection),
            # An address in the NameID when no attribute carries one (emailAddress format).
            "use_nameid_for_email": False,
            "advanced": {
                "want_assertion_signed": True,  # an unsigned answer opens nothing
                "reject_idp_initiated_sso": True,  # every sign-in starts on our login page
                "strict": True,
            },
        },
    )


def _slug_of(provider: str | None, client_id: str | None) -> str | None:
    if client_id:
        return client_id
    if provider and provider.startswith(PREFIX):
        return provider[len(PREFIX) :]
    return None


def apps(
    request: HttpRequest | None, provider: str | None, client_id: str | None
) -> list[SocialApp]:
    """The SAML apps matching allauth's query: on a collectivité's host, its own only (the
    login page's button, the SAML addresses); asked by a linked account's provider id from
    anywhere (« Mon compte »), that collectivité's."""
    if provider and provider != PROVIDER and not provider.startswith(PREFIX):
        return []
    connections = SamlConnection.objects.filter(enabled=True).select_related("tenant")
    slug = _slug_of(provider, client_id)
    host_tenant = getattr(request, "tenant", None) if request is not None else None
    if slug is not None:
        connections = connections.filter(tenant__slug=slug)
    elif isinstance(host_tenant, Tenant) and host_tenant.schema_name != "public":
        connections = connections.filter(tenant=host_tenant)
    else:
        return []
    return [social_app(connection) for connection in connections[:1]]


def memberships_elsewhere(user: User, tenant: Tenant) -> bool:
    return Membership.objects.filter(user=user).exclude(tenant=tenant).exists()


def may_open_by_address(user: User, tenant: Tenant, email: str) -> bool:
    """A collectivité's directory opens an existing account by its address only when the
    account is this collectivité's alone: a member here, nowhere else, no vendor staff, and
    the address verified on our side. Otherwise a directory anyone can set would open other
    collectivités' accounts."""
    if user.is_staff or user.is_superuser or not user.is_active:
        return False
    if not Membership.objects.filter(user=user, tenant=tenant).exists():
        return False
    if memberships_elsewhere(user, tenant):
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def ask_to_join_once_confirmed(user: User) -> None:
    """allauth's `email_confirmed`: a newcomer a directory opened proved their address; the
    collectivité whose directory it was now gets their request to join."""
    from entente.signup.joins import request_to_join_as

    slugs = [
        provider[len(PREFIX) :]
        for provider in SocialAccount.objects.filter(
            user=user, provider__startswith=PREFIX
        ).values_list("provider", flat=True)
    ]
    for connection in SamlConnection.objects.filter(tenant__slug__in=slugs).select_related(
        "tenant"
    ):
        if not Membership.objects.filter(user=user, tenant=connection.tenant).exists():
            request_to_join_as(user, connection.tenant, via=connection.label)


def tenant_of(sociallogin: SocialLogin) -> Tenant | None:
    app = getattr(sociallogin.provider, "app", None)
    slug = getattr(app, "client_id", None)
    return Tenant.objects.filter(slug=slug).first() if slug else None


EXPORTED_FIELDS = SamlConnection.SETTINGS_FIELDS
SETTINGS_KEY = "sso.saml"


def export_connection(sender: object, tenant: Tenant, settings: dict[str, Any], **_: Any) -> None:
    """`tenant_exporting`: the directory goes with the export and the backup (no secret in it:
    the directory's public certificate and addresses)."""
    connection = SamlConnection.objects.filter(tenant=tenant).first()
    if connection is not None:
        settings[SETTINGS_KEY] = {name: getattr(connection, name) for name in EXPORTED_FIELDS}


def restore_connection(
    sender: object, tenant: Tenant, settings: dict[str, Any] | None = None, **_: Any
) -> None:
    """`tenant_restored`: the archive's directory, set again (an archive without one leaves
    the tenant's as it is: archives older than this setting hold none)."""
    kept = (settings or {}).get(SETTINGS_KEY)
    if not isinstance(kept, dict):
        return
    values = {name: kept[name] for name in EXPORTED_FIELDS if name in kept}
    SamlConnection.objects.update_or_create(tenant=tenant, defaults=values)
