"""The inbox (`/notifications/`) and the preferences (`/mon-compte/notifications/`).

On every tenant host (`TenantMembershipMiddleware` has required that the person reaches the
host's tenant) and on the bare domain (any logged-in person). Either way a person sees and
changes only their own notifications, from all their tenants: another's answers as missing.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from entente.accounts.models import User
from entente.analytics.services import note_use
from entente.core.links import local_target

from . import preferences, selectors, services
from .forms import INHERIT, InboxFilterForm, PreferencesForm
from .models import NotificationKind

PAGE_SIZE = 30


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@require_GET
def inbox_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = InboxFilterForm(request.GET or None, tenants=selectors.tenants_in_inbox(user))
    values = form.cleaned_data if form.is_valid() else {}
    rows = selectors.filtered(
        user,
        unread=bool(values.get("unread")),
        tenant_id=values.get("tenant"),
        kind=values.get("kind") or "",
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode(
        {k: v for k, v in request.GET.items() if k in {"unread", "tenant", "kind"} and v}
    )
    context = {
        "form": form,
        "page": page,
        "items": page.object_list,
        "query": query,
        "unread": selectors.unread_count(user),
        "filtered": bool(query),
    }
    return render(request, "notifications/inbox.html", context)


def _back(request: HttpRequest) -> HttpResponse:
    return redirect(local_target(request, request.POST.get("next"), reverse("notifications:list")))


@login_required
@require_POST
def mark_read(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not services.mark_read(user, pk):
        raise Http404
    if getattr(request, "htmx", False):
        item = selectors.own(user, pk)
        return render(
            request,
            "notifications/_item.html",
            {"item": item, "unread": selectors.unread_count(user), "oob_count": True},
        )
    return _back(request)


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(_user(request))
    if count:
        messages.success(
            request,
            _("%(n)s notification(s) marquée(s) comme lue(s).") % {"n": count},
        )
    return _back(request)


@login_required
@require_GET
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow the link of one's notification, marking it read on the way."""
    user = _user(request)
    item = selectors.own(user, pk)
    if item is None:
        raise Http404
    services.mark_read(user, pk)
    return HttpResponseRedirect(item.url or "/notifications/")


@login_required
@require_http_methods(["GET", "POST"])
def preferences_page(request: HttpRequest) -> HttpResponse:
    """Per kind a delivery; on a tenant host, overrides for the person's spaces there."""
    user = _user(request)
    tenant = getattr(request, "tenant", None)
    membership = getattr(request, "membership", None)
    spaces: list[tuple[int, str]] = []
    overrides: dict[tuple[str, int], str] = {}
    if tenant is not None and membership is not None and tenant.schema_name != "public":
        from entente.spaces.selectors import my_spaces

        spaces = list(my_spaces(membership).order_by("name").values_list("pk", "name"))
        overrides = selectors.space_overrides(user, tenant.pk)
    form = PreferencesForm(
        request.POST or None,
        current=selectors.general_preferences(user),
        spaces=spaces,
        overrides=overrides,
    )
    if request.method == "POST" and form.is_valid():
        tenant_id = tenant.pk if tenant is not None else None
        with transaction.atomic():
            for kind in NotificationKind.values:
                preferences.set_preference(user.pk, kind, form.cleaned_data[f"kind_{kind}"])
                for space_id, _name in spaces:
                    value = form.cleaned_data.get(f"space_{space_id}_{kind}", INHERIT)
                    if value == INHERIT:
                        preferences.clear_preference(
                            user.pk, kind, tenant_id=tenant_id, space_id=space_id
                        )
                    else:
                        preferences.set_preference(
                            user.pk, kind, value, tenant_id=tenant_id, space_id=space_id
                        )
        note_use(request, "preferences.set")  # the discovery score (entente.analytics)
        messages.success(request, _("Vos préférences de notification sont enregistrées."))
        return redirect("notifications:preferences")
    status = 400 if form.errors else 200
    context = {"form": form, "tenant": tenant if spaces else None}
    return render(request, "notifications/preferences.html", context, status=status)
