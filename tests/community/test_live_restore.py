"""A moderator puts a withheld live line back, and what sockets show of withheld lines is put right
by number when a withdrawn or restored frame never reached them (pub/sub delivers at most once).
"""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from channels.db import database_sync_to_async
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from community import live_consumers
from community.models import AuditEntry, Post, PostStatus
from community.services.live import live_message_send, live_session_start
from community.services.live_archive import live_message_restore, live_message_withhold, live_session_archive
from community.services.moderation import post_moderate
from tests.community.live_helpers import make_live, open_socket
from tests.conftest import membership_of

pytestmark = pytest.mark.django_db(transaction=True)

LINE = "Honestly the Leeds staff were useless and rude"


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


def withhold(moderator_user, session, seq, reason="Off topic"):
    moderator = membership_of(moderator_user, session.community)
    return live_message_withhold(moderator=moderator, session=session, seq=seq, reason=reason)


def restore(moderator_user, session, seq, reason="Withheld by mistake"):
    moderator = membership_of(moderator_user, session.community)
    return live_message_restore(moderator=moderator, session=session, seq=seq, reason=reason)


def said(user, session, body):
    member = membership_of(user, session.community)
    return live_message_send(
        author=member, session=session, stream="room", body=body, client_id=uuid.uuid4()
    )[0]


async def _running(discussion, *users):
    sockets = [(await open_socket(user, discussion.pk))[0] for user in users]
    await sockets[0].send(type="start")
    for socket in sockets:
        await socket.next("message", kind="system")
    return sockets


@pytest.fixture
def lost_frames(monkeypatch):
    """Every live.withdrawn and live.restored broadcast is lost on its way to the sockets, as a Redis
    pub/sub message is during a hiccup: the sockets never hear of it."""
    lost = []

    async def dropped(self, event):
        lost.append(event["type"])

    monkeypatch.setattr(live_consumers.LiveSessionConsumer, "live_withdrawn", dropped)
    monkeypatch.setattr(live_consumers.LiveSessionConsumer, "live_restored", dropped)
    return lost


def test_a_restored_line_comes_back_live_for_clients_and_moderators_and_on_every_reload(
    client, live, alice, bob, carol
):
    discussion, session = live

    async def scenario():
        mod, part, observer = await _running(discussion, alice, bob, carol)
        await part.say(LINE)
        line = await observer.next("message", kind="message")
        await database_sync_to_async(withhold)(alice, session, line["seq"])
        await observer.next("withdrawn", seq=line["seq"])
        await mod.next("withheld", seq=line["seq"])

        def restore_over_http():
            client.force_login(alice)
            return client.post(
                reverse("live_restore", args=["acme", discussion.pk]),
                {"seq": line["seq"], "reason": "Withheld by mistake"},
            )

        response = await database_sync_to_async(restore_over_http)()
        back = await observer.next("restored", seq=line["seq"])
        unmarked = await mod.next("restored", seq=line["seq"])
        participant_after = await part.drain()
        for socket in (mod, part, observer):
            await socket.close()
        fresh, _ = await open_socket(carol, discussion.pk)
        replay = await fresh.drain()
        await fresh.send(type="resume", last={"room": 0, "backroom": 0})
        resumed = await fresh.drain()
        await fresh.close()
        return line, response, back, unmarked, participant_after, replay, resumed

    line, response, back, unmarked, participant_after, replay, resumed = run(scenario())
    assert response.status_code == 200 and response.json()["status"] == PostStatus.PUBLISHED
    # The line itself comes back, as the observer reads it (pseudonym, not the name).
    assert back["message"]["body"] == LINE and back["message"]["author"] == "Swift Heron"
    assert back["message"]["seq"] == line["seq"]
    assert unmarked["message"]["body"] == LINE
    assert not [f for f in participant_after if f["type"] in ("restored", "withdrawn", "withheld")]
    for frames in (replay, resumed):
        again = next(f for f in frames if f.get("seq") == line["seq"] and f.get("stream") == "room")
        assert again["type"] == "message" and again["body"] == LINE
    post = Post.objects.get(live_message__session=session, live_message__seq=line["seq"])
    assert post.status == PostStatus.PUBLISHED
    # Audited like withholding: who, why, which line.
    entry = AuditEntry.objects.filter(action="post.restore").get()
    assert entry.reason == "Withheld by mistake" and entry.actor_id == alice.pk
    assert entry.details["live_seq"] == line["seq"] and entry.details["to"] == PostStatus.PUBLISHED
    assert entry.target_id == post.pk


