"""Sign-ups and join requests, for Entente's support staff (read mostly)."""

from __future__ import annotations

from django.contrib import admin

from .models import JoinRequest, Signup


@admin.register(Signup)
class SignupAdmin(admin.ModelAdmin):
    list_display = ("collectivity_name", "email", "slug", "state", "created_at", "ready_at")
    list_filter = ("state", "kind")
    search_fields = ("collectivity_name", "email", "slug", "official_code")
    readonly_fields = ("public_id", "created_at", "confirmed_at", "ready_at", "user", "tenant")


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ("full_name", "email", "tenant", "state", "created_at", "decided_at")
    list_filter = ("state",)
    search_fields = ("full_name", "email", "tenant__name")
    readonly_fields = ("public_id", "created_at", "confirmed_at", "decided_at", "decided_by")
