"""Writes of the analytics app: page-level usage, and the retention purge."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from entente.accounts.actors import Acting
from entente.core.discovery import features
from tenants.models import Tenant, TenantState

from . import buffer, selectors
from .catalogue import USAGE_EVENTS
from .models import DismissedSuggestion, TrialActivation, UsageEvent


def record_usage(*, tenant_schema: str, user_id: int | None, name: str, kind: str = "") -> None:
    """Note a page-level use (a search, preferences saved): one RPUSH, written in batches
    by the `drain_usage_buffer` beat task (`entente.analytics.buffer`)."""
    if name not in USAGE_EVENTS:
        raise ValueError(f"{name!r} is not in the usage catalogue")
    if user_id is None or tenant_schema == "public":
        return
    buffer.push(tenant_schema, user_id, name, kind)


def purge_expired_events(now: datetime.datetime | None = None) -> int:
    """Delete raw events older than the retention (CNIL: 13 months); rollups stay."""
    limit = (now or timezone.now()) - datetime.timedelta(
        days=settings.ENTENTE_ANALYTICS_RETENTION_DAYS
    )
    deleted, _ = UsageEvent.objects.filter(occurred_at__lt=limit).delete()
    return deleted


def note_use(request: HttpRequest, name: str) -> None:
    """`record_usage` for a page: its tenant and logged-in person (nothing on the bare domain)."""
    tenant = getattr(request, "tenant", None)
    user_id = getattr(request.user, "pk", None)
    if tenant is not None:
        record_usage(tenant_schema=tenant.schema_name, user_id=user_id, name=name)


# Whose activation the hourly task keeps (the console sorts trials; active ones are shown too).
ACTIVATION_STATES = (TenantState.TRIAL, TenantState.ACTIVE)


class UnknownFeatureError(ValueError):
    pass


def dismiss_suggestion(acting: Acting, feature_key: str) -> None:
    """Never suggest this feature to this person again (idempotent)."""
    user = getattr(acting, "user", None)
    if user is None or getattr(acting, "pk", None) is None:
        raise PermissionError("only a member of the tenant dismisses their suggestions")
    if feature_key not in {f.key for f in features()}:
        raise UnknownFeatureError(feature_key)
    DismissedSuggestion.objects.get_or_create(user=user, feature=feature_key)
    selectors.forget_header_state(user.pk, acting.tenant_id)  # type: ignore[union-attr]


def refresh_activation(tenant: Tenant, now: datetime.datetime | None = None) -> TrialActivation:
    """Store a tenant's activation score (the console sorts and filters on it)."""
    activation = selectors.trial_activation(tenant)
    row, _ = TrialActivation.objects.update_or_create(
        tenant=tenant,
        defaults={
            "score": activation.score,
            "met": activation.met,
            "computed_at": now or timezone.now(),
        },
    )
    return row


def refresh_trial_activations() -> int:
    """Every tenant in trial (or recently active): the hourly beat task's work."""
    count = 0
    for tenant in Tenant.objects.exclude(schema_name="public").filter(state__in=ACTIVATION_STATES):
        refresh_activation(tenant)
        count += 1
    return count
