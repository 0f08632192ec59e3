"""E-mails of notifications: at once, or gathered in a daily or weekly digest.

Never twice: an e-mail at once is claimed by setting `emailed_at` before sending (put back if
the sending fails, so that a retry sends it); a digest is claimed by its DigestRun row,
unique per person, frequency and period, written before sending; two runs of the beat task,
even at the same moment, send one digest.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from itertools import groupby

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from entente.accounts.models import User
from entente.core.links import platform_url
from entente.core.mail import PersonalLink, one_line, personal_links

from .models import Delivery, DigestRun, Notification

logger = logging.getLogger(__name__)

PREFERENCES_PATH = "/mon-compte/notifications/"


def _send(
    user: User,
    template: str,
    context: dict[str, object],
    extra: Callable[[], dict[str, object]] | None = None,
) -> None:
    """`extra` adds to the context in the person's language: the personal links of the tenants
    the mail speaks of (`entente.core.mail.personal_links`: an élu's « Mes séances »)."""
    context = {**context, "user": user, "preferences_url": platform_url(PREFERENCES_PATH)}
    with translation.override(user.language or settings.LANGUAGE_CODE):
        if extra is not None:
            context.update(extra())
        subject = render_to_string(f"notifications/email/{template}_subject.txt", context)
        body = render_to_string(f"notifications/email/{template}_body.txt", context)
    EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{one_line(subject)}",
        body=body,
        to=[user.email],
    ).send()


def send_at_once(notification_ids: Iterable[int]) -> int:
    """Send each one whose delivery is "e-mail at once" and that was not e-mailed yet."""
    sent = 0
    for pk in notification_ids:
        now = timezone.now()
        claimed = Notification.objects.filter(
            pk=pk, delivery=Delivery.EMAIL, emailed_at__isnull=True
        ).update(emailed_at=now)
        if not claimed:
            continue
        notification = Notification.objects.select_related("user", "tenant").get(pk=pk)
        person, tenant = notification.user, notification.tenant
        try:
            _send(
                notification.user,
                "at_once",
                {"notification": notification},
                extra=lambda: {"personal_links": personal_links(person, tenant)},  # noqa: B023
            )
        except Exception:
            Notification.objects.filter(pk=pk, emailed_at=now).update(emailed_at=None)
            raise
        sent += 1
    return sent


def period_start(frequency: str, now: datetime.datetime) -> datetime.date:
    today = timezone.localdate(now)
    if frequency == Delivery.WEEKLY:
        return today - datetime.timedelta(days=today.weekday())
    return today


def send_digests(frequency: str, *, now: datetime.datetime) -> int:
    """One digest per person who has notifications of this frequency not yet e-mailed.

    Returns how many were sent. A person whose e-mail fails gets their claim removed (the
    retried task sends it); the others are not held back.
    """
    if frequency not in {Delivery.DAILY, Delivery.WEEKLY}:
        raise ValueError(frequency)
    start = period_start(frequency, now)
    pending = Notification.objects.filter(
        delivery=frequency, emailed_at__isnull=True, created_at__lte=now
    )
    user_ids = sorted(set(pending.values_list("user_id", flat=True)))
    sent, failed = 0, []
    for user_id in user_ids:
        try:
            with transaction.atomic():
                run = DigestRun.objects.create(
                    user_id=user_id, frequency=frequency, period_start=start
                )
        except IntegrityError:
            continue  # this period's digest is sent, or being sent by another run
        try:
            if send_digest(run, now=now):
                sent += 1
        except Exception:
            logger.exception("Digest %s for user %s could not be sent", frequency, user_id)
            DigestRun.objects.filter(pk=run.pk).delete()
            failed.append(user_id)
    if failed:
        raise RuntimeError(_("%(n)s résumé(s) non envoyé(s)") % {"n": len(failed)})
    return sent


def send_digest(run: DigestRun, *, now: datetime.datetime) -> bool:
    rows = list(
        Notification.objects.filter(
            user_id=run.user_id,
            delivery=run.frequency,
            emailed_at__isnull=True,
            created_at__lte=now,
        )
        .select_related("tenant", "user")
        .order_by("tenant__name", "-id")
    )
    if not rows:
        return False
    user = rows[0].user
    by_tenant = [(tenant, list(items)) for tenant, items in groupby(rows, key=lambda n: n.tenant)]

    def groups() -> list[tuple[str, list[Notification], list[PersonalLink]]]:
        return [
            (tenant.name if tenant else _("Entente"), items, personal_links(user, tenant))
            for tenant, items in by_tenant
        ]

    _send(
        user,
        "digest",
        {"frequency": run.frequency, "count": len(rows)},
        extra=lambda: {"groups": groups()},
    )
    Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=timezone.now())
    DigestRun.objects.filter(pk=run.pk).update(sent_at=timezone.now(), notifications=len(rows))
    return True
