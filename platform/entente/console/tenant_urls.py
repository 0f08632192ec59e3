"""A tenant's administration pages, on its host under /administration/."""

from django.urls import path

from . import tenant_views

app_name = "administration"

urlpatterns = [
    path("export/", tenant_views.export_page, name="export"),
    path("export/telecharger/", tenant_views.export_download, name="export_download"),
    path("support/", tenant_views.support_page, name="support"),
    path("support/<int:grant_id>/revoquer/", tenant_views.support_revoke, name="support_revoke"),
]
