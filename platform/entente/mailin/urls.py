"""Tenant host: the person's inbound addresses."""

from django.urls import path

from . import views

app_name = "mailin"
urlpatterns = [
    path("adresses-de-reception/", views.my_addresses, name="addresses"),
]
