"""Routes of the task API (included by api/urls.py under /api/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("v1/tasks/", views.TaskListCreate.as_view(), name="api-task-list"),
    path("v1/tasks/<int:pk>/", views.TaskDetail.as_view(), name="api-task-detail"),
    path(
        "v1/tasks/<int:pk>/comments/",
        views.TaskCommentListCreate.as_view(),
        name="api-task-comment-list",
    ),
    path(
        "v1/tasks/<int:pk>/comments/<int:comment_id>/",
        views.TaskCommentDetail.as_view(),
        name="api-task-comment-detail",
    ),
    path(
        "v1/tasks/<int:pk>/attachments/",
        views.TaskAttachmentListCreate.as_view(),
        name="api-task-attachment-list",
    ),
    path(
        "v1/tasks/<int:pk>/attachments/<int:attachment_id>/",
        views.TaskAttachmentDetail.as_view(),
        name="api-task-attachment-detail",
    ),
    path("v1/labels/", views.LabelListCreate.as_view(), name="api-label-list"),
    path("v1/labels/<int:pk>/", views.LabelDetail.as_view(), name="api-label-detail"),
    path("v1/me/tasks/", views.MyTaskList.as_view(), name="api-my-tasks"),
]
