"""Bad frames on a live socket: each gets an error frame naming what was wrong, the socket stays open,
and nothing of the frame is saved. A failure on the server's side is said, then the socket asks the
browser to reconnect (which resends what was not acknowledged); it never just closes.
"""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache

from community import live_consumers
from community.models import LiveMessage, LiveQuestion
from community.services import live as live_services
from community.services.live import live_session_start
from tests.community.live_helpers import make_live, open_socket
from tests.conftest import membership_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def live(community, alice, bob, carol):
    return make_live(community)


def run(coro):
    return asyncio.run(coro)


def line(**extra):
    return {
        "type": "send",
        "stream": "room",
        "body": "The checkout was quick.",
        "client_id": str(uuid.uuid4()),
        **extra,
    }


# (who sends it, the frame, the field the error names, words its message must contain)
BAD_FRAMES = [
    ("participant", {"body": "hi"}, "type", 'needs a "type"'),
    ("moderator", {"type": {"kind": "start"}}, "type", "must be text"),
    ("moderator", {"type": ["start"]}, "type", "must be text"),
    ("participant", {"type": 7}, "type", "must be text"),
    ("participant", {"type": "shout"}, "type", "unknown frame type 'shout'"),
    ("moderator", {"type": "question_add", "text": ["What next?"]}, "text", "as text"),
    ("moderator", {"type": "question_add", "text": 42}, "text", "as text"),
    ("moderator", {"type": "question_add", "text": "q" * 2001}, "text", "the limit is 2,000"),
    ("participant", line(body="x" * 2001), "body", "the limit is 2,000"),
    ("participant", {k: v for k, v in line().items() if k != "body"}, "body", "text"),
    (
        "moderator",
        {**line(stream="probe"), "recipient": 10**30},
        "recipient",
        "Choose a participant",
    ),
    ("participant", line(discussion_id=987654), "session", "not discussion_id 987654"),
    ("participant", line(session_id=987654), "session", "not session_id 987654"),
    ("moderator", {"type": "start", "discussion_id": 987654}, "session", "nothing was done"),
    ("moderator", {"type": "question_add", "text": "Why?", "discussion_id": "7"}, "session", "whole number"),
]


@pytest.mark.parametrize(("who", "frame", "field", "words"), BAD_FRAMES)
def test_a_bad_frame_gets_an_error_naming_what_was_wrong_saves_nothing_and_keeps_the_socket(
    live, alice, bob, who, frame, field, words
):
    discussion, session = live
    live_session_start(moderator=membership_of(alice, session.community), session=session)
    before = (LiveMessage.objects.count(), LiveQuestion.objects.count())

    async def scenario():
        socket, _ = await open_socket(alice if who == "moderator" else bob, discussion.pk)
        await socket.drain(0.1)
        await socket.c.send_to(text_data=json.dumps(frame))
        error = await socket.next("error")
        await socket.send(type="ping")
        pong = await socket.next("pong")
        await socket.close()
        return error, pong

    error, pong = run(scenario())
    assert error["field"] == field and words in error["message"], error
    assert pong == {"type": "pong"}
    assert (LiveMessage.objects.count(), LiveQuestion.objects.count()) == before


def test_a_failure_on_the_servers_side_is_said_before_the_socket_asks_the_browser_to_reconnect(
    live, alice, monkeypatch
):
    discussion, session = live

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(live_services, "live_question_add", broken)

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        await mod.drain(0.1)
        await mod.send(type="question_add", text="What next?")
        error = await mod.next("error")
        closed = await mod.c.receive_output(timeout=5)
        return error, closed

    error, closed = run(scenario())
    assert error["field"] == "message" and "reconnecting" in error["message"]
    assert error["action"] == "question_add"
    assert closed == {"type": "websocket.close", "code": live_consumers.CLOSE_RETRY}


def test_a_line_that_fails_on_the_servers_side_is_left_for_the_browser_to_resend(
    live, alice, bob, monkeypatch
):
    discussion, session = live
    live_session_start(moderator=membership_of(alice, session.community), session=session)

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(live_consumers, "_store_on_shared_thread", lambda: database_sync_to_async(broken))
    monkeypatch.setattr(live_consumers, "_store_on_own_thread", lambda: database_sync_to_async(broken))

    async def scenario():
        part, _ = await open_socket(bob, discussion.pk)
        await part.drain(0.1)
        await part.say("The checkout was quick.")
        error = await part.next("error")
        closed = await part.c.receive_output(timeout=5)
        return error, closed

    error, closed = run(scenario())
    # No client_id: the browser keeps the line in its outbox and sends it again once reconnected.
    assert "client_id" not in error and "reconnecting" in error["message"]
    assert closed["code"] == live_consumers.CLOSE_RETRY
    assert not LiveMessage.objects.filter(session=session, kind="message").exists()
