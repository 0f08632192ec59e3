"""Pages about the person: on the bare domain, which collectivité to open and personal API
tokens; on a collectivité's host, why its two-factor policy stops them and how to comply."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn import views as allauth_webauthn_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from entente.core.links import local_target
from tenants.models import MfaPolicy, Tenant

from . import mfa
from .forms import ApiTokenForm
from .models import User
from .selectors import api_tokens_of, memberships_of
from .services import create_api_token, revoke_api_token


@login_required
def choose_tenant(request: HttpRequest) -> HttpResponse:
    """The person's collectivités, each a link to its subdomain; or why there is none."""
    memberships = list(memberships_of(request.user))  # type: ignore[arg-type]
    return render(request, "accounts/choose_tenant.html", {"memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The person's API tokens; a new one is shown on this response only, then never again."""
    user: User = request.user  # type: ignore[assignment]
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token = create_api_token(
                user, name=form.cleaned_data["name"], expires_at=form.expires_at()
            )
        except ValidationError as error:
            for field, errors in getattr(error, "error_dict", {None: error.error_list}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = ApiTokenForm()
    context = {"form": form, "new_token": new_token, "tokens": list(api_tokens_of(user))}
    response = render(
        request, "accounts/api_tokens.html", context, status=400 if form.errors else 200
    )
    add_never_cache_headers(response)  # the one page that ever shows the secret
    return response


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    # Someone else's token answers as a missing one.
    token = api_tokens_of(user).filter(pk=token_id).first()
    if token is None:
        raise Http404(_("Ce jeton n'existe pas."))
    revoke_api_token(user, token)
    messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("api_tokens")


@never_cache
@require_GET
def mfa_required(request: HttpRequest) -> HttpResponse:
    """The collectivité asks this person for a second factor: why, and the two ways to add one.
    Once they have one, the page sends them on to where they were going."""
    tenant: Tenant = request.tenant  # type: ignore[attr-defined]
    membership = request.membership  # type: ignore[attr-defined]
    target = local_target(request, request.GET.get("next"), "/")
    if not mfa.lacks_required_factor(tenant, membership):
        return redirect(target)
    context = {
        "tenant": tenant,
        "policy": MfaPolicy(tenant.mfa_required_for),
        "security_keys": "webauthn" in settings.MFA_SUPPORTED_TYPES,
        "next": target,
    }
    return render(request, "accounts/mfa_required.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def remove_security_key(request: HttpRequest, pk: int) -> HttpResponse:
    """allauth's removal of a security key, which asks no adapter: refused while it is the last
    second factor of someone a collectivité's policy covers (TOTP's removal asks
    `MFAAdapter.can_delete_authenticator`, the same rule)."""
    key = Authenticator.objects.filter(
        pk=pk, user_id=request.user.pk, type=Authenticator.Type.WEBAUTHN
    ).first()
    if request.method == "POST" and key is not None and not mfa.may_remove(key):
        messages.error(request, str(mfa.REMOVAL_REFUSAL))
        return redirect("mfa_list_webauthn")
    return allauth_webauthn_views.remove_webauthn(request, pk=pk)
