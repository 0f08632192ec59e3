"""The élus' link (`elected_link`): opening it, revoking one's links, the tenant's choice.

Thin: `elected_link` checks and writes. Every refused link gets the same French page, with the
same status, whatever was wrong with it (nothing learnt by trying tokens).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from entente.accounts.models import Membership
from tenants.models import Tenant

from . import elected, elected_link


def _tenant(request: HttpRequest) -> Tenant:
    tenant: Tenant | None = getattr(request, "tenant", None)
    if tenant is None:
        raise Http404
    return tenant


@never_cache
@require_GET
def open_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the élus' e-mails (open path: the token is the key, see `elected_link`)."""
    tenant = _tenant(request)
    person = elected_link.person_of_token(token, tenant)
    if person is None:
        login = f"{reverse('account_login')}?{urlencode({'next': elected_link.PAGE})}"
        return render(
            request, "meetings/elected_link_refused.html", {"login_url": login}, status=403
        )
    elected_link.open_grant(request, person, tenant, token)
    return redirect("meetings:elected")


@require_POST
def revoke_links(request: HttpRequest) -> HttpResponse:
    """The élu's links sent so far stop working (a lost phone, a forwarded e-mail)."""
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None or not elected.may_open(membership):
        raise PermissionDenied(_("Cette page est celle des élus."))
    elected_link.revoke_links(membership)
    done = _("Vos anciens liens ne fonctionnent plus ; vos prochains e-mails en auront un neuf.")
    messages.success(request, done)
    return redirect("meetings:elected")


class PolicyForm(forms.Form):
    sign_in = forms.BooleanField(
        label=gettext_lazy("Le lien des e-mails ouvre « Mes séances » sans mot de passe"),
        required=False,
        help_text=gettext_lazy(
            "Décoché, le lien demande le mot de passe de l'élu une fois, puis ouvre la page."
        ),
    )


@require_http_methods(["GET", "POST"])
def link_policy(request: HttpRequest) -> HttpResponse:
    """The tenant's admins choose whether the élus' link signs them in (« Mes séances » only)."""
    tenant = _tenant(request)
    membership: Membership | None = getattr(request, "membership", None)
    if not elected_link.may_set_policy(membership):
        return render(
            request,
            "federation/forbidden.html",
            {
                "message": _("Cette page est réservée aux administrateurs de %(tenant)s.")
                % {"tenant": tenant.name}
            },
            status=403,
        )
    assert membership is not None
    # An unticked box posts nothing: the form is bound by the method, not by its data.
    data = request.POST if request.method == "POST" else None
    form = PolicyForm(data, initial={"sign_in": elected_link.policy_allows()})
    if form.is_valid():
        elected_link.set_policy(membership, sign_in=form.cleaned_data["sign_in"])
        messages.success(request, _("Votre choix est enregistré."))
        return redirect("meetings:elected_link_policy")
    return render(
        request,
        "meetings/elected_link_policy.html",
        {"form": form, "days": elected_link.max_age().days},
    )
