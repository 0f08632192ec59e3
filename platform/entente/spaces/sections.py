"""The sections of a space's home page, contributed by the apps that own their content.

A capability app (tasks, checklists, discussions…) registers its section in its
`AppConfig.ready()`::

    from entente.spaces.sections import SpaceSection, register_section

    register_section(SpaceSection(
        key="tasks", title=_("Tâches"), template="tasks/_space_tasks.html",
        context=space_tasks_context, order=10,
    ))

`context(request, access)` receives the `selectors.SpaceAccess` (space, role, abilities,
membership) already checked by the page, and returns what the template needs; the template
gets that plus `space`, `abilities` and `section`. Spaces thus never import the apps that fill
them, and a section whose template is missing is left out (logged) rather than breaking the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.http import HttpRequest

    from .selectors import SpaceAccess

SectionContext = Callable[["HttpRequest", "SpaceAccess"], dict[str, Any]]


@dataclass(frozen=True)
class SpaceSection:
    key: str  # unique; also the HTML id of the section (`section-<key>`)
    title: str | Promise
    template: str
    context: SectionContext | None = None
    order: int = 100  # smaller first; members (900) and activity (1000) close the page


_sections: dict[str, SpaceSection] = {}


def register_section(section: SpaceSection) -> None:
    """Add or replace (same key) a section; idempotent, so `ready()` may run twice."""
    _sections[section.key] = section


def unregister_section(key: str) -> None:
    _sections.pop(key, None)


def space_sections() -> list[SpaceSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))
