"""The team's pages on a tenant's host (`team:`)."""

from django.urls import path

from . import views

app_name = "team"
urlpatterns = [
    path("equipe/", views.team_page, name="members"),
    path("equipe/securite/", views.security_page, name="security"),
    path("equipe/invitations/<int:pk>/renvoyer/", views.resend, name="resend"),
    path("equipe/invitations/<int:pk>/annuler/", views.revoke, name="revoke"),
    path("equipe/<int:user_id>/role/", views.member_role, name="member_role"),
    path("equipe/<int:user_id>/retirer/", views.member_remove, name="member_remove"),
    # The e-mail's link: under /invitation/, which opens before the person is a member.
    path("invitation/collegue/<str:token>/", views.accept, name="accept"),
]
