"""OPTIONS answers (a browser's CORS preflight) without touching any object.

DRF's `SimpleMetadata` calls `view.get_object()` to see whether PUT is allowed; views that load
their object themselves (tasks, labels) have no queryset, and that call was a 500 for every
role. Here the description of the writable fields comes from the serializer class alone, and
permissions are not re-checked per method: the view's own checks already ran for OPTIONS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.metadata import SimpleMetadata

if TYPE_CHECKING:  # rest_framework.views imports this module while it is being defined
    from rest_framework.request import Request
    from rest_framework.views import APIView


class ObjectFreeMetadata(SimpleMetadata):
    def determine_actions(self, request: Request, view: APIView) -> dict[str, Any]:
        actions: dict[str, Any] = {}
        get_serializer_class = getattr(view, "get_serializer_class", None)
        if get_serializer_class is None:
            return actions
        try:
            serializer = get_serializer_class()()
        except Exception:
            return actions
        for method in {"PUT", "POST"} & set(view.allowed_methods):
            actions[method] = self.get_serializer_info(serializer)
        return actions