def test_only_moderators_can_restore_and_only_a_withheld_line(client, live, alice, bob, carol, community):
    discussion, session = live
    live_session_start(moderator=membership_of(alice, community), session=session)
    line = said(bob, session, LINE)
    other = said(bob, session, "The app is fine.")
    withhold(alice, session, line.seq)
    url = reverse("live_restore", args=["acme", discussion.pk])
    for user in (bob, carol):
        client.force_login(user)
        assert client.post(url, {"seq": line.seq, "reason": "Please"}).status_code == 404
        with pytest.raises(PermissionDenied):
            restore(user, session, line.seq)
    assert Post.objects.get(live_message=line).status == PostStatus.HIDDEN
    assert not AuditEntry.objects.filter(action="post.restore").exists()
    client.force_login(alice)
    not_withheld = client.post(url, {"seq": other.seq, "reason": "Why not"})
    assert not_withheld.status_code == 400 and "not withheld" in not_withheld.json()["errors"]["seq"]
    no_reason = client.post(url, {"seq": line.seq, "reason": " "})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    # A post removed on the board is not "withheld": this is not the way to bring it back.
    post = Post.objects.get(live_message=line)
    post_moderate(moderator=membership_of(alice, community), post=post, action="remove", reason="Abusive")
    with pytest.raises(ValidationError) as exc:
        restore(alice, session, line.seq)
    assert "removed" in exc.value.message_dict["seq"][0]
    assert Post.objects.get(live_message=line).status == PostStatus.REMOVED


def test_a_client_that_missed_the_withdrawn_frame_loses_the_line_at_the_processs_next_check(
    live, alice, bob, carol, lost_frames
):
    discussion, session = live

    async def scenario():
        mod, part, observer = await _running(discussion, alice, bob, carol)
        await part.say(LINE)
        line = await observer.next("message", kind="message")
        await database_sync_to_async(withhold)(alice, session, line["seq"])
        missed = await observer.drain()
        watch = live_consumers.live_roster_watch()
        corrected = await watch.reconcile_once()
        withdrawn = await observer.next("withdrawn", seq=line["seq"])
        marked = await mod.next("withheld", seq=line["seq"])
        participant = await part.drain()
        quiet = await watch.reconcile_once()  # nothing changed since: nothing is sent again
        await database_sync_to_async(restore)(alice, session, line["seq"])
        missed_back = await observer.drain()
        back_count = await watch.reconcile_once()
        back = await observer.next("restored", seq=line["seq"])
        unmarked = await mod.next("restored", seq=line["seq"])
        for socket in (mod, part, observer):
            await socket.close()
        return (
            line,
            missed,
            corrected,
            withdrawn,
            marked,
            participant,
            quiet,
            missed_back,
            back_count,
            back,
            unmarked,
        )

    (
        line,
        missed,
        corrected,
        withdrawn,
        marked,
        participant,
        quiet,
        missed_back,
        back_count,
        back,
        unmarked,
    ) = run(scenario())
    assert set(lost_frames) == {"live.withdrawn", "live.restored"}
    assert not [f for f in missed + missed_back if f["type"] in ("withdrawn", "restored")]
    assert corrected == 2 and quiet == 0 and back_count == 2  # the observer's and the moderator's socket
    assert withdrawn == {"type": "withdrawn", "stream": "room", "seq": line["seq"]}
    assert marked == {"type": "withheld", "stream": "room", "seq": line["seq"]}
    assert not [f for f in participant if f["type"] in ("withdrawn", "withheld")]  # they keep what was said
    assert back["message"]["body"] == LINE and unmarked["message"]["body"] == LINE


