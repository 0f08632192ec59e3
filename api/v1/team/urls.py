"""`/api/v1/team/…` routes: the collectivité's staff and the invitations of colleagues."""

from django.urls import path

from . import views

urlpatterns = [
    path("team/members/", views.ColleagueList.as_view(), name="api-team-member-list"),
    path(
        "team/members/<int:user_id>/",
        views.ColleagueDetail.as_view(),
        name="api-team-member-detail",
    ),
    path("team/security/", views.Security.as_view(), name="api-team-security"),
    path("team/saml/", views.Saml.as_view(), name="api-team-saml"),
    path("team/scim-token/", views.ScimTokenView.as_view(), name="api-team-scim-token"),
    path("team/invitations/", views.InvitationList.as_view(), name="api-team-invitation-list"),
    path(
        "team/invitations/<int:pk>/",
        views.InvitationDetail.as_view(),
        name="api-team-invitation-detail",
    ),
    path(
        "team/invitations/<int:pk>/resend/",
        views.InvitationResend.as_view(),
        name="api-team-invitation-resend",
    ),
]
