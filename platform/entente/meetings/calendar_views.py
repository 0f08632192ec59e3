"""Calendar pages and feeds: the person's (`/mon-calendrier/`) and a space's.

Three views of the same entries (`calendars`): a month grid, a week (one heading per day, made
for a phone) and a list. Thin: `calendars` reads and decides, these functions lay out periods.
The private iCal feeds answer any client holding the token (`entente.accounts.middleware`
lets `/calendrier/` through): unknown or revoked token, or a space the person may not open: 404.
"""

from __future__ import annotations

import calendar as pycalendar
import datetime
import hashlib
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from entente.accounts.acting import acting_membership
from entente.accounts.models import Membership, User
from entente.spaces.models import Space
from entente.spaces.selectors import access_loaded_space, access_space
from tenants.models import Tenant

from . import calendars, feed

MONTH, WEEK, LIST = "mois", "semaine", "liste"
VIEWS: dict[str, Any] = {
    MONTH: gettext_lazy("Vue mois"),
    WEEK: gettext_lazy("Vue semaine"),
    LIST: gettext_lazy("Vue liste"),
}

Read = Callable[[datetime.date, datetime.date], list[calendars.Entry]]


def _acting(request: HttpRequest) -> Membership:
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:  # the membership middleware admits members only
        raise PermissionDenied(_("Vous n'êtes pas membre de cette collectivité."))
    return membership


def _query(**params: str) -> str:
    return "?" + urlencode(params)


def _period_context(request: HttpRequest, read: Read) -> dict[str, Any]:
    """The period asked for (`vue`, `mois`, `semaine`), its entries and its navigation."""
    today = timezone.localdate()
    view = request.GET.get("vue", MONTH)
    if view not in VIEWS:
        view = MONTH
    if view == WEEK:
        start = calendars.week_of(request.GET.get(WEEK), today)
        end = start + datetime.timedelta(days=7)
        previous = _query(vue=WEEK, semaine=calendars.iso_week(start - datetime.timedelta(7)))
        following = _query(vue=WEEK, semaine=calendars.iso_week(end))
        labels = (_("Semaine précédente"), _("Semaine suivante"))
    else:
        start = calendars.month_of(request.GET.get(MONTH), today)
        end = calendars.next_month(start)
        extra = {"vue": LIST} if view == LIST else {}
        previous = _query(mois=f"{calendars.previous_month(start):%Y-%m}", **extra)
        following = _query(mois=f"{end:%Y-%m}", **extra)
        labels = (_("Mois précédent"), _("Mois suivant"))
    # Switching view keeps today if it is in the period shown, else its first day.
    anchor = today if start <= today < end else start
    switch = {
        MONTH: _query(mois=f"{anchor:%Y-%m}"),
        WEEK: _query(vue=WEEK, semaine=calendars.iso_week(anchor)),
        LIST: _query(mois=f"{anchor:%Y-%m}", vue=LIST),
    }
    entries = read(start, end)
    by_day: dict[datetime.date, list[calendars.Entry]] = {}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    context: dict[str, Any] = {
        "view": view,
        "start": start,
        "last": end - datetime.timedelta(days=1),
        "today": today,
        "entries": entries,
        "previous": {"href": previous, "label": labels[0]},
        "next": {"href": following, "label": labels[1]},
        "views": [
            {"key": key, "label": label, "href": switch[key], "current": key == view}
            for key, label in VIEWS.items()
        ],
    }
    if view == WEEK:
        context["days"] = [
            {"day": day, "entries": by_day.get(day, []), "is_today": day == today}
            for day in (start + datetime.timedelta(days=n) for n in range(7))
        ]
    elif view == MONTH:
        context["weeks"] = [
            [
                {
                    "day": day,
                    "entries": by_day.get(day, []) if day.month == start.month else None,
                    "is_today": day == today,
                }
                for day in week
            ]
            for week in pycalendar.Calendar().monthdatescalendar(start.year, start.month)
        ]
    return context


