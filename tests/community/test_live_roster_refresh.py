"""Open live sockets reload the community's roster when it changes, before their next frame.

A socket that sends nothing keeps the roster it loaded at connect; an erasure or a name change
while it is open must still reach the frames it is sent afterwards.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model

from community import live_consumers
from community.live_consumers import LiveSessionConsumer
from community.models import LiveSession, LiveState
from community.roster import roster_build
from community.selectors_live import live_message_event
from community.services.live import live_message_send
from community.services.privacy import user_erase
from tests.community.live_helpers import make_live, make_participant, open_socket
from tests.conftest import membership_of

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct horse battery"  # tests.factories.UserFactory
User = get_user_model()


@pytest.fixture
def live(community, alice, bob, carol):
    return make_live(community)


@pytest.fixture
def frank(community):
    return make_participant(community, "frank", "Brisk Finch")


@pytest.fixture
def refreshes(monkeypatch):
    """(community id of the message, community id of the socket) for every roster.refresh a live socket handles."""
    seen = []
    real = LiveSessionConsumer.roster_refresh

    async def spy(self, event):
        seen.append((event["community_id"], self.member.community_id))
        await real(self, event)

    monkeypatch.setattr(LiveSessionConsumer, "roster_refresh", spy)
    return seen


@pytest.fixture
def reloads(monkeypatch):
    """Community ids of the rosters reloaded from the database for a change."""
    seen = []
    real = live_consumers._roster_reloaded

    def spy(community_id):
        seen.append(community_id)
        return real(community_id)

    monkeypatch.setattr(live_consumers, "_roster_reloaded", spy)
    return seen


def run(coro):
    return asyncio.run(coro)


async def _running_session(discussion, *users):
    """Sockets for `users` (the moderator first) on a started session, each past the start notice."""
    sockets = []
    for user in users:
        socket, welcome = await open_socket(user, discussion.pk)
        assert welcome["type"] == "welcome"
        sockets.append(socket)
    await sockets[0].send(type="start")
    for socket in sockets:
        await socket.next("message", kind="system")
    return sockets


def _rename(user, first_name: str) -> None:
    user = User.objects.get(pk=user.pk)
    user.first_name = first_name
    user.save()


def test_an_erasure_reaches_open_sockets_before_the_moderators_next_line(live, alice, bob, carol, frank):
    discussion, _ = live

    async def scenario():
        mod, part, client = await _running_session(discussion, alice, bob, carol)
        await database_sync_to_async(user_erase)(user=frank, password=PASSWORD)
        await mod.say("Thanks Frank, and you too Bob: what did you both buy?")
        frames = {
            "participant": await part.next("message", kind="message"),
            "client": await client.next("message", kind="message"),
            "moderator": await mod.next("message", kind="message"),
        }
        for socket in (mod, part, client):
            await socket.close()
        return frames

    frames = run(scenario())
    participant, client = frames["participant"]["body"], frames["client"]["body"]
    assert participant == "Thanks [NAME], and you too Bob: what did you both buy?"
    assert "Brisk Finch" not in participant and "Frank" not in participant
    assert client == "Thanks [NAME], and you too [NAME]: what did you both buy?"
    # Moderators keep reading what was written.
    assert frames["moderator"]["body"] == "Thanks Frank, and you too Bob: what did you both buy?"


def test_a_new_name_is_hidden_from_open_sockets_that_loaded_the_roster_before_it(
    live, alice, bob, carol, frank
):
    discussion, _ = live

    async def scenario():
        mod, part, client = await _running_session(discussion, alice, bob, carol)
        await database_sync_to_async(_rename)(frank, "Francesca")
        await mod.say("Over to you, Francesca.")
        got = (await part.next("message", kind="message"), await client.next("message", kind="message"))
        for socket in (mod, part, client):
            await socket.close()
        return got

    participant, client = run(scenario())
    assert participant["body"] == "Over to you, Brisk Finch."
    assert client["body"] == "Over to you, [NAME]."


def test_a_roster_change_elsewhere_reaches_no_socket_of_this_session(
    live, alice, bob, carol, frank, eve, refreshes, reloads
):
    discussion, session = live

    async def scenario():
        mod, part, client = await _running_session(discussion, alice, bob, carol)
        await database_sync_to_async(_rename)(eve, "Evelyn")
        await mod.say("Anyone else?")
        for socket in (mod, part, client):
            await socket.next("message", kind="message")
        quiet = [await socket.drain() for socket in (mod, part, client)]
        handled_then = list(refreshes)
        # The same sockets do hear a change in their own community: once each, one reload for all.
        await database_sync_to_async(_rename)(frank, "Francesca")
        await mod.say("Francesca?")
        for socket in (mod, part, client):
            await socket.next("message", kind="message")
        for socket in (mod, part, client):
            await socket.close()
        return quiet, handled_then

    quiet, handled_then = run(scenario())
    assert quiet == [[], [], []]
    assert handled_then == []
    own = session.discussion.community_id
    assert refreshes == [(own, own)] * 3
    assert reloads == [own]


def test_sockets_that_cannot_reload_the_roster_close_instead_of_using_the_old_one(
    live, alice, bob, carol, frank, monkeypatch
):
    discussion, _ = live

    def broken(community_id):
        raise RuntimeError("database unavailable")

    async def scenario():
        sockets = await _running_session(discussion, alice, bob, carol)
        monkeypatch.setattr(live_consumers, "_roster_reloaded", broken)
        await database_sync_to_async(_rename)(frank, "Francesca")
        closed = [await socket.c.receive_output(timeout=5) for socket in sockets]
        for socket in sockets:
            await socket.close()
        return closed

    # The browser reconnects on 1011 and loads the roster afresh; what it missed is replayed then.
    assert run(scenario()) == [{"type": "websocket.close", "code": 1011}] * 3


def test_the_spotlight_on_reconnect_shows_neither_the_erased_members_pseudonym_nor_their_name(
    live, alice, bob, carol, frank
):
    discussion, _ = live

    async def scenario():
        mod, part, client, erased = await _running_session(discussion, alice, bob, carol, frank)
        await erased.say("I'm Frank and I shop late at night.")
        line = await mod.next("message", kind="message")
        await mod.send(type="spotlight", seq=line["seq"])
        await part.next("message", kind="system", seq=line["seq"] + 1)
        await erased.close()
        await database_sync_to_async(user_erase)(user=frank, password=PASSWORD)
        await part.close()
        await client.close()
        seen = {}
        for name, user in (("participant", bob), ("client", carol), ("moderator", alice)):
            socket, welcome = await open_socket(user, discussion.pk)
            seen[name] = [welcome, *await socket.drain()]
            await socket.close()
        await mod.close()
        return seen

    seen = run(scenario())
    for name, frames in seen.items():
        welcome = frames[0]
        assert welcome["session"]["spotlight"]["author"] == "Former member 1", name
        assert "Frank" not in welcome["session"]["spotlight"]["body"], name
        # Nor in the replayed line and spotlight notice.
        text = json.dumps(frames)
        assert "Brisk Finch" not in text and "I'm Frank" not in text, name


def test_a_shared_frame_text_built_with_the_old_roster_is_not_reused_with_the_new_one(
    live, alice, bob, carol, frank
):
    _, session = live
    LiveSession.objects.filter(pk=session.pk).update(state=LiveState.RUNNING)
    client = membership_of(carol, session.community)
    part = membership_of(bob, session.community)
    line, _ = live_message_send(
        author=part, session=session, stream="room", body="Francesca said the same", client_id=uuid.uuid4()
    )
    event = live_message_event(line)
    before = roster_build(session.community.pk)
    _rename(frank, "Francesca")
    after = roster_build(session.community.pk)

    assert (
        json.loads(live_consumers.live_frame_text(event, client, before))["body"] == "Francesca said the same"
    )
    assert json.loads(live_consumers.live_frame_text(event, client, after))["body"] == "[NAME] said the same"


@pytest.fixture
def lost_refreshes(monkeypatch):
    """Every roster.refresh is lost on its way, as a Redis pub/sub message is to a process whose
    subscription is reconnecting, or an in-memory group message to a full channel."""
    lost = []
    monkeypatch.setattr(live_consumers, "live_roster_changed", lost.append)
    return lost


def test_sockets_that_missed_a_roster_refresh_are_caught_up_by_their_processs_check(
    live, alice, bob, carol, frank, lost_refreshes, refreshes
):
    discussion, session = live

    async def scenario():
        mod, part, client = await _running_session(discussion, alice, bob, carol)
        await database_sync_to_async(_rename)(frank, "Francesca")
        assert lost_refreshes and refreshes == []  # no socket heard of the change
        caught_up = await live_consumers.live_roster_watch().check_once()
        await mod.say("Over to you, Francesca.")
        got = (await part.next("message", kind="message"), await client.next("message", kind="message"))
        # Nothing changed since: the next check leaves every socket as it is.
        again = await live_consumers.live_roster_watch().check_once()
        for socket in (mod, part, client):
            await socket.close()
        return caught_up, again, got

    caught_up, again, (participant, client) = run(scenario())
    assert caught_up == 3 and again == 0
    assert participant["body"] == "Over to you, Brisk Finch."
    assert client["body"] == "Over to you, [NAME]."


def test_the_check_runs_by_itself_and_reads_each_communitys_roster_once_whatever_the_sockets(
    live, alice, bob, carol, frank, lost_refreshes, monkeypatch
):
    discussion, session = live
    monkeypatch.setattr(live_consumers, "ROSTER_CHECK_SECONDS", 0.05)
    reads = []
    real = live_consumers._roster_now

    def spy(community_id):
        reads.append(community_id)
        return real(community_id)

    monkeypatch.setattr(live_consumers, "_roster_now", spy)

    async def scenario():
        mod, part, client = await _running_session(discussion, alice, bob, carol)
        second, _ = await open_socket(bob, discussion.pk)  # a second tab
        await database_sync_to_async(user_erase)(user=frank, password=PASSWORD)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        before = len(reads)
        while len(reads) < before + 2 and loop.time() < deadline:
            await asyncio.sleep(0.05)
        await mod.say("Thanks Frank.")
        got = [await socket.next("message", kind="message") for socket in (part, second, client)]
        for socket in (mod, part, client, second):
            await socket.close()
        return got

    frames = run(scenario())
    assert [f["body"] for f in frames] == ["Thanks [NAME]."] * 3
    # One read per community and check, not one per socket: four sockets, one community.
    assert set(reads) == {session.community_id}
    assert len(reads) >= 2


def test_a_refresh_that_arrives_while_the_check_reads_still_wins(live, alice, bob, carol, frank, monkeypatch):
    discussion, _ = live
    read = live_consumers._roster_now
    push = live_consumers.live_roster_changed

    def read_then_rename_again(community_id):
        # The check reads the first new name; a second rename commits right after, and its refresh
        # (delivered, this time) reaches the sockets while the check is still busy.
        first = read(community_id)
        monkeypatch.setattr(live_consumers, "live_roster_changed", push)
        _rename(frank, "Bella")
        time.sleep(0.5)
        return first

    async def scenario():
        mod, part = await _running_session(discussion, alice, bob)
        monkeypatch.setattr(live_consumers, "live_roster_changed", lambda community_id: None)
        await database_sync_to_async(_rename)(frank, "Francesca")  # its refresh is lost
        monkeypatch.setattr(live_consumers, "_roster_now", read_then_rename_again)
        checked = await live_consumers.live_roster_watch().check_once()
        await mod.say("Over to you, Bella.")
        frame = await part.next("message", kind="message")
        for socket in (mod, part):
            await socket.close()
        return checked, frame

    _checked, frame = run(scenario())
    # The newest names win, whichever of the check and the refresh finished last.
    assert frame["body"] == "Over to you, Brisk Finch."
