"""Federation pages, on a tenant's host under /federation/."""

from django.urls import path

from . import views

app_name = "federation"

urlpatterns = [
    path("", views.federation_home, name="home"),
    path("inviter/", views.invite, name="invite"),
    path("liens/<int:link_id>/accepter/", views.accept, name="accept"),
    path("liens/<int:link_id>/refuser/", views.refuse, name="refuse"),
    path("liens/<int:link_id>/mettre-fin/", views.end, name="end"),
]
