"""Sign-up pages on the bare domain, under /inscription/."""

from django.urls import path

from . import views

app_name = "signup"

urlpatterns = [
    path("", views.start, name="start"),
    path("recherche/", views.search, name="search"),
    path("collectivite/<str:kind>/<str:code>/", views.details, name="details"),
    path("envoye/", views.sent, name="sent"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("suivi/<uuid:public_id>/", views.progress, name="progress"),
    path("suivi/<uuid:public_id>/etat/", views.status, name="status"),
    path("rejoindre/<str:token>/", views.join_confirm, name="join_confirm"),
    path("mot-de-passe/", views.set_password, name="set_password"),
]
