"""WebSocket routes. Each app lists its own consumers in its routing module."""

from community.routing import websocket_urlpatterns as community_ws

websocket_urlpatterns = [*community_ws]
