"""The REST API, mounted at /api/ on tenant hosts."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("v1/", include("api.v1.spaces.urls")),
    path("", include("api.v1.tasks.urls")),
    path("v1/", include("api.v1.checklists.urls")),
    path("v1/", include("api.v1.discussions.urls")),
    path("v1/", include("api.v1.federation.urls")),
    path("v1/", include("api.v1.citizens.urls")),
    path("v1/", include("api.v1.mywork.urls")),
    path("v1/", include("api.v1.notifications.urls")),
    path("v1/", include("api.v1.search.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
