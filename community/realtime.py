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
from django.conf import settings


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


# --- live sessions ----------------------------------------------------------------------------------

# Live sessions fan out over their own layer when one is configured (Redis pub/sub in production).
LIVE_LAYER = "live" if "live" in settings.CHANNEL_LAYERS else "default"


def live_group(session_id: int, audience: str) -> str:
    """Sockets of a live session by audience: room (everyone), backroom, staff (moderators)."""
    return f"live.{int(session_id)}.{audience}"


def live_member_group(session_id: int, member_id: int) -> str:
    return f"live.{int(session_id)}.member.{int(member_id)}"


def live_presence_event(*, session_id: int, change: str, entry: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(group, event) announcing that a member joined or left; observers are announced to staff only."""
    audience = "staff" if entry["role"] == "client" else "room"
    return live_group(session_id, audience), {"type": "live.presence", "change": change, "entry": entry}


def live_presence_announce(*, session_id: int, change: str, entry: dict[str, Any]) -> None:
    """Synchronous announcement, for code outside the event loop (the stale-connection sweep)."""
    group, event = live_presence_event(session_id=session_id, change=change, entry=entry)
    async_to_sync(get_channel_layer(LIVE_LAYER).group_send)(group, event)
