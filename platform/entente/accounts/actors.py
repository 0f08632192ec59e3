"""Who a write service acts for: a person's membership, or the system by name.

Every write service takes the acting party first and authorizes it itself with its app's
`permissions.py` (Zulip's `do_*` / `access_*` split): a caller cannot hand in abilities. A
person acts through their `Membership` (the one the request carries, possibly an unsaved
stand-in: federated staff, support readers). Work that no person does at that moment (the
next occurrence of a recurring task, demo seeding, tests building their data) acts as a
`SystemActor`: named, so the history says which process wrote, and recognised by the
permission layer, which grants it the writes of content (never a space's management).

A `SystemActor` may carry the person the record is attributed to (`on_behalf_of`): the demo
seeds tasks written "by" its characters. Nothing a request carries is ever a `SystemActor`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TypeAlias

from .acting import is_support_reader
from .models import Membership, User


@dataclass(frozen=True)
class SystemActor:
    name: str
    user: User | None = None  # the person the records are attributed to, if any

    def on_behalf_of(self, user: User | None) -> SystemActor:
        return replace(self, user=user)

    def __str__(self) -> str:
        return f"système ({self.name})"


RECURRENCE = SystemActor("recurrence")
DEMO = SystemActor("demo")
FIXTURES = SystemActor("fixtures")  # tests and benchmarks building their starting data

Acting: TypeAlias = Membership | SystemActor

__all__ = ["DEMO", "FIXTURES", "RECURRENCE", "Acting", "SystemActor", "is_support_reader"]


def is_system(acting: Acting | None) -> bool:
    return isinstance(acting, SystemActor)


def acting_user(acting: Acting | None) -> User | None:
    """The person the write is recorded against (None: the system, anonymously)."""
    if acting is None:
        return None
    return acting.user
