from django.urls import path

from . import views

urlpatterns = [
    path("checklist-templates/", views.TemplateList.as_view(), name="api-checklist-template-list"),
    path(
        "checklist-templates/<int:pk>/",
        views.TemplateDetail.as_view(),
        name="api-checklist-template-detail",
    ),
    path(
        "checklist-templates/<int:pk>/launch/",
        views.TemplateLaunch.as_view(),
        name="api-checklist-template-launch",
    ),
    path(
        "spaces/<int:space_id>/checklists/",
        views.SpaceChecklistList.as_view(),
        name="api-checklist-list",
    ),
    path(
        "spaces/<int:space_id>/checklists/<int:pk>/",
        views.SpaceChecklistDetail.as_view(),
        name="api-checklist-detail",
    ),
]
