"""A trial's dates, applied: reminders to the admins at D-7 and D-1, expiry, closing notice.

State changes go through `tenants.lifecycle`; this module adds what the ground floor must not
know about: who the admins are and what they are told. Every e-mail is claimed first by a
`TrialReminder` row (unique per tenant, kind and deadline), so concurrent or repeated runs of
the periodic task send each one once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from entente.accounts.models import Membership, Role, User
from entente.core.events import Event, publish_on_commit
from entente.core.mail import one_line
from tenants import lifecycle
from tenants.models import Tenant, TenantState

from .models import ReminderKind, TrialReminder

logger = logging.getLogger(__name__)

# Reminder → how long before the deadline it becomes due. Checked from the latest to the
# earliest: a run that finds both due (the task did not run for a week) sends only the latest.
REMINDER_WINDOWS = (
    (ReminderKind.DAYS_1, timedelta(days=1)),
    (ReminderKind.DAYS_7, timedelta(days=7)),
)


@dataclass
class RunReport:
    """What one run did, for logs and tests."""

    reminders: list[tuple[int, str]] = field(default_factory=list)
    expired: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)  # tried again at the next run


def admins_of(tenant: Tenant) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.filter(
            tenant=tenant, role=Role.ADMIN, user__is_active=True
        )
        .select_related("user")
        .order_by("user__email")
    ]


def apply_trial_dates(now: datetime | None = None) -> RunReport:
    """Send the reminders that are due and end the trials whose end has passed. Idempotent."""
    now = now or timezone.now()
    report = RunReport()
    horizon = now + max(window for _kind, window in REMINDER_WINDOWS)
    due = Tenant.objects.filter(
        state=TenantState.TRIAL, trial_ends_at__isnull=False, trial_ends_at__lte=horizon
    ).order_by("trial_ends_at", "pk")
    for tenant in due:
        assert tenant.trial_ends_at is not None
        kind: str | None = None
        if tenant.trial_ends_at <= now:
            expired = lifecycle.expire_trial(tenant, now=now)
            if expired is not None:
                report.expired.append(tenant.pk)
                tenant = expired
            if tenant.state == TenantState.READ_ONLY:
                kind = ReminderKind.EXPIRED
        else:
            kind = next(
                kind for kind, window in REMINDER_WINDOWS if tenant.trial_ends_at - now <= window
            )
        if kind is None:
            continue
        try:
            if send_once(tenant, kind, tenant.trial_ends_at, now=now):
                report.reminders.append((tenant.pk, kind))
        except Exception:  # one tenant's mail must not hold back the others'
            report.failed.append((tenant.pk, kind))
    return report


def notify_closing(tenant: Tenant) -> bool:
    """Tell the admins that vendor staff started closing their tenant (and until when)."""
    if tenant.closing_on is None:
        return False
    deadline = timezone.make_aware(datetime.combine(tenant.closing_on, datetime.min.time()))
    return send_once(tenant, ReminderKind.CLOSING, deadline)


def send_once(
    tenant: Tenant, kind: str, deadline: datetime, *, now: datetime | None = None
) -> bool:
    """Send the `kind` e-mail about `deadline` to the tenant's admins, unless already sent."""
    try:
        with transaction.atomic():
            reminder = TrialReminder.objects.create(tenant=tenant, kind=kind, deadline=deadline)
    except IntegrityError:
        return False  # another run claimed it (or sent it) already
    admins = admins_of(tenant)
    try:
        for admin in admins:
            _send(tenant, kind, admin, now=now or timezone.now())
    except Exception:
        # Let the next run try again, rather than never telling the admins.
        TrialReminder.objects.filter(pk=reminder.pk).delete()
        logger.exception("Trial e-mail %s for tenant %s could not be sent", kind, tenant.pk)
        raise
    TrialReminder.objects.filter(pk=reminder.pk).update(
        sent_at=timezone.now(), recipients=len(admins)
    )
    # Into the admins' inboxes as well (entente.notifications).
    publish_on_commit(
        Event(
            name="trial.reminder",
            tenant_schema=tenant.schema_name,
            payload={
                "kind": str(kind),
                "deadline": deadline.date().isoformat(),
                "days_left": lifecycle.days_left(tenant, now or timezone.now()),
            },
        )
    )
    return True


def _send(tenant: Tenant, kind: str, admin: User, *, now: datetime) -> None:
    context = {
        "tenant": tenant,
        "admin": admin,
        "days_left": lifecycle.days_left(tenant, now),
        "trial_ends_at": tenant.trial_ends_at,
        "closing_on": tenant.closing_on,
        "tenant_url": tenant.url("/"),
        "export_url": tenant.url("/administration/export/"),
        "sales_email": settings.ENTENTE_SALES_EMAIL,
    }
    with translation.override(admin.language or settings.LANGUAGE_CODE):
        subject = one_line(render_to_string(f"trials/email/{kind}_subject.txt", context))
        body = render_to_string(f"trials/email/{kind}_body.txt", context)
    EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=body,
        to=[admin.email],
        reply_to=[settings.ENTENTE_SALES_EMAIL],
    ).send()
