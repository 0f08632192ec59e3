"""`{% sso_buttons %}`: the identity providers' buttons of the login page, on every host.

A collectivité's own directory (SAML) signs in on its host, first. ProConnect's sign-in runs
on the platform's domain (one redirect URI to declare to the provider); a collectivité's login
page posts there with `next` set to its own page, and the person comes
back to it signed in (the session cookie is the parent domain's).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse

from entente.core.links import local_target, platform_url

from .. import saml

register = template.Library()


@register.inclusion_tag("sso/_buttons.html", takes_context=True)
def sso_buttons(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    directories = saml.apps(request, None, None) if request is not None else []
    if request is None or not (apps or directories):
        return {"providers": [], "directories": []}
    tenant = getattr(request, "tenant", None)
    target = local_target(request, request.GET.get("next"), "/")
    directories_buttons = [
        {
            "id": app.provider_id,
            "name": app.name,
            "action": reverse("saml_login", kwargs={"organization_slug": app.client_id}),
        }
        for app in directories
    ]
    providers = [
        {
            "id": app["provider_id"],
            "name": app["name"],
            "action": platform_url(
                reverse(
                    "openid_connect_login",
                    kwargs={"provider_id": app["provider_id"]},
                    urlconf=settings.PUBLIC_SCHEMA_URLCONF,
                )
            ),
        }
        for app in apps
    ]
    return {
        "providers": providers,
        "directories": directories_buttons,
        "local_next": target,
        "next": tenant.url(target) if tenant is not None else target,
        "csrf_token": context.get("csrf_token"),
    }
