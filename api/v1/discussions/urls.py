from django.urls import path

from . import views

urlpatterns = [
    path("spaces/<int:space_id>/discussions/", views.ThreadList.as_view(), name="api-thread-list"),
    path(
        "spaces/<int:space_id>/discussions/<int:pk>/",
        views.ThreadDetail.as_view(),
        name="api-thread-detail",
    ),
    path(
        "spaces/<int:space_id>/discussions/<int:pk>/comments/",
        views.CommentList.as_view(),
        name="api-comment-list",
    ),
    path(
        "spaces/<int:space_id>/discussions/<int:pk>/comments/<int:comment_id>/",
        views.CommentDetail.as_view(),
        name="api-comment-detail",
    ),
]
