"""ASGI routing: HTTP to Django, websockets through the gate (middleware.py) to the consumers.

Every websocket route must be listed in tests/test_isolation_matrix.py (WEBSOCKET_ROUTES).
"""

from typing import Any

from channels.routing import ProtocolTypeRouter, URLRouter
from channels.sessions import SessionMiddlewareStack
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
            # The session (the same cookie as the pages), read by the gate with the tenant and
            # the membership, in one hop to the database thread (middleware.py).
            "websocket": SessionMiddlewareStack(TenantGate(URLRouter(websocket_urlpatterns))),
        }
    )
