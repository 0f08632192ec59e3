"""The REST API, mounted at /api/ on tenant hosts; its OpenAPI at /api/v1/schema/.

An unknown path under /api/ answers a JSON 404 (api.exceptions.ApiErrorMiddleware).
"""

from typing import Any

from django.http import JsonResponse
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.request import Request


class SwaggerPage(SpectacularSwaggerSplitView):
    """The documentation page; its script from its own URL (`?script`) and no inline style, for
    the Content-Security-Policy. OPTIONS answered in JSON (the page's HTML renderer has no
    template for it: it was a 500)."""

    template_name = "api/swagger_ui.html"

    def options(self, request: Request, *args: Any, **kwargs: Any) -> JsonResponse:  # type: ignore[override]
        return JsonResponse(
            {"name": "Documentation de l'API", "renders": ["text/html"]},
            headers={"Allow": "GET, HEAD, OPTIONS"},
        )


urlpatterns = [
    path("v1/", include("api.v1.spaces.urls")),
    path("", include("api.v1.tasks.urls")),
    path("v1/", include("api.v1.checklists.urls")),
    path("v1/", include("api.v1.discussions.urls")),
    path("v1/", include("api.v1.federation.urls")),
    path("v1/", include("api.v1.citizens.urls")),
    path("v1/", include("api.v1.team.urls")),
    path("v1/", include("api.v1.mywork.urls")),
    path("v1/", include("api.v1.notifications.urls")),
    path("v1/", include("api.v1.documents.urls")),
    path("v1/", include("api.v1.search.urls")),
    path("v1/", include("api.v1.analytics.urls")),
    path("v1/", include("api.v1.meetings.urls")),
    path("v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("v1/docs/", SwaggerPage.as_view(url_name="api-schema"), name="api-docs"),
]
