from django.contrib import admin

from .models import InboundAddress


@admin.register(InboundAddress)
class InboundAddressAdmin(admin.ModelAdmin):
    """Vendor staff see which tenant an address belongs to, never its token."""

    list_display = ["tenant", "space_id", "user", "created_at"]
    exclude = ["token"]
    readonly_fields = ["tenant", "space_id", "user", "default_space_id"]
