"""Who sees what: a person their own discovery; a tenant's admins its adoption figures."""

from __future__ import annotations

from typing import Any


def may_see_discovery(membership: Any) -> bool:
    """Anyone acting as a member of the tenant (their own figures only)."""
    return membership is not None and getattr(membership, "pk", None) is not None


def may_see_adoption(membership: Any) -> bool:
    """The tenant's own admins (a federated stand-in or a support reader is not)."""
    return may_see_discovery(membership) and bool(getattr(membership, "is_admin", False))
