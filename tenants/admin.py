from django.contrib import admin
from django.http import HttpRequest

from .models import Domain, FederationEvent, FederationLink, Tenant


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "official_code", "state", "plan", "trial_ends_at", "created_at"]
    list_filter = ["kind", "state", "plan", "departement"]
    search_fields = ["name", "slug", "official_code"]
    readonly_fields = ["schema_name", "created_at", "updated_at", "failure_reason"]
    inlines = [DomainInline]


class FederationEventInline(admin.TabularInline):
    """The link's history, read-only: events are written by the federation services only."""

    model = FederationEvent
    extra = 0
    fields = ("created_at", "from_state", "to_state", "actor", "acting_tenant", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(FederationLink)
class FederationLinkAdmin(admin.ModelAdmin):
    """Read-only: links change state through entente.federation's services (and its actions)."""

    list_display = ["epci", "commune", "state", "updated_at"]
    list_filter = ["state"]
    list_select_related = ["epci", "commune"]
    search_fields = ["epci__name", "commune__name", "epci__official_code", "commune__official_code"]
    readonly_fields = ["epci", "commune", "state", "created_at", "updated_at"]
    inlines = [FederationEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # ending a link keeps its history; deleting would erase it
