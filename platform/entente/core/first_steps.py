"""The first steps a new collectivité's admins are shown on the home page, until done.

Each app that owns a step registers it (`AppConfig.ready`): a label, the page that does it and
how to tell it is done in this tenant (read in the tenant's schema, cheap: an `exists()`). The
home page (`entente.spaces.views.tenant_home`) lists them for admins, with a tick for those
done, until all are done or the admin hides them. The ground floor imports no app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class FirstStep:
    key: str
    label: str | Promise
    hint: str | Promise  # one sentence: why do it
    url_name: str
    done: Callable[[Any], bool]  # the tenant → is it done?
    order: int = 100


@dataclass(frozen=True)
class StepState:
    key: str
    label: str | Promise
    hint: str | Promise
    href: str
    done: bool


_steps: dict[str, FirstStep] = {}


def register_first_step(step: FirstStep) -> None:
    """Add or replace (same key) a step; idempotent, so `ready()` may run twice."""
    _steps[step.key] = step


def first_steps(tenant: Any) -> list[StepState]:
    """Every registered step for `tenant`, in order, each with its address and whether done."""
    return [
        StepState(step.key, step.label, step.hint, reverse(step.url_name), bool(step.done(tenant)))
        for step in sorted(_steps.values(), key=lambda s: (s.order, s.key))
    ]
