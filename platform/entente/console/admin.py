"""Support grants and the audit log in the Django admin, read-only (the console writes them)."""

from __future__ import annotations

from django.contrib import admin

from entente.core.admin import ReadOnlyAdmin

from .models import AuditEntry, SupportGrant


@admin.register(SupportGrant)
class SupportGrantAdmin(ReadOnlyAdmin):
    list_display = ["tenant", "granted_by", "created_at", "expires_at", "revoked_at"]
    search_fields = ["tenant__name", "tenant__slug"]


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "tenant", "actor", "action", "path"]
    list_filter = ["action"]
    search_fields = ["tenant__slug", "actor__email", "path"]
