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

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from entente.accounts.models import Membership

    from .models import Space
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


# -- What guests (invited citizens) see ------------------------------------------------------------
# Staff see every section. A guest sees, in a public project, the sections its editors opened
# (stored by `entente.citizens`, which installs the policy in its `ready()`), plus the members.
# The recent activity stays closed to guests: it would tell what closed sections hold.
GuestSectionPolicy = Callable[[Sequence[int]], dict[int, frozenset[str]]]
GUEST_ALWAYS_OPEN = frozenset({"members"})
GUEST_DEFAULT_OPEN = frozenset({"discussions"})
_guest_policy: GuestSectionPolicy | None = None


def set_guest_section_policy(policy: GuestSectionPolicy | None) -> None:
    global _guest_policy
    _guest_policy = policy


def guest_open_sections(space_ids: Sequence[int]) -> dict[int, frozenset[str]]:
    """The section keys open to guests, per space (one query through the policy)."""
    chosen = _guest_policy(space_ids) if _guest_policy is not None and space_ids else {}
    return {
        space_id: GUEST_ALWAYS_OPEN | chosen.get(space_id, GUEST_DEFAULT_OPEN)
        for space_id in space_ids
    }


def _is_guest(membership: Membership | None) -> bool:
    from entente.accounts.acting import is_federated
    from entente.accounts.models import Role

    # A federated stand-in (entente.accounts.acting) has the guest role for tenant-wide pages
    # but is commune staff: inside the spaces it joined, its space abilities alone decide.
    if is_federated(membership):
        return False
    return membership is None or membership.role == Role.GUEST


def section_open(membership: Membership | None, space_id: int, key: str) -> bool:
    """May this person see section `key` of the space? The one check that the section pages,
    the API and the space's home page call; staff: always (their space abilities decide)."""
    if not _is_guest(membership):
        return True
    if membership is None:
        return False
    return key in guest_open_sections([space_id])[space_id]


def with_section_open(
    membership: Membership | None, spaces: QuerySet[Space], key: str
) -> QuerySet[Space]:
    """Narrow a list of spaces to those where `key` is open to this person (lists, counts)."""
    if not _is_guest(membership):
        return spaces
    if membership is None:
        return spaces.none()
    ids = list(spaces.values_list("pk", flat=True))
    opened = guest_open_sections(ids)
    return spaces.filter(pk__in=[space_id for space_id in ids if key in opened[space_id]])
