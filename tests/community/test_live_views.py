"""Live-session pages and the moderator's transcript export."""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from django.urls import reverse

from community.models import DiscussionKind
from community.services.live import (
    live_input_pause,
    live_message_send,
    live_question_push,
)
from tests.community.live_helpers import make_live
from tests.conftest import membership_of
from tests.factories import DiscussionFactory


@pytest.fixture
def live(community, alice, bob, carol):
    return make_live(community)


def room_url(discussion):
    return reverse("live_session", args=[discussion.community.slug, discussion.pk])


def transcript_url(discussion, query=""):
    return reverse("live_transcript", args=[discussion.community.slug, discussion.pk]) + query


def say(member, session, body, stream="room", **kwargs):
    return live_message_send(
        author=member, session=session, stream=stream, body=body, client_id=uuid.uuid4(), **kwargs
    )[0]


def test_it_shows_the_moderator_a_console_the_client_a_backroom_and_the_participant_neither(
    client, live, alice, bob, carol
):
    discussion, _ = live
    pages = {}
    for user in (alice, bob, carol):
        client.force_login(user)
        response = client.get(room_url(discussion))
        assert response.status_code == 200
        pages[user.username] = response.content.decode()
    assert 'aria-label="Moderator console"' in pages["alice"] and 'aria-label="Backroom"' in pages["alice"]
    assert 'aria-label="Backroom"' in pages["carol"] and "Moderator console" not in pages["carol"]
    assert "Backroom" not in pages["bob"] and "backroom" not in pages["bob"].lower().replace("live.js", "")
    assert "Moderator console" not in pages["bob"]
    assert f'data-socket="/ws/live/{discussion.pk}/"' in pages["bob"]


def test_it_answers_404_to_outsiders_and_for_a_discussion_that_is_not_live(client, community, live, eve, bob):
    discussion, _ = live
    client.force_login(eve)
    assert client.get(room_url(discussion)).status_code == 404
    client.force_login(bob)
    board = DiscussionFactory(community=community)
    assert client.get(reverse("live_session", args=["acme", board.pk])).status_code == 404


def test_it_lists_live_sessions_in_constant_queries(
    client, community, live, bob, django_assert_max_num_queries
):
    client.force_login(bob)
    url = reverse("live_session_list", args=["acme"])
    with django_assert_max_num_queries(12) as few:
        response = client.get(url)
    assert "Evening focus group" in response.content.decode()
    for n in range(5):
        make_live(community, questions=())
        DiscussionFactory(community=community, kind=DiscussionKind.LIVE, title=f"Later {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("/live/") >= 11


def test_it_exports_a_transcript_with_timestamps_and_question_markers_to_moderators(
    client, live, alice, bob, carol
):
    discussion, session = live
    community = discussion.community
    mod, part, obs = (membership_of(u, community) for u in (alice, bob, carol))
    live_question_push(moderator=mod, session=session, question_id=session.questions.first().pk)
    say(part, session, "At the corner shop.")
    say(obs, session, "Ask about price", stream="backroom", note=True)
    say(mod, session, "Why that one?", stream="probe", recipient=part)
    live_input_pause(moderator=mod, session=session)

    client.force_login(alice)
    text = client.get(transcript_url(discussion)).content.decode()
    assert "=== QUESTION 1: What did you buy last? ===" in text
    assert "Bob Participant (Swift Heron): At the corner shop." in text
    assert "(private probe, Bob Participant (Swift Heron))" in text
    assert "--- paused ---" in text
    assert "Ask about price" not in text  # backroom only on request
    assert "[20" in text  # ISO timestamps

    response = client.get(transcript_url(discussion, "?format=csv&backroom=1"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["kind"] for r in rows] == ["question", "message", "note", "message", "system"]
    assert rows[1]["question"] == "1" and rows[1]["time"].startswith("20")


def test_it_refuses_the_transcript_to_participants_clients_and_outsiders(client, live, bob, carol, eve):
    discussion, _ = live
    for user in (bob, carol, eve):
        client.force_login(user)
        assert client.get(transcript_url(discussion)).status_code == 404


def test_it_exports_the_transcript_in_constant_queries_as_it_grows(
    client, live, alice, bob, django_assert_max_num_queries
):
    discussion, session = live
    mod, part = membership_of(alice, discussion.community), membership_of(bob, discussion.community)
    live_question_push(moderator=mod, session=session, question_id=session.questions.first().pk)
    say(part, session, "one")
    client.force_login(alice)
    with django_assert_max_num_queries(12) as few:
        client.get(transcript_url(discussion, "?format=csv"))
    for n in range(20):
        say(part if n % 2 else mod, session, f"line {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(transcript_url(discussion, "?format=csv"))
    assert response.content.decode().count("line ") == 20


def test_it_stores_a_live_message_in_a_fixed_small_number_of_queries(
    live, alice, bob, django_assert_max_num_queries
):
    discussion, session = live
    mod, part = membership_of(alice, discussion.community), membership_of(bob, discussion.community)
    live_question_push(moderator=mod, session=session, question_id=session.questions.first().pk)
    # Lookup of the client id, the row lock, the insert, the counter update (+ savepoint bookkeeping).
    with django_assert_max_num_queries(6):
        say(part, session, "first")
    with django_assert_max_num_queries(6):
        say(part, session, "second")
