"""What a person may do in a space's discussions: the space's abilities, nothing else.

Reading follows `view`; opening threads and posting follow `comment`; a message is edited by
its author only, while they may still comment. Pages and the API ask these functions to show
or refuse; the services in `services.py` ask them again before writing.
"""

from __future__ import annotations

from entente.accounts.actors import Acting
from entente.accounts.models import User
from entente.spaces.models import Space
from entente.spaces.permissions import SpaceAbilities, abilities_of

from .models import Comment


def discussion_abilities(acting: Acting | None, space: Space) -> SpaceAbilities:
    """Nothing for a guest in a project whose discussions are not open to citizens."""
    return abilities_of(acting, space, section="discussions")


def can_edit(comment: Comment, user: User | None, abilities: SpaceAbilities) -> bool:
    """Authors edit their own words while they may still comment; nobody edits another's.

    `abilities` are the person's in the comment's space (`discussion_abilities`).
    """
    return user is not None and abilities.comment and comment.author_id == user.pk
