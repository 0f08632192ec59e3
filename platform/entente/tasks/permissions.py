"""What a person may do with a task: the abilities of its space (`space_abilities`), nothing else.

Comments follow `comment`; everything that changes the task, its files and its labels follows
`edit`; reading follows `view`. An author may edit their own comment while they may comment.
Labels are the tenant's: staff (not guests) create them, administrators change and delete them.
Every function takes the acting party (`entente.accounts.actors.Acting`): pages and the API ask
them to show or refuse, and the services in `services.py` ask them again before writing.
"""

from __future__ import annotations

from entente.accounts.actors import Acting, SystemActor, is_support_reader
from entente.accounts.models import Membership
from entente.spaces.models import Space
from entente.spaces.permissions import SpaceAbilities, abilities_of

from .models import Task, TaskComment


def abilities_in(acting: Acting | None, space: Space) -> SpaceAbilities:
    """Nothing for a guest in a project whose tasks are not open to citizens."""
    return abilities_of(acting, space, section="tasks")


def task_abilities(acting: Acting | None, task: Task) -> SpaceAbilities:
    return abilities_in(acting, task.space)


def may_edit_comment(
    acting: Acting | None, comment: TaskComment, abilities: SpaceAbilities
) -> bool:
    """`abilities` are `acting`'s in the comment's space, as `abilities_in` answered them."""
    user = None if acting is None else acting.user
    return user is not None and abilities.comment and comment.author_id == user.pk


def _staff(acting: Acting | None) -> bool:
    return isinstance(acting, Membership) and acting.is_staff_role


def may_see_labels(acting: Acting | None) -> bool:
    """The label list is the collectivité's own vocabulary: its staff's, not its guests'.

    Citizens and federated staff (whose stand-in membership has the guest role) see the labels
    of the tasks they may open, and federated editors pick among them in a task's form, but
    the list and its management are refused to them.
    """
    return isinstance(acting, SystemActor) or _staff(acting)


def may_create_labels(acting: Acting | None) -> bool:
    if isinstance(acting, SystemActor):
        return True
    return (
        _staff(acting)
        and not is_support_reader(acting)
        and acting is not None
        and acting.tenant.is_writable
    )


def may_manage_labels(acting: Acting | None) -> bool:
    if isinstance(acting, SystemActor):
        return True
    return (
        isinstance(acting, Membership)
        and acting.is_admin
        and not is_support_reader(acting)
        and acting.tenant.is_writable
    )
