"""The live-session socket for every role: who sees which event, replay, retries, bad frames."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community import live_consumers
from community.live_consumers import LIVE_LAYER
from community.models import (
    LiveConnection,
    LiveMessage,
    LiveQuestion,
    LiveSession,
    LiveState,
    LiveStream,
    Role,
)
from community.models.live import LIVE_CONNECTION_STALE_SECONDS
from community.selectors_live import live_message_event, live_presence
from community.services.live import (
    live_connections_sweep,
    live_message_send,
    live_messages_store,
    live_send_clean,
)
from community.tasks import sweep_live_connections
from tests.community.live_helpers import make_live, make_participant, open_socket
from tests.conftest import membership_of
from tests.factories import DiscussionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(community, alice, bob, carol):
    return make_live(community)


@pytest.fixture
def frank(community):
    return make_participant(community, "frank", "Brisk Finch")


def run(coro):
    return asyncio.run(coro)


# --- connecting ------------------------------------------------------------------------------------


def test_it_closes_an_anonymous_socket_with_4401(live):
    discussion, _ = live

    async def scenario():
        _, first = await open_socket(AnonymousUser(), discussion.pk)
        return first

    assert run(scenario()) == {"type": "websocket.close", "code": 4401}


def test_it_closes_an_outsiders_socket_with_4404_as_if_the_session_did_not_exist(live, eve):
    discussion, _ = live

    async def scenario():
        _, refused = await open_socket(eve, discussion.pk)
        _, missing = await open_socket(eve, 999_999)
        return refused, missing

    refused, missing = run(scenario())
    assert refused == missing == {"type": "websocket.close", "code": 4404}


def test_it_refuses_a_participant_without_consent_and_a_board_id_and_a_draft(community, live, dave, bob):
    discussion, _ = live
    board = DiscussionFactory(community=community)
    draft = DiscussionFactory(community=community, kind="live", is_draft=True)

    async def scenario():
        _, no_consent = await open_socket(dave, discussion.pk)
        _, not_live = await open_socket(bob, board.pk)
        _, drafted = await open_socket(bob, draft.pk)
        return no_consent, not_live, drafted

    no_consent, not_live, drafted = run(scenario())
    assert no_consent["code"] == 4403
    assert not_live["code"] == 4404 and drafted["code"] == 4404


def test_it_welcomes_each_role_with_the_state_and_the_moderator_with_the_guide(live, alice, bob, carol):
    discussion, _ = live

    async def scenario():
        frames = {}
        for name, user in (("alice", alice), ("bob", bob), ("carol", carol)):
            socket, welcome = await open_socket(user, discussion.pk)
            frames[name] = welcome
            await socket.close()
        return frames

    frames = run(scenario())
    assert frames["alice"]["role"] == Role.MODERATOR
    assert [q["text"] for q in frames["alice"]["questions"]] == ["What did you buy last?", "Why there?"]
    assert "questions" not in frames["bob"] and "questions" not in frames["carol"]
    assert frames["bob"]["streams"] == ["room", "probe"]
    assert frames["carol"]["streams"] == ["room", "backroom"]
    assert frames["bob"]["session"]["state"] == LiveState.SCHEDULED


# --- every role's view of every event ----------------------------------------------------------------


def test_it_shows_a_pushed_question_to_everyone_and_starts_the_session(live, alice, bob, carol):
    discussion, session = live
    first = session.questions.first()

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await mod.send(type="question_push", question_id=first.pk)
        got = [await s.next("message", kind="question") for s in (mod, part, client)]
        for s in (mod, part, client):
            await s.close()
        return got

    got = run(scenario())
    assert {f["body"] for f in got} == {"What did you buy last?"}
    assert all(f["stream"] == "room" and f["seq"] == 1 for f in got)
    session.refresh_from_db()
    assert session.state == LiveState.RUNNING and session.current_question_id == first.pk


def test_it_names_a_participant_by_pseudonym_to_others_and_by_real_name_to_the_moderator(
    live, alice, bob, carol, frank
):
    discussion, session = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        other, _ = await open_socket(frank, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await mod.send(type="start")
        await part.next("message", kind="system")
        client_id = await part.say("I buy my shoes online now.")
        ack = await part.next("ack")
        frames = {
            "mine": await part.next("message", kind="message"),
            "moderator": await mod.next("message", kind="message"),
            "participant": await other.next("message", kind="message"),
            "client": await client.next("message", kind="message"),
        }
        for s in (mod, part, other, client):
            await s.close()
        return client_id, ack, frames

    client_id, ack, frames = run(scenario())
    assert ack == {"type": "ack", "client_id": client_id, "stream": "room", "seq": 2, "duplicate": False}
    assert frames["moderator"]["author"] == "Bob Participant (Swift Heron)"
    assert frames["participant"]["author"] == frames["client"]["author"] == "Swift Heron"
    assert frames["mine"]["mine"] is True and frames["mine"]["client_id"] == client_id
    assert "client_id" not in frames["participant"]
    assert LiveMessage.objects.get(session=session, stream="room", seq=2).body == "I buy my shoes online now."


def test_it_shows_observers_and_other_participants_a_participants_line_with_contact_details_redacted(
    live, alice, bob, carol, frank
):
    discussion, session = live
    line = "Text me on 07700 900123 or write to bob.p@example.com about it."

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        other, _ = await open_socket(frank, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await mod.send(type="start")
        await part.next("message", kind="system")
        await part.say(line)
        frames = {
            "mine": await part.next("message", kind="message"),
            "moderator": await mod.next("message", kind="message"),
            "participant": await other.next("message", kind="message"),
            "client": await client.next("message", kind="message"),
        }
        await mod.send(type="spotlight", seq=frames["moderator"]["seq"])
        spotlights = {
            "client": await client.next("message", kind="system", seq=frames["moderator"]["seq"] + 1),
            "participant": await other.next("message", kind="system", seq=frames["moderator"]["seq"] + 1),
        }
        for s in (mod, part, other, client):
            await s.close()
        return frames, spotlights

    frames, spotlights = run(scenario())
    # The author and the moderator read the line as written; everyone else without the details.
    assert frames["moderator"]["body"] == frames["mine"]["body"] == line
    for reader in ("client", "participant"):
        body = frames[reader]["body"]
        assert "07700" not in body and "bob.p@example.com" not in body, reader
        assert "[PHONE]" in body and "[EMAIL]" in body, reader
        spotlight = spotlights[reader]
        assert spotlight["data"]["event"] == "spotlight" and "07700" not in spotlight["data"]["body"], reader


def test_it_tells_a_participant_which_details_of_their_line_the_others_see_hidden(live, alice, bob, carol):
    discussion, session = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await mod.send(type="start")
        await part.next("message", kind="system")
        acks = {}
        for name, line in (
            ("both", "Text me on 07700 900123 or write to bob.p@example.com about it."),
            ("plain", "The queue was long but the staff were kind."),
        ):
            acks[name] = await part.next("ack", client_id=await part.say(line))
        # The moderator's own line carries no notice: nobody sees a moderator's words hidden.
        acks["moderator"] = await mod.next("ack", client_id=await mod.say("Email me at alice@example.com"))
        # Backroom lines stay with the research team and the client.
        acks["backroom"] = await client.next(
            "ack", client_id=await client.say("Call 07700 900123", stream="backroom")
        )
        for s in (mod, part, client):
            await s.close()
        return acks

    acks = run(scenario())
    assert acks["both"]["notice"] == (
        "Your message includes an email address and a phone number; other participants and clients see them hidden."
    )
    for name in ("plain", "moderator", "backroom"):
        assert "notice" not in acks[name], name


def test_it_sends_backroom_notes_to_moderators_and_clients_and_never_to_participants(live, alice, bob, carol):
    discussion, _ = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await part.drain()
        await client.say("Ask them about delivery costs", stream="backroom", note=True)
        to_mod = await mod.next("message", stream="backroom")
        to_client = await client.next("message", stream="backroom")
        await client.send(type="typing", stream="backroom")
        typing_to_mod = await mod.next("typing")
        participant_frames = await part.drain(0.5)
        for s in (mod, part, client):
            await s.close()
        return to_mod, to_client, typing_to_mod, participant_frames

    to_mod, to_client, typing_to_mod, participant_frames = run(scenario())
    assert to_mod["kind"] == "note" and to_mod["body"] == "Ask them about delivery costs"
    assert to_mod["author"] == "Carol Client (Client Carol)"
    assert to_client["mine"] is True
    assert typing_to_mod == {"type": "typing", "stream": "backroom", "who": "Carol Client (Client Carol)"}
    # Not the note, not the typing, not even the observer's arrival.
    assert participant_frames == []


def test_it_keeps_observers_out_of_the_participants_presence_list(live, alice, bob, carol):
    discussion, _ = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        client, client_welcome = await open_socket(carol, discussion.pk)
        await asyncio.sleep(0.1)
        part_frames = await part.drain()
        mod_frames = await mod.drain()
        late, late_welcome = await open_socket(bob, discussion.pk)  # a second tab
        for s in (mod, part, client, late):
            await s.close()
        return client_welcome, part_frames, mod_frames, late_welcome

    client_welcome, part_frames, mod_frames, late_welcome = run(scenario())
    assert all(p["role"] != "client" for p in late_welcome["presence"])
    assert {p["name"] for p in late_welcome["presence"]} == {"Moderator Alice", "Swift Heron"}
    presence_seen_by_participant = [f["member"] for f in part_frames if f["type"] == "presence"]
    assert all(m["role"] != "client" and "Carol" not in m["name"] for m in presence_seen_by_participant)
    observer_joined = [f for f in mod_frames if f["type"] == "presence" and f["member"]["role"] == "client"]
    assert observer_joined and observer_joined[0]["member"]["name"] == "Carol Client (Client Carol)"
    assert {p["name"] for p in client_welcome["presence"]} == {"Moderator Alice", "Swift Heron"}


def test_it_delivers_a_probe_only_to_its_participant_and_the_moderators(live, alice, bob, carol, frank):
    discussion, session = live
    bob_member = membership_of(bob, session.community)

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        other, _ = await open_socket(frank, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await mod.send(type="start")
        for s in (part, other, client):
            await s.next("message", kind="system")
        await mod.say("What made you switch?", stream="probe", recipient=bob_member.pk)
        to_bob = await part.next("message", stream="probe")
        to_mod = await mod.next("message", stream="probe")
        await part.say("The prices, honestly.", stream="probe")
        answer_to_mod = await mod.next("message", stream="probe", seq=2)
        others = await other.drain(0.4) + await client.drain(0.1)
        for s in (mod, part, other, client):
            await s.close()
        return to_bob, to_mod, answer_to_mod, others

    to_bob, to_mod, answer_to_mod, others = run(scenario())
    assert to_bob["body"] == "What made you switch?" and to_bob["recipient"] == "Swift Heron"
    assert to_mod["recipient"] == "Bob Participant (Swift Heron)"
    assert answer_to_mod["author"] == "Bob Participant (Swift Heron)"
    assert not any(f.get("stream") == "probe" for f in others)


def test_it_refuses_participant_lines_while_paused_and_accepts_them_after_resuming(live, alice, bob, carol):
    discussion, _ = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await mod.send(type="start")
        await mod.send(type="pause")
        paused = [await s.next("message", kind="system", seq=2) for s in (part, client)]
        await part.say("Can I still talk?")
        refused = await part.next("error")
        await mod.send(type="resume_input")
        await part.next("message", kind="system", seq=3)
        await part.say("Now I can.")
        accepted = await client.next("message", kind="message")
        for s in (mod, part, client):
            await s.close()
        return paused, refused, accepted

    paused, refused, accepted = run(scenario())
    assert all(f["data"]["event"] == "paused" for f in paused)
    assert refused["field"] == "state" and "paused" in refused["message"]
    assert accepted["body"] == "Now I can." and accepted["seq"] == 4


def test_it_spotlights_a_message_for_everyone_and_ends_the_session(live, alice, bob, carol):
    discussion, session = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await mod.send(type="start")
        # The start is the moderator's socket's doing: wait until the participant's has seen it.
        await part.next("message", kind="system")
        await part.say("Loyalty points never arrive.")
        said = await mod.next("message", kind="message")
        await mod.send(type="spotlight", seq=said["seq"])
        spot = [await s.next("message", kind="system", seq=3) for s in (part, client)]
        await mod.send(type="end")
        ended = await part.next("message", kind="system", seq=4)
        await part.say("One more thing")
        refused = await part.next("error")
        for s in (mod, part, client):
            await s.close()
        return spot, ended, refused

    spot, ended, refused = run(scenario())
    assert all(
        f["data"]
        == {"event": "spotlight", "seq": 2, "body": "Loyalty points never arrive.", "author": "Swift Heron"}
        for f in spot
    )
    assert ended["data"]["event"] == "ended"
    assert refused["field"] == "state"
    session.refresh_from_db()
    assert session.state == LiveState.ENDED and session.spotlight.seq == 2


def test_it_shows_typing_in_the_room_by_pseudonym_but_not_to_the_typist(live, alice, bob, carol):
    discussion, _ = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await part.drain()
        await part.send(type="typing", stream="room")
        got = [await s.next("typing") for s in (mod, client)]
        own = await part.drain()
        for s in (mod, part, client):
            await s.close()
        return got, own

    got, own = run(scenario())
    assert got[0]["who"] == "Bob Participant (Swift Heron)"  # the moderator knows who it is
    assert got[1]["who"] == "Swift Heron"
    assert not any(f["type"] == "typing" for f in own)


# --- permissions per action ------------------------------------------------------------------------


def test_it_refuses_moderator_actions_and_room_lines_from_the_wrong_roles(live, bob, carol):
    discussion, session = live
    question = session.questions.first()

    async def scenario():
        part, _ = await open_socket(bob, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await part.send(type="question_push", question_id=question.pk)
        push_refused = await part.next("error")
        await part.send(type="end")
        end_refused = await part.next("error")
        await client.say("Hello participants")
        room_refused = await client.next("error")
        await part.say("secret", stream="backroom")
        backroom_refused = await part.next("error")
        for s in (part, client):
            await s.close()
        return push_refused, end_refused, room_refused, backroom_refused

    for frame in run(scenario()):
        assert frame["type"] == "error"
    session.refresh_from_db()
    assert session.state == LiveState.SCHEDULED
    assert not LiveMessage.objects.filter(session=session).exists()


def test_it_closes_the_socket_of_a_member_deactivated_mid_session_on_their_next_action(live, alice, bob):
    discussion, session = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        await mod.send(type="start")
        await part.next("message", kind="system")
        await database_sync_to_async(
            lambda: (
                type(membership_of(bob, session.community)).objects.filter(user=bob).update(is_active=False)
            )
        )()
        await part.say("still here?")
        error = await part.next("error")
        closed = await part.c.receive_output(timeout=5)
        await mod.close()
        return error, closed

    error, closed = run(scenario())
    assert error["field"] == "session"
    assert closed == {"type": "websocket.close", "code": 4404}
    assert not LiveMessage.objects.filter(session=session, stream="room", kind="message").exists()


# --- delivery: replay, retries, lost broadcasts -----------------------------------------------------


def test_it_replays_what_a_reconnecting_participant_missed_and_nothing_they_had(live, alice, bob):
    discussion, session = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        await mod.send(type="start")
        for n in range(4):
            await mod.say(f"line {n}")
            await mod.next("ack")
        part, welcome = await open_socket(bob, discussion.pk, "?room=2&probe=0")
        replayed = await part.drain()
        for s in (mod, part):
            await s.close()
        return welcome, replayed

    welcome, replayed = run(scenario())
    assert welcome["seqs"]["room"] == 5
    assert [f["seq"] for f in replayed if f["type"] == "message"] == [3, 4, 5]


def test_it_replays_on_request_and_pages_with_more_when_the_replay_limit_is_reached(
    live, alice, bob, settings
):
    settings.VERBATIM = {**settings.VERBATIM, "LIVE_REPLAY_MAX": 10}
    discussion, session = live
    mod = membership_of(alice, session.community)
    for n in range(12):
        live_message_send(author=mod, session=session, stream="room", body=f"l{n}", client_id=uuid.uuid4())

    async def scenario():
        part, welcome = await open_socket(bob, discussion.pk)
        first = await part.drain()
        await part.send(type="resume", last={"room": 10, "probe": 0})
        second = await part.drain()
        await part.close()
        return welcome, first, second

    welcome, first, second = run(scenario())
    assert welcome["more"]["room"] is True
    assert [f["seq"] for f in first if f["type"] == "message"] == list(range(1, 11))
    assert [f["seq"] for f in second if f["type"] == "message"] == [11, 12]
    assert second[-1] == {"type": "replayed", "more": {"room": False, "probe": False}}


def test_it_stores_a_retried_send_once_and_acknowledges_the_retry_as_a_duplicate(live, alice, bob, carol):
    discussion, session = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await mod.send(type="start")
        await part.next("message", kind="system")
        client_id = str(uuid.uuid4())
        await part.say("Same words", client_id=client_id)
        first_ack = await part.next("ack")
        await part.say("Same words", client_id=client_id)
        second_ack = await part.next("ack")
        resent = await part.next("message", kind="message")
        observed = [f for f in await client.drain(0.4) if f.get("kind") == "message"]
        for s in (mod, part, client):
            await s.close()
        return first_ack, second_ack, resent, observed

    first_ack, second_ack, resent, observed = run(scenario())
    assert first_ack["duplicate"] is False and second_ack["duplicate"] is True
    assert first_ack["seq"] == second_ack["seq"] == resent["seq"]
    assert len(observed) == 1
    assert LiveMessage.objects.filter(session=session, body="Same words").count() == 1


def test_it_recovers_a_broadcast_the_channel_layer_dropped_from_the_database(live, alice, bob):
    discussion, session = live
    mod = membership_of(alice, session.community)

    async def scenario():
        part, _ = await open_socket(bob, discussion.pk)
        # Stored but never broadcast: as if the channel layer had lost it.
        await database_sync_to_async(live_message_send)(
            author=mod, session=session, stream="room", body="lost on the way", client_id=uuid.uuid4()
        )
        second, _ = await database_sync_to_async(live_message_send)(
            author=mod, session=session, stream="room", body="arrived", client_id=uuid.uuid4()
        )
        event = await database_sync_to_async(live_message_event)(second)
        await get_channel_layer(LIVE_LAYER).group_send(f"live.{session.pk}.room", event)
        await get_channel_layer(LIVE_LAYER).group_send(f"live.{session.pk}.room", event)  # and a repeat
        frames = await part.drain(0.8)
        await part.close()
        return frames

    frames = run(scenario())
    assert [(f["seq"], f["body"]) for f in frames if f["type"] == "message"] == [
        (1, "lost on the way"),
        (2, "arrived"),
    ]


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        ("{not json", "message", "valid JSON"),
        ("[1, 2]", "message", "JSON objects"),
        ('{"type": "shout"}', "type", "unknown"),
        ("x" * 9000, "message", "8,192"),
        ('{"type": "send", "stream": "room", "body": "hi"}', "client_id", "UUID"),
        (
            json.dumps({"type": "send", "stream": "attic", "body": "hi", "client_id": str(uuid.uuid4())}),
            "stream",
            "room",
        ),
        (
            json.dumps({"type": "send", "stream": "room", "body": "   ", "client_id": str(uuid.uuid4())}),
            "body",
            "Write",
        ),
        ('{"type": "resume", "last": {"room": -1}}', "last", "0 or more"),
        ('{"type": "typing", "stream": "backroom"}', "stream", "backroom"),
    ],
)
def test_it_answers_a_bad_frame_with_an_error_and_keeps_the_connection(live, bob, raw, field, words):
    discussion, _ = live

    async def scenario():
        part, _ = await open_socket(bob, discussion.pk)
        await part.drain(0.1)
        await part.c.send_to(text_data=raw)
        error = await part.next("error")
        await part.send(type="ping")
        pong = await part.next("pong")
        await part.close()
        return error, pong

    error, pong = run(scenario())
    assert error["field"] == field and words in error["message"]
    assert pong == {"type": "pong"}


def test_it_refuses_binary_frames_and_overlong_messages_naming_the_limit(live, alice, bob):
    discussion, _ = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        await mod.send(type="start")
        await mod.next("message")
        await mod.c.send_to(bytes_data=b"\x00")
        binary = await mod.next("error")
        await mod.say("y" * 2001)
        long = await mod.next("error")
        await mod.close()
        return binary, long

    binary, long = run(scenario())
    assert binary["field"] == "message"
    assert long["field"] == "body" and "2,000" in long["message"]


def test_it_rate_limits_a_participant_with_a_message_naming_the_limit(live, alice, bob, settings):
    settings.VERBATIM = {**settings.VERBATIM, "LIVE_MESSAGES_PER_MINUTE": 2}
    discussion, session = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        await mod.send(type="start")
        await part.next("message")
        frames = []
        for n in range(3):
            await part.say(f"n{n}")
            frames.append(await part.next("ack") if n < 2 else await part.next("error"))
        for s in (mod, part):
            await s.close()
        return frames

    frames = run(scenario())
    assert frames[2]["field"] == "body" and "at most 2 messages a minute" in frames[2]["message"]
    assert LiveMessage.objects.filter(session=session, kind="message").count() == 2


def test_it_lets_the_moderator_add_questions_and_refuses_an_empty_one(live, alice):
    discussion, session = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        await mod.send(type="question_add", text="What would make you come back?")
        added = await mod.next("questions")
        await mod.send(type="question_add", text=" ")
        refused = await mod.next("error")
        await mod.send(type="question_push", question_id=123456)
        unknown = await mod.next("error")
        await mod.close()
        return added, refused, unknown

    added, refused, unknown = run(scenario())
    assert added["questions"][-1]["text"] == "What would make you come back?"
    assert refused["field"] == "text" and unknown["field"] == "question_id"
    assert LiveQuestion.objects.filter(session=session).count() == 3


def test_it_stores_every_message_before_broadcasting_with_gap_free_numbers_per_stream(live, alice, carol):
    discussion, session = live

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        client, _ = await open_socket(carol, discussion.pk)
        await mod.send(type="start")
        await client.next("message", kind="system")
        await client.say("note 1", stream="backroom", note=True)
        await mod.say("room line")
        await client.say("note 2", stream="backroom")
        await client.next("message", stream="backroom", seq=2)
        await mod.next("message", stream="room", seq=2)
        for s in (mod, client):
            await s.close()

    run(scenario())
    rows = list(LiveMessage.objects.filter(session=session).values_list("stream", "seq"))
    assert sorted(rows) == [("backroom", 1), ("backroom", 2), ("room", 1), ("room", 2)]
    session = LiveSession.objects.get(pk=session.pk)
    assert (session.room_seq, session.backroom_seq) == (2, 2)
    assert LiveStream.BACKROOM in {s for s, _ in rows}


# --- group commit: lines stored in batches --------------------------------------------------------


def _start(session):
    LiveSession.objects.filter(pk=session.pk).update(state=LiveState.RUNNING)


def _line(member, body, *, client_id=None, stream="room", **extra):
    return live_send_clean(
        author=member, stream=stream, body=body, client_id=client_id or uuid.uuid4(), **extra
    )


def test_it_stores_a_batch_in_constant_queries_with_gap_free_numbers_and_each_client_id_once(
    live, alice, bob, frank, django_assert_num_queries, django_assert_max_num_queries
):
    _, session = live
    _start(session)
    mod, part, other = (membership_of(u, session.community) for u in (alice, bob, frank))
    earlier, _ = live_message_send(
        author=part, session=session, stream="room", body="first", client_id=uuid.uuid4()
    )
    retried = uuid.uuid4()
    small = [_line(part, "a"), _line(other, "b")]
    big = [
        _line(part, "c", client_id=retried),
        _line(other, "d"),
        _line(part, "c again", client_id=retried),  # a retry racing its first attempt, same batch
        _line(part, "first", client_id=earlier.client_id),  # a retry of a line stored before
        _line(mod, "e"),
        _line(mod, "note", stream="backroom", note=True),
        _line(mod, "probe", stream="probe", recipient_id=part.pk),
    ]
    # Authors, their recent lines; lock, insert, counters; BEGIN/COMMIT where they are logged.
    with django_assert_max_num_queries(7) as small_queries:
        small_results = live_messages_store(session_id=session.pk, sends=small)
    # Whatever the size of the batch; retries add one query, loading the lines they repeat.
    with django_assert_num_queries(len(small_queries.captured_queries) + 1):
        results = live_messages_store(session_id=session.pk, sends=big)

    assert [(m.seq, created) for m, created in small_results] == [(2, True), (3, True)]
    assert [(m.stream, m.seq, created) for m, created in results] == [
        ("room", 4, True),
        ("room", 5, True),
        ("room", 4, False),
        ("room", 1, False),
        ("room", 6, True),
        ("backroom", 1, True),
        ("probe", 1, True),
    ]
    assert results[5][0].kind == "note" and results[6][0].recipient_id == part.pk
    rows = list(LiveMessage.objects.filter(session=session, stream="room").values_list("seq", "body"))
    assert rows == [(1, "first"), (2, "a"), (3, "b"), (4, "c"), (5, "d"), (6, "e")]
    session.refresh_from_db()
    assert (session.room_seq, session.backroom_seq, session.probe_seq) == (6, 1, 1)


def test_it_refuses_single_lines_of_a_batch_without_numbering_them_or_holding_back_the_others(
    live, alice, bob, frank, settings
):
    settings.VERBATIM = {**settings.VERBATIM, "LIVE_MESSAGES_PER_MINUTE": 3}
    _, session = live
    LiveSession.objects.filter(pk=session.pk).update(state=LiveState.PAUSED)
    mod, part, other = (membership_of(u, session.community) for u in (alice, bob, frank))
    type(other).objects.filter(pk=other.pk).update(is_active=False)
    results = live_messages_store(
        session_id=session.pk,
        sends=[
            _line(part, "while paused"),
            _line(other, "deactivated"),
            _line(mod, "moderators may talk while paused"),
            _line(part, "to myself", stream="probe"),
            _line(mod, "to nobody", stream="probe", recipient_id=mod.pk),
        ],
    )
    paused, deactivated, moderator, own_probe, bad_probe = results
    assert isinstance(paused, ValidationError) and "paused" in str(paused)
    assert isinstance(deactivated, PermissionDenied) and str(deactivated) == "No such live session."
    assert isinstance(bad_probe, ValidationError) and "recipient" in bad_probe.message_dict
    assert (moderator[0].stream, moderator[0].seq) == ("room", 1)
    assert (own_probe[0].stream, own_probe[0].seq, own_probe[0].recipient_id) == ("probe", 1, part.pk)

    _start(session)  # bob's probe answer counted against his limit; his refused line did not
    lines = live_messages_store(session_id=session.pk, sends=[_line(part, f"n{n}") for n in range(2)])
    over = live_messages_store(session_id=session.pk, sends=[_line(part, "third"), _line(mod, "fine")])
    assert [m.seq for m, _ in lines] == [2, 3]
    assert isinstance(over[0], ValidationError) and "at most 3 messages a minute" in str(over[0])
    assert over[1][0].seq == 4


def test_it_numbers_lines_sent_at_once_from_many_sockets_gap_free_and_delivers_them_in_order(
    live, alice, bob, frank
):
    discussion, session = live
    extra = [make_participant(session.community, f"p{n}", f"Member {n}") for n in range(3)]

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        await mod.send(type="start")
        await mod.next("message", kind="system")
        speakers = [(await open_socket(u, discussion.pk))[0] for u in (bob, frank, *extra)]
        retried = str(uuid.uuid4())
        # Everybody at once, and bob's first line sent twice (a retry before the first ack).
        sends = [s.say(f"{n}-{k}") for k in range(4) for n, s in enumerate(speakers)]
        sends.append(speakers[0].say("retry", client_id=retried))
        sends.append(speakers[0].say("retry", client_id=retried))
        await asyncio.gather(*sends)
        expected = 4 * len(speakers) + 1
        seen = [await mod.next("message", kind="message") for _ in range(expected)]
        await speakers[0].drain(0.5)
        acks = [f for f in speakers[0].seen if f["type"] == "ack"]
        for s in (mod, *speakers):
            await s.close()
        return seen, acks, retried

    seen, acks, retried = run(scenario())
    assert [f["seq"] for f in seen] == list(range(2, 2 + len(seen)))
    retry_acks = [a for a in acks if a["client_id"] == retried]
    assert sorted(a["duplicate"] for a in retry_acks) == [False, True]
    assert retry_acks[0]["seq"] == retry_acks[1]["seq"]
    stored = list(LiveMessage.objects.filter(session=session, stream="room").values_list("seq", flat=True))
    assert stored == list(range(1, len(seen) + 2))
    assert LiveMessage.objects.filter(session=session, body="retry").count() == 1


# --- presence after a crash: heartbeat, stale rows, sweep ------------------------------------------


def _stale():
    return timezone.now() - timedelta(seconds=LIVE_CONNECTION_STALE_SECONDS + 5)


def test_it_leaves_connections_of_a_crashed_process_out_of_presence_and_sweeps_them(
    live, alice, bob, frank, django_assert_num_queries
):
    _, session = live
    part, other = membership_of(bob, session.community), membership_of(frank, session.community)
    LiveConnection.objects.create(
        session=session, membership=part, channel_name="crashed.1", seen_at=_stale()
    )
    LiveConnection.objects.create(session=session, membership=other, channel_name="alive.1")
    LiveConnection.objects.create(
        session=session, membership=other, channel_name="crashed.2", seen_at=_stale()
    )

    with django_assert_num_queries(1):
        presence = live_presence(session)
    assert [p["pseudonym"] for p in presence] == ["Brisk Finch"]

    gone = live_connections_sweep()
    # Frank still has a tab on a live process: only bob left.
    assert [(session_id, member.pk) for session_id, member in gone] == [(session.pk, part.pk)]
    assert list(LiveConnection.objects.values_list("channel_name", flat=True)) == ["alive.1"]
    assert live_connections_sweep() == []


def test_it_announces_a_member_whose_only_socket_was_on_a_crashed_process_when_they_return_and_leave(
    live, alice, bob, frank
):
    discussion, session = live
    part, other = membership_of(bob, session.community), membership_of(frank, session.community)
    LiveConnection.objects.create(
        session=session, membership=part, channel_name="crashed.1", seen_at=_stale()
    )
    LiveConnection.objects.create(
        session=session, membership=other, channel_name="crashed.2", seen_at=_stale()
    )
    mine = membership_of(alice, session.community).pk

    async def scenario():
        mod, welcome = await open_socket(alice, discussion.pk)
        part_socket, _ = await open_socket(bob, discussion.pk)
        returned = [f for f in await mod.drain(0.2) if f["type"] == "presence" and f["member"]["id"] != mine]
        announced = await database_sync_to_async(sweep_live_connections)()
        left = await mod.next("presence")
        await part_socket.close()
        await mod.close()
        return welcome, returned, announced, left

    welcome, returned, announced, left = run(scenario())
    assert [p["name"] for p in welcome["presence"]] == ["Alice Moderator (Moderator Alice)"]
    assert [(f["change"], f["member"]["id"]) for f in returned] == [("joined", part.pk)]
    assert announced == 1  # frank; bob is back on a live socket
    assert left == {
        "type": "presence",
        "change": "left",
        "member": {"id": other.pk, "name": "Frank Participant (Brisk Finch)", "role": "participant"},
    }


def test_it_refreshes_the_rows_of_open_sockets_and_stops_with_the_last_one(live, alice, bob, monkeypatch):
    discussion, session = live
    monkeypatch.setattr(live_consumers, "LIVE_HEARTBEAT_SECONDS", 0.05)

    async def scenario():
        mod, _ = await open_socket(alice, discussion.pk)
        part, _ = await open_socket(bob, discussion.pk)
        await database_sync_to_async(lambda: LiveConnection.objects.update(seen_at=_stale()))()
        await asyncio.sleep(0.4)
        fresh = await database_sync_to_async(lambda: live_presence(session))()
        heartbeat = live_consumers.live_heartbeat()
        for s in (mod, part):
            await s.close()
        await asyncio.sleep(0.2)
        return fresh, heartbeat

    fresh, heartbeat = run(scenario())
    assert {p["pseudonym"] for p in fresh} == {"Moderator Alice", "Swift Heron"}
    assert not heartbeat.channel_names and heartbeat.task.done()
    assert not LiveConnection.objects.exists()


def test_it_serialises_a_broadcast_line_once_per_role_and_gives_the_author_their_own_copy(
    live, alice, bob, carol, frank, monkeypatch
):
    _, session = live
    _start(session)
    mod, part, client, other = (membership_of(u, session.community) for u in (alice, bob, carol, frank))
    message, _ = live_message_send(
        author=part, session=session, stream="room", body="Mail me at bob@example.com", client_id=uuid.uuid4()
    )
    built = []
    real_frame_for = live_consumers.live_frame_for
    monkeypatch.setattr(
        live_consumers,
        "live_frame_for",
        lambda event, viewer, roster=None: built.append(viewer.pk) or real_frame_for(event, viewer, roster),
    )
    # Each socket gets its own copy of the event from the channel layer, as over Redis.
    texts = {
        name: json.loads(live_consumers.live_frame_text(live_message_event(message), member))
        for name, member in (("mod", mod), ("part", part), ("client", client), ("other", other))
    }
    again = live_consumers.live_frame_text(live_message_event(message), other)

    assert json.loads(again) == texts["other"] and built.count(other.pk) == 1
    assert texts["part"]["mine"] is True and texts["part"]["client_id"] == str(message.client_id)
    assert texts["other"]["mine"] is False and "client_id" not in texts["other"]
    assert (
        texts["mod"]["author"] == "Bob Participant (Swift Heron)"
        and texts["other"]["author"] == "Swift Heron"
    )
    # The author reads their own address; other participants and clients do not.
    assert "bob@example.com" in texts["part"]["body"]
    assert texts["client"]["body"] == texts["other"]["body"] == "Mail me at [EMAIL]"

    # A moderator's line is built for each participant: it keeps that reader's own name.
    question, _ = live_message_send(
        author=mod, session=session, stream="room", body="Thanks, everyone", client_id=uuid.uuid4()
    )
    built.clear()
    for member in (part, other, client, client):
        live_consumers.live_frame_text(live_message_event(question), member)
    assert built == [part.pk, other.pk, client.pk]
