"""The SAML directory's page on a collectivité's host (`sso:`)."""

from django.urls import path

from . import views

app_name = "sso"
urlpatterns = [
    path("equipe/connexion-unique/", views.saml_page, name="saml"),
]
