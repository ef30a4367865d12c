"""WebSocket routes of the community app (live sessions and board updates)."""

from django.urls import path

from community.consumers import NotificationsConsumer
from community.live_consumers import BoardConsumer, LiveSessionConsumer

websocket_urlpatterns: list = [
    path("ws/notifications/", NotificationsConsumer.as_asgi(), name="ws_notifications"),
    path("ws/live/<int:discussion_id>/", LiveSessionConsumer.as_asgi(), name="ws_live"),
    path("ws/discussions/<int:discussion_id>/", BoardConsumer.as_asgi(), name="ws_board"),
]
