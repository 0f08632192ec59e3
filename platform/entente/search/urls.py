"""Search, mounted at the root of tenant hosts."""

from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("recherche/", views.results, name="results"),
    path("recherche/suggestions/", views.suggestions, name="suggestions"),
]
