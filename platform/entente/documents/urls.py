"""Document pages on a tenant's host: /espaces/<id>/documents/… and /documents/…."""

from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("espaces/<int:space_id>/documents/", views.space_tree, name="space"),
    path("espaces/<int:space_id>/documents/corbeille/", views.space_bin, name="space_bin"),
    path("documents/archives/", views.archive_tree, name="archive"),
    path("documents/archives/corbeille/", views.archive_bin, name="archive_bin"),
    path("documents/dossiers/<int:pk>/", views.folder, name="folder"),
    path("documents/dossiers/<int:pk>/nouveau/", views.folder_create, name="folder_create"),
    path("documents/dossiers/<int:pk>/renommer/", views.folder_rename, name="folder_rename"),
    path("documents/dossiers/<int:pk>/deplacer/", views.folder_move, name="folder_move"),
    path("documents/dossiers/<int:pk>/supprimer/", views.folder_delete, name="folder_delete"),
    path("documents/dossiers/<int:pk>/restaurer/", views.folder_restore, name="folder_restore"),
    path("documents/dossiers/<int:pk>/droits/", views.folder_right, name="folder_right"),
    path("documents/dossiers/<int:pk>/deposer/", views.upload, name="upload"),
    path("documents/fichiers/<int:pk>/", views.file, name="file"),
    path("documents/fichiers/<int:pk>/version/", views.version_upload, name="version_upload"),
    path("documents/fichiers/<int:pk>/renommer/", views.file_rename, name="file_rename"),
    path("documents/fichiers/<int:pk>/deplacer/", views.file_move, name="file_move"),
    path("documents/fichiers/<int:pk>/supprimer/", views.file_delete, name="file_delete"),
    path("documents/fichiers/<int:pk>/restaurer/", views.file_restore, name="file_restore"),
    path("documents/fichiers/<int:pk>/suivre/", views.file_follow, name="file_follow"),
    path("documents/versions/<int:pk>/", views.version_download, name="version"),
    path("documents/versions/<int:pk>/restaurer/", views.version_restore, name="version_restore"),
]
