from django.urls import path

from . import views

app_name = "discussions"
urlpatterns = [
    path("espaces/<int:space_id>/discussions/", views.thread_list, name="thread_list"),
    path("espaces/<int:space_id>/discussions/<int:pk>/", views.thread_detail, name="thread"),
    path(
        "espaces/<int:space_id>/discussions/<int:pk>/messages/",
        views.comment_create,
        name="comment_create",
    ),
    path(
        "espaces/<int:space_id>/discussions/<int:pk>/messages/<int:comment_id>/modifier/",
        views.comment_edit,
        name="comment_edit",
    ),
    path(
        "espaces/<int:space_id>/discussions/<int:pk>/messages/<int:comment_id>/historique/",
        views.comment_history,
        name="comment_history",
    ),
]
