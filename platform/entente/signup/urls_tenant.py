"""Sign-up pages on a tenant's host: the welcome page and the admins' join requests."""

from django.urls import path

from . import views

app_name = "signup"

urlpatterns = [
    path("bienvenue/", views.welcome, name="welcome"),
    path("administration/demandes/", views.join_requests, name="join_requests"),
    path("administration/demandes/<int:pk>/accepter/", views.join_accept, name="join_accept"),
    path("administration/demandes/<int:pk>/refuser/", views.join_refuse, name="join_refuse"),
]
