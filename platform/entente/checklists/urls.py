"""Procedure pages, mounted at the tenant host's root (see entente.config.urls_tenants)."""

from django.urls import path

from . import views

app_name = "checklists"
urlpatterns = [
    path("procedures/", views.template_list, name="template_list"),
    path("procedures/nouvelle/", views.template_create, name="template_create"),
    path("procedures/courantes/", views.install_starter, name="install_starter"),
    path("procedures/<int:pk>/", views.template_edit, name="template_edit"),
    path("procedures/<int:pk>/supprimer/", views.template_delete, name="template_delete"),
    path("procedures/<int:pk>/lancer/", views.launch, name="launch"),
    path("procedures/<int:pk>/etapes/", views.item_add, name="item_add"),
    path("procedures/<int:pk>/etapes/<int:item_id>/", views.item_update, name="item_update"),
    path(
        "procedures/<int:pk>/etapes/<int:item_id>/supprimer/",
        views.item_delete,
        name="item_delete",
    ),
    path("procedures/<int:pk>/etapes/<int:item_id>/deplacer/", views.item_move, name="item_move"),
    path("espaces/<int:space_id>/procedures/", views.checklist_list, name="checklist_list"),
    path(
        "espaces/<int:space_id>/procedures/<int:pk>/",
        views.checklist_detail,
        name="checklist_detail",
    ),
    path(
        "espaces/<int:space_id>/procedures/<int:pk>/etapes/<int:item_id>/terminer/",
        views.item_complete,
        name="item_complete",
    ),
]
