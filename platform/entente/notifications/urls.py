"""The inbox and the preferences, mounted at the root of tenant hosts and of the bare domain."""

from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.inbox_page, name="list"),
    path("notifications/tout-lu/", views.mark_all_read, name="read_all"),
    path("notifications/<int:pk>/lue/", views.mark_read, name="read"),
    path("notifications/<int:pk>/ouvrir/", views.open_notification, name="open"),
    path("mon-compte/notifications/", views.preferences_page, name="preferences"),
]
