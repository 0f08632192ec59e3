"""`/api/v1/spaces/…` routes."""

from django.urls import path

from . import views

urlpatterns = [
    path("spaces/", views.SpaceList.as_view(), name="api-space-list"),
    path("spaces/<int:space_id>/", views.SpaceDetail.as_view(), name="api-space-detail"),
    path("spaces/<int:space_id>/restore/", views.SpaceRestore.as_view(), name="api-space-restore"),
    path(
        "spaces/<int:space_id>/members/",
        views.SpaceMemberList.as_view(),
        name="api-space-member-list",
    ),
    path(
        "spaces/<int:space_id>/members/<int:user_id>/",
        views.SpaceMemberDetail.as_view(),
        name="api-space-member-detail",
    ),
    path(
        "spaces/<int:space_id>/activity/",
        views.SpaceActivityList.as_view(),
        name="api-space-activity",
    ),
]
