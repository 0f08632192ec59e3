"""A tenant's life after provisioning: trial, expiry, conversion, suspension, closing.

The one place where a tenant's state changes once it is open. Each function locks the tenant's
row, checks that the transition is allowed, writes the new state and a `TenantEvent` in the
same transaction, and has the routing cache forget the tenant once it commits (the state
decides what the tenant's pages allow, so every process must see it within a second).

Nothing here is automatic except `expire_trial`, which the periodic task of `entente.trials`
calls when a trial's end has passed; closing is always a decision of vendor staff, and nothing
is ever deleted here. E-mails are the capability apps' business: these functions only return
the updated tenant and record the event.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import routing
from .models import Tenant, TenantEvent, TenantPlan, TenantState

EXPIRE = "trial_expired"
EXTEND = "trial_extended"
CONVERT = "converted"
SET_READ_ONLY = "set_read_only"
SUSPEND = "suspended"
REACTIVATE = "reactivated"
START_CLOSING = "closing_started"

ACTIONS = {
    EXPIRE: gettext_lazy("Fin de l'essai"),
    EXTEND: gettext_lazy("Essai prolongé"),
    CONVERT: gettext_lazy("Passage à une offre payante"),
    SET_READ_ONLY: gettext_lazy("Mise en lecture seule"),
    SUSPEND: gettext_lazy("Suspension"),
    REACTIVATE: gettext_lazy("Réactivation"),
    START_CLOSING: gettext_lazy("Fermeture engagée"),
}

# Which states each action may start from. Provisioning and failed tenants are
# tenants.provisioning's; nothing leaves them here.
_LIVE = {
    TenantState.TRIAL,
    TenantState.ACTIVE,
    TenantState.READ_ONLY,
    TenantState.SUSPENDED,
    TenantState.CLOSING,
}
ALLOWED_FROM: dict[str, frozenset[str]] = {
    EXPIRE: frozenset({TenantState.TRIAL}),
    EXTEND: frozenset({TenantState.TRIAL, TenantState.READ_ONLY}),
    CONVERT: frozenset(_LIVE),
    SET_READ_ONLY: frozenset({TenantState.TRIAL, TenantState.ACTIVE, TenantState.SUSPENDED}),
    SUSPEND: frozenset({TenantState.TRIAL, TenantState.ACTIVE, TenantState.READ_ONLY}),
    REACTIVATE: frozenset({TenantState.READ_ONLY, TenantState.SUSPENDED, TenantState.CLOSING}),
    START_CLOSING: frozenset(
        {TenantState.TRIAL, TenantState.ACTIVE, TenantState.READ_ONLY, TenantState.SUSPENDED}
    ),
}
PAID_PLANS = frozenset(TenantPlan.values) - {TenantPlan.TRIAL}


def trial_length() -> timedelta:
    return timedelta(days=int(settings.ENTENTE_TRIAL_DAYS))


def days_left(tenant: Tenant, now: datetime | None = None) -> int | None:
    """Whole days until the trial ends, rounded up (0 once it has ended); None if no trial."""
    if tenant.state != TenantState.TRIAL or tenant.trial_ends_at is None:
        return None
    remaining = tenant.trial_ends_at - (now or timezone.now())
    if remaining <= timedelta(0):
        return 0
    return remaining.days + (1 if remaining % timedelta(days=1) else 0)


def _change(
    tenant: Tenant,
    action: str,
    to_state: str,
    *,
    actor: Any = None,
    reason: str = "",
    fields: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
) -> Tenant:
    locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if locked.state not in ALLOWED_FROM[action]:
        raise ValidationError(
            _("Impossible : « %(action)s » n'est pas possible depuis l'état « %(state)s ».")
            % {"action": ACTIONS[action], "state": locked.get_state_display()},
            code="invalid_transition",
        )
    from_state = locked.state
    locked.state = to_state
    for name, value in (fields or {}).items():
        setattr(locked, name, value)
    locked.save(update_fields=["state", "updated_at", *(fields or {})])
    TenantEvent.objects.create(
        tenant=locked,
        action=action,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        reason=reason,
        data=data or {},
    )
    routing.note_change({routing.TENANT: [locked.pk]})
    return locked


def _require_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            _("Indiquez la raison de cette action : elle est conservée dans l'historique."),
            code="reason_required",
        )
    return reason


@transaction.atomic
def expire_trial(tenant: Tenant, *, now: datetime | None = None) -> Tenant | None:
    """The trial's end has passed: the tenant becomes read-only. None if it is not due (yet).

    Idempotent: a tenant already expired, extended or converted meanwhile is left alone.
    """
    now = now or timezone.now()
    locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if (
        locked.state != TenantState.TRIAL
        or locked.trial_ends_at is None
        or locked.trial_ends_at > now
    ):
        return None
    return _change(
        locked,
        EXPIRE,
        TenantState.READ_ONLY,
        reason=_("Fin de la période d'essai."),
        data={"trial_ends_at": locked.trial_ends_at.isoformat()},
    )


@transaction.atomic
def extend_trial(tenant: Tenant, *, until: datetime, actor: Any, reason: str) -> Tenant:
    """Give more time: the trial (even one that ended) runs until `until`, writes come back."""
    reason = _require_reason(reason)
    if until <= timezone.now():
        raise ValidationError(
            _("La nouvelle date de fin d'essai doit être dans le futur."), code="past_date"
        )
    previous = tenant.trial_ends_at
    return _change(
        tenant,
        EXTEND,
        TenantState.TRIAL,
        actor=actor,
        reason=reason,
        fields={"trial_ends_at": until, "plan": TenantPlan.TRIAL},
        data={
            "previous_trial_ends_at": previous.isoformat() if previous else None,
            "trial_ends_at": until.isoformat(),
        },
    )


@transaction.atomic
def convert(tenant: Tenant, *, plan: str, actor: Any, reason: str) -> Tenant:
    """The collectivité subscribes: writing is restored at once, whatever the state was."""
    reason = _require_reason(reason)
    if plan not in PAID_PLANS:
        raise ValidationError(_("Choisissez une offre payante."), code="invalid_plan")
    return _change(
        tenant,
        CONVERT,
        TenantState.ACTIVE,
        actor=actor,
        reason=reason,
        fields={"plan": plan, "closing_on": None},
        data={"plan": plan, "previous_plan": tenant.plan},
    )


@transaction.atomic
def set_read_only(tenant: Tenant, *, actor: Any, reason: str) -> Tenant:
    return _change(
        tenant, SET_READ_ONLY, TenantState.READ_ONLY, actor=actor, reason=_require_reason(reason)
    )


@transaction.atomic
def suspend(tenant: Tenant, *, actor: Any, reason: str) -> Tenant:
    """Nobody opens the tenant's pages any more (they answer 503); nothing is deleted."""
    return _change(
        tenant, SUSPEND, TenantState.SUSPENDED, actor=actor, reason=_require_reason(reason)
    )


