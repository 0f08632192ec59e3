"""Federation pages, on a tenant's host under /federation/."""

from django.urls import path

from . import space_views, views

app_name = "federation"

urlpatterns = [
    path("", views.federation_home, name="home"),
    path("inviter/", views.invite, name="invite"),
    path("liens/<int:link_id>/accepter/", views.accept, name="accept"),
    path("liens/<int:link_id>/refuser/", views.refuse, name="refuse"),
    path("liens/<int:link_id>/mettre-fin/", views.end, name="end"),
    # Federation spaces on an EPCI's host (entente.federation.space_views).
    path("espaces/", space_views.directory, name="directory"),
    path("espaces/<int:space_id>/rejoindre/", space_views.join, name="join"),
    path("espaces/<int:space_id>/demander/", space_views.ask, name="ask"),
    path("espaces/<int:space_id>/quitter/", space_views.leave, name="leave"),
    path("espaces/<int:space_id>/demandes/", space_views.requests_page, name="space_requests"),
    path(
        "espaces/<int:space_id>/demandes/<int:request_id>/accepter/",
        space_views.approve,
        name="request_approve",
    ),
    path(
        "espaces/<int:space_id>/demandes/<int:request_id>/refuser/",
        space_views.refuse,
        name="request_refuse",
    ),
]
