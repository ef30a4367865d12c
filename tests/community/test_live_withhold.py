"""A line withheld from the findings leaves the clients' view of a live session, live and on every reload.

Clients are the findings' audience (analysis, themes, client views); participants were in the room
when the line was said and keep it; moderators see it marked.
"""

from __future__ import annotations

import json
import uuid

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from community.models import LiveSession, Post, PostStatus
from community.services.live import live_message_send, live_session_end, live_session_start, live_spotlight
from community.services.live_archive import live_message_withhold
from tests.community.live_helpers import make_live, make_participant, open_socket
from tests.conftest import membership_of

pytestmark = pytest.mark.django_db(transaction=True)

SECRET = "Honestly the Leeds staff were useless and rude"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def live(community, alice, bob, carol):
    return make_live(community)


def withhold(moderator_user, session, seq, reason="Off topic"):
    moderator = membership_of(moderator_user, session.community)
    return live_message_withhold(moderator=moderator, session=session, seq=seq, reason=reason)


def store_quietly(user, session, body):
    """A line stored without a broadcast: as if the channel layer had dropped it."""
    member = membership_of(user, session.community)
    return live_message_send(
        author=member, session=session, stream="room", body=body, client_id=uuid.uuid4()
    )[0]


def no_secret(frames):
    return all(SECRET not in json.dumps(f) for f in frames)


def test_a_client_loses_a_withheld_line_live_and_on_reconnect_while_the_room_keeps_it(
    live, alice, bob, carol
):
    discussion, session = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await mod.send(type="start")
        await client.next("message", kind="system")
        await part.say(SECRET)
        said = await client.next("message", kind="message")
        await mod.next("message", kind="message")
        await part.next("message", kind="message")
        await database_sync_to_async(withhold)(alice, session, said["seq"])
        removed = await client.next("withdrawn")
        marked = await mod.next("withheld")
        participant_after = await part.drain()
        # The client's bookkeeping is intact: the next line arrives at once, with no replay asked for.
        await part.say("The app is fine though.")
        following = await client.next("message", kind="message")
        client_after = await client.drain()
        for s in (mod, part, client):
            await s.close()
        # Reloading the room: a fresh socket from nothing, and one resuming from before the line.
        again, welcome = await open_socket(carol, discussion.pk)
        replay = await again.drain()
        await again.send(type="resume", last={"room": said["seq"] - 1, "backroom": 0})
        resumed = await again.drain()
        await again.close()
        bob_again, _ = await open_socket(bob, discussion.pk)
        bob_replay = await bob_again.drain()
        await bob_again.close()
        return (
            said,
            removed,
            marked,
            participant_after,
            following,
            client_after,
            welcome,
            replay,
            resumed,
            bob_replay,
        )

    said, removed, marked, part_after, following, client_after, welcome, replay, resumed, bob_replay = run(
        scenario()
    )
    seq = said["seq"]
    assert said["body"] == SECRET  # seen while it was said
    assert removed == {"type": "withdrawn", "stream": "room", "seq": seq}
    assert marked == {"type": "withheld", "stream": "room", "seq": seq}
    assert not [f for f in part_after if f["type"] in ("withdrawn", "withheld")]
    assert following["seq"] == seq + 1 and following["body"] == "The app is fine though."
    assert not [f for f in client_after if f["type"] == "error"]
    assert welcome["seqs"]["room"] == seq + 1
    for frames in (replay, resumed):
        assert no_secret(frames)
        placeholder = next(f for f in frames if f.get("seq") == seq)
        assert placeholder["type"] == "withdrawn" and "body" not in placeholder
        # Every number up to the newest, with no hole where the line was.
        room = [f["seq"] for f in frames if f.get("stream") == "room"]
        assert room == list(range(room[0], seq + 2))
    # The participant who said it still reads it in the room.
    assert any(f.get("body") == SECRET for f in bob_replay)


def test_a_withheld_line_a_client_had_not_received_arrives_as_a_placeholder_then_the_next_line(
    live, alice, bob, carol
):
    discussion, session = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await mod.send(type="start")
        await client.next("message", kind="system")
        # Stored but never broadcast: the client's socket finds the gap when the next line comes.
        lost = await database_sync_to_async(store_quietly)(bob, session, SECRET)
        await database_sync_to_async(withhold)(alice, session, lost.seq)
        await part.say("After the gap.")
        placeholder = await client.next("withdrawn")
        following = await client.next("message", kind="message")
        rest = await client.drain()
        for s in (mod, part, client):
            await s.close()
        return lost, placeholder, following, client.seen + rest

    lost, placeholder, following, seen = run(scenario())
    assert placeholder["seq"] == lost.seq and following["seq"] == lost.seq + 1
    assert following["body"] == "After the gap."
    assert no_secret(seen)