@require_GET
def my_calendar(request: HttpRequest) -> HttpResponse:
    """The person's meetings, due dates and procedure steps, in every tenant they reach."""
    membership = _acting(request)
    user: User = request.user  # type: ignore[assignment]
    zone = timezone.get_current_timezone()

    def read(start: datetime.date, end: datetime.date) -> list[calendars.Entry]:
        return calendars.entries_across(user, membership, start, end, zone)

    context = _period_context(request, read)
    context["has_feed"] = feed.has_active_token(membership.user_id)
    return render(request, "meetings/my_calendar.html", context)


@require_GET
def space_calendar(request: HttpRequest, space_id: int) -> HttpResponse:
    """A space's meetings, open tasks and procedure steps, for whoever may open the space (each
    kind only where its section is open to them); 404 for anyone else."""
    membership = _acting(request)
    try:
        access = access_space(membership, space_id, tenant=getattr(request, "tenant", None))
    except Space.DoesNotExist:
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas ouvert.")) from None
    zone = timezone.get_current_timezone()

    def read(start: datetime.date, end: datetime.date) -> list[calendars.Entry]:
        return calendars.entries_for(membership, start, end, zone, space=access.space)

    context = _period_context(request, read)
    context["space"] = access.space
    context["has_feed"] = feed.has_active_token(membership.user_id)
    return render(request, "meetings/space_calendar.html", context)


@require_POST
def space_feed_token(request: HttpRequest, space_id: int) -> HttpResponse:
    """A new feed address (the previous one stops), shown with this space's own address."""
    membership = _acting(request)
    try:
        access = access_space(membership, space_id, tenant=getattr(request, "tenant", None))
    except Space.DoesNotExist:
        raise Http404(_("Cet espace n'existe pas ou ne vous est pas ouvert.")) from None
    raw = feed.issue_feed_token(membership)
    mine = request.build_absolute_uri(reverse("meetings:feed", kwargs={"token": raw}))
    space_url = request.build_absolute_uri(
        reverse("meetings:space_feed", kwargs={"space_id": access.space.pk, "token": raw})
    )
    messages.success(
        request,
        _(
            "Adresse d'abonnement de cet espace (gardez-la pour vous, elle n'est affichée "
            "qu'une fois) : %(space_url)s — celle de tout votre calendrier : %(url)s"
        )
        % {"space_url": space_url, "url": mine},
    )
    return redirect("meetings:space_calendar", space_id=access.space.pk)


def _feed_membership(request: HttpRequest, token: str) -> tuple[Tenant, Membership]:
    tenant: Tenant | None = getattr(request, "tenant", None)
    person_id = feed.person_of_token(token)
    user = User.objects.filter(pk=person_id, is_active=True).first() if person_id else None
    membership = acting_membership(user, tenant) if user is not None and tenant else None
    if membership is None or tenant is None:
        raise Http404(_("Ce flux de calendrier n'existe pas ou a été révoqué."))
    return tenant, membership


def _feed_response(request: HttpRequest, built: calendars.Feed) -> HttpResponse:
    """The feed, or 304 when the client holds it already (clients poll every few minutes)."""
    etag = '"' + hashlib.sha256(built.body).hexdigest()[:32] + '"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(built.body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    if built.last_modified is not None:
        response["Last-Modified"] = http_date(built.last_modified.timestamp())
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The person's private iCal feed in this tenant: no session, the token is the key."""
    tenant, membership = _feed_membership(request, token)
    built = calendars.feed_of(
        tenant, membership, timezone.localdate(), timezone.get_current_timezone()
    )
    return _feed_response(request, built)


@require_GET
def space_feed(request: HttpRequest, space_id: int, token: str) -> HttpResponse:
    """A space's calendar as the token's holder may see it; 404 if they may not open it."""
    tenant, membership = _feed_membership(request, token)
    space = Space.objects.filter(pk=space_id).first()
    try:
        if space is None:
            raise Space.DoesNotExist
        access_loaded_space(membership, space, tenant=tenant)
    except Space.DoesNotExist:
        raise Http404(_("Ce flux de calendrier n'existe pas ou a été révoqué.")) from None
    built = calendars.feed_of(
        tenant, membership, timezone.localdate(), timezone.get_current_timezone(), space=space
    )
    return _feed_response(request, built)
