"""Moderation: pre-moderation, flags, the queue, and decisions with a required reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from community.events import post_changed
from community.models import AuditEntry, Flag, ModerationMode, Post, PostStatus, Role
from community.services.moderation import post_flag, post_moderate
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory


@pytest.fixture
def board(community):
    return DiscussionFactory(community=community, title="Checkout experience")


@pytest.fixture
def bobs_post(bob, board):
    return PostFactory(discussion=board, author=membership_of(bob, board.community), body="Rude words here")


@pytest.fixture
def events():
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs["kind"])

    post_changed.connect(listener, dispatch_uid="test_moderation_listener")
    yield received
    post_changed.disconnect(dispatch_uid="test_moderation_listener")


@pytest.mark.parametrize(
    "start,action,end,event",
    [
        (PostStatus.PENDING, "approve", PostStatus.PUBLISHED, "published"),
        (PostStatus.PUBLISHED, "hide", PostStatus.HIDDEN, "hidden"),
        (PostStatus.PENDING, "hide", PostStatus.HIDDEN, "hidden"),
        (PostStatus.PUBLISHED, "remove", PostStatus.REMOVED, "removed"),
        (PostStatus.HIDDEN, "remove", PostStatus.REMOVED, "removed"),
        (PostStatus.HIDDEN, "restore", PostStatus.PUBLISHED, "restored"),
        (PostStatus.REMOVED, "restore", PostStatus.PUBLISHED, "restored"),
    ],
)
def test_it_applies_a_decision_audits_it_and_announces_it(
    alice, bobs_post, events, django_capture_on_commit_callbacks, start, action, end, event
):
    bobs_post.status = start
    bobs_post.save(update_fields=["status"])
    moderator = membership_of(alice, bobs_post.community)
    with django_capture_on_commit_callbacks(execute=True):
        post_moderate(moderator=moderator, post=bobs_post, action=action, reason="Breaks rule 3")
    bobs_post.refresh_from_db()
    assert bobs_post.status == end
    assert bobs_post.status_reason == "Breaks rule 3"
    assert bobs_post.status_changed_by == moderator
    entry = AuditEntry.objects.get(action=f"post.{action}")
    assert (entry.actor, entry.target_type, entry.target_id, entry.reason) == (
        alice,
        "post",
        bobs_post.pk,
        "Breaks rule 3",
    )
    assert entry.details["from"] == start and entry.details["to"] == end
    assert events == [event]


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_it_refuses_a_decision_without_a_reason(alice, bobs_post, reason):
    with pytest.raises(ValidationError) as caught:
        post_moderate(
            moderator=membership_of(alice, bobs_post.community), post=bobs_post, action="hide", reason=reason
        )
    assert "reason" in caught.value.message_dict
    bobs_post.refresh_from_db()
    assert bobs_post.status == PostStatus.PUBLISHED
    assert not AuditEntry.objects.exists()


def test_it_refuses_a_decision_that_does_not_apply_to_the_posts_state(alice, bobs_post):
    with pytest.raises(ValidationError) as caught:
        post_moderate(
            moderator=membership_of(alice, bobs_post.community), post=bobs_post, action="restore", reason="x"
        )
    assert "Cannot restore a post that is published" in caught.value.message_dict["action"][0]


@pytest.mark.parametrize("who", ["bob", "carol"])
def test_it_refuses_moderation_by_anyone_but_a_moderator(request, bobs_post, who):
    member = membership_of(request.getfixturevalue(who), bobs_post.community)
    with pytest.raises(PermissionDenied):
        post_moderate(moderator=member, post=bobs_post, action="hide", reason="I dislike it")


def test_it_refuses_a_moderator_of_another_community(bobs_post, other_community):
    stranger = MembershipFactory(community=other_community, role=Role.MODERATOR)
    with pytest.raises(PermissionDenied):
        post_moderate(moderator=stranger, post=bobs_post, action="hide", reason="Not mine to judge")


def test_it_never_lets_an_audit_entry_be_changed_or_deleted(alice, bobs_post):
    post_moderate(
        moderator=membership_of(alice, bobs_post.community), post=bobs_post, action="hide", reason="Spam"
    )
    entry = AuditEntry.objects.get()
    entry.reason = "Nothing happened"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


# --- pre-moderation end to end ---


def test_it_holds_a_premoderated_post_until_a_moderator_approves_it(client, alice, bob, carol, board):
    board.community.moderation_mode = ModerationMode.PRE
    board.community.save(update_fields=["moderation_mode"])
    client.force_login(bob)
    client.post(reverse("post_create", args=["acme", board.pk]), {"body": "Needs a check first"})
    post = Post.objects.get()
    assert post.status == PostStatus.PENDING

    client.force_login(carol)
    detail = reverse("discussion_detail", args=["acme", board.pk])
    assert "Needs a check first" not in client.get(detail).content.decode()

    client.force_login(alice)
    queue = client.get(reverse("moderation_queue", args=["acme"])).content.decode()
    assert "Needs a check first" in queue
    client.post(reverse("post_moderate", args=["acme", post.pk]), {"action": "approve", "reason": "Fine"})

    client.force_login(carol)
    assert "Needs a check first" in client.get(detail).content.decode()


def test_it_shows_the_required_reason_message_when_a_moderator_leaves_it_out(client, alice, bobs_post):
    client.force_login(alice)
    response = client.post(
        reverse("post_moderate", args=["acme", bobs_post.pk]), {"action": "hide", "reason": ""}, follow=True
    )
    assert "A reason is required for every moderation action." in response.content.decode()
    bobs_post.refresh_from_db()
    assert bobs_post.status == PostStatus.PUBLISHED


def test_it_tells_the_moderator_in_words_what_the_action_did(client, alice, bobs_post):
    client.force_login(alice)
    response = client.post(
        reverse("post_moderate", args=["acme", bobs_post.pk]),
        {"action": "hide", "reason": "Off topic"},
        follow=True,
    )
    page = response.content.decode()
    assert f"Hid the post by {bobs_post.author.name_for_moderators}" in page
    assert "hide done" not in page


def test_it_answers_not_found_to_participants_and_clients_on_moderation_pages(client, bob, carol, bobs_post):
    for user in (bob, carol):
        client.force_login(user)
        assert client.get(reverse("moderation_queue", args=["acme"])).status_code == 404
        assert client.get(reverse("audit_log", args=["acme"])).status_code == 404
        response = client.post(
            reverse("post_moderate", args=["acme", bobs_post.pk]), {"action": "hide", "reason": "x"}
        )
        assert response.status_code == 404
    bobs_post.refresh_from_db()
    assert bobs_post.status == PostStatus.PUBLISHED


# --- flags ---


def test_it_lets_a_participant_flag_someone_elses_post_once(client, alice, bob, board):
    alices = PostFactory(discussion=board, author=membership_of(alice, board.community), body="Hmm")
    other = MembershipFactory(community=board.community, role=Role.PARTICIPANT)
    theirs = PostFactory(discussion=board, author=other, body="Flag me")
    client.force_login(bob)
    response = client.post(
        reverse("post_flag", args=["acme", theirs.pk]), {"reason": "Personal attack"}, follow=True
    )
    assert "a moderator will look at this post" in response.content.decode()
    again = client.post(reverse("post_flag", args=["acme", theirs.pk]), {"reason": ""}, follow=True)
    assert "already flagged" in again.content.decode()
    assert Flag.objects.filter(post=theirs).count() == 1
    assert Flag.objects.filter(post=alices).count() == 0


def test_it_refuses_flagging_ones_own_post(bob, bobs_post):
    with pytest.raises(ValidationError):
        post_flag(flagger=membership_of(bob, bobs_post.community), post=bobs_post, reason="oops")


def test_it_resolves_open_flags_when_a_moderator_decides(alice, bob, board):
    other = MembershipFactory(community=board.community, role=Role.PARTICIPANT)
    theirs = PostFactory(discussion=board, author=other)
    post_flag(flagger=membership_of(bob, board.community), post=theirs, reason="Spam")
    post_moderate(
        moderator=membership_of(alice, board.community), post=theirs, action="approve", reason="It is fine"
    )
    theirs.refresh_from_db()
    assert theirs.status == PostStatus.PUBLISHED
    assert Flag.objects.get().resolved_at is not None
    assert AuditEntry.objects.filter(action="post.approve", details__flags_resolved=1).exists()


# --- the queue ---


def test_it_filters_the_queue_by_status_discussion_and_flags(client, alice, bob, community):
    one = DiscussionFactory(community=community, title="One")
    two = DiscussionFactory(community=community, title="Two")
    bob_m = membership_of(bob, community)
    other = MembershipFactory(community=community, role=Role.PARTICIPANT)
    PostFactory(discussion=one, author=bob_m, body="pending in one", status=PostStatus.PENDING)
    PostFactory(discussion=two, author=bob_m, body="pending in two", status=PostStatus.PENDING)
    PostFactory(discussion=one, author=bob_m, body="hidden in one", status=PostStatus.HIDDEN)
    flagged = PostFactory(discussion=two, author=other, body="flagged in two")
    PostFactory(discussion=two, author=other, body="quiet in two")
    post_flag(flagger=bob_m, post=flagged, reason="Off topic")
    client.force_login(alice)
    url = reverse("moderation_queue", args=["acme"])

    def shown(params):
        page = client.get(url, params).content.decode()
        return {
            b
            for b in ["pending in one", "pending in two", "hidden in one", "flagged in two", "quiet in two"]
            if b in page
        }

    assert shown({}) == {"pending in one", "pending in two", "flagged in two"}
    assert shown({"status": "hidden"}) == {"hidden in one"}
    assert shown({"discussion": one.pk}) == {"pending in one"}
    assert shown({"flagged": "on"}) == {"flagged in two"}
    assert shown({"status": "published", "discussion": two.pk}) == {"flagged in two", "quiet in two"}


def test_it_lists_the_queue_in_the_same_number_of_queries_as_it_grows(
    client, alice, bob, community, django_assert_max_num_queries
):
    board = DiscussionFactory(community=community)
    bob_m = membership_of(bob, community)
    url = reverse("moderation_queue", args=["acme"])
    client.force_login(alice)

    def grow(n):
        for _ in range(n):
            other = MembershipFactory(community=community, role=Role.PARTICIPANT)
            PostFactory(discussion=board, author=other, status=PostStatus.PENDING)
            post_flag(flagger=bob_m, post=PostFactory(discussion=board, author=other), reason="Look")

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    grow(3)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(20)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small) == len(large)
    with django_assert_max_num_queries(10):
        client.get(url)


def test_it_preselects_only_the_harmless_decision_in_the_queue_and_never_hide(client, alice, bob, community):
    import re

    board = DiscussionFactory(community=community)
    bob_m = membership_of(bob, community)
    other = MembershipFactory(community=community, role=Role.PARTICIPANT)
    pending = PostFactory(discussion=board, author=bob_m, status=PostStatus.PENDING)
    flagged = PostFactory(discussion=board, author=other)
    quiet = PostFactory(discussion=board, author=other)
    hidden = PostFactory(discussion=board, author=other, status=PostStatus.HIDDEN)
    post_flag(flagger=bob_m, post=flagged, reason="Off topic")
    client.force_login(alice)

    def menu(post, params=None):
        page = client.get(reverse("moderation_queue", args=["acme"]), params or {}).content.decode()
        card = page[page.index(f'id="post-{post.pk}"') :]
        select = card[: card.index("</select>")]
        chosen = re.search(r'<option value="([^"]*)" selected>([^<]*)<', select)
        return chosen.groups(), re.findall(r'<option value="([^"]*)"', select)

    assert menu(pending) == (("approve", "Approve"), ["approve", "hide", "remove"])
    assert menu(flagged) == (("approve", "Keep it and dismiss the flags"), ["approve", "hide", "remove"])
    assert menu(hidden, {"status": "hidden"}) == (("restore", "Restore"), ["restore", "remove"])
    # No harmless choice for a published post nobody flagged: the moderator must pick one.
    assert menu(quiet, {"status": "published"}) == (("", "Choose an action…"), ["", "hide", "remove"])
    response = client.post(
        reverse("post_moderate", args=["acme", quiet.pk]), {"action": "", "reason": "x"}, follow=True
    )
    assert "Choose what to do with the post." in response.content.decode()
    quiet.refresh_from_db()
    assert quiet.status == PostStatus.PUBLISHED
