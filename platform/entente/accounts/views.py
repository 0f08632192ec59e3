"""Pages about the person on the bare domain: which collectivité to open."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import memberships_of


@login_required
def choose_tenant(request: HttpRequest) -> HttpResponse:
    """The person's collectivités, each a link to its subdomain; or why there is none."""
    memberships = list(memberships_of(request.user))  # type: ignore[arg-type]
    # The header's switcher shows the same list: hand it over rather than query twice.
    context = {"memberships": memberships, "my_memberships": memberships}
    return render(request, "accounts/choose_tenant.html", context)
