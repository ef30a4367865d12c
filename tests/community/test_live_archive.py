"""Live sessions feed the findings: participants' room lines become posts of the live discussion."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from community.events import post_changed
from community.models import AuditEntry, LiveMessage, Post, PostStatus
from community.selectors import post_visible_to, posts_visible_to, published_posts
from community.services.live import (
    live_message_send,
    live_question_push,
    live_session_end,
    live_spotlight,
)
from community.services.live_archive import (
    live_message_withhold,
    live_session_archive,
    live_session_archive_for,
)
from research.models import PostAnalysis
from tests.community.live_helpers import make_live, make_participant
from tests.conftest import membership_of
from tests.research import fakes

fake_nlp = fakes.fake_nlp
User = get_user_model()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Live lines count per member per minute in the cache, which outlives each test's database.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def people(community, alice, bob, carol):
    return {u.username: membership_of(u, community) for u in (alice, bob, carol)}


@pytest.fixture
def running(community, people):
    discussion, session = make_live(community)
    question = session.questions.first()
    live_question_push(moderator=people["alice"], session=session, question_id=question.pk)
    return discussion, session


@pytest.fixture
def events():
    seen = []

    def record(sender, *, post_id, kind, **kwargs):
        seen.append((post_id, kind))

    post_changed.connect(record, dispatch_uid="test-live-archive-events")
    yield seen
    post_changed.disconnect(dispatch_uid="test-live-archive-events")


def end_and_archive(people, session):
    """The moderator ends the session and the console asks for the archive (the embedded default)."""
    live_session_end(moderator=people["alice"], session=session)
    live_session_archive_for(moderator=people["alice"], session=session)


def say(member, session, body, stream="room", **kwargs):
    return live_message_send(
        author=member, session=session, stream=stream, body=body, client_id=uuid.uuid4(), **kwargs
    )[0]


def a_full_session(session, people):
    """Every kind of line the archive must tell apart."""
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    lines = {
        "bob1": say(bob, session, "The staff at the Leeds shop were lovely."),
        "alice": say(alice, session, "Thanks Bob, say more about that?"),
        "bob2": say(bob, session, "The app is slow when I check out."),
        "backroom": say(carol, session, "Great staff quote for the deck", stream="backroom"),
        "note": say(carol, session, "Ask about delivery", stream="backroom", note=True),
        "probe": say(alice, session, "Privately: which app?", stream="probe", recipient=bob),
        "answer": say(bob, session, "The iPhone app, price page", stream="probe"),
    }
    live_spotlight(moderator=alice, session=session, seq=lines["bob1"].seq)
    return lines


def test_it_archives_participants_room_lines_as_published_posts_when_the_session_ends(
    running, people, fake_nlp, django_capture_on_commit_callbacks
):
    discussion, session = running
    lines = a_full_session(session, people)
    with django_capture_on_commit_callbacks(execute=True):
        end_and_archive(people, session)

    posts = list(
        Post.objects.filter(discussion=discussion, live_message__stream="room").order_by("created_at")
    )
    assert [p.body for p in posts] == [lines["bob1"].body, lines["bob2"].body]
    first = posts[0]
    assert first.author == people["bob"] and first.status == PostStatus.PUBLISHED
    assert first.live_message == lines["bob1"] and first.created_at == lines["bob1"].created_at
    assert first.parent_id is None and "lovely" in first.body_html
    # The analysis was queued by the post event, as for a board post.
    analysed = PostAnalysis.objects.filter(post__discussion=discussion, post__live_message__stream="room")
    assert sorted(analysed.values_list("sentiment", flat=True)) == ["negative", "positive"]


def test_it_never_archives_the_backroom_notes_moderator_lines_probes_or_session_events(
    running, people, fake_nlp, django_capture_on_commit_callbacks
):
    discussion, session = running
    lines = a_full_session(session, people)
    with django_capture_on_commit_callbacks(execute=True):
        end_and_archive(people, session)

    archived = set(Post.objects.filter(discussion=discussion).values_list("live_message_id", flat=True))
    for key in ("alice", "backroom", "note", "probe"):
        assert lines[key].pk not in archived, key
    assert not Post.objects.filter(author__in=[people["alice"], people["carol"]]).exists()
    assert LiveMessage.objects.filter(session=session, kind__in=["system", "question"]).count() >= 3
    assert archived == {lines["bob1"].pk, lines["bob2"].pk, lines["answer"].pk}


@pytest.fixture
def frank(community):
    return membership_of(make_participant(community, "frank", "Brisk Finch"), community)


def test_a_private_probe_answer_is_archived_and_stays_private_like_a_journal_entry(
    client, running, people, frank, alice, bob, carol, fake_nlp, django_capture_on_commit_callbacks
):
    discussion, session = running
    lines = a_full_session(session, people)
    say(frank, session, "Delivery took a week.")
    with django_capture_on_commit_callbacks(execute=True):
        end_and_archive(people, session)

    answer = Post.objects.get(live_message=lines["answer"])
    assert answer.author == people["bob"] and answer.status == PostStatus.PUBLISHED
    assert answer.created_at == lines["answer"].created_at and answer.parent_id is None
    # Who reads it: its author, the moderators and the clients, as with a journal entry; not other
    # participants, who never saw the private thread in the room either.
    for member, sees in (
        (people["bob"], True),
        (people["alice"], True),
        (people["carol"], True),
        (frank, False),
    ):
        assert (answer in posts_visible_to(member, discussion)) is sees, member
        assert post_visible_to(answer, member) is sees, member
    # The room lines stay readable by every participant.
    assert Post.objects.get(live_message=lines["bob1"]) in posts_visible_to(frank, discussion)
    # It counts as said, for analysis and exports, like any published post.
    assert answer in published_posts(session.community)
    assert PostAnalysis.objects.filter(post=answer).exists()

    detail = reverse("discussion_detail", args=["acme", discussion.pk])
    client.force_login(User.objects.get(username="frank"))
    page = client.get(detail).content.decode()
    assert "The staff at the Leeds shop were lovely." in page and "price page" not in page
    for user in (bob, alice, carol):
        client.force_login(user)
        page = client.get(detail).content.decode()
        assert "price page" in page and "Private answer to a moderator's probe" in page, user


def test_withholding_a_room_line_is_not_confused_with_a_hidden_probe_answer_of_the_same_number(
    client, running, people, alice, fake_nlp, django_capture_on_commit_callbacks
):
    from community.services.moderation import post_moderate

    discussion, session = running
    room = say(people["bob"], session, "The staff were lovely.")
    say(people["alice"], session, "Privately: which shop?", stream="probe", recipient=people["bob"])
    answer = say(people["bob"], session, "Leeds, call me on 07700 900123", stream="probe")
    with django_capture_on_commit_callbacks(execute=True):
        end_and_archive(people, session)
        post_moderate(
            moderator=people["alice"],
            post=Post.objects.get(live_message=answer),
            action="hide",
            reason="Phone number",
        )
    assert answer.seq == room.seq  # each stream numbers its own lines
    client.force_login(alice)
    page = client.get(reverse("live_session", args=["acme", discussion.pk])).content.decode()
    assert 'data-withheld=""' in page


def test_archiving_twice_archives_each_line_once(running, people, fake_nlp):
    discussion, session = running
    say(people["bob"], session, "First thought about the app.")
    assert len(live_session_archive(session=session)) == 1
    say(people["bob"], session, "A later thought about the price.")

    again = live_session_archive(session=session)

    assert [p.body for p in again] == ["A later thought about the price."]
    assert live_session_archive(session=session) == []
    assert Post.objects.filter(discussion=discussion).count() == 2


def test_a_line_withheld_during_the_session_stays_out_of_the_findings(
    running, people, fake_nlp, django_capture_on_commit_callbacks
):
    discussion, session = running
    bob = people["bob"]
    kept = say(bob, session, "The staff were lovely.")
    rude = say(bob, session, "Call me on 07700 900123, the app is bad")
    with django_capture_on_commit_callbacks(execute=True):
        live_message_withhold(moderator=people["alice"], session=session, seq=rude.seq, reason="Phone number")
        end_and_archive(people, session)
        live_session_archive(session=session)

    hidden = Post.objects.get(live_message=rude)
    assert hidden.status == PostStatus.HIDDEN and hidden.status_reason == "Phone number"
    assert list(published_posts(session.community).values_list("live_message", flat=True)) == [kept.pk]
    assert list(PostAnalysis.objects.values_list("post__live_message", flat=True)) == [kept.pk]
    carol = people["carol"]
    assert list(posts_visible_to(carol, discussion)) == [Post.objects.get(live_message=kept)]
    entry = AuditEntry.objects.get(action="post.hide")
    assert entry.details["live_seq"] == rude.seq and entry.reason == "Phone number"


def test_withholding_an_archived_line_drops_it_from_results_and_archiving_again_does_not_republish(
    running, people, fake_nlp, django_capture_on_commit_callbacks, events
):
    discussion, session = running
    line = say(people["bob"], session, "The app is slow.")
    with django_capture_on_commit_callbacks(execute=True):
        end_and_archive(people, session)
    assert PostAnalysis.objects.filter(post__live_message=line).exists()

    with django_capture_on_commit_callbacks(execute=True):
        live_message_withhold(moderator=people["alice"], session=session, seq=line.seq, reason="Off topic")
    with django_capture_on_commit_callbacks(execute=True):
        assert live_session_archive(session=session) == []

    post = Post.objects.get(live_message=line)
    assert post.status == PostStatus.HIDDEN
    # Research took it out of every result (the record stays in case a moderator restores it).
    assert events == [(post.pk, "published"), (post.pk, "hidden")]
    assert not published_posts(session.community).exists()


def test_only_moderators_withhold_and_only_participants_room_lines(running, people):
    _discussion, session = running
    line = say(people["bob"], session, "Hello there.")
    mine = say(people["alice"], session, "Welcome everyone.")
    backroom = say(people["carol"], session, "Observer chat", stream="backroom")
    for member in (people["bob"], people["carol"]):
        with pytest.raises(PermissionDenied):
            live_message_withhold(moderator=member, session=session, seq=line.seq, reason="no")
    with pytest.raises(ValidationError) as no_reason:
        live_message_withhold(moderator=people["alice"], session=session, seq=line.seq, reason="  ")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as moderator_line:
        live_message_withhold(moderator=people["alice"], session=session, seq=mine.seq, reason="x")
    assert "participant" in moderator_line.value.message_dict["seq"][0]
    # The backroom has its own numbers: its seq 1 is not a room line of the participant.
    with pytest.raises(ValidationError):
        live_message_withhold(moderator=people["alice"], session=session, seq=999, reason="x")
    assert backroom.stream == "backroom"
    assert not Post.objects.exists()


def test_the_console_withholds_a_line_over_http_and_refuses_everyone_else(
    client, running, people, alice, bob, carol
):
    discussion, session = running
    line = say(people["bob"], session, "The app keeps logging me out.")
    url = reverse("live_withhold", args=["acme", discussion.pk])
    for user in (bob, carol):
        client.force_login(user)
        assert client.post(url, {"seq": line.seq, "reason": "x"}).status_code == 404
    client.force_login(alice)
    bad = client.post(url, {"seq": "abc", "reason": "x"})
    assert bad.status_code == 400 and "seq" in bad.json()["errors"]
    empty = client.post(url, {"seq": line.seq, "reason": ""})
    assert empty.status_code == 400 and "reason" in empty.json()["errors"]
    assert not Post.objects.exists()

    ok = client.post(url, {"seq": line.seq, "reason": "Duplicate of an earlier line"})

    assert ok.status_code == 200 and ok.json() == {"seq": line.seq, "status": "hidden"}
    page = client.get(reverse("live_session", args=["acme", discussion.pk])).content.decode()
    assert f'data-withheld="{line.seq}"' in page


def test_an_erased_participants_lines_are_not_archived(running, people):
    _discussion, session = running
    bob = people["bob"]
    say(bob, session, "Something I said.")
    bob.is_active = False
    bob.save(update_fields=["is_active"])
    assert live_session_archive(session=session) == []


def test_the_ended_room_links_to_the_archived_posts_and_the_live_discussion_lists_them(
    client, running, people, alice, bob, carol, fake_nlp, django_capture_on_commit_callbacks
):
    discussion, session = running
    say(people["bob"], session, "The staff were lovely.")
    with django_capture_on_commit_callbacks(execute=True):
        end_and_archive(people, session)
    detail = reverse("discussion_detail", args=["acme", discussion.pk])
    for user in (alice, bob, carol):
        client.force_login(user)
        room = client.get(reverse("live_session", args=["acme", discussion.pk])).content.decode()
        assert "This session ended at" in room and "the transcript is archived" in room and detail in room
        page = client.get(detail).content.decode()
        assert "The staff were lovely." in page and "live session" in page
        listing = client.get(reverse("live_session_list", args=["acme"])).content.decode()
        assert "What participants said" in listing and detail in listing


def test_archiving_a_long_session_takes_a_fixed_number_of_queries(
    running, people, django_assert_max_num_queries, settings
):
    settings.VERBATIM = {**settings.VERBATIM, "LIVE_MESSAGES_PER_MINUTE": 100}
    _discussion, session = running
    for n in range(3):
        say(people["bob"], session, f"Line {n} about the app.")
    # Read the lines, one bulk insert (plus savepoint bookkeeping and what rendering needs once).
    with django_assert_max_num_queries(6) as few:
        assert len(live_session_archive(session=session)) == 3
    for n in range(30):
        say(people["bob"], session, f"Another line {n}.")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(live_session_archive(session=session)) == 30


def test_ending_the_session_queues_the_archive_for_a_worker_once_the_end_commits(
    running, people, monkeypatch, django_capture_on_commit_callbacks
):
    from celery import current_app

    from community import tasks

    _discussion, session = running
    say(people["bob"], session, "The app is slow.")
    queued = []
    monkeypatch.setitem(current_app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks.archive_live_session, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        live_session_end(moderator=people["alice"], session=session)
    assert queued == []  # nothing before the end commits
    for callback in callbacks:
        callback()
    assert queued == [session.pk]
    # The task itself archives by id (idempotent, as a retried task may be).
    assert tasks.archive_live_session(session.pk) == 1
    assert tasks.archive_live_session(session.pk) == 0


def test_in_process_tasks_never_run_the_archive_in_the_socket_that_ends_the_session(
    running, people, django_capture_on_commit_callbacks
):
    _discussion, session = running
    say(people["bob"], session, "The app is slow.")
    with django_capture_on_commit_callbacks(execute=True):
        live_session_end(moderator=people["alice"], session=session)
    # The "ended" message goes out at once; the console asks for the archive next (over HTTP).
    assert not Post.objects.exists()


def test_the_console_archives_an_ended_session_over_http_and_refuses_everyone_else(
    client, running, people, alice, bob, carol, fake_nlp, django_capture_on_commit_callbacks
):
    discussion, session = running
    say(people["bob"], session, "The delivery was late.")
    url = reverse("live_archive", args=["acme", discussion.pk])
    json = {"HTTP_ACCEPT": "application/json"}
    client.force_login(alice)
    early = client.post(url, **json)
    assert early.status_code == 400 and "has not ended" in early.json()["errors"]["state"]
    live_session_end(moderator=people["alice"], session=session)
    for user in (bob, carol):
        client.force_login(user)
        assert client.post(url, **json).status_code == 404
    assert not Post.objects.exists()

    client.force_login(alice)
    room = client.get(reverse("live_session", args=["acme", discussion.pk])).content.decode()
    assert "1 participant line not yet in the findings." in room
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, **json)
    assert first.json() == {"archived": 1}
    assert client.post(url, **json).json() == {"archived": 0}
    assert PostAnalysis.objects.filter(post__discussion=discussion).count() == 1
    # Without JavaScript: the button on the ended room, back to the room with a message.
    form = client.post(url, follow=True)
    assert "0 participant lines archived" in form.content.decode()
    room = client.get(reverse("live_session", args=["acme", discussion.pk])).content.decode()
    assert "not yet in the findings" not in room
