"""ASGI routing: HTTP to Django, websockets through the gate (middleware.py) to the consumers.

Every websocket route must be listed in tests/test_isolation_matrix.py (WEBSOCKET_ROUTES).
"""

from typing import Any

from channels.auth import AuthMiddlewareStack
from channels.routing import ProtocolTypeRouter, URLRouter
from django.urls import path

from .consumers import LiveConsumer
from .middleware import TenantGate

websocket_urlpatterns: list[Any] = [
    path("ws/live/", LiveConsumer.as_asgi(), name="live"),
]


def build_application(django_asgi_app: Any) -> ProtocolTypeRouter:
    return ProtocolTypeRouter(
        {
            "http": django_asgi_app,
            # Session first (the same cookie as the pages), then the tenant and membership gate.
            "websocket": AuthMiddlewareStack(TenantGate(URLRouter(websocket_urlpatterns))),
        }
    )
