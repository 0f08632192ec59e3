"""Procedures (templates and their items) and checklists, for the tenant export (tenants.export)."""

from __future__ import annotations

from tenants.export import register_models

from .models import Checklist, ChecklistItem, ProcedureTemplate, TemplateItem

register_models("procedure_templates", ProcedureTemplate)
register_models("procedure_template_items", TemplateItem)
register_models("checklists", Checklist)
register_models("checklist_items", ChecklistItem)
