"""`/api/v1/…` routes of invited citizens."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "spaces/<int:space_id>/invitations/",
        views.InvitationList.as_view(),
        name="api-citizen-invitation-list",
    ),
    path(
        "spaces/<int:space_id>/invitations/<int:pk>/",
        views.InvitationDetail.as_view(),
        name="api-citizen-invitation-detail",
    ),
    path(
        "spaces/<int:space_id>/invitations/<int:pk>/resend/",
        views.InvitationResend.as_view(),
        name="api-citizen-invitation-resend",
    ),
    path(
        "spaces/<int:space_id>/citizen-sections/",
        views.OpenSections.as_view(),
        name="api-citizen-sections",
    ),
    path("guests/", views.GuestList.as_view(), name="api-guest-list"),
    path("guests/<int:user_id>/", views.GuestDetail.as_view(), name="api-guest-detail"),
]
