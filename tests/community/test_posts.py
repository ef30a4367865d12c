"""Posting, replying, editing and deleting through the services and the pages."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from community.events import post_changed
from community.models import AuditEntry, DiscussionKind, ModerationMode, Post, PostRevision, PostStatus
from community.services.posts import post_create, post_delete, post_edit
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def board(community):
    return DiscussionFactory(community=community, title="Your last shop")


@pytest.fixture
def events():
    """Post events as subscribers receive them (after commit)."""
    received = []

    def listener(sender, **kwargs):
        received.append((kwargs["kind"], kwargs["post_id"]))

    post_changed.connect(listener, dispatch_uid="test_posts_listener")
    yield received
    post_changed.disconnect(dispatch_uid="test_posts_listener")


def test_it_publishes_a_response_and_announces_it_after_commit(
    bob, board, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=membership_of(bob, board.community), discussion=board, body="I love **it**")
    post.refresh_from_db()
    assert post.status == PostStatus.PUBLISHED
    assert post.body_html == "<p>I love <strong>it</strong></p>"
    assert events == [("published", post.pk)]


def test_it_does_not_announce_before_the_transaction_commits(
    bob, board, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_create(author=membership_of(bob, board.community), discussion=board, body="Hello")
    assert events == []
    assert len(callbacks) == 1


def test_it_keeps_a_participants_post_pending_in_a_premoderated_community(
    bob, alice, board, events, django_capture_on_commit_callbacks
):
    board.community.moderation_mode = ModerationMode.PRE
    board.community.save(update_fields=["moderation_mode"])
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=membership_of(bob, board.community), discussion=board, body="Hello")
        staff_post = post_create(
            author=membership_of(alice, board.community), discussion=board, body="Welcome"
        )
    assert post.status == PostStatus.PENDING
    assert staff_post.status == PostStatus.PUBLISHED
    assert events == [("pending", post.pk), ("published", staff_post.pk)]


def test_it_refuses_an_empty_post(bob, board):
    with pytest.raises(ValidationError) as caught:
        post_create(author=membership_of(bob, board.community), discussion=board, body="   ")
    assert "body" in caught.value.message_dict


def test_it_refuses_a_post_over_the_length_limit_naming_the_limit(bob, board, settings):
    settings.VERBATIM = {**settings.VERBATIM, "POST_MAX_CHARS": 100}
    with pytest.raises(ValidationError) as caught:
        post_create(author=membership_of(bob, board.community), discussion=board, body="x" * 101)
    assert caught.value.message_dict["body"] == ["The post is 101 characters; the limit is 100."]
    assert not Post.objects.exists()


def test_it_refuses_a_client_who_tries_to_post(carol, board):
    with pytest.raises(PermissionDenied):
        post_create(author=membership_of(carol, board.community), discussion=board, body="As the brand...")


def test_it_refuses_a_post_in_a_closed_activity(bob, community):
    closed = DiscussionFactory(community=community, closes_at=timezone.now() - timedelta(hours=1))
    with pytest.raises(ValidationError) as caught:
        post_create(author=membership_of(bob, community), discussion=closed, body="Late answer")
    assert "not open" in caught.value.message_dict["body"][0]


def test_it_refuses_a_post_in_a_draft_for_a_participant(bob, community):
    draft = DiscussionFactory(community=community, is_draft=True)
    with pytest.raises(PermissionDenied):
        post_create(author=membership_of(bob, community), discussion=draft, body="Hi")


def test_it_threads_a_reply_to_a_reply_under_the_top_level_response(bob, alice, board):
    top = PostFactory(discussion=board, author=membership_of(bob, board.community))
    first = post_create(
        author=membership_of(alice, board.community), discussion=board, body="Why?", parent=top
    )
    second = post_create(
        author=membership_of(bob, board.community), discussion=board, body="Because", parent=first
    )
    assert first.parent_id == top.pk
    assert second.parent_id == top.pk


def test_it_refuses_a_reply_to_a_hidden_post(bob, alice, board):
    top = PostFactory(
        discussion=board, author=membership_of(alice, board.community), status=PostStatus.HIDDEN
    )
    with pytest.raises(ValidationError) as caught:
        post_create(author=membership_of(bob, board.community), discussion=board, body="Hm", parent=top)
    assert "parent" in caught.value.message_dict


def test_it_refuses_a_reply_to_a_post_of_another_activity(bob, board, community):
    elsewhere = PostFactory(
        discussion=DiscussionFactory(community=community), author=membership_of(bob, community)
    )
    with pytest.raises(ValidationError):
        post_create(author=membership_of(bob, community), discussion=board, body="Hm", parent=elsewhere)


def test_it_keeps_the_old_text_as_a_revision_when_the_author_edits(
    bob, board, events, django_capture_on_commit_callbacks
):
    post = post_create(author=membership_of(bob, board.community), discussion=board, body="Frist")
    with django_capture_on_commit_callbacks(execute=True):
        post_edit(editor=membership_of(bob, board.community), post=post, body="First")
    post.refresh_from_db()
    assert post.body == "First"
    assert post.edited_at is not None
    assert list(PostRevision.objects.filter(post=post).values_list("body", flat=True)) == ["Frist"]
    assert events[-1] == ("edited", post.pk)


def test_it_refuses_an_edit_after_the_edit_window(bob, board):
    post = PostFactory(
        discussion=board,
        author=membership_of(bob, board.community),
        created_at=timezone.now() - timedelta(hours=2),
    )
    with pytest.raises(ValidationError) as caught:
        post_edit(editor=membership_of(bob, board.community), post=post, body="Changed my mind")
    assert "60 minutes" in caught.value.message_dict["body"][0]
    post.refresh_from_db()
    assert post.body != "Changed my mind"


def test_it_refuses_to_let_anyone_but_the_author_edit(bob, alice, board):
    post = PostFactory(discussion=board, author=membership_of(bob, board.community))
    with pytest.raises(PermissionDenied):
        post_edit(editor=membership_of(alice, board.community), post=post, body="Moderator rewrite")


def test_it_returns_an_edited_approved_post_to_pending_in_a_premoderated_community(bob, board):
    board.community.moderation_mode = ModerationMode.PRE
    board.community.save(update_fields=["moderation_mode"])
    post = PostFactory(discussion=board, author=membership_of(bob, board.community))
    post_edit(editor=membership_of(bob, board.community), post=post, body="Something else entirely")
    post.refresh_from_db()
    assert post.status == PostStatus.PENDING


def test_it_soft_deletes_an_own_post_with_an_audit_entry(
    bob, board, events, django_capture_on_commit_callbacks
):
    post = PostFactory(discussion=board, author=membership_of(bob, board.community))
    with django_capture_on_commit_callbacks(execute=True):
        post_delete(actor=membership_of(bob, board.community), post=post)
    post.refresh_from_db()
    assert post.status == PostStatus.DELETED
    entry = AuditEntry.objects.get(action="post.delete")
    assert (entry.actor, entry.target_id) == (bob, post.pk)
    assert events == [("deleted", post.pk)]


def test_it_refuses_to_delete_someone_elses_post(bob, alice, board):
    post = PostFactory(discussion=board, author=membership_of(alice, board.community))
    with pytest.raises(PermissionDenied):
        post_delete(actor=membership_of(bob, board.community), post=post)


# --- through the pages ---


def test_it_posts_a_response_from_the_discussion_page(client, bob, board):
    client.force_login(bob)
    url = reverse("post_create", args=["acme", board.pk])
    response = client.post(url, {"body": "The app is *great*"})
    assert response.status_code == 302
    page = client.get(reverse("discussion_detail", args=["acme", board.pk]))
    assert "The app is <em>great</em>" in page.content.decode()


def test_it_shows_the_length_limit_when_a_post_is_too_long(client, bob, board, settings):
    settings.VERBATIM = {**settings.VERBATIM, "POST_MAX_CHARS": 100}
    client.force_login(bob)
    response = client.post(reverse("post_create", args=["acme", board.pk]), {"body": "y" * 150})
    assert response.status_code == 400
    assert "The post is 150 characters; the limit is 100." in response.content.decode()
    assert not Post.objects.exists()


def test_it_lets_the_author_edit_from_the_edit_page(client, bob, board):
    post = PostFactory(discussion=board, author=membership_of(bob, board.community), body="Old text")
    client.force_login(bob)
    response = client.post(reverse("post_edit", args=["acme", post.pk]), {"body": "New text"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.body == "New text"


def test_it_answers_not_found_when_someone_else_opens_the_edit_page(client, bob, alice, board):
    post = PostFactory(discussion=board, author=membership_of(alice, board.community))
    client.force_login(bob)
    assert client.get(reverse("post_edit", args=["acme", post.pk])).status_code == 404
    assert client.post(reverse("post_delete", args=["acme", post.pk])).status_code == 404


def test_it_shows_revision_history_to_moderators_and_the_author_only(client, alice, bob, carol, board):
    post = post_create(author=membership_of(bob, board.community), discussion=board, body="Version one")
    post_edit(editor=membership_of(bob, board.community), post=post, body="Version two")
    for user in (alice, bob):
        client.force_login(user)
        page = client.get(reverse("post_history", args=["acme", post.pk]))
        assert page.status_code == 200
        assert "Version one" in page.content.decode()
    # Other participants and clients: as if it did not exist (tests/community/test_post_history.py).
    client.force_login(carol)
    assert client.get(reverse("post_history", args=["acme", post.pk])).status_code == 404


def test_it_deletes_an_own_post_from_the_page(client, bob, board):
    post = PostFactory(discussion=board, author=membership_of(bob, board.community), body="Regrettable")
    client.force_login(bob)
    assert client.post(reverse("post_delete", args=["acme", post.pk])).status_code == 302
    page = client.get(reverse("discussion_detail", args=["acme", board.pk]))
    assert "Regrettable" not in page.content.decode()


# --- activities that are not answered with posts ---


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        (DiscussionKind.SCORECARD, "This activity takes ratings, not posts."),
        (DiscussionKind.LIVE, "This live session takes messages in its room, not posts."),
    ],
)
def test_it_refuses_a_written_post_in_an_activity_that_takes_none(
    client, alice, bob, community, kind, reason
):
    activity = DiscussionFactory(community=community, kind=kind)
    for user in (bob, alice):
        client.force_login(user)
        response = client.post(reverse("post_create", args=["acme", activity.pk]), {"body": "Lovely shop"})
        assert response.status_code == 400
        assert reason in response.content.decode()
    assert not Post.objects.exists()


@pytest.mark.parametrize("kind", [DiscussionKind.SCORECARD, DiscussionKind.LIVE])
def test_it_refuses_a_reply_in_an_activity_that_takes_no_posts(client, alice, bob, community, kind):
    # A live session's archived messages are posts; nobody replies to them with a written post.
    activity = DiscussionFactory(community=community, kind=kind)
    archived = PostFactory(discussion=activity, author=membership_of(alice, community), body="Welcome")
    client.force_login(bob)
    response = client.post(
        reverse("post_create", args=["acme", activity.pk]), {"body": "Thanks", "parent": archived.pk}
    )
    assert response.status_code == 400
    with pytest.raises(ValidationError) as caught:
        post_create(author=membership_of(bob, community), discussion=activity, body="Thanks", parent=archived)
    assert "not posts" in caught.value.message_dict["body"][0]
    assert list(Post.objects.all()) == [archived]


@pytest.mark.parametrize("kind", [DiscussionKind.BOARD, DiscussionKind.JOURNAL])
def test_it_still_takes_posts_in_boards_and_journals(client, bob, community, kind):
    activity = DiscussionFactory(community=community, kind=kind)
    client.force_login(bob)
    response = client.post(reverse("post_create", args=["acme", activity.pk]), {"body": "Lovely shop"})
    assert response.status_code == 302
    assert Post.objects.filter(discussion=activity).count() == 1


def test_it_names_the_problem_when_a_reply_answers_a_post_that_does_not_exist(client, bob, board):
    client.force_login(bob)
    response = client.post(
        reverse("post_create", args=["acme", board.pk]), {"body": "I agree with you", "parent": 999999}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The post you are replying to no longer exists" in page
    assert "I agree with you" in page  # what was typed is kept
    assert not Post.objects.exists()


def test_it_treats_a_reply_to_a_post_the_member_may_not_read_like_a_missing_one(
    client, bob, alice, community
):
    journal = DiscussionFactory(community=community, kind=DiscussionKind.JOURNAL)
    other = MembershipFactory(community=community)
    private = PostFactory(discussion=journal, author=other, body="My own diary")
    client.force_login(bob)
    response = client.post(
        reverse("post_create", args=["acme", journal.pk]), {"body": "Hello", "parent": private.pk}
    )
    assert response.status_code == 400
    assert "The post you are replying to no longer exists" in response.content.decode()
    assert list(Post.objects.all()) == [private]
