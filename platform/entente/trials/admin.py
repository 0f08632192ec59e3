"""Trial e-mails sent, read-only: they are a record, written only by entente.trials.services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import TrialReminder


@admin.register(TrialReminder)
class TrialReminderAdmin(admin.ModelAdmin):
    list_display = ["tenant", "kind", "deadline", "recipients", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["tenant__name", "tenant__slug"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
