"""Meetings, attendees, agendas (and their documents), minutes, decisions and approvals, for the
tenant export (tenants.export). The calendar is built from meetings and tasks: nothing more to
export."""

from __future__ import annotations

from tenants.export import exclude, register_models

from .models import (
    AgendaDocument,
    AgendaItem,
    Approval,
    Attendee,
    Decision,
    ElectedLinkPolicy,
    ElectedLinkRevocation,
    FeedToken,
    ItemMinutes,
    Meeting,
    Minutes,
)

register_models("meetings", Meeting)
register_models("meeting_attendees", Attendee)
register_models("meeting_agenda_items", AgendaItem)
register_models("meeting_agenda_documents", AgendaDocument)
register_models("meeting_minutes", Minutes)
register_models("meeting_item_minutes", ItemMinutes)
register_models("meeting_decisions", Decision)
register_models("meeting_approvals", Approval)
register_models("elected_link_policy", ElectedLinkPolicy)
register_models("elected_link_revocations", ElectedLinkRevocation)
exclude(FeedToken, "secret d'un calendrier privé : la personne en crée un nouveau")
