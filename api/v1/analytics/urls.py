"""Routes of discovery and adoption (included by api/urls.py under /api/v1/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("me/discovery/", views.MyDiscovery.as_view(), name="api-my-discovery"),
    path("analytics/adoption/", views.Adoption.as_view(), name="api-analytics-adoption"),
]
