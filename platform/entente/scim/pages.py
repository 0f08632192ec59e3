"""`/equipe/provisionnement/`: a collectivité's admins give its directory a SCIM token."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from entente.team.permissions import require_team_admin

from . import resources, services
from .models import ScimToken, ScimUser


@never_cache  # the new token is shown once, on the answer to the POST
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    tenant = request.tenant  # type: ignore[attr-defined]
    membership = require_team_admin(getattr(request, "membership", None), tenant)
    new_token = None
    if request.method == "POST":
        if "revoke" in request.POST:
            services.revoke_token(membership, tenant)
            messages.success(request, _("Le jeton est révoqué : l'annuaire n'a plus accès."))
            return redirect("scim:settings")
        new_token = services.new_token(membership, tenant)
    context = {
        "tenant": tenant,
        "token": ScimToken.objects.filter(tenant=tenant).first(),
        "new_token": new_token,
        "base_url": resources.base_url(tenant),
        "provisioned": ScimUser.objects.filter(tenant=tenant).count(),
        "deactivated": ScimUser.objects.filter(tenant=tenant, active=False).count(),
    }
    return render(request, "scim/settings.html", context)
