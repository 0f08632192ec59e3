"""Routes of invited citizens on a tenant's host (included at the root of urls_tenants)."""

from django.urls import path

from . import views

app_name = "citizens"

urlpatterns = [
    path("invitation/<str:token>/", views.accept, name="accept"),
    path("espaces/<int:space_id>/citoyens/", views.space_citizens, name="space"),
    path("espaces/<int:space_id>/citoyens/ouverture/", views.space_sections, name="sections"),
    path(
        "espaces/<int:space_id>/citoyens/<int:invitation_id>/renvoyer/",
        views.resend,
        name="resend",
    ),
    path(
        "espaces/<int:space_id>/citoyens/<int:invitation_id>/revoquer/",
        views.revoke,
        name="revoke",
    ),
    path("administration/invites/", views.guests, name="guests"),
    path("administration/invites/<int:user_id>/retirer/", views.guest_remove, name="guest_remove"),
    path(
        "administration/invites/invitations/<int:invitation_id>/revoquer/",
        views.admin_revoke,
        name="admin_revoke",
    ),
]
