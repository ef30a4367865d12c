"""A real daphne process serving config.asgi over HTTP and WebSocket, on the Redis channel layer."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from channels_redis.core import RedisChannelLayer
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from community.realtime import notification_event, user_group_name
from tests.integration.conftest import Process, http_get, login_over_http

pytestmark = pytest.mark.integration

RECEIVE_TIMEOUT = 10.0


async def open_socket(
    server: Process, *, session: str | None = None, origin: str | None = None
) -> ClientConnection:
    headers = {"Cookie": f"sessionid={session}"} if session else {}
    return await connect(
        f"{server.extra['ws_url']}/ws/notifications/",
        origin=origin or server.extra["base_url"],
        additional_headers=headers,
        proxy=None,
        open_timeout=RECEIVE_TIMEOUT,
    )


async def next_frame(socket: ClientConnection) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(socket.recv(), RECEIVE_TIMEOUT))


def test_it_serves_http_with_the_database_and_redis_healthy(asgi_server):
    status, body = http_get(f"{asgi_server.extra['base_url']}/health/")

    assert status == 200
    assert json.loads(body) == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


def test_it_closes_an_anonymous_socket_with_code_4401(asgi_server):
    async def scenario() -> int:
        socket = await open_socket(asgi_server)
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), RECEIVE_TIMEOUT)
        return closed.value.rcvd.code

    assert asyncio.run(scenario()) == 4401


def test_it_refuses_a_socket_opened_from_another_origin_even_with_a_valid_session(asgi_server):
    session = login_over_http(asgi_server.extra["base_url"], "ina")

    async def scenario() -> int:
        with pytest.raises(InvalidStatus) as refused:
            await open_socket(asgi_server, session=session, origin="http://evil.example")
        return refused.value.response.status_code

    assert asyncio.run(scenario()) == 403


def test_it_greets_a_signed_in_user_by_username_and_answers_ping(asgi_server):
    session = login_over_http(asgi_server.extra["base_url"], "ina")

    async def scenario() -> list[dict[str, Any]]:
        async with await open_socket(asgi_server, session=session) as socket:
            hello = await next_frame(socket)
            await socket.send(json.dumps({"type": "ping"}))
            return [hello, await next_frame(socket)]

    assert asyncio.run(scenario()) == [{"type": "hello", "username": "ina"}, {"type": "pong"}]


def test_it_answers_bad_client_input_with_an_error_naming_the_field_and_stays_open(asgi_server):
    session = login_over_http(asgi_server.extra["base_url"], "ina")

    async def scenario() -> list[dict[str, Any]]:
        async with await open_socket(asgi_server, session=session) as socket:
            await next_frame(socket)  # hello
            frames = []
            for message in ["not json", json.dumps({"type": "shout"}), "x" * 5000]:
                await socket.send(message)
                frames.append(await next_frame(socket))
            await socket.send(json.dumps({"type": "ping"}))
            frames.append(await next_frame(socket))
            return frames

    invalid_json, wrong_type, too_long, pong = asyncio.run(scenario())
    assert invalid_json["type"] == "error" and invalid_json["field"] == "message"
    assert wrong_type["type"] == "error" and wrong_type["field"] == "type"
    assert too_long["type"] == "error" and "1024" in too_long["message"]
    assert pong == {"type": "pong"}


def test_it_delivers_a_group_send_from_another_process_only_to_that_users_sockets(
    asgi_server, seeded, integration_redis_url
):
    ina_session = login_over_http(asgi_server.extra["base_url"], "ina")
    omar_session = login_over_http(asgi_server.extra["base_url"], "omar")
    # This test process is the "other process": it reaches daphne only through Redis.
    layer = RedisChannelLayer(hosts=[integration_redis_url])

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        async with (
            await open_socket(asgi_server, session=ina_session) as ina_socket,
            await open_socket(asgi_server, session=omar_session) as omar_socket,
        ):
            await next_frame(ina_socket)  # hello: the group is joined before the greeting
            await next_frame(omar_socket)
            await layer.group_send(
                user_group_name(seeded["ina"]),
                notification_event(kind="probe", data={"title": "Tell us more"}),
            )
            to_ina = await next_frame(ina_socket)
            # Omar's socket must get nothing; a ping proves it is alive and that nothing came first.
            await omar_socket.send(json.dumps({"type": "ping"}))
            to_omar = await next_frame(omar_socket)
            await layer.close_pools()
            return to_ina, to_omar

    to_ina, to_omar = asyncio.run(scenario())
    assert to_ina == {"type": "notify", "kind": "probe", "data": {"title": "Tell us more"}}
    assert to_omar == {"type": "pong"}
