"""Publish membership changes so that every process's membership cache forgets them.

The cache itself lives in `entente.accounts.middleware`; the channel is the routing cache's
(`tenants.routing.note_change`), so a removed membership stops opening the tenant's pages at
once in this process and within `tenants.routing.RECHECK_SECONDS` in every other one.
Deletions by cascade (a person or a tenant deleted) and `QuerySet.delete()` send these signals
too; `QuerySet.update()` does not: call `note_membership_change()` after one.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants import routing

from .models import Membership

MEMBERSHIP = "membership"


def membership_key(tenant_id: object, user_id: object) -> str:
    return f"{tenant_id}:{user_id}"


def note_membership_change(tenant_id: object, user_id: object) -> None:
    routing.note_change({MEMBERSHIP: [membership_key(tenant_id, user_id)]})


@receiver([post_save, post_delete], sender=Membership)
def forget_membership(sender: type[Membership], instance: Membership, **kwargs: Any) -> None:
    note_membership_change(instance.tenant_id, instance.user_id)