@transaction.atomic
def reactivate(tenant: Tenant, *, actor: Any, reason: str) -> Tenant:
    """Back to the state the plan and dates call for: active if paid, else trial or read-only."""
    reason = _require_reason(reason)
    if tenant.plan in PAID_PLANS:
        to_state = TenantState.ACTIVE
    elif tenant.trial_ends_at is not None and tenant.trial_ends_at > timezone.now():
        to_state = TenantState.TRIAL
    else:
        to_state = TenantState.READ_ONLY
    if to_state == tenant.state:
        raise ValidationError(
            _(
                "La collectivité est déjà en « %(state)s » et son essai est terminé : "
                "prolongez l'essai ou passez-la à une offre payante."
            )
            % {"state": tenant.get_state_display()},
            code="nothing_to_reactivate",
        )
    return _change(
        tenant,
        REACTIVATE,
        to_state,
        actor=actor,
        reason=reason,
        fields={"closing_on": None},
    )


@transaction.atomic
def start_closing(tenant: Tenant, *, closing_on: date, actor: Any, reason: str) -> Tenant:
    """Announce the closing on `closing_on`: the tenant turns read-only meanwhile (its people
    still read and export everything). Never automatic, and nothing is deleted here."""
    reason = _require_reason(reason)
    if closing_on <= timezone.localdate():
        raise ValidationError(
            _("La date de fermeture doit laisser un préavis : choisissez une date future."),
            code="past_date",
        )
    return _change(
        tenant,
        START_CLOSING,
        TenantState.CLOSING,
        actor=actor,
        reason=reason,
        fields={"closing_on": closing_on},
        data={"closing_on": closing_on.isoformat()},
    )


def expired_trials(now: datetime | None = None) -> list[Tenant]:
    """Tenants whose trial end has passed but that are still in trial."""
    return list(
        Tenant.objects.filter(state=TenantState.TRIAL, trial_ends_at__lte=now or timezone.now())
    )
