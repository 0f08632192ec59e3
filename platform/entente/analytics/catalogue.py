"""The catalogue of usage events: the only names the log may hold (never free text).

Each app registers its names and mappings (`entente.core.discovery`); this app knows none
by name. `from_event` maps what the services already publish (`entente.core.events`) to
catalogue entries; page-level events (a search, notification preferences saved) are recorded by
`entente.analytics.services.record_usage` (buffered in Redis) with one of the names below.
"""

from __future__ import annotations

from dataclasses import dataclass

from entente.core.discovery import Label, is_activity_verb, mappings_for, usage_names
from entente.core.events import Event

# The usage names the apps registered (`entente.core.discovery.register_usage`): the live dict.
USAGE_EVENTS: dict[str, Label] = usage_names()


@dataclass(frozen=True)
class Usage:
    """One catalogue entry that an event stands for, and who did it."""

    name: str
    user_id: int | None
    object_kind: str


def from_event(event: Event) -> list[Usage]:
    """The usage entries an event stands for (none for most: reads, notifications, …)."""
    payload = event.payload
    if event.name == "activity.recorded":
        verb = str(payload.get("verb", ""))
        if is_activity_verb(verb):
            kind = str(payload.get("object_type", ""))[:32]
            return [Usage(verb, _int(payload.get("actor_id")), kind)]
        return []
    return [
        Usage(m.usage, _int(payload.get(m.actor)), m.kind)
        for m in mappings_for(event.name)
        if not m.requires or payload.get(m.requires)
    ]


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
