"""WebSocket consumers of the community app."""

from __future__ import annotations

import json
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer

from community.realtime import user_group_name

# Close code for "log in first": 4000-4999 are free for applications; 4401 mirrors HTTP 401.
CLOSE_UNAUTHENTICATED = 4401
# The notifications socket only carries tiny control messages from the client.
MAX_CLIENT_MESSAGE_CHARS = 1024


class NotificationsConsumer(AsyncWebsocketConsumer):
    """`ws/notifications/`: one per open tab; server pushes `notify` frames to the user.

    Frames sent: {"type": "hello", "username": ...} on connect, {"type": "notify",
    "kind": ..., "data": {...}} for each push, {"type": "pong"} for a client ping and
    {"type": "error", "field": ..., "message": ...} for bad client input.
    """

    group_name: str | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            # Accept first so the browser sees our close code rather than a bare handshake failure.
            await self.accept()
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.group_name = user_group_name(user.pk)
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        await self.accept()
        await self._send_frame({"type": "hello", "username": user.get_username()})

    async def disconnect(self, code: int) -> None:
        if self.group_name is not None:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None:
            await self._error("message", "must be a JSON text frame, not binary.")
            return
        if len(text_data) > MAX_CLIENT_MESSAGE_CHARS:
            await self._error("message", f"must be at most {MAX_CLIENT_MESSAGE_CHARS} characters.")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self._error("message", "must be valid JSON.")
            return
        if not isinstance(content, dict) or content.get("type") != "ping":
            await self._error("type", 'must be "ping" (the only message this socket accepts).')
            return
        await self._send_frame({"type": "pong"})

    async def notify(self, event: dict[str, Any]) -> None:
        """Channel-layer handler for {"type": "notify", "kind": ..., "data": ...} group events."""
        await self._send_frame(
            {"type": "notify", "kind": event.get("kind", ""), "data": event.get("data", {})}
        )

    async def _error(self, field: str, message: str) -> None:
        await self._send_frame({"type": "error", "field": field, "message": f"{field} {message}"})

    async def _send_frame(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame))
