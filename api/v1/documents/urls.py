"""Routes of the documents API (included by api/urls.py under /api/v1/)."""

from django.urls import path

from . import views

PREFIX = "spaces/<int:space_id>/documents/"

urlpatterns = [
    path(PREFIX, views.TreeRoot.as_view(), name="api-document-tree"),
    path(f"{PREFIX}folders/", views.FolderCreate.as_view(), name="api-document-folder-list"),
    path(
        f"{PREFIX}folders/<int:pk>/",
        views.FolderDetail.as_view(),
        name="api-document-folder-detail",
    ),
    path(
        f"{PREFIX}folders/<int:pk>/restore/",
        views.FolderRestore.as_view(),
        name="api-document-folder-restore",
    ),
    path(
        f"{PREFIX}folders/<int:pk>/rights/",
        views.FolderRights.as_view(),
        name="api-document-folder-rights",
    ),
    path(
        f"{PREFIX}folders/<int:pk>/files/",
        views.FileUpload.as_view(),
        name="api-document-upload",
    ),
    path(f"{PREFIX}files/<int:pk>/", views.FileDetail.as_view(), name="api-document-file-detail"),
    path(
        f"{PREFIX}files/<int:pk>/restore/",
        views.FileRestore.as_view(),
        name="api-document-file-restore",
    ),
    path(
        f"{PREFIX}files/<int:pk>/versions/",
        views.VersionList.as_view(),
        name="api-document-version-list",
    ),
    path(
        f"{PREFIX}files/<int:pk>/versions/<int:version_id>/download/",
        views.VersionDownload.as_view(),
        name="api-document-version-download",
    ),
    path(
        f"{PREFIX}files/<int:pk>/versions/<int:version_id>/restore/",
        views.VersionRestore.as_view(),
        name="api-document-version-restore",
    ),
    path(f"{PREFIX}bin/", views.Bin.as_view(), name="api-document-bin"),
]
