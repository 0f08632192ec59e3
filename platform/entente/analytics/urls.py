from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("mon-compte/decouverte/", views.discovery_page, name="discovery"),
    path(
        "mon-compte/decouverte/<slug:key>/masquer/",
        views.dismiss_suggestion,
        name="dismiss_suggestion",
    ),
    path("administration/adoption/", views.adoption_page, name="adoption"),
    path("administration/adoption/export.csv", views.adoption_csv, name="adoption_csv"),
]
