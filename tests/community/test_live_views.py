"""Live-session pages and the moderator's transcript export."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from community.models import DiscussionKind
from community.selectors_live import live_contact_notice
from community.services.live import (
    live_input_pause,
    live_message_send,
    live_question_push,
    live_session_end,
    live_session_schedule,
)
from community.services.live_archive import live_session_archive_for
from tests.community.live_helpers import make_live
from tests.conftest import membership_of
from tests.factories import DiscussionFactory
from tests.research import fakes

fake_nlp = fakes.fake_nlp


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Live lines count per member per minute in the cache, which outlives each test's database.
    cache.clear()
    yield
    cache.clear()


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


# --- the announced start -------------------------------------------------------------------------


def schedule_url(discussion):
    return reverse("live_schedule", args=[discussion.community.slug, discussion.pk])


def test_the_moderator_schedules_the_start_and_participants_see_it_while_they_wait(client, live, alice, bob):
    discussion, session = live
    start = (timezone.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    client.force_login(alice)
    console = client.get(room_url(discussion)).content.decode()
    assert 'name="scheduled_start"' in console and "Save start time" in console

    response = client.post(schedule_url(discussion), {"scheduled_start": start.strftime("%Y-%m-%dT%H:%M")})

    assert response.status_code == 302
    session.refresh_from_db()
    assert session.scheduled_start == start
    client.force_login(bob)
    page = client.get(room_url(discussion)).content.decode()
    assert f'<time datetime="{start.isoformat()}">' in page
    assert "Starts at" in page and 'data-state="scheduled"' in page
    assert "as soon as the moderator starts it" in page
    assert 'name="scheduled_start"' not in page


def test_it_clears_the_start_time_when_the_field_is_left_empty(client, live, alice):
    discussion, session = live
    session.scheduled_start = timezone.now() + timedelta(hours=3)
    session.save(update_fields=["scheduled_start"])
    client.force_login(alice)
    assert client.post(schedule_url(discussion), {"scheduled_start": ""}).status_code == 302
    session.refresh_from_db()
    assert session.scheduled_start is None
    assert "Not started yet." in client.get(room_url(discussion)).content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday at six", "Enter the start as a date and time"),
        ("2026-13-45T25:99", "Enter the start as a date and time"),
        ("2001-01-01T10:00", "2001-01-01 10:00 is in the past"),
    ],
)
def test_it_refuses_a_bad_or_past_start_time_with_a_clear_error(client, live, alice, value, message):
    discussion, session = live
    client.force_login(alice)
    response = client.post(schedule_url(discussion), {"scheduled_start": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    session.refresh_from_db()
    assert session.scheduled_start is None


def test_it_refuses_to_reschedule_a_session_that_has_started(client, live, alice):
    discussion, session = live
    live_question_push(
        moderator=membership_of(alice, discussion.community),
        session=session,
        question_id=session.questions.first().pk,
    )
    client.force_login(alice)
    later = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(schedule_url(discussion), {"scheduled_start": later})
    assert response.status_code == 400
    assert "already started" in response.content.decode()
    session.refresh_from_db()
    assert session.scheduled_start is None
    assert 'name="scheduled_start"' not in client.get(room_url(discussion)).content.decode()


def test_participants_clients_and_outsiders_cannot_schedule(client, live, bob, carol, eve):
    discussion, session = live
    later = (timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    for user in (bob, carol, eve):
        client.force_login(user)
        assert client.post(schedule_url(discussion), {"scheduled_start": later}).status_code == 404
        with pytest.raises(PermissionDenied):
            live_session_schedule(
                moderator=user.memberships.get(), session=session, start=timezone.now() + timedelta(days=1)
            )
    session.refresh_from_db()
    assert session.scheduled_start is None


def test_the_room_page_renders_in_a_fixed_number_of_queries_for_every_role(
    client, live, alice, bob, carol, django_assert_max_num_queries
):
    discussion, session = live
    mod = membership_of(alice, discussion.community)
    live_question_push(moderator=mod, session=session, question_id=session.questions.first().pk)
    for user in (alice, bob, carol):
        client.force_login(user)
        with django_assert_max_num_queries(14) as few:
            client.get(room_url(discussion))
        for n in range(5):
            say(mod, session, f"line {n} from {user.username}")  # moderators are not rate limited
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get(room_url(discussion)).status_code == 200


def detail_url(discussion):
    return reverse("discussion_detail", args=[discussion.community.slug, discussion.pk])


def test_the_discussion_page_says_when_a_scheduled_session_opens_and_not_when_the_activity_closes(
    client, live, alice, bob
):
    discussion, session = live
    discussion.closes_at = timezone.now() + timedelta(days=2)
    discussion.save(update_fields=["closes_at"])
    live_session_schedule(
        moderator=membership_of(alice, discussion.community),
        session=session,
        start=timezone.now() + timedelta(days=1),
    )
    client.force_login(bob)
    page = client.get(detail_url(discussion)).content.decode()
    session.refresh_from_db()
    assert f'Opens <time datetime="{session.scheduled_start.isoformat()}">' in page
    assert timezone.localtime(session.scheduled_start).strftime("%H:%M UTC") in page
    assert "closes" not in page and "Live now" not in page and "session ended" not in page
    assert f'href="{room_url(discussion)}">Wait on the session page</a>' in page


def test_the_discussion_page_of_a_live_activity_nobody_has_opened_yet_says_it_opens_with_the_activity(
    client, community, bob
):
    opens = timezone.now() + timedelta(days=3)
    discussion = DiscussionFactory(
        community=community, kind=DiscussionKind.LIVE, opens_at=opens, closes_at=opens + timedelta(hours=1)
    )
    client.force_login(bob)
    page = client.get(detail_url(discussion)).content.decode()
    assert f'Opens <time datetime="{timezone.localtime(opens).isoformat()}">' in page
    assert timezone.localtime(opens).strftime("%H:%M UTC") in page
    assert "closes" not in page and "Live now" not in page


def test_the_discussion_page_of_a_running_session_offers_to_join_and_the_client_to_observe(
    client, live, alice, bob, carol
):
    discussion, session = live
    live_question_push(
        moderator=membership_of(alice, discussion.community),
        session=session,
        question_id=session.questions.first().pk,
    )
    for user, action in ((bob, "Join"), (carol, "Observe")):
        client.force_login(user)
        page = client.get(detail_url(discussion)).content.decode()
        assert (
            "<strong>Live now</strong>" in page and f'href="{room_url(discussion)}">{action}</a>' in page
        ), action
        assert "Opens" not in page and "session ended" not in page


def test_the_discussion_page_of_an_ended_session_says_when_it_ended_and_links_the_transcript_for_moderators(
    client, live, alice, bob, carol, eve, fake_nlp, django_capture_on_commit_callbacks
):
    discussion, session = live
    discussion.closes_at = timezone.now() + timedelta(days=2)
    discussion.save(update_fields=["closes_at"])
    mod = membership_of(alice, discussion.community)
    live_question_push(moderator=mod, session=session, question_id=session.questions.first().pk)
    say(membership_of(bob, discussion.community), session, "The checkout queue was far too long.")

    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        live_session_end(moderator=mod, session=session)
    session.refresh_from_db()
    ended = timezone.localtime(session.ended_at).strftime("%H:%M UTC")
    page = client.get(detail_url(discussion)).content.decode()
    assert f'This session ended at <time datetime="{session.ended_at.isoformat()}">{ended}' in page
    assert "; the transcript is archived." in page
    assert "closes" not in page and "Live now" not in page and "Opens" not in page
    # Nothing is in the findings until the moderator archives it; the page says where to do that.
    assert f'<a href="{room_url(discussion)}">archive them from the session page</a>' in page

    with django_capture_on_commit_callbacks(execute=True):
        live_session_archive_for(moderator=mod, session=session)
    for user in (alice, bob, carol):
        client.force_login(user)
        page = client.get(detail_url(discussion)).content.decode()
        assert f'This session ended at <time datetime="{session.ended_at.isoformat()}">' in page, user
        assert "Participants' messages are archived below as posts" in page, user
        assert "The checkout queue was far too long." in page, user
        # The transcript (with names, probes and the backroom) is the research team's alone.
        assert (transcript_url(discussion) in page) is (user is alice), user
    client.force_login(eve)
    assert client.get(detail_url(discussion)).status_code == 404


@pytest.mark.parametrize(
    "role, stream, body, notice",
    [
        (
            "participant",
            "room",
            "Call 07700 900123 or 020 7946 0958",
            "2 phone numbers; other participants and clients see them hidden.",
        ),
        (
            "participant",
            "room",
            "I live at 42 Elm Road",
            "a street address; other participants and clients see it hidden.",
        ),
        ("participant", "room", "It was fine", ""),
        ("participant", "probe", "Mail me at bob.p@example.com", ""),
        ("moderator", "room", "Mail me at alice@example.com", ""),
    ],
)
def test_a_live_line_tells_its_participant_author_what_others_see_hidden(
    community, alice, bob, role, stream, body, notice
):
    author = membership_of(bob if role == "participant" else alice, community)
    said = live_contact_notice(author, stream, body)
    assert said == (f"Your message includes {notice}" if notice else "")
