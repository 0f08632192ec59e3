"""The guided tour offered to a newcomer: a few stops, each a page of the navigation.

Each app that owns a page worth showing registers a stop next to its navigation entry
(`AppConfig.ready`), naming that entry: a stop is shown exactly when its entry is shown to the
person (`entente.core.navigation.links_for`), so the tour never leads to a page that would
refuse them, and its address is the entry's. The tour's pages are `entente.tour`'s; this
module is the ground floor and imports no app.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

Text = str | Promise


@dataclass(frozen=True)
class TourStop:
    key: str
    menu: str  # the navigation menu (entente.core.navigation) holding the page shown
    entry: str  # that menu's entry key
    text: Text  # what the page is for, in a sentence or two, for someone who dislikes computers
    where: Text  # where it is found from any page
    order: int = 100  # smaller first


_stops: dict[str, TourStop] = {}


def register_tour_stop(stop: TourStop) -> None:
    """Add or replace (same key) a stop; idempotent, so `ready()` may run twice."""
    _stops[stop.key] = stop


def tour_stops() -> list[TourStop]:
    return sorted(_stops.values(), key=lambda stop: (stop.order, stop.key))
