"""The minutes as a PDF (weasyprint): collectivité, date, attendance, items, decisions.

weasyprint needs Pango from the system (Debian: libpango-1.0-0, libpangoft2-1.0-0; `make
browser` installs them where it can, like chromium). It is imported at call time, so that a
machine without Pango still runs everything else; `available()` says whether it can render.
"""

from __future__ import annotations

from functools import cache

from django.template.loader import render_to_string
from django.utils import timezone

from entente.accounts.models import User
from tenants.models import Tenant

from .models import Attendance, Meeting, Minutes, MinutesState
from .selectors import people_of


@cache
def available() -> str:
    """ "" when weasyprint can render here, else why not (Pango missing…)."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as error:
        return str(error)
    return ""


def _name(people: dict[int, User], pk: int | None) -> str:
    person = people.get(pk or 0)
    return person.display_name if person is not None else "—"


def minutes_html(tenant: Tenant, meeting: Meeting) -> str:
    people = people_of(meeting.space)
    minutes = Minutes.objects.filter(meeting=meeting).prefetch_related("approvals").first()
    attendees = list(meeting.attendees.all())
    by_status: dict[str, list[str]] = {}
    for attendee in attendees:
        label = _name(people, attendee.person_id)
        if attendee.status == Attendance.PROXY:
            label = f"{label} → {_name(people, attendee.proxy_to_id)}"
        by_status.setdefault(attendee.status, []).append(label)
    attendance = [
        (Attendance(status).label, sorted(by_status[status]))
        for status in Attendance.values
        if status in by_status
    ]
    items = [
        {
            "item": item,
            "rapporteur": _name(people, item.rapporteur_id) if item.rapporteur_id else "",
            "text": getattr(getattr(item, "minutes", None), "text", ""),
            "decisions": list(item.decisions.all()),
        }
        for item in meeting.agenda.order_by("position", "id").prefetch_related("decisions")
    ]
    approvals = [
        (_name(people, approval.person_id), approval.approved_at)
        for approval in (minutes.approvals.all() if minutes else [])
    ]
    context = {
        "tenant": tenant,
        "meeting": meeting,
        "starts_at": timezone.localtime(meeting.starts_at),
        "attendance": attendance,
        "present": len(by_status.get(Attendance.PRESENT, [])),
        "items": items,
        "approvals": approvals,
        "approved": minutes is not None and minutes.state == MinutesState.APPROVED,
        "minutes": minutes,
    }
    return render_to_string("meetings/minutes_pdf.html", context)


def minutes_pdf(tenant: Tenant, meeting: Meeting) -> bytes:
    """The PDF bytes; raises `RuntimeError` when weasyprint cannot run here."""
    reason = available()
    if reason:
        raise RuntimeError(reason)
    import weasyprint

    document = weasyprint.HTML(string=minutes_html(tenant, meeting))
    return bytes(document.write_pdf())
