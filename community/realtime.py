"""Server-side pushes to a user's open WebSocket connections.

Every authenticated socket on `ws/notifications/` joins the group
`user.<id>`; anything here reaches all of that user's tabs and devices. With
REDIS_URL set the channel layer is Redis, so a Celery worker or another ASGI
process can push too; without it the in-memory layer only reaches sockets of
the current process (the embedded single-process server).
"""

from __future__ import annotations

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer


def user_group_name(user_id: int) -> str:
    return f"user.{int(user_id)}"


def notification_event(*, kind: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The channel-layer message NotificationsConsumer.notify() turns into a frame; JSON-safe."""
    return {"type": "notify", "kind": kind, "data": data or {}}


def push_to_user(*, user_id: int, kind: str, data: dict[str, Any] | None = None) -> None:
    """Send a `notify` frame to every open socket of the user.

    Synchronous: call it from services, tasks or `transaction.on_commit`, never
    from inside an event loop (use the channel layer's `group_send` there).
    """
    layer = get_channel_layer()
    async_to_sync(layer.group_send)(user_group_name(user_id), notification_event(kind=kind, data=data))
