"""NotificationsConsumer in-process, on whichever channel layer the settings choose."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from community.consumers import NotificationsConsumer
from community.realtime import push_to_user

TIMEOUT = 5


async def connect_as(user) -> tuple[WebsocketCommunicator, bool, Any]:
    communicator = WebsocketCommunicator(NotificationsConsumer.as_asgi(), "/ws/notifications/")
    communicator.scope["user"] = user
    connected, subprotocol_or_code = await communicator.connect(timeout=TIMEOUT)
    return communicator, connected, subprotocol_or_code


def test_it_closes_an_anonymous_socket_with_code_4401(db):
    async def scenario() -> dict:
        communicator, connected, _ = await connect_as(AnonymousUser())
        assert connected
        return await communicator.receive_output(timeout=TIMEOUT)

    assert asyncio.run(scenario()) == {"type": "websocket.close", "code": 4401}


def test_it_greets_the_user_and_delivers_pushes_to_them_but_not_to_others(bob, carol):
    async def scenario() -> tuple[dict, dict, bool]:
        bob_socket, _, _ = await connect_as(bob)
        carol_socket, _, _ = await connect_as(carol)
        hello = await bob_socket.receive_json_from(timeout=TIMEOUT)
        await carol_socket.receive_json_from(timeout=TIMEOUT)
        # push_to_user is the synchronous entry point services and tasks use.
        await asyncio.to_thread(push_to_user, user_id=bob.pk, kind="probe", data={"title": "Tell us more"})
        pushed = await bob_socket.receive_json_from(timeout=TIMEOUT)
        carol_got_nothing = await carol_socket.receive_nothing(timeout=0.3)
        await bob_socket.disconnect()
        await carol_socket.disconnect()
        return hello, pushed, carol_got_nothing

    hello, pushed, carol_got_nothing = asyncio.run(scenario())
    assert hello == {"type": "hello", "username": "bob"}
    assert pushed == {"type": "notify", "kind": "probe", "data": {"title": "Tell us more"}}
    assert carol_got_nothing


@pytest.mark.parametrize(
    ("message", "field", "limit_text"),
    [
        ("{not json", "message", "valid JSON"),
        (json.dumps({"type": "shout"}), "type", '"ping"'),
        ("x" * 1025, "message", "1024 characters"),
    ],
)
def test_it_answers_bad_input_with_an_error_naming_the_field(bob, message, field, limit_text):
    async def scenario() -> tuple[dict, dict]:
        socket, _, _ = await connect_as(bob)
        await socket.receive_json_from(timeout=TIMEOUT)
        await socket.send_to(text_data=message)
        error = await socket.receive_json_from(timeout=TIMEOUT)
        await socket.send_json_to({"type": "ping"})
        still_open = await socket.receive_json_from(timeout=TIMEOUT)
        await socket.disconnect()
        return error, still_open

    error, still_open = asyncio.run(scenario())
    assert error["type"] == "error" and error["field"] == field and limit_text in error["message"]
    assert still_open == {"type": "pong"}


def test_it_refuses_binary_frames_with_an_error(bob):
    async def scenario() -> dict:
        socket, _, _ = await connect_as(bob)
        await socket.receive_json_from(timeout=TIMEOUT)
        await socket.send_to(bytes_data=b"\x00\x01")
        error = await socket.receive_json_from(timeout=TIMEOUT)
        await socket.disconnect()
        return error

    assert asyncio.run(scenario())["field"] == "message"
