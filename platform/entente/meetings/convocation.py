"""Convocations by e-mail with an .ics: sent after commit, by the outbox's retried subscriber.

`services.send_convocation` records the `meeting.convocation` event in its transaction; the
outbox delivers it here once committed. The message carries the meeting as an iCalendar
REQUEST, so that mail clients offer to add it to the calendar.
"""

from __future__ import annotations

from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django_tenants.utils import schema_context

from entente.accounts.models import User
from entente.core.events import Event
from entente.core.mail import one_line, personal_links
from tenants.models import Tenant

from .ical import calendar_of, meeting_event
from .models import Meeting

CONVOCATION = "meeting.convocation"


def on_event(event: Event) -> None:
    if event.name != CONVOCATION:
        return
    tenant = Tenant.objects.filter(schema_name=event.tenant_schema).first()
    if tenant is None:
        return
    with schema_context(event.tenant_schema):
        meeting = (
            Meeting.objects.select_related("space")
            .filter(pk=int(event.payload.get("meeting_id") or 0))
            .first()
        )
        if meeting is None:
            return
        _send(tenant, meeting, list(event.user_ids))


def _send(tenant: Tenant, meeting: Meeting, user_ids: list[int]) -> None:
    path = reverse(
        "meetings:meeting_detail",
        kwargs={"space_id": meeting.space_id, "pk": meeting.pk},
        urlconf=settings.ROOT_URLCONF,
    )
    link = tenant.url(path)
    calendar = calendar_of(
        [meeting_event(tenant.schema_name, meeting, url=link)],
        name=meeting.title,
        method="REQUEST",
    )
    ics = calendar.to_ical()
    context = {"tenant": tenant, "meeting": meeting, "link": link}
    subject = one_line(render_to_string("meetings/email/convocation_subject.txt", context))
    for person in User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"):
        # An élu's mail also carries their « Mes séances » link (entente.core.mail).
        body = render_to_string(
            "meetings/email/convocation_body.txt",
            {**context, "personal_links": personal_links(person, tenant)},
        )
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])
        part = MIMEText(ics.decode(), "calendar", "utf-8")
        part.set_param("method", "REQUEST")
        part.add_header("Content-Disposition", "attachment", filename="convocation.ics")
        message.attach(part)
        message.send()
