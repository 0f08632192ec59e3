"""allauth hooks: no open sign-up, where a person lands after logging in, and the second factors
a collectivité's policy makes a person keep."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from . import mfa
from .selectors import memberships_of


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """People join by invitation or by the trial sign-up, not by allauth's sign-up form."""
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Where to go after logging in when no `next` was asked for.

        On a tenant's host: that tenant's home. On the bare domain: the person's only tenant,
        or the page listing their tenants (which also explains what to do when there is none).
        """
        if getattr(request, "tenant", None) is not None:
            return "/"
        memberships = list(memberships_of(request.user)[:2])  # type: ignore[arg-type]
        if len(memberships) == 1:
            return memberships[0].tenant.url("/")
        return reverse("choose_tenant")

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """Not for a person who logged in minutes ago: asked for a second factor right after
        logging in (a collectivité's policy), typing the password again would be one step too
        many. Later, within the same session, sensitive changes ask for it again as usual."""
        request = allauth_context.request
        records = request.session.get(AUTHENTICATION_METHODS_SESSION_KEY) if request else None
        if isinstance(records, list) and records:
            logged_in_at = records[0].get("at")
            window = settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
            if isinstance(logged_in_at, int | float) and time.time() - logged_in_at < window:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        """After a ProConnect sign-in, through ProConnect's logout, then back to the platform."""
        from entente.sso.logout import provider_logout_url

        return provider_logout_url(request) or super().get_logout_redirect_url(request)

    def is_safe_url(self, url: str) -> bool:
        """Also a collectivité's page on the platform's own port: an identity provider's
        sign-in runs on the platform's domain and returns there (entente.sso). allauth's
        check reads `.entente.localhost` in ALLOWED_HOSTS without a port, as in production."""
        if super().is_safe_url(url):
            return True
        parts = urlsplit(url)
        host, domain = (parts.hostname or "").lower(), settings.ENTENTE_DOMAIN
        try:
            port = parts.port
        except ValueError:  # « :abc »
            return False
        expected = int(settings.ENTENTE_PORT) if settings.ENTENTE_PORT else None
        return (
            parts.scheme == settings.ENTENTE_SCHEME
            and (host == domain or host.endswith(f".{domain}"))
            and port == expected
        )

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's e-mails greet with the site's name: say "Entente (Legé)", not a host name."""
        request = allauth_context.request
        tenant = getattr(request, "tenant", None)
        name = f"Entente ({tenant.name})" if tenant is not None else "Entente"
        site = SimpleNamespace(name=name, domain=request.get_host())
        super().send_mail(template_prefix, email, {**context, "current_site": site})


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": mfa.REMOVAL_REFUSAL,
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Not the last second factor of someone a collectivité's policy covers."""
        return mfa.may_remove(authenticator)

    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        """Security keys belong to the platform's domain, not to one collectivité's host: a key
        added on Legé's host opens the EPCI's too (one account across every collectivité).
        A collectivité on its own custom domain keeps its host."""
        entity = super().get_public_key_credential_rp_entity()
        host, domain = entity["id"], settings.ENTENTE_DOMAIN
        if host == domain or host.endswith(f".{domain}"):
            entity["id"] = domain
        return entity
