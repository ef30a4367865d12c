"""Who sees what: the visibility matrix for every role, through the pages people use.

Roles: alice moderator, bob participant (segment "app users"), fern another
participant (segment "store shoppers"), carol client, dave participant without
consent, eve outsider.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import DiscussionKind, PostStatus, Role, Visibility
from community.selectors import discussions_visible_to, post_visible_to, posts_visible_to, published_posts
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory, UserFactory


@pytest.fixture
def fern(community):
    user = UserFactory(username="fern", first_name="Fern", last_name="Shopper")
    MembershipFactory(
        user=user,
        community=community,
        role=Role.PARTICIPANT,
        pseudonym="Amber Finch",
        segments=["store shoppers"],
    )
    return user


@pytest.fixture
def everyone(alice, bob, carol, dave, eve, fern):
    return {"alice": alice, "bob": bob, "carol": carol, "dave": dave, "eve": eve, "fern": fern}


def page_for(client, user, discussion):
    client.force_login(user)
    return client.get(reverse("discussion_detail", args=[discussion.community.slug, discussion.pk]))


def text_for(client, user, discussion) -> str:
    response = page_for(client, user, discussion)
    assert response.status_code == 200
    return response.content.decode()


# --- open board ---


def test_it_shows_an_open_boards_responses_to_every_member_role(client, everyone, community):
    board = DiscussionFactory(community=community, visibility=Visibility.OPEN)
    PostFactory(
        discussion=board, author=membership_of(everyone["fern"], community), body="Queues are too long"
    )
    for name in ("alice", "bob", "carol", "fern"):
        assert "Queues are too long" in text_for(client, everyone[name], board), name


def test_it_shows_real_names_to_moderators_and_pseudonyms_to_everyone_else(client, everyone, community):
    board = DiscussionFactory(community=community)
    PostFactory(discussion=board, author=membership_of(everyone["fern"], community), body="Hello")
    assert "Fern Shopper" in text_for(client, everyone["alice"], board)
    for name in ("bob", "carol"):
        page = text_for(client, everyone[name], board)
        assert "Amber Finch" in page
        assert "Fern Shopper" not in page and "Shopper" not in page


def test_it_answers_not_found_to_an_outsider_everywhere(client, everyone, community):
    board = DiscussionFactory(community=community)
    post = PostFactory(discussion=board, author=membership_of(everyone["bob"], community))
    client.force_login(everyone["eve"])
    urls = [
        reverse("discussion_list", args=["acme"]),
        reverse("discussion_detail", args=["acme", board.pk]),
        reverse("discussion_edit", args=["acme", board.pk]),
        reverse("post_edit", args=["acme", post.pk]),
        reverse("post_history", args=["acme", post.pk]),
        reverse("moderation_queue", args=["acme"]),
        reverse("audit_log", args=["acme"]),
        reverse("audit_csv", args=["acme"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("post_create", args=["acme", board.pk]),
        reverse("post_flag", args=["acme", post.pk]),
        reverse("post_moderate", args=["acme", post.pk]),
        reverse("post_delete", args=["acme", post.pk]),
    ]:
        assert client.post(url, {"body": "x", "action": "hide", "reason": "x"}).status_code == 404, url
    assert post.__class__.objects.count() == 1


def test_it_sends_a_participant_without_consent_to_the_consent_page(client, everyone, community):
    board = DiscussionFactory(community=community)
    PostFactory(discussion=board, author=membership_of(everyone["bob"], community), body="Secret-ish")
    response = page_for(client, everyone["dave"], board)
    assert response.status_code == 302
    assert "Secret-ish" not in response.content.decode()


def test_it_redirects_an_anonymous_visitor_to_log_in(client, community):
    board = DiscussionFactory(community=community)
    response = client.get(reverse("discussion_detail", args=["acme", board.pk]))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- uninfluenced ---


def test_it_hides_others_responses_in_an_uninfluenced_activity_until_the_participant_posts(
    client, everyone, community
):
    board = DiscussionFactory(community=community, visibility=Visibility.UNINFLUENCED)
    PostFactory(
        discussion=board, author=membership_of(everyone["fern"], community), body="Fern's honest view"
    )
    before = text_for(client, everyone["bob"], board)
    assert "Fern's honest view" not in before
    assert "once you have posted yours" in before

    client.post(reverse("post_create", args=["acme", board.pk]), {"body": "Bob's own view"})
    after = text_for(client, everyone["bob"], board)
    assert "Fern&#x27;s honest view" in after or "Fern's honest view" in after
    assert "Bob&#x27;s own view" in after or "Bob's own view" in after


def test_it_shows_every_uninfluenced_response_to_moderators_and_clients(client, everyone, community):
    board = DiscussionFactory(community=community, visibility=Visibility.UNINFLUENCED)
    PostFactory(discussion=board, author=membership_of(everyone["fern"], community), body="Unprompted")
    for name in ("alice", "carol"):
        assert "Unprompted" in text_for(client, everyone[name], board), name


def test_it_does_not_count_a_reply_or_a_hidden_response_as_having_responded(everyone, community):
    board = DiscussionFactory(community=community, visibility=Visibility.UNINFLUENCED)
    bob = membership_of(everyone["bob"], community)
    fern_post = PostFactory(discussion=board, author=membership_of(everyone["fern"], community))
    PostFactory(discussion=board, author=bob, status=PostStatus.HIDDEN)
    assert not post_visible_to(fern_post, bob)


# --- private journal ---


def test_it_keeps_a_private_journal_private_between_its_author_and_the_moderators(
    client, everyone, community
):
    journal = DiscussionFactory(community=community, kind=DiscussionKind.JOURNAL)
    alice, bob, fern = (membership_of(everyone[n], community) for n in ("alice", "bob", "fern"))
    bobs = PostFactory(discussion=journal, author=bob, body="Bob's diary day one")
    ferns = PostFactory(discussion=journal, author=fern, body="Fern diary day one")
    PostFactory(discussion=journal, author=alice, parent=bobs, body="Moderator asks Bob why")
    PostFactory(discussion=journal, author=alice, parent=ferns, body="Moderator asks Fern why")

    bob_page = text_for(client, everyone["bob"], journal)
    assert "diary day one" in bob_page and "Bob" in bob_page
    assert "Moderator asks Bob why" in bob_page
    assert "Fern diary day one" not in bob_page
    assert "Moderator asks Fern why" not in bob_page

    alice_page = text_for(client, everyone["alice"], journal)
    assert "Fern diary day one" in alice_page and "Moderator asks Fern why" in alice_page


def test_it_refuses_a_participant_who_opens_someone_elses_journal_post_directly(everyone, community):
    journal = DiscussionFactory(community=community, kind=DiscussionKind.JOURNAL)
    ferns = PostFactory(discussion=journal, author=membership_of(everyone["fern"], community))
    assert not post_visible_to(ferns, membership_of(everyone["bob"], community))
    assert post_visible_to(ferns, membership_of(everyone["alice"], community))


# --- segment-targeted ---


def test_it_shows_a_targeted_activity_only_to_participants_in_its_segments(client, everyone, community):
    targeted = DiscussionFactory(community=community, title="Store visit", target_segments=["store shoppers"])
    assert page_for(client, everyone["bob"], targeted).status_code == 404
    for name in ("fern", "alice", "carol"):
        assert page_for(client, everyone[name], targeted).status_code == 200, name
    client.force_login(everyone["bob"])
    bob_guide = client.get(reverse("discussion_list", args=["acme"]))
    assert "Store visit" not in bob_guide.content.decode()
    assert targeted in discussions_visible_to(membership_of(everyone["fern"], community))
    assert targeted not in discussions_visible_to(membership_of(everyone["bob"], community))


# --- draft ---


def test_it_hides_a_draft_from_participants_and_clients(client, everyone, community):
    draft = DiscussionFactory(community=community, title="Unfinished idea", is_draft=True)
    for name in ("bob", "carol"):
        assert page_for(client, everyone[name], draft).status_code == 404, name
        guide = client.get(reverse("discussion_list", args=["acme"])).content.decode()
        assert "Unfinished idea" not in guide
    assert page_for(client, everyone["alice"], draft).status_code == 200
    assert "Unfinished idea" in client.get(reverse("discussion_list", args=["acme"])).content.decode()


# --- closed ---


def test_it_keeps_a_closed_activity_readable_but_not_postable(client, everyone, community):
    closed = DiscussionFactory(community=community, closes_at=timezone.now() - timedelta(days=1))
    PostFactory(
        discussion=closed, author=membership_of(everyone["fern"], community), body="Said before closing"
    )
    page = text_for(client, everyone["bob"], closed)
    assert "Said before closing" in page
    assert 'name="body"' not in page
    assert "not open for posting" in page
    response = client.post(reverse("post_create", args=["acme", closed.pk]), {"body": "Too late"})
    assert response.status_code == 400
    assert closed.posts.count() == 1


def test_it_does_not_open_an_activity_before_its_opening_time(client, everyone, community):
    later = DiscussionFactory(community=community, opens_at=timezone.now() + timedelta(days=1))
    page = text_for(client, everyone["bob"], later)
    assert 'name="body"' not in page


# --- hidden, removed, deleted, pending ---


@pytest.mark.parametrize("status", [PostStatus.HIDDEN, PostStatus.REMOVED, PostStatus.DELETED])
def test_it_hides_a_moderated_or_deleted_post_and_its_replies_from_everyone_but_moderators(
    client, everyone, community, status
):
    board = DiscussionFactory(community=community)
    fern = membership_of(everyone["fern"], community)
    gone = PostFactory(discussion=board, author=fern, body="Offensive words", status=status)
    PostFactory(
        discussion=board, author=membership_of(everyone["bob"], community), parent=gone, body="Reply to gone"
    )
    for name in ("bob", "carol", "fern"):
        page = text_for(client, everyone[name], board)
        assert "Offensive words" not in page, name
        assert "Reply to gone" not in page, name
    moderator_page = text_for(client, everyone["alice"], board)
    assert "Offensive words" in moderator_page
    assert "badge-" + status in moderator_page
    assert gone not in published_posts(community)
    bob = membership_of(everyone["bob"], community)
    assert not posts_visible_to(bob, board).filter(body="Reply to gone").exists()


def test_it_answers_not_found_for_a_hidden_posts_own_pages(client, everyone, community):
    board = DiscussionFactory(community=community)
    gone = PostFactory(
        discussion=board, author=membership_of(everyone["fern"], community), status=PostStatus.HIDDEN
    )
    client.force_login(everyone["bob"])
    assert client.post(reverse("post_flag", args=["acme", gone.pk])).status_code == 404
    client.force_login(everyone["fern"])
    assert client.get(reverse("post_edit", args=["acme", gone.pk])).status_code == 404


def test_it_shows_a_pending_post_to_its_author_and_moderators_only(client, everyone, community):
    board = DiscussionFactory(community=community)
    PostFactory(
        discussion=board,
        author=membership_of(everyone["bob"], community),
        body="Awaiting approval",
        status="pending",
    )
    assert "Awaiting approval" in text_for(client, everyone["bob"], board)
    assert "Awaiting approval" in text_for(client, everyone["alice"], board)
    for name in ("fern", "carol"):
        assert "Awaiting approval" not in text_for(client, everyone[name], board), name


def test_it_hides_other_participants_pseudonyms_where_the_community_says_so(client, everyone, community):
    community.show_pseudonyms_to_participants = False
    community.save(update_fields=["show_pseudonyms_to_participants"])
    board = DiscussionFactory(community=community)
    PostFactory(discussion=board, author=membership_of(everyone["fern"], community), body="Hello")
    PostFactory(discussion=board, author=membership_of(everyone["alice"], community), body="Welcome")
    bob_page = text_for(client, everyone["bob"], board)
    assert "Amber Finch" not in bob_page and "A participant" in bob_page
    assert "Moderator Alice" in bob_page
    assert "Amber Finch" in text_for(client, everyone["carol"], board)


def test_it_refuses_a_post_of_a_draft_or_untargeted_activity_even_when_asked_directly(everyone, community):
    draft = DiscussionFactory(community=community, is_draft=True)
    targeted = DiscussionFactory(community=community, target_segments=["store shoppers"])
    alice = membership_of(everyone["alice"], community)
    in_draft = PostFactory(discussion=draft, author=alice)
    in_targeted = PostFactory(discussion=targeted, author=alice)
    bob = membership_of(everyone["bob"], community)
    assert not post_visible_to(in_draft, bob)
    assert not post_visible_to(in_targeted, bob)
    assert post_visible_to(in_targeted, membership_of(everyone["fern"], community))
    assert not post_visible_to(in_draft, membership_of(everyone["carol"], community))
