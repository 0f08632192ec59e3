"""`/equipe/connexion-unique/`: a collectivité's admins connect its own SAML directory.

The page gives what the directory's IT needs (our entity ID, metadata and answer addresses),
takes the directory's metadata or its four values, and says how many accounts it links.
"""

from __future__ import annotations

from allauth.socialaccount.models import SocialAccount
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from onelogin.saml2.settings import OneLogin_Saml2_Settings

from entente.accounts.models import Membership
from entente.team.permissions import require_team_admin
from tenants.models import Tenant

from . import saml, services
from .forms import SamlConnectionForm
from .models import SamlConnection


def _admin(request: HttpRequest) -> tuple[Membership, Tenant]:
    tenant: Tenant = request.tenant  # type: ignore[attr-defined]
    return require_team_admin(getattr(request, "membership", None), tenant), tenant


def _settings_from(form: SamlConnectionForm) -> services.SamlSettings:
    data = dict(form.cleaned_data)
    metadata = str(data.pop("metadata", "") or "").strip()
    if metadata:
        data.update(services.read_idp_metadata(metadata))
    return services.SamlSettings(**{k: v for k, v in data.items() if v is not None})


@require_http_methods(["GET", "POST"])
def saml_page(request: HttpRequest) -> HttpResponse:
    membership, tenant = _admin(request)
    connection = SamlConnection.objects.filter(tenant=tenant).first()
    if request.method == "POST" and "remove" in request.POST:
        services.remove_saml_connection(membership, tenant)
        messages.success(request, _("La connexion par l'annuaire est supprimée."))
        return redirect("sso:saml")
    form = SamlConnectionForm(
        request.POST if request.method == "POST" else None,
        instance=connection,
        initial=None
        if connection
        else {"label": _("Annuaire de %(tenant)s") % {"tenant": tenant.name}, "enabled": True},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_saml_connection(membership, tenant, _settings_from(form))
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("La connexion par l'annuaire est enregistrée."))
            return redirect("sso:saml")
    context = {
        "tenant": tenant,
        "form": form,
        "connection": connection,
        "service_provider": saml.service_provider_urls(tenant),
        "linked": SocialAccount.objects.filter(provider=saml.provider_id(tenant)).count(),
    }
    return render(request, "sso/saml.html", context, status=400 if form.errors else 200)


@require_GET
def service_provider_metadata(request: HttpRequest, organization_slug: str) -> HttpResponse:
    """Our SAML metadata on a collectivité's host, at allauth's address, before any directory
    is set: its IT declares Entente first, then gives the admins the directory's values."""
    tenant = getattr(request, "tenant", None)
    if not isinstance(tenant, Tenant) or tenant.slug != organization_slug:
        raise Http404
    urls = saml.service_provider_urls(tenant)
    metadata = OneLogin_Saml2_Settings(
        settings={
            "strict": True,
            "sp": {
                "entityId": urls["entity_id"],
                "assertionConsumerService": {
                    "url": urls["acs_url"],
                    "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
                },
                "singleLogoutService": {
                    "url": urls["sls_url"],
                    "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
                },
            },
            "security": {"wantAssertionsSigned": True},
        },
        sp_validation_only=True,
    ).get_sp_metadata()
    return HttpResponse(metadata, content_type="application/samlmetadata+xml")
