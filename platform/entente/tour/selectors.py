"""The tour as one person sees it: the registered stops whose page their navigation shows."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import Promise

from entente.core.navigation import links_for
from entente.core.tour import tour_stops


@dataclass(frozen=True)
class Stop:
    key: str
    label: str | Promise  # the navigation entry's label: the words the person will see there
    text: str | Promise
    where: str | Promise
    href: str


def stops_for(request: HttpRequest) -> list[Stop]:
    """The stops this person may follow, in order: a stop shows when its navigation entry does
    (the same `visible` answer as the menus), with that entry's label and address."""
    stops = tour_stops()
    links = {
        menu: {link.key: link for link in links_for(request, menu)}
        for menu in {stop.menu for stop in stops}
    }
    found = []
    for stop in stops:
        link = links[stop.menu].get(stop.entry)
        if link is not None:
            found.append(Stop(stop.key, link.label, stop.text, stop.where, link.href))
    return found
