from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("mon-compte/donnees/", views.home, name="home"),
    path("mon-compte/donnees/exporter/", views.export_request, name="export_request"),
    path(
        "mon-compte/donnees/exports/<int:export_id>/progression/",
        views.export_progress,
        name="export_progress",
    ),
    path(
        "mon-compte/donnees/<uuid:token>/telecharger/",
        views.export_download,
        name="export_download",
    ),
    path("mon-compte/donnees/effacer/", views.erase, name="erase"),
]
