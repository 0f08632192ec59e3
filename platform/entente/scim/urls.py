"""SCIM 2.0 on a collectivité's host (`scim:`): the directory's endpoints and the admins' page.
Without a trailing slash, as directories call them (RFC 7644 §3.2)."""

from django.urls import path, re_path

from . import pages, views

app_name = "scim"
urlpatterns = [
    path("equipe/provisionnement/", pages.settings_page, name="settings"),
    re_path(r"^scim/v2/ServiceProviderConfig/?$", views.service_provider_config, name="config"),
    re_path(r"^scim/v2/ResourceTypes/?$", views.resource_types, name="resource_types"),
    re_path(r"^scim/v2/Users/?$", views.users, name="users"),
    re_path(r"^scim/v2/Users/(?P<user_id>[0-9]{1,10})/?$", views.user_detail, name="user"),
    re_path(r"^scim/v2/Groups/?$", views.groups, name="groups"),
    re_path(r"^scim/v2/Groups/(?P<role>[a-z]{1,16})/?$", views.group_detail, name="group"),
]
