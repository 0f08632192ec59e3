"""Space pages on a tenant's host, under `/espaces/`."""

from django.urls import path

from . import views

app_name = "spaces"

urlpatterns = [
    path("", views.space_list, name="list"),
    path("nouveau/", views.space_create, name="create"),
    path("premiers-pas/masquer/", views.hide_first_steps, name="hide_first_steps"),
    path("<int:space_id>/", views.space_detail, name="detail"),
    path("<int:space_id>/parametres/", views.space_settings, name="settings"),
    path("<int:space_id>/archiver/", views.space_archive, name="archive"),
    path("<int:space_id>/restaurer/", views.space_restore, name="restore"),
    path("<int:space_id>/membres/", views.space_members_page, name="members"),
    path("<int:space_id>/membres/<int:member_id>/role/", views.member_role, name="member_role"),
    path(
        "<int:space_id>/membres/<int:member_id>/retirer/",
        views.member_remove,
        name="member_remove",
    ),
]
