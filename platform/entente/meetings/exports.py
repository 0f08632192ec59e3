"""Meetings, attendance, agenda (and its documents), minutes, decisions and approvals, for the
tenant export (`tenants.export`): every column of each table, one JSON file per table. The
private feeds' tokens stay out (secrets, and a restore issues new ones)."""

from __future__ import annotations

from typing import Any

from django.db import models

from tenants.export import register
from tenants.models import Tenant

from .models import (
    AgendaDocument,
    AgendaItem,
    Approval,
    Attendee,
    Decision,
    ItemMinutes,
    Meeting,
    Minutes,
)


def _rows(model: type[models.Model]) -> list[dict[str, Any]]:
    fields = [field.attname for field in model._meta.concrete_fields]
    return [dict(row) for row in model._default_manager.order_by("pk").values(*fields)]


TABLES: dict[str, type[models.Model]] = {
    "meetings": Meeting,
    "meeting_attendees": Attendee,
    "meeting_agenda_items": AgendaItem,
    "meeting_agenda_documents": AgendaDocument,
    "meeting_minutes": Minutes,
    "meeting_item_minutes": ItemMinutes,
    "meeting_decisions": Decision,
    "meeting_approvals": Approval,
}


def _exporter(model: type[models.Model]) -> Any:
    def export(tenant: Tenant) -> list[dict[str, Any]]:
        return _rows(model)

    export.__name__ = f"export_{model._meta.model_name}"
    return export


for _name, _model in TABLES.items():
    register(_name, _exporter(_model))
