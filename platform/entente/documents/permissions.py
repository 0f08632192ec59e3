"""What a person may do in a folder tree: the space's abilities, then the folder rules.

The base is `entente.spaces.permissions.space_abilities` (a space's tree) behind the sections
rule (a citizen sees the documents of a public project only once its editors opened them), or,
for the collectivité's archive tree (no space), the tenant role: administrators manage it, the
other staff read it, guests and federated staff never see it.

A `FolderRight` on a folder then overrides the space role for that folder and all under it:
the nearest folder with a rule decides, a person's own rule before everyone's. Managers
(administrators, the space's editors) are above the rules: they set them, so a rule never locks
them out. A rule never opens a tree the base does not let one see, never gives a citizen more
than commenting, and never writes in a read-only tenant or an archived space.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from entente.accounts.models import Membership, Role
from entente.spaces.models import Space
from entente.spaces.permissions import (
    NOTHING,
    SpaceAbilities,
    federated_via_ids,
    space_abilities,
)
from entente.spaces.sections import section_open
from entente.spaces.selectors import space_role_of

from .models import Folder, FolderRight, FolderRole

SECTION = "documents"

_BY_RULE = {
    FolderRole.EDITOR: SpaceAbilities(view=True, comment=True, edit=True),
    FolderRole.COMMENTER: SpaceAbilities(view=True, comment=True),
    FolderRole.READER: SpaceAbilities(view=True),
    FolderRole.NONE: NOTHING,
}


@dataclass(frozen=True)
class Ancestor:
    pk: int
    deleted: bool


def tree_abilities(membership: Membership | None, space: Space | None) -> SpaceAbilities:
    """The abilities in a whole tree, before folder rules."""
    if membership is None or not _of_this_tenant(membership):
        return NOTHING
    if space is not None:
        if not section_open(membership, space.pk, SECTION):
            return NOTHING
        return space_abilities(membership, space, space_role_of(membership.user_id, space))
    if federated_via_ids(membership) is not None or membership.role == Role.GUEST:
        return NOTHING
    writable = membership.tenant.is_writable
    if membership.role == Role.ADMIN:
        return SpaceAbilities(view=True, comment=writable, edit=writable, manage=writable)
    return SpaceAbilities(view=True)


def _of_this_tenant(membership: Membership) -> bool:
    """A membership acts only in its own tenant's schema (a caller's slip is not an opening)."""
    tenant = getattr(connection, "tenant", None)
    return tenant is None or getattr(tenant, "pk", None) in {None, membership.tenant_id}


def ancestry(folder: Folder) -> list[Ancestor]:
    """The folder and its ancestors, nearest first, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE chain(id, parent_id, deleted, depth) AS (
                SELECT id, parent_id, deleted_at IS NOT NULL, 0
                FROM documents_folder WHERE id = %s
                UNION ALL
                SELECT f.id, f.parent_id, f.deleted_at IS NOT NULL, chain.depth + 1
                FROM documents_folder f JOIN chain ON f.id = chain.parent_id
                WHERE chain.depth < 100
            )
            SELECT id, deleted FROM chain ORDER BY depth
            """,
            [folder.pk],
        )
        return [Ancestor(pk=row[0], deleted=bool(row[1])) for row in cursor.fetchall()]


def rule_for(user_id: int, chain: Sequence[Ancestor]) -> str | None:
    """The role the nearest rule gives this person, or None (no rule: the space role)."""
    ids = [ancestor.pk for ancestor in chain]
    rules = FolderRight.objects.filter(Q(user_id=user_id) | Q(user__isnull=True), folder_id__in=ids)
    by_folder: dict[int, dict[int | None, str]] = {}
    for folder_id, rule_user, role in rules.values_list("folder_id", "user_id", "role"):
        by_folder.setdefault(folder_id, {})[rule_user] = role
    for folder_id in ids:
        found = by_folder.get(folder_id)
        if found:
            return found.get(user_id) or found.get(None)
    return None


def folder_abilities(
    membership: Membership | None,
    folder: Folder,
    *,
    base: SpaceAbilities | None = None,
    chain: Sequence[Ancestor] | None = None,
) -> SpaceAbilities:
    """Abilities in `folder` (and on the files in it)."""
    if membership is None:
        return NOTHING
    if base is None:
        base = tree_abilities(membership, folder.space)
    if not base.view or base.manage:
        return base
    role = rule_for(membership.user_id, chain if chain is not None else ancestry(folder))
    if role is None:
        return base
    granted = _BY_RULE[FolderRole(role)]
    writable = membership.tenant.is_writable and (
        folder.space is None or folder.space.archived_at is None
    )
    citizen = membership.role == Role.GUEST and federated_via_ids(membership) is None
    if not writable:
        return SpaceAbilities(view=granted.view)
    if citizen:
        return SpaceAbilities(view=granted.view, comment=granted.comment)
    return granted
