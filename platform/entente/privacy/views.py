"""The person's own data (`/mon-compte/donnees/`, bare domain): export across every tenant
(built by Celery, polled with HTMX, a link by e-mail), and the erasure of the account."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from entente.accounts.models import User

from . import selectors, services

CONFIRMATION = "EFFACER"


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    latest = selectors.latest_export(user)
    context = {
        "latest": latest,
        "tenants": services.reached_tenants(user),
        "confirmation": CONFIRMATION,
    }
    return render(request, "privacy/home.html", context)


@login_required
@require_POST
def export_request(request: HttpRequest) -> HttpResponse:
    services.request_personal_export(request.user)  # type: ignore[arg-type]
    messages.success(request, _("L'export est en préparation : un lien vous sera envoyé."))
    return redirect("privacy:home")


@never_cache
@login_required
@require_GET
def export_progress(request: HttpRequest, export_id: int) -> HttpResponse:
    made = selectors.export_of(request.user, export_id)  # type: ignore[arg-type]
    if made is None:
        raise Http404(_("Cet export n'existe pas."))
    return render(request, "privacy/_progress.html", {"latest": made})


@login_required
@require_GET
def export_download(request: HttpRequest, token: str) -> FileResponse:
    """Only by the person it belongs to, until it expires; anyone else meets a 404."""
    made = services.downloadable(request.user, str(token))  # type: ignore[arg-type]
    if made is None:
        raise Http404(_("Ce lien a expiré ou ne vous est pas destiné."))
    return FileResponse(
        selectors.open_export(made), as_attachment=True, filename="entente-mes-donnees.zip"
    )


@login_required
@require_POST
def erase(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if request.POST.get("confirmation", "").strip() != CONFIRMATION:
        messages.error(
            request, _("Tapez %(word)s pour confirmer l'effacement.") % {"word": CONFIRMATION}
        )
        return redirect("privacy:home")
    services.erase_person(user, requested_by=user)
    logout(request)
    return render(request, "privacy/erased.html")
