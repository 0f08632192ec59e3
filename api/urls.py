"""The REST API, mounted at /api/ on tenant hosts."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .v1.spaces.views import SpaceList

urlpatterns = [
    path("v1/spaces/", SpaceList.as_view(), name="api-space-list"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
