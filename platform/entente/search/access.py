"""Who may find what: a person's reach, turned into the filter every backend puts in its query.

One `TenantScope` per tenant the person reaches (`entente.federation.reach.reachable_tenants`:
their memberships and the EPCIs linked to a commune where they are staff), with the rule of
`entente.spaces.selectors.spaces_for` that applies to them there:

- ADMIN: every entry of the tenant;
- STAFF (agent, elected official): entries outside spaces, and in spaces that are not private
  or that they are a member of;
- GUEST (a citizen): in public projects they are a member of, the space itself and the
  sections opened to citizens (`entente.spaces.sections.guest_open_sections`);
- FEDERATED (staff of a linked commune, no membership of their own): in federation spaces
  they joined whose scope includes one of their communes.

Archived spaces are left out for everyone. Space memberships are read by the backend inside its
query (PostgreSQL) or listed here beforehand (`member_space_ids`, OpenSearch); guests' open
sections are listed here (a guest belongs to a handful of projects).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection
from django_tenants.utils import schema_context
from psycopg import sql

from entente.accounts.models import Role, User
from entente.federation.reach import Reach, reachable_tenants
from entente.spaces.models import SpaceMembership
from entente.spaces.sections import guest_open_sections
from tenants.models import Tenant

ADMIN, STAFF, GUEST, FEDERATED = "admin", "staff", "guest", "federated"


@dataclass(frozen=True)
class TenantScope:
    tenant: Tenant
    mode: str  # ADMIN, STAFF, GUEST or FEDERATED
    user_id: int
    via_ids: tuple[int, ...] = ()  # FEDERATED: the person's linked communes
    guest_sections: dict[int, frozenset[str]] = field(default_factory=dict)  # GUEST: space → open

    @property
    def tenant_id(self) -> int:
        return int(self.tenant.pk)

    @property
    def schema(self) -> str:
        return str(self.tenant.schema_name)


def _mode(reach: Reach) -> str:
    membership = reach.membership
    if membership is None:
        return FEDERATED
    if membership.role == Role.ADMIN:
        return ADMIN
    if membership.role == Role.GUEST:
        return GUEST
    return STAFF


def scopes_for(user: User, *, reaches: Sequence[Reach] | None = None) -> list[TenantScope]:
    """The person's search scopes, one per open tenant they reach (none if anonymous)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if reaches is None:
        reaches = reachable_tenants(user)
    scopes = []
    for reach in reaches:
        if not reach.tenant.is_open:
            continue
        mode = _mode(reach)
        sections: dict[int, frozenset[str]] = {}
        if mode == GUEST:
            with schema_context(reach.tenant.schema_name):
                space_ids = list(
                    SpaceMembership.objects.filter(user_id=user.pk).values_list(
                        "space_id", flat=True
                    )
                )
                sections = guest_open_sections(space_ids)
            if not sections:
                continue
        scopes.append(
            TenantScope(
                tenant=reach.tenant,
                mode=mode,
                user_id=user.pk,
                via_ids=tuple(sorted(commune.pk for commune in reach.via)),
                guest_sections=sections,
            )
        )
    return scopes


def member_space_ids(scopes: Sequence[TenantScope]) -> dict[int, list[int]]:
    """Tenant id → the spaces the person is a member of there: one UNION query in all."""
    wanted = [scope for scope in scopes if scope.mode in (STAFF, FEDERATED)]
    if not wanted:
        return {}
    parts = [
        sql.SQL("SELECT %s::bigint, space_id FROM {table} WHERE user_id = %s").format(
            table=sql.Identifier(scope.schema, SpaceMembership._meta.db_table)
        )
        for scope in wanted
    ]
    params: list[int] = []
    for scope in wanted:
        params += [scope.tenant_id, scope.user_id]
    connection.ensure_connection()
    query = sql.SQL(" UNION ALL ").join(parts).as_string(connection.connection)
    found: dict[int, list[int]] = {scope.tenant_id: [] for scope in wanted}
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        for tenant_id, space_id in cursor.fetchall():
            found[tenant_id].append(space_id)
    return found
