"""Routes of « Mon travail » (included by api/urls.py under /api/v1/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("me/work/", views.MyWork.as_view(), name="api-my-work"),
]