def test_a_withheld_line_cannot_be_spotlighted(live, alice, bob, carol):
    discussion, session = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        await mod.send(type="start")
        await part.next("message", kind="system")
        await part.say(SECRET)
        said = await mod.next("message", kind="message")
        await database_sync_to_async(withhold)(alice, session, said["seq"])
        await mod.next("withheld")
        await mod.send(type="spotlight", seq=said["seq"])
        refused = await mod.next("error")
        for s in (mod, part):
            await s.close()
        return refused

    refused = run(scenario())
    assert refused["action"] == "spotlight" and refused["field"] == "seq"
    assert "withheld" in refused["message"]
    session.refresh_from_db()
    assert session.spotlight is None
    # The service itself refuses, whoever calls it.
    line = session.messages.get(body=SECRET)
    with pytest.raises(ValidationError) as exc:
        live_spotlight(moderator=membership_of(alice, session.community), session=session, seq=line.seq)
    assert "withheld" in exc.value.message_dict["seq"][0]


def test_withholding_the_spotlighted_line_clears_the_spotlight_and_a_client_never_reads_it_again(
    live, alice, bob, carol
):
    discussion, session = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await mod.send(type="start")
        await client.next("message", kind="system")
        await part.say(SECRET)
        said = await mod.next("message", kind="message")
        await mod.send(type="spotlight", seq=said["seq"])
        pinned = await client.next("message", kind="system", seq=said["seq"] + 1)
        await database_sync_to_async(withhold)(alice, session, said["seq"])
        cleared = [await s.next("message", kind="system", seq=said["seq"] + 2) for s in (client, part)]
        await client.next("withdrawn")
        for s in (mod, part, client):
            await s.close()
        again, welcome = await open_socket(carol, discussion.pk)
        replay = await again.drain()
        await again.close()
        return said, pinned, cleared, welcome, replay

    said, pinned, cleared, welcome, replay = run(scenario())
    assert pinned["data"]["body"] == SECRET
    assert all(f["data"] == {"event": "spotlight", "seq": 0} for f in cleared)
    assert welcome["session"]["spotlight"] is None
    assert no_secret([welcome, *replay])
    # The old spotlight event is replayed to the client without its quote.
    old = next(f for f in replay if f.get("seq") == said["seq"] + 1)
    assert old["data"] == {"event": "spotlight", "seq": 0}
    assert LiveSession.objects.get(pk=session.pk).spotlight is None


def test_after_the_end_withholding_the_spotlighted_line_unpins_it_for_the_clients_page_and_socket(
    client, live, alice, bob, carol, community
):
    discussion, session = live
    frank = make_participant(community, "frank", "Brisk Finch")
    moderator = membership_of(alice, community)
    live_session_start(moderator=moderator, session=session)
    line = store_quietly(bob, session, SECRET)
    store_quietly(frank, session, "The checkout was quick.")
    live_spotlight(moderator=moderator, session=session, seq=line.seq)
    live_session_end(moderator=moderator, session=session)
    seq_before = LiveSession.objects.get(pk=session.pk).room_seq

    url = reverse("live_withhold", args=["acme", discussion.pk])
    client.force_login(alice)
    assert client.post(url, {"seq": line.seq, "reason": "Rude about staff"}).status_code == 200

    after = LiveSession.objects.get(pk=session.pk)
    assert after.spotlight is None and after.room_seq == seq_before  # nothing is said in an ended room
    assert Post.objects.get(live_message=line).status == PostStatus.HIDDEN
    client.force_login(carol)
    page = client.get(reverse("live_session", args=["acme", discussion.pk])).content.decode()
    assert SECRET not in page and "data-withheld" not in page

    async def scenario():
        socket, welcome = await open_socket(carol, discussion.pk)
        frames = await socket.drain()
        await socket.close()
        return welcome, frames

    welcome, frames = run(scenario())
    assert welcome["session"]["spotlight"] is None and no_secret([welcome, *frames])
    assert any(f.get("body") == "The checkout was quick." for f in frames)


def run(coro):
    import asyncio

    return asyncio.run(coro)
