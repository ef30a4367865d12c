"""Shared pieces for the live-session tests: a live discussion, sockets per persona, frame readers."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from community.models import DiscussionKind, LiveQuestion, Role
from community.routing import websocket_urlpatterns
from community.services.live import live_session_ensure
from tests.factories import DiscussionFactory, MembershipFactory, UserFactory

TIMEOUT = 5
application = URLRouter(websocket_urlpatterns)


def make_live(community, *, questions=("What did you buy last?", "Why there?"), **kwargs):
    discussion = DiscussionFactory(
        community=community, kind=DiscussionKind.LIVE, title="Evening focus group", **kwargs
    )
    session = live_session_ensure(discussion=discussion)
    for position, text in enumerate(questions):
        LiveQuestion.objects.create(session=session, position=position, text=text)
    return discussion, session


def make_participant(community, username: str, pseudonym: str):
    user = UserFactory(username=username, first_name=username.capitalize(), last_name="Participant")
    MembershipFactory(user=user, community=community, role=Role.PARTICIPANT, pseudonym=pseudonym)
    return user


class Socket:
    """A WebsocketCommunicator with helpers that skip frames a test is not about."""

    def __init__(self, communicator: WebsocketCommunicator):
        self.c = communicator
        self.seen: list[dict[str, Any]] = []

    async def next(self, type_: str, *, timeout: float = TIMEOUT, **match: Any) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"No {type_} frame matching {match}; saw {self.seen[-10:]}")
            frame = await self.c.receive_json_from(timeout=remaining)
            self.seen.append(frame)
            if frame.get("type") == type_ and all(frame.get(k) == v for k, v in match.items()):
                return frame

    async def drain(self, wait: float = 0.3) -> list[dict[str, Any]]:
        frames = []
        while not await self.c.receive_nothing(timeout=wait):
            frame = await self.c.receive_json_from(timeout=TIMEOUT)
            self.seen.append(frame)
            frames.append(frame)
        return frames

    async def send(self, **frame: Any) -> None:
        await self.c.send_json_to(frame)

    async def say(self, body: str, *, stream: str = "room", **extra: Any) -> str:
        client_id = extra.pop("client_id", None) or str(uuid.uuid4())
        await self.send(type="send", stream=stream, body=body, client_id=client_id, **extra)
        return client_id

    async def close(self) -> None:
        await self.c.disconnect()


async def open_socket(user, discussion_id: int, query: str = "") -> tuple[Socket, dict[str, Any]]:
    """Connect as `user`; returns the socket and its first frame (welcome, or the close message)."""
    communicator = WebsocketCommunicator(application, f"/ws/live/{discussion_id}/{query}")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    first = await communicator.receive_output(timeout=TIMEOUT)
    socket = Socket(communicator)
    if first["type"] == "websocket.send":
        import json

        return socket, json.loads(first["text"])
    return socket, first
