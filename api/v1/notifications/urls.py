"""Routes of the inbox API (included by api/urls.py under /api/v1/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("notifications/", views.NotificationList.as_view(), name="api-notification-list"),
    path("notifications/read-all/", views.ReadAll.as_view(), name="api-notification-read-all"),
    path(
        "notifications/preferences/",
        views.Preferences.as_view(),
        name="api-notification-preferences",
    ),
    path("notifications/<int:pk>/read/", views.MarkRead.as_view(), name="api-notification-read"),
]
