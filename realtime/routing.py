"""ASGI routing: HTTP to Django, websockets to Channels consumers (none yet)."""

from typing import Any

from channels.routing import ProtocolTypeRouter

websocket_urlpatterns: list[Any] = []


def build_application(django_asgi_app: Any) -> ProtocolTypeRouter:
    return ProtocolTypeRouter({"http": django_asgi_app})
