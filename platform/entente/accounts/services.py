"""Writes about people and memberships."""

from __future__ import annotations

from django.db import transaction

from tenants.models import Tenant

from .models import Membership, Role, User


@transaction.atomic
def add_member(tenant: Tenant, user: User, role: str = Role.AGENT) -> Membership:
    """Give a person a role in a tenant (idempotent: an existing membership takes the new role)."""
    membership, created = Membership.objects.get_or_create(
        user=user, tenant=tenant, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def remove_member(tenant: Tenant, user: User) -> None:
    Membership.objects.filter(tenant=tenant, user=user).delete()
