"""Approved minutes shared with the attendees: an e-mail with the procès-verbal as a PDF.

`minutes.approve_minutes` publishes `meeting.minutes_approved` (the attendees as `user_ids`) in
the transaction that freezes the minutes; the outbox delivers it here once committed, and
retries it if sending fails. The event may come twice (a retry after another subscriber
failed, a worker killed mid-way): `Minutes.shared_at`, read under a row lock and set once every
mail has left, makes the second delivery mail nobody. A failure half-way leaves `shared_at`
empty, so the retry mails everyone again (at least once, never silently lost).

Only the attendees who may still read the meeting receive it (`meeting_abilities`: a citizen
invited to a public project's meeting, or someone who left the space, gets nothing; the
published extract is the citizens' share, `extract`). An élu's mail carries their personal
link (`entente.core.mail.personal_links`), as the convocation does.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import tenant_context

from entente.accounts.models import Membership, User
from entente.core.events import Event
from entente.core.mail import one_line, personal_links
from tenants.models import Tenant

from . import pdf
from .minutes import MINUTES_APPROVED
from .models import Meeting, Minutes, MinutesState
from .permissions import meeting_abilities

logger = logging.getLogger(__name__)


def readers_among(tenant: Tenant, meeting: Meeting, user_ids: list[int]) -> list[User]:
    """Those of `user_ids`, active members of `tenant`, who may read the meeting (its space's
    `meetings` section): the tenant's schema must be open (`tenant_context`)."""
    memberships = Membership.objects.select_related("tenant", "user").filter(
        tenant=tenant, user_id__in=user_ids, user__is_active=True
    )
    return sorted(
        (m.user for m in memberships if meeting_abilities(m, meeting.space).view),
        key=lambda user: user.pk,
    )


def on_event(event: Event) -> None:
    if event.name != MINUTES_APPROVED:
        return
    tenant = Tenant.objects.filter(schema_name=event.tenant_schema).first()
    if tenant is None:
        return
    with tenant_context(tenant):
        share_minutes(tenant, int(event.payload.get("meeting_id") or 0), list(event.user_ids))


@transaction.atomic
def share_minutes(tenant: Tenant, meeting_id: int, user_ids: list[int]) -> int:
    """Mail the approved minutes to the attendees among `user_ids`, once; how many were sent."""
    minutes = (
        Minutes.objects.select_for_update()
        .select_related("meeting__space")
        .filter(meeting_id=meeting_id)
        .first()
    )
    if minutes is None or minutes.state != MinutesState.APPROVED or minutes.shared_at:
        return 0
    meeting = minutes.meeting
    attendees = set(meeting.attendees.values_list("person_id", flat=True))
    recipients = readers_among(tenant, meeting, sorted(attendees & set(user_ids)))
    sent = _send(tenant, meeting, recipients) if recipients else 0
    minutes.shared_at = timezone.now()
    minutes.save(update_fields=["shared_at"])
    return sent


def _send(tenant: Tenant, meeting: Meeting, recipients: list[User]) -> int:
    link = tenant.url(
        reverse(
            "meetings:meeting_detail",
            kwargs={"space_id": meeting.space_id, "pk": meeting.pk},
            urlconf=settings.ROOT_URLCONF,
        )
    )
    try:
        document = pdf.minutes_pdf(tenant, meeting)
    except RuntimeError:  # no Pango on this machine: the mail says where to download it
        logger.warning("Minutes %s shared without their PDF: weasyprint cannot run", meeting.pk)
        document = b""
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    context = {"tenant": tenant, "meeting": meeting, "link": link, "attached": bool(document)}
    subject = one_line(render_to_string("meetings/email/minutes_shared_subject.txt", context))
    messages = []
    for person in recipients:
        body = render_to_string(
            "meetings/email/minutes_shared_body.txt",
            {**context, "personal_links": personal_links(person, tenant)},
        )
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
        if document:
            message.attach(f"proces-verbal-{day}.pdf", document, "application/pdf")
        messages.append(message)
    return get_connection().send_messages(messages) or 0
