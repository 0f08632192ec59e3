"""« Ma découverte » (everyone, their own figures) and « Adoption » (the tenant's admins)."""

from __future__ import annotations

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import charts, selectors, services
from .access import may_see_adoption, may_see_discovery


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "federation/forbidden.html", {"message": message}, status=403)


@require_GET
def discovery_page(request: HttpRequest) -> HttpResponse:
    membership = getattr(request, "membership", None)
    if membership is None or not may_see_discovery(membership):
        return _refused(request, _("Cette page est réservée aux membres de la collectivité."))
    discovery = selectors.person_discovery(membership.user_id, request.tenant)  # type: ignore[attr-defined]
    return render(request, "analytics/discovery.html", {"discovery": discovery})


@require_GET
def adoption_page(request: HttpRequest) -> HttpResponse:
    membership = getattr(request, "membership", None)
    if not may_see_adoption(membership):
        return _refused(request, _("Cette page est réservée aux administrateurs."))
    adoption = selectors.tenant_adoption(request.tenant)  # type: ignore[attr-defined]
    return render(
        request,
        "analytics/adoption.html",
        {
            "adoption": adoption,
            "chart": charts.bars(adoption.daily),
            "role_chart": charts.rows(
                [(str(g.label), g.average_percent) for g in adoption.by_role]
            ),
            "service_chart": charts.rows(
                [(str(g.label), g.average_percent) for g in adoption.by_service]
            ),
            "role_height": 24 * len(adoption.by_role) + 8,
            "service_height": 24 * len(adoption.by_service) + 8,
        },
    )


@require_GET
def adoption_csv(request: HttpRequest) -> HttpResponse:
    """The adoption figures as CSV (semicolons, for French spreadsheets): counts, no names."""
    membership = getattr(request, "membership", None)
    if not may_see_adoption(membership):
        return _refused(request, _("Cette page est réservée aux administrateurs."))
    adoption = selectors.tenant_adoption(request.tenant)  # type: ignore[attr-defined]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="adoption.csv"'
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("Fonctionnalité"), _("Personnes"), _("Part (%)")])
    for feature, count in adoption.per_feature:
        writer.writerow([feature.label, count, adoption.share(count)])
    for title, groups in ((_("Rôle"), adoption.by_role), (_("Service"), adoption.by_service)):
        writer.writerow([])
        writer.writerow(
            [
                title,
                _("Personnes"),
                _("Actives (7 jours)"),
                _("Découverte moyenne (%)"),
                _("Actions (30 jours)"),
            ]
        )
        for group in groups:
            writer.writerow(
                [
                    group.label,
                    group.people,
                    group.active_7_days,
                    group.average_percent,
                    group.actions_30_days,
                ]
            )
    writer.writerow([])
    writer.writerow([_("Jour"), _("Actions")])
    for day, count in adoption.daily:
        writer.writerow([day.isoformat(), count])
    return response


@require_POST
def dismiss_suggestion(request: HttpRequest, key: str) -> HttpResponse:
    """« Ne plus me le proposer »: back to the page it was on (HTMX: the suggestion goes)."""
    membership = getattr(request, "membership", None)
    if membership is None or not may_see_discovery(membership):
        return _refused(request, _("Cette page est réservée aux membres de la collectivité."))
    try:
        services.dismiss_suggestion(membership, key)
    except services.UnknownFeatureError:
        raise Http404 from None
    if request.headers.get("HX-Request"):
        return HttpResponse("")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = reverse("analytics:discovery")
    return redirect(back)
