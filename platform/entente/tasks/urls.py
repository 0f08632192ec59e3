"""Task pages on a tenant's host: /taches/… and a space's /espaces/<id>/tableau/."""

from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("taches/", views.my_tasks, name="mine"),
    path("taches/etiquettes/", views.labels, name="labels"),
    path("taches/etiquettes/<int:label_id>/", views.label_edit, name="label_edit"),
    path("taches/<int:pk>/", views.detail, name="detail"),
    path("taches/<int:pk>/statut/", views.move, name="move"),
    path("taches/<int:pk>/supprimer/", views.delete, name="delete"),
    path("taches/<int:pk>/commentaires/", views.comment, name="comment"),
    path(
        "taches/<int:pk>/commentaires/<int:comment_id>/modifier/",
        views.comment_edit,
        name="comment_edit",
    ),
    path("taches/<int:pk>/pieces-jointes/", views.attachment_upload, name="attachment_upload"),
    path(
        "taches/<int:pk>/pieces-jointes/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "taches/<int:pk>/pieces-jointes/<int:attachment_id>/supprimer/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("espaces/<int:space_id>/tableau/", views.board, name="board"),
    path("espaces/<int:space_id>/taches/nouvelle/", views.create, name="create"),
]
