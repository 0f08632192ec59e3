"""Writes of the console: actions on tenants (through tenants.lifecycle) and support accesses.

Every action is audited in the same transaction; e-mails go after commit.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entente.accounts.models import User
from entente.outbox import services as outbox
from entente.outbox.models import OutboxEvent
from entente.trials.services import notify_closing
from tenants import lifecycle
from tenants.models import Tenant

from .models import AuditAction, AuditEntry, SupportGrant

# Durations a tenant's admin may choose for a support access.
SUPPORT_DURATIONS = {
    "1h": timedelta(hours=1),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
}


def _audit(
    tenant: Tenant | None,
    actor: User | None,
    action: str,
    *,
    reason: str = "",
    path: str = "",
    grant: SupportGrant | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        tenant=tenant,
        actor=actor,
        action=action,
        reason=reason,
        path=path[:500],
        grant=grant,
        data=data or {},
    )


def _audited(updated: Tenant, actor: User, action: str, reason: str, **data: Any) -> Tenant:
    """The tenant a lifecycle step returned, once the step is in the audit log."""
    _audit(updated, actor, action, reason=reason, data=data)
    return updated


@transaction.atomic
def extend_trial(tenant: Tenant, *, until: datetime, actor: User, reason: str) -> Tenant:
    updated = lifecycle.extend_trial(tenant, until=until, actor=actor, reason=reason)
    return _audited(
        updated, actor, AuditAction.TRIAL_EXTENDED, reason, trial_ends_at=until.isoformat()
    )


@transaction.atomic
def convert(tenant: Tenant, *, plan: str, actor: User, reason: str) -> Tenant:
    updated = lifecycle.convert(tenant, plan=plan, actor=actor, reason=reason)
    return _audited(updated, actor, AuditAction.CONVERTED, reason, plan=plan)


@transaction.atomic
def set_read_only(tenant: Tenant, *, actor: User, reason: str) -> Tenant:
    updated = lifecycle.set_read_only(tenant, actor=actor, reason=reason)
    return _audited(updated, actor, AuditAction.SET_READ_ONLY, reason)


@transaction.atomic
def suspend(tenant: Tenant, *, actor: User, reason: str) -> Tenant:
    updated = lifecycle.suspend(tenant, actor=actor, reason=reason)
    return _audited(updated, actor, AuditAction.SUSPENDED, reason)


@transaction.atomic
def reactivate(tenant: Tenant, *, actor: User, reason: str) -> Tenant:
    updated = lifecycle.reactivate(tenant, actor=actor, reason=reason)
    return _audited(updated, actor, AuditAction.REACTIVATED, reason, state=updated.state)


@transaction.atomic
def start_closing(tenant: Tenant, *, closing_on: date, actor: User, reason: str) -> Tenant:
    """Closing with notice: the admins are told by e-mail (after commit) and can export."""
    updated = lifecycle.start_closing(tenant, closing_on=closing_on, actor=actor, reason=reason)
    transaction.on_commit(lambda: notify_closing(updated))
    return _audited(
        updated, actor, AuditAction.CLOSING_STARTED, reason, closing_on=closing_on.isoformat()
    )


# -- Support access -----------------------------------------------------------------------------


@transaction.atomic
def grant_support(tenant: Tenant, *, granted_by: User, duration: str) -> SupportGrant:
    """A tenant's admin lets vendor staff read the tenant's content for `duration`."""
    if duration not in SUPPORT_DURATIONS:
        raise ValidationError(_("Choisissez une durée proposée."), code="invalid_duration")
    now = timezone.now()
    # One running grant at a time: a new one replaces the previous (its end is what counts).
    for previous in SupportGrant.objects.select_for_update().filter(
        tenant=tenant, revoked_at__isnull=True, expires_at__gt=now
    ):
        _end(previous, by=granted_by, at=now)
    grant = SupportGrant.objects.create(
        tenant=tenant, granted_by=granted_by, expires_at=now + SUPPORT_DURATIONS[duration]
    )
    _audit(
        tenant,
        granted_by,
        AuditAction.SUPPORT_GRANTED,
        grant=grant,
        data={"duration": duration, "expires_at": grant.expires_at.isoformat()},
    )
    return grant


@transaction.atomic
def revoke_support(grant: SupportGrant, *, revoked_by: User) -> SupportGrant:
    """End a support access now. Staff reading the tenant lose access at their next page."""
    grant = SupportGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.revoked_at is None:
        _end(grant, by=revoked_by, at=timezone.now())
        _audit(grant.tenant, revoked_by, AuditAction.SUPPORT_REVOKED, grant=grant)
    return grant


def _end(grant: SupportGrant, *, by: User, at: datetime) -> None:
    grant.revoked_at = at
    grant.revoked_by = by
    grant.save(update_fields=["revoked_at", "revoked_by"])


def open_support(grant: SupportGrant, *, staff: User) -> AuditEntry:
    return _audit(grant.tenant, staff, AuditAction.SUPPORT_OPENED, grant=grant)


def record_support_view(grant: SupportGrant, *, staff: User, path: str, method: str) -> AuditEntry:
    return _audit(
        grant.tenant,
        staff,
        AuditAction.SUPPORT_PAGE_VIEWED,
        path=path,
        grant=grant,
        data={"method": method},
    )


@transaction.atomic
def replay_dead_letter(row: OutboxEvent, *, actor: User) -> OutboxEvent:
    """Relay a dead letter again (its key unchanged: a handler that already acted does not)."""
    replayed = outbox.replay(row)
    _audit(
        Tenant.objects.filter(schema_name=row.tenant_schema).first(),
        actor,
        AuditAction.EVENT_REPLAYED,
        data={"outbox_id": row.pk, "name": row.name, "attempts": row.attempts},
    )
    return replayed
