"""allauth's socialaccount hooks: who a provider may sign in, and what a newcomer gets.

- **An existing account** is opened by the provider's address when the provider vouches for it
  (`email_verified`, or the app's `trust_email`: ProConnect's agents sign in with the
  professional address their administration gave them). The provider is then linked to the
  account, so the next sign-in finds it by its identifier even if the address changed.
- **A newcomer** gets an account (the provider proved the address) and, for the collectivité
  whose page they came from, a request to join it that its admins accept or refuse: a provider
  proves who someone is, never that they work here (`entente.signup.joins`).
- **A collectivité's own SAML directory** proves less: see `entente.sso.saml`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from allauth.account.utils import filter_users_by_email
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.contrib import messages
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from entente.accounts.models import Membership, User
from tenants import routing
from tenants.models import Tenant

from . import saml
from .logout import remember_saml_sign_in
from .userinfo import remember_id_token, signed_userinfo_as_json


def trusts_email(sociallogin: SocialLogin) -> bool:
    app = getattr(sociallogin.provider, "app", None)
    return bool(app is not None and (app.settings or {}).get("trust_email"))


def vouch_for_addresses(sociallogin: SocialLogin) -> None:
    """A provider that vouches for its addresses (`trust_email`) makes them verified."""
    if trusts_email(sociallogin):
        for address in sociallogin.email_addresses:
            address.verified = True


def tenant_of_next(sociallogin: SocialLogin) -> Tenant | None:
    """The collectivité whose page the person started from (the `next` of the sign-in)."""
    target = str(sociallogin.state.get("next") or "")
    host = (urlsplit(target).hostname or "").lower()
    return routing.tenant_for_host(host) if host else None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_requests_session(self) -> Any:
        """Every call to a provider: a signed userinfo (ProConnect's) is read as its claims; the
        ID token is kept in the session for the provider's logout."""
        session = super().get_requests_session()
        session.hooks["response"].extend([signed_userinfo_as_json, remember_id_token])
        return session

    def list_apps(
        self, request: HttpRequest | None, provider: str | None = None, client_id: str | None = None
    ) -> list[SocialApp]:
        """Settings' apps (ProConnect) and, on a collectivité's host, its SAML directory."""
        found: list[SocialApp] = super().list_apps(request, provider=provider, client_id=client_id)
        return found + saml.apps(request, provider, client_id)

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        """A collectivité's directory asserting the address of an account it may not open: the
        person is told to sign in with their password and link it from their account. A sign-in
        it may make is remembered for the directory's logout, with ours (`logout`)."""
        if not saml.is_saml(sociallogin):
            return
        tenant = saml.tenant_of(sociallogin)
        linking = sociallogin.state.get("process") == AuthProcess.CONNECT
        if not sociallogin.is_existing and not linking:
            for address in sociallogin.email_addresses:
                if filter_users_by_email(address.email):
                    raise ImmediateHttpResponse(
                        render(
                            request,
                            "sso/link_first.html",
                            {"provider_name": sociallogin.provider.name, "tenant": tenant},
                            status=403,
                        )
                    )
        if tenant is not None:
            remember_saml_sign_in(request, tenant.slug, str(sociallogin.account.uid))

    def authenticate_by_email(self, sociallogin: SocialLogin) -> tuple[Any, str] | None:
        if saml.is_saml(sociallogin):
            tenant = saml.tenant_of(sociallogin)
            for address in sociallogin.email_addresses:
                users = filter_users_by_email(address.email, prefer_verified=True)
                if (
                    tenant is not None
                    and len(users) == 1
                    and saml.may_open_by_address(users[0], tenant, address.email)
                ):
                    return users[0], address.email
            return None
        vouch_for_addresses(sociallogin)
        return super().authenticate_by_email(sociallogin)

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        """A provider that proved the address may open an account (never a membership); a
        collectivité's directory too, the address then confirmed by e-mail (`saml`)."""
        if saml.is_saml(sociallogin):
            return bool(sociallogin.email_addresses)
        return any(address.verified for address in sociallogin.email_addresses) or trusts_email(
            sociallogin
        )

    def populate_user(
        self, request: HttpRequest, sociallogin: SocialLogin, data: dict[str, Any]
    ) -> User:
        """Our `User` has one `full_name`: ProConnect says `given_name` and `usual_name`."""
        user: User = super().populate_user(request, sociallogin, data)
        claims = sociallogin.account.extra_data
        claims = claims.get("userinfo") or claims.get("id_token") or claims
        first = str(claims.get("given_name") or data.get("first_name") or "").strip()
        last = str(
            claims.get("usual_name") or claims.get("family_name") or data.get("last_name") or ""
        ).strip()
        user.full_name = " ".join(part for part in (first, last) if part)[:150]
        vouch_for_addresses(sociallogin)
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> User:
        """A newcomer: their account, then their request to join the collectivité they came
        from (its admins are told, as for any request)."""
        from entente.signup.joins import request_to_join_as

        user: User = super().save_user(request, sociallogin, form)
        if saml.is_saml(sociallogin):
            return user  # its request waits for the address's confirmation (saml.py)
        tenant = tenant_of_next(sociallogin)
        if tenant is not None and not Membership.objects.filter(user=user, tenant=tenant).exists():
            request_to_join_as(user, tenant, via=sociallogin.provider.name)
            messages.info(
                request,
                _(
                    "Votre compte est créé. Votre demande d'accès à %(tenant)s est envoyée à ses "
                    "administrateurs : vous recevrez un e-mail dès qu'ils l'auront acceptée."
                )
                % {"tenant": tenant.name},
            )
        return user
