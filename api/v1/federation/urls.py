"""`/api/v1/federation/…` and `/api/v1/spaces/<id>/join-requests/…` routes."""

from django.urls import path

from . import views

urlpatterns = [
    path("federation/spaces/", views.Directory.as_view(), name="api-federation-directory"),
    path(
        "federation/spaces/<int:space_id>/join/", views.Join.as_view(), name="api-federation-join"
    ),
    path("federation/spaces/<int:space_id>/ask/", views.Ask.as_view(), name="api-federation-ask"),
    path(
        "spaces/<int:space_id>/join-requests/",
        views.JoinRequestList.as_view(),
        name="api-space-join-request-list",
    ),
    path(
        "spaces/<int:space_id>/join-requests/<int:request_id>/approve/",
        views.ApproveRequest.as_view(),
        name="api-space-join-request-approve",
    ),
    path(
        "spaces/<int:space_id>/join-requests/<int:request_id>/refuse/",
        views.RefuseRequest.as_view(),
        name="api-space-join-request-refuse",
    ),
]
