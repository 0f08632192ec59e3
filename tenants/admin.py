from django.contrib import admin

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
    model = FederationEvent
    extra = 0
    readonly_fields = ["from_state", "to_state", "actor", "acting_tenant", "note", "created_at"]
    can_delete = False


@admin.register(FederationLink)
class FederationLinkAdmin(admin.ModelAdmin):
    list_display = ["epci", "commune", "state", "updated_at"]
    list_filter = ["state"]
    search_fields = ["epci__name", "commune__name"]
    readonly_fields = ["state", "created_at", "updated_at"]
    inlines = [FederationEventInline]
