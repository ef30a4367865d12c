"""What a member sees after acting on a long discussion, and the guide's rules on kind and segments."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from community.models import Discussion, DiscussionKind, Invitation, LiveMessage, LiveSession, Post
from community.selectors import DISCUSSION_PAGE_SIZE
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def long_discussion(community, alice):
    """A board with a page and a half of responses by other participants."""
    discussion = DiscussionFactory(community=community, kind=DiscussionKind.BOARD)
    others = [MembershipFactory(community=community) for _ in range(3)]
    for i in range(DISCUSSION_PAGE_SIZE + 5):
        PostFactory(discussion=discussion, author=others[i % 3], body=f"Earlier response {i:03d}")
    return discussion


def _detail(discussion) -> str:
    return reverse("discussion_detail", args=["acme", discussion.pk])


def test_after_posting_a_participant_lands_on_the_page_that_shows_their_post(client, bob, long_discussion):
    client.force_login(bob)
    response = client.post(
        reverse("post_create", args=["acme", long_discussion.pk]), {"body": "My own words"}
    )
    post = Post.objects.get(body="My own words")
    assert response.url == f"{_detail(long_discussion)}?page=2#post-{post.pk}"
    page = client.get(response.url).content.decode()
    assert "My own words" in page and "Page 2 of 2" in page


def test_the_last_link_opens_the_last_page(client, bob, long_discussion):
    client.force_login(bob)
    page = client.get(_detail(long_discussion)).content.decode()
    assert 'href="?page=last"' in page
    last = client.get(_detail(long_discussion) + "?page=last").content.decode()
    assert "Page 2 of 2" in last and "Earlier response 024" in last and "Earlier response 000" not in last


def test_after_editing_or_replying_on_page_two_the_member_stays_on_page_two(
    client, bob, community, long_discussion
):
    mine = PostFactory(discussion=long_discussion, author=membership_of(bob, community), body="Before")
    client.force_login(bob)
    response = client.post(reverse("post_edit", args=["acme", mine.pk]), {"body": "After the edit"})
    assert response.url == f"{_detail(long_discussion)}?page=2#post-{mine.pk}"
    assert "After the edit" in client.get(response.url).content.decode()
    root = Post.objects.get(body="Earlier response 022")
    response = client.post(
        reverse("post_create", args=["acme", long_discussion.pk]), {"body": "A reply", "parent": root.pk}
    )
    reply = Post.objects.get(body="A reply")
    assert response.url == f"{_detail(long_discussion)}?page=2#post-{reply.pk}"
    assert "A reply" in client.get(response.url).content.decode()


def test_a_response_on_page_one_is_linked_without_a_page(client, bob, community):
    discussion = DiscussionFactory(community=community)
    client.force_login(bob)
    response = client.post(reverse("post_create", args=["acme", discussion.pk]), {"body": "First!"})
    assert response.url == f"{_detail(discussion)}#post-{Post.objects.get().pk}"


def test_the_thanks_for_flagging_is_shown_beside_the_flagged_post(client, bob, long_discussion):
    target = Post.objects.get(body="Earlier response 023")
    client.force_login(bob)
    response = client.post(reverse("post_flag", args=["acme", target.pk]), {"reason": "rude"})
    assert response.url == f"{_detail(long_discussion)}?page=2#post-{target.pk}"
    page = client.get(response.url).content.decode()
    article = page[page.index(f'id="post-{target.pk}"') :]
    article = article[: article.index("</article>")]
    assert "Thank you; a moderator will look at this post." in article
    assert '<ul class="messages"' not in page
    # Shown once: reloading the page does not thank again.
    assert "Thank you" not in client.get(response.url).content.decode()


def test_flagging_ones_own_post_is_refused_beside_it_and_outsiders_get_not_found(
    client, bob, eve, community, long_discussion
):
    mine = PostFactory(discussion=long_discussion, author=membership_of(bob, community), body="Mine")
    client.force_login(bob)
    response = client.post(reverse("post_flag", args=["acme", mine.pk]), {"reason": "oops"})
    article = client.get(response.url).content.decode()
    article = article[article.index(f'id="post-{mine.pk}"') :]
    assert "alert-error" in article[: article.index("</article>")]
    assert not mine.flags.exists()
    client.force_login(eve)
    assert client.post(reverse("post_flag", args=["acme", mine.pk]), {"reason": "x"}).status_code == 404


# --- the guide: an activity's kind, its segments, its prompt ---


def _edit(client, discussion, **changes):
    data = {
        "title": discussion.title,
        "prompt": discussion.prompt,
        "kind": discussion.kind,
        "visibility": discussion.visibility,
        "target_segments": ", ".join(discussion.target_segments),
    }
    data.update(changes)
    return client.post(reverse("discussion_edit", args=["acme", discussion.pk]), data)


@pytest.mark.parametrize("new_kind", ["scorecard", "live", "journal"])
def test_a_board_with_responses_cannot_change_kind(client, alice, long_discussion, new_kind):
    client.force_login(alice)
    response = _edit(client, long_discussion, kind=new_kind)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The kind cannot change: this group discussion board already has 25 responses." in html
    long_discussion.refresh_from_db()
    assert long_discussion.kind == DiscussionKind.BOARD


def test_a_live_session_with_messages_cannot_become_a_board(client, alice, bob, community):
    discussion = DiscussionFactory(community=community, kind=DiscussionKind.LIVE)
    session = LiveSession.objects.create(discussion=discussion, community=community)
    LiveMessage.objects.create(session=session, seq=1, author=membership_of(bob, community), body="Hello")
    client.force_login(alice)
    response = _edit(client, discussion, kind="board")
    assert response.status_code == 400
    assert "this live session already has 1 response." in response.content.decode()


def test_an_activity_without_responses_can_still_change_kind(client, alice, community):
    discussion = DiscussionFactory(community=community, kind=DiscussionKind.BOARD)
    client.force_login(alice)
    assert _edit(client, discussion, kind="journal").status_code == 302
    discussion.refresh_from_db()
    assert discussion.kind == DiscussionKind.JOURNAL


def test_a_participant_cannot_edit_an_activity(client, bob, long_discussion):
    client.force_login(bob)
    assert _edit(client, long_discussion, kind="journal").status_code == 404
    long_discussion.refresh_from_db()
    assert long_discussion.kind == DiscussionKind.BOARD


def test_a_mistyped_segment_is_refused_listing_the_communitys_segments(client, alice, bob, community):
    MembershipFactory(community=community, segments=["Lapsed"])
    Invitation.objects.create(
        community=community, email="new@example.com", role="participant", segments=["Loyal"]
    )
    client.force_login(alice)
    response = client.post(
        reverse("discussion_create", args=["acme"]),
        {
            "title": "Why stop?",
            "prompt": "Tell us.",
            "kind": "board",
            "visibility": "open",
            "target_segments": "lapsed, Nonexistent segment",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        "No participant or invitee is in “Nonexistent segment”, so it would reach nobody. Check the spelling."
        in html
    )
    assert "Segments in this community: app users, Lapsed, Loyal." in html
    assert not Discussion.objects.filter(title="Why stop?").exists()


def test_segments_are_saved_as_the_community_spells_them(client, alice, bob, community):
    MembershipFactory(community=community, segments=["Lapsed"])
    client.force_login(alice)
    response = client.post(
        reverse("discussion_create", args=["acme"]),
        {
            "title": "Why stop?",
            "prompt": "Tell us.",
            "kind": "board",
            "visibility": "open",
            "target_segments": "lapsed, APP USERS",
        },
    )
    assert response.status_code == 302
    assert Discussion.objects.get(title="Why stop?").target_segments == ["Lapsed", "app users"]


def test_a_segment_nobody_is_in_any_more_does_not_block_other_edits(client, alice, community):
    discussion = DiscussionFactory(community=community, target_segments=["Gone"])
    client.force_login(alice)
    assert _edit(client, discussion, title="Renamed").status_code == 302
    discussion.refresh_from_db()
    assert (discussion.title, discussion.target_segments) == ("Renamed", ["Gone"])


def test_a_blank_prompt_shows_no_empty_card(client, bob, community):
    discussion = DiscussionFactory(community=community, prompt="")
    client.force_login(bob)
    page = client.get(_detail(discussion)).content.decode()
    assert not re.search(r'class="prompt card"', page)
    with_prompt = DiscussionFactory(community=community, prompt="Say hello")
    assert 'class="prompt card"' in client.get(_detail(with_prompt)).content.decode()
