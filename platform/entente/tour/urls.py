"""The guided tour's pages on a tenant's host (`tour:`)."""

from django.urls import path

from . import views

app_name = "tour"
urlpatterns = [
    path("visite/", views.start, name="start"),
    path("visite/etape-<int:number>/", views.step, name="step"),
    path("visite/fermer/", views.close, name="close"),
]
