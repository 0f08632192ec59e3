"""Routes of search (included by api/urls.py under /api/v1/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("search/", views.Search.as_view(), name="api-search"),
]
