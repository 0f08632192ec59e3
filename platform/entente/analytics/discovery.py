"""The catalogue of discoverable features: filled by each app in its `ready()`.

A feature is found when the person has done one of its usage events in the tenant. Each
carries a weight (what it counts in the score) and a "how to" link. The registry itself is
`entente.core.discovery` (the ground floor, so that apps need not import this one); the names
below are kept for the apps and tests that import them from here.
"""

from __future__ import annotations

from entente.core.discovery import (
    ActivationReason,
    EventMapping,
    Feature,
    activation_reasons,
    features,
    problems,
    register_activation,
    register_feature,
    register_mapping,
    register_usage,
)

__all__ = [
    "ActivationReason",
    "EventMapping",
    "Feature",
    "activation_reasons",
    "features",
    "problems",
    "register_activation",
    "register_feature",
    "register_mapping",
    "register_usage",
]
