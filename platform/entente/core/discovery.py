"""What each app declares to usage analytics and the discovery score, as space sections are.

The analytics app (`entente.analytics`) knows no feature by name: every app registers, in its
`AppConfig.ready()`, the usage events it stands for, how its published events map to them,
the features a person may discover, and what counts towards a trial's activation::

    from entente.core.discovery import Feature, register_feature, register_usage

    register_usage("task.created", _("Tâche créée"))  # an activity verb counted as it is
    register_usage("task.assigned", _("Tâche attribuée"), activity=False)
    register_mapping(EventMapping("task.assigned", "task.assigned", actor="actor_id"))
    register_feature(Feature("create_task", _("Créer une tâche"), 10,
                             frozenset({"task.created"}), "spaces:list", _("…"), order=10))
    register_activation(ActivationReason("tasks", _("Des tâches créées"),
                                         frozenset({"task.created"}), order=40))

This module is the ground floor (it imports no app); `entente.analytics.discovery` and
`entente.analytics.catalogue` read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

Label = str | Promise


@dataclass(frozen=True)
class Feature:
    key: str
    label: Label
    weight: int
    events: frozenset[str]  # usage names (register_usage)
    how_to: str  # URL name of a page every member of any tenant may open ("" for none)
    hint: Label = ""
    order: int = 100  # the order in which we suggest trying them (smaller first)
    # URL names of the pages where a gentle suggestion to try it may be shown ("" for none)
    suggest_on: frozenset[str] = frozenset()

    def how_to_url(self) -> str:
        if not self.how_to:
            return ""
        try:
            return reverse(self.how_to)
        except NoReverseMatch:
            return ""


@dataclass(frozen=True)
class EventMapping:
    """A published event (`entente.core.events`) that stands for a usage name.

    `actor` is the payload key holding who did it; `requires` a payload key that must be
    truthy (e.g. `via_tenant_id` for a federated join)."""

    event: str
    usage: str
    actor: str = "actor_id"
    kind: str = ""
    requires: str = ""


@dataclass(frozen=True)
class ActivationReason:
    """Something a trial has done (one of `events` happened in the tenant) that counts
    towards its activation score, shown to vendor staff with its label."""

    key: str
    label: Label
    events: frozenset[str]
    order: int = 100


_usage: dict[str, Label] = {}
_activity_verbs: set[str] = set()
_mappings: dict[str, list[EventMapping]] = {}
_features: dict[str, Feature] = {}
_activation: dict[str, ActivationReason] = {}


def register_usage(name: str, label: Label, *, activity: bool = True) -> None:
    """A usage name the log may hold; `activity`: an activity verb of the same name counts."""
    _usage[name] = label
    if activity:
        _activity_verbs.add(name)


def register_mapping(mapping: EventMapping) -> None:
    existing = _mappings.setdefault(mapping.event, [])
    if mapping not in existing:
        existing.append(mapping)


def register_feature(feature: Feature) -> None:
    _features[feature.key] = feature


def register_activation(reason: ActivationReason) -> None:
    _activation[reason.key] = reason


def usage_names() -> dict[str, Label]:
    """The live catalogue (the same dict every time: apps add to it in `ready()`)."""
    return _usage


def is_activity_verb(name: str) -> bool:
    return name in _activity_verbs


def mappings_for(event_name: str) -> list[EventMapping]:
    return _mappings.get(event_name, [])


def features() -> list[Feature]:
    return sorted(_features.values(), key=lambda f: f.order)


def activation_reasons() -> list[ActivationReason]:
    return sorted(_activation.values(), key=lambda r: r.order)


def problems() -> list[str]:
    """What the registrations got wrong (a feature or reason counting an unknown name)."""
    found = []
    items: list[Feature | ActivationReason] = [*_features.values(), *_activation.values()]
    for item in items:
        unknown = item.events - set(_usage)
        if unknown:
            found.append(f"{item.key}: usage names not registered: {sorted(unknown)}")
    for mappings in _mappings.values():
        found += [f"{m.event}: {m.usage} not registered" for m in mappings if m.usage not in _usage]
    return found
