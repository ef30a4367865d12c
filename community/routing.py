"""WebSocket routes of the community app (live sessions and board updates)."""

websocket_urlpatterns: list = []
