"""A tenant's administration pages (its host, /administration/): export and support access.

Admins only: other members get a 403 that says so. Both pages work in a read-only tenant as
far as reading goes (the export is a GET); granting or revoking an access is a write, refused
there like any other (entente.trials.middleware).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tenants.export import build_archive, exporters
from tenants.models import Tenant

from . import selectors, services
from .forms import SupportGrantForm
from .models import SupportGrant


def admins_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        tenant: Tenant | None = getattr(request, "tenant", None)
        if tenant is None:
            raise Http404
        membership = getattr(request, "membership", None)
        if membership is None or not membership.is_admin:
            return render(
                request,
                "federation/forbidden.html",
                {
                    "message": _("Cette page est réservée aux administrateurs de %(tenant)s.")
                    % {"tenant": tenant.name}
                },
                status=403,
            )
        return view(request, tenant, *args, **kwargs)

    return wrapper


@admins_only
@require_GET
def export_page(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    return render(
        request, "administration/export.html", {"files": [f"{name}.json" for name in exporters()]}
    )


@admins_only
@require_GET
def export_download(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    archive = build_archive(tenant)
    filename = f"entente-{tenant.slug}-{timezone.localdate():%Y-%m-%d}.zip"
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@admins_only
@require_http_methods(["GET", "POST"])
def support_page(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    form = SupportGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.grant_support(
                tenant,
                granted_by=request.user,  # type: ignore[arg-type]
                duration=form.cleaned_data["duration"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Accès support accordé jusqu'au %(date)s.")
                % {"date": timezone.localtime(grant.expires_at).strftime("%d/%m/%Y %H:%M")},
            )
            return redirect("administration:support")
    page = Paginator(selectors.support_log_of(tenant), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "administration/support.html",
        {
            "form": form,
            "grant": selectors.active_grant(tenant),
            "grants": selectors.grants_of(tenant)[:20],
            "page": page,
        },
    )


@admins_only
@require_POST
def support_revoke(request: HttpRequest, tenant: Tenant, grant_id: int) -> HttpResponse:
    grant = get_object_or_404(SupportGrant, pk=grant_id, tenant=tenant)
    services.revoke_support(grant, revoked_by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Accès support révoqué : l'équipe Entente n'a plus accès."))
    return redirect("administration:support")