def test_the_check_runs_by_itself_and_also_catches_a_board_moderators_hide(
    live, alice, bob, carol, community, monkeypatch
):
    discussion, session = live
    monkeypatch.setattr(live_consumers, "ROSTER_CHECK_SECONDS", 0.05)

    async def scenario():
        mod, part, observer = await _running(discussion, alice, bob, carol)
        await part.say(LINE)
        line = await observer.next("message", kind="message")

        def hide_on_the_board():
            # Archived, then hidden with the board's moderation tools: no live broadcast at all.
            (post,) = live_session_archive(session=session)
            post_moderate(moderator=membership_of(alice, community), post=post, action="hide", reason="Rude")

        await database_sync_to_async(hide_on_the_board)()
        # Within a few checks the observer's screen agrees with the database, with no broadcast.
        gone = await observer.next("withdrawn", seq=line["seq"], timeout=3)
        for socket in (mod, part, observer):
            await socket.close()
        return line, gone

    line, gone = run(scenario())
    assert gone == {"type": "withdrawn", "stream": "room", "seq": line["seq"]}


def test_a_reconnecting_client_is_corrected_for_lines_withheld_or_restored_while_it_was_away(
    live, alice, bob, carol
):
    discussion, session = live

    async def scenario():
        mod, part, observer = await _running(discussion, alice, bob, carol)
        await part.say(LINE)
        first = await observer.next("message", kind="message")
        await part.say("The app is fine though.")
        second = await observer.next("message", kind="message")
        await observer.close()  # the observer's connection drops
        await database_sync_to_async(withhold)(alice, session, first["seq"])
        top = second["seq"]
        # The browser comes back with what it has: both lines shown, nothing withheld.
        back, _ = await open_socket(carol, discussion.pk, f"?room={top}&backroom=0")
        corrections = await back.drain()
        await back.close()
        # The line is restored while the browser is away again; it comes back saying it dropped it.
        await database_sync_to_async(restore)(alice, session, first["seq"])
        again, _ = await open_socket(carol, discussion.pk, f"?room={top}&backroom=0&withheld={first['seq']}")
        restored = await again.drain()
        await again.close()
        # A browser that says nothing is withheld while nothing is: no correction at all.
        calm, _ = await open_socket(carol, discussion.pk, f"?room={top}&backroom=0")
        calm_frames = await calm.drain()
        await calm.close()
        for socket in (mod, part):
            await socket.close()
        return first, corrections, restored, calm_frames

    first, corrections, restored, calm_frames = run(scenario())
    assert [f for f in corrections if f["type"] in ("withdrawn", "message")] == [
        {"type": "withdrawn", "stream": "room", "seq": first["seq"]}
    ]
    assert all(LINE not in json.dumps(f) for f in corrections)
    back = [f for f in restored if f["type"] == "restored"]
    assert len(back) == 1 and back[0]["message"]["body"] == LINE and back[0]["seq"] == first["seq"]
    assert not [f for f in calm_frames if f["type"] in ("withdrawn", "restored")]


def test_bad_withheld_numbers_in_the_query_string_are_ignored(live, alice, bob, carol, community):
    discussion, session = live
    live_session_start(moderator=membership_of(alice, community), session=session)
    line = said(bob, session, "The app is fine.")

    async def scenario():
        socket, welcome = await open_socket(
            carol, discussion.pk, f"?room={line.seq}&withheld=x,-1,,{line.seq}9"
        )
        frames = await socket.drain()
        await socket.close()
        return welcome, frames

    welcome, frames = run(scenario())
    assert welcome["type"] == "welcome"
    assert not [f for f in frames if f["type"] in ("withdrawn", "restored", "error")]
