"""What a person may do with a task: the abilities of its space (`space_abilities`), nothing else.

Comments follow `comment`; everything that changes the task, its files and its labels follows
`edit`; reading follows `view`. An author may edit their own comment while they may comment.
Labels are the tenant's: staff (not guests) create them, administrators change and delete them.
"""

from __future__ import annotations

from entente.accounts.models import Membership
from entente.spaces.models import Space
from entente.spaces.permissions import SpaceAbilities, space_abilities
from entente.spaces.sections import section_open
from entente.spaces.selectors import space_role_of

from .models import Task, TaskComment


def abilities_in(membership: Membership | None, space: Space) -> SpaceAbilities:
    if membership is None or not section_open(membership, space.pk, "tasks"):
        return SpaceAbilities()  # a guest in a project whose tasks are not open to citizens
    return space_abilities(membership, space, space_role_of(membership.user_id, space))


def task_abilities(membership: Membership | None, task: Task) -> SpaceAbilities:
    return abilities_in(membership, task.space)


def may_edit_comment(
    membership: Membership | None, comment: TaskComment, abilities: SpaceAbilities
) -> bool:
    return membership is not None and abilities.comment and comment.author_id == membership.user_id


def may_see_labels(membership: Membership | None) -> bool:
    """The label list is the collectivité's own vocabulary: its staff's, not its guests'.

    Citizens and federated staff (whose stand-in membership has the guest role) see the labels
    of the tasks they may open, and federated editors pick among them in a task's form, but
    the list and its management are refused to them.
    """
    return membership is not None and membership.is_staff_role


def may_create_labels(membership: Membership | None) -> bool:
    return membership is not None and membership.is_staff_role and membership.tenant.is_writable


def may_manage_labels(membership: Membership | None) -> bool:
    return membership is not None and membership.is_admin and membership.tenant.is_writable
