"""The vendor console, on the bare domain under /console/."""

from django.urls import path

from . import views

app_name = "console"

urlpatterns = [
    path("", views.tenant_list, name="tenants"),
    path("collectivites/<int:tenant_id>/", views.tenant_detail, name="tenant"),
    path("collectivites/<int:tenant_id>/action/", views.tenant_action, name="tenant_action"),
    path("collectivites/<int:tenant_id>/support/", views.open_support, name="open_support"),
    path("journal/", views.audit_log, name="audit_log"),
    path("evenements-abandonnes/", views.dead_letters, name="dead_letters"),
    path("evenements-abandonnes/<int:row_id>/relancer/", views.replay_dead_letter, name="replay"),
]
