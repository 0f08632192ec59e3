"""The guided tour: one page per stop, then back home; closing it stops the home page's offer.

Thin views: the stops are `selectors.stops_for`'s (built from the navigation), the state is
`entente.accounts.services.close_tour`'s.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from entente.accounts import services as account_services
from entente.core.navigation import request_membership

from .permissions import may_take_tour
from .selectors import Stop, stops_for


def _stops(request: HttpRequest) -> list[Stop]:
    if not may_take_tour(request_membership(request)):
        raise PermissionDenied(
            _("La visite guidée est proposée aux agents, aux élus et aux administrateurs.")
        )
    stops = stops_for(request)
    if not stops:
        raise Http404(_("La visite guidée n'a rien à vous montrer ici."))
    return stops


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    _stops(request)
    return redirect("tour:step", number=1)


@require_GET
def step(request: HttpRequest, number: int) -> HttpResponse:
    stops = _stops(request)
    if not 1 <= number <= len(stops):
        # An old link after the person's pages changed (another role): the nearest step.
        return redirect("tour:step", number=min(max(number, 1), len(stops)))
    context = {
        "stop": stops[number - 1],
        "number": number,
        "total": len(stops),
        "stops": [
            (index, stop, reverse("tour:step", kwargs={"number": index}))
            for index, stop in enumerate(stops, start=1)
        ],
        "previous": reverse("tour:step", kwargs={"number": number - 1}) if number > 1 else "",
        "next": reverse("tour:step", kwargs={"number": number + 1}) if number < len(stops) else "",
    }
    return render(request, "tour/step.html", context)


@require_POST
def close(request: HttpRequest) -> HttpResponse:
    """End of the tour, or « Non merci »: no longer offered on the home page."""
    _stops(request)
    account_services.close_tour(request.user)  # type: ignore[arg-type]
    if request.POST.get("finished"):
        messages.success(
            request,
            _("Visite terminée. Vous pouvez la refaire depuis le menu de votre compte."),
        )
    else:
        messages.success(
            request,
            _("La visite ne vous sera plus proposée. Elle reste dans le menu de votre compte."),
        )
    return redirect("tenant_home")
