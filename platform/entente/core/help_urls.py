"""The help pages (`help:`), on a tenant's host and on the bare domain alike."""

from django.urls import path

from . import views

app_name = "help"
urlpatterns = [
    path("", views.help_index, name="index"),
    path("<slug:slug>/", views.help_page, name="topic"),
]
