"""Routes of the documents API (included by api/urls.py under /api/v1/).

One table: every route sits under a space's documents and is named `api-document-<name>`;
the same table serves the collectivité's archive tree under `documents/archive/`.
"""

from django.urls import path

from . import views

PREFIX = "spaces/<int:space_id>/documents/"

ROUTES: tuple[tuple[str, type[views.DocumentsView], str], ...] = (
    ("", views.TreeRoot, "tree"),
    ("folders/", views.FolderCreate, "folder-list"),
    ("folders/<int:pk>/", views.FolderDetail, "folder-detail"),
    ("folders/<int:pk>/restore/", views.FolderRestore, "folder-restore"),
    ("folders/<int:pk>/rights/", views.FolderRights, "folder-rights"),
    ("folders/<int:pk>/files/", views.FileUpload, "upload"),
    ("files/<int:pk>/", views.FileDetail, "file-detail"),
    ("files/<int:pk>/restore/", views.FileRestore, "file-restore"),
    ("files/<int:pk>/versions/", views.VersionList, "version-list"),
    (
        "files/<int:pk>/versions/<int:version_id>/download/",
        views.VersionDownload,
        "version-download",
    ),
    ("files/<int:pk>/versions/<int:version_id>/restore/", views.VersionRestore, "version-restore"),
    ("bin/", views.Bin, "bin"),
)

# The collectivité's own archive tree (no space): the same routes, named
# `api-archive-document-<name>`.
ARCHIVE_PREFIX = "documents/archive/"

urlpatterns = [
    path(f"{PREFIX}{route}", view.as_view(), name=f"api-document-{name}")
    for route, view, name in ROUTES
] + [
    path(
        f"{ARCHIVE_PREFIX}{route}",
        views.archive_view(view).as_view(),
        name=f"api-archive-document-{name}",
    )
    for route, view, name in ROUTES
]
