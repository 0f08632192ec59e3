"""allauth hooks: no open sign-up, and where a person lands after logging in."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.http import HttpRequest
from django.urls import reverse

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

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's e-mails greet with the site's name: say "Entente (Legé)", not a host name."""
        request = allauth_context.request
        tenant = getattr(request, "tenant", None)
        name = f"Entente ({tenant.name})" if tenant is not None else "Entente"
        site = SimpleNamespace(name=name, domain=request.get_host())
        super().send_mail(template_prefix, email, {**context, "current_site": site})
