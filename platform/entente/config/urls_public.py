"""URLs of the bare domain: landing, sign-up, the vendor console, admin, health."""

from django.contrib import admin
from django.urls import include, path

from entente.core import views as core_views

urlpatterns = [
    path("", core_views.landing, name="landing"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("comptes/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
