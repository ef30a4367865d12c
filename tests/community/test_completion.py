"""Completion tracking for moderators (who has and has not responded) and the participant's home data."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import DiscussionKind, PostStatus
from community.roster import roster_for
from community.selectors_engagement import community_completion, discussion_completion, participant_home
from community.services.probes import probe_create
from community.services.scorecards import scorecard_ensure, scorecard_submit
from tests.community.engagement_helpers import participant
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, PostFactory


@pytest.fixture
def board(community):
    return DiscussionFactory(community=community, title="Your last shop", is_required=True)


def test_it_tells_who_has_and_has_not_responded_by_segment(bob, community, board):
    shopper = participant(community, "shopper", segments=["in store"])
    participant(community, "lurker", segments=["in store"])
    PostFactory(discussion=board, author=shopper)
    PostFactory(discussion=board, author=shopper, parent=None)  # a second response counts once
    row = discussion_completion(discussion=board)
    assert row["targeted"] == 3 and row["responded_count"] == 1 and row["rate"] == 33
    assert [m.user.username for m in row["responded"]] == ["shopper"]
    assert {m.user.username for m in row["not_responded"]} == {"bob", "lurker"}
    assert row["segments"] == [
        {"segment": "app users", "targeted": 1, "responded": 0, "not_responded": 1},
        {"segment": "in store", "targeted": 2, "responded": 1, "not_responded": 1},
    ]


def test_it_does_not_count_replies_deleted_or_removed_posts_as_responses(bob, community, board):
    other = participant(community, "other")
    root = PostFactory(discussion=board, author=other)
    PostFactory(discussion=board, author=membership_of(bob, community), parent=root)
    gone = participant(community, "gone")
    PostFactory(discussion=board, author=gone, status=PostStatus.DELETED)
    removed = participant(community, "removed")
    PostFactory(discussion=board, author=removed, status=PostStatus.REMOVED)
    waiting = participant(community, "waiting")
    PostFactory(discussion=board, author=waiting, status=PostStatus.PENDING)
    responded = {m.user.username for m in discussion_completion(discussion=board)["responded"]}
    assert responded == {"other", "waiting"}


def test_it_tracks_scorecards_by_their_answers_and_only_targeted_participants(bob, community):
    activity = DiscussionFactory(
        community=community, kind=DiscussionKind.SCORECARD, target_segments=["app users"]
    )
    scorecard = scorecard_ensure(discussion=activity)
    participant(community, "instore", segments=["in store"])
    scorecard_submit(
        scorecard=scorecard,
        member=membership_of(bob, community),
        ratings={d.pk: 12 for d in scorecard.dimensions.all()},
    )
    row = discussion_completion(discussion=activity)
    assert row["targeted"] == 1 and row["responded_count"] == 1


def test_it_leaves_out_drafts_and_live_sessions(community, board):
    DiscussionFactory(community=community, is_draft=True)
    DiscussionFactory(community=community, kind=DiscussionKind.LIVE)
    assert [row["discussion"] for row in community_completion(community=community)] == [board]


def test_it_shows_completion_to_moderators_only(alice, bob, carol, eve, community, board, client):
    for name in ("completion", "completion_detail"):
        url = reverse(name, args=["acme"] if name == "completion" else ["acme", board.pk])
        for user, expected in ((alice, 200), (bob, 404), (carol, 404), (eve, 404)):
            client.force_login(user)
            assert client.get(url).status_code == expected, (name, user.username)


def test_it_shows_moderators_the_real_names_of_non_responders(alice, bob, community, board, client):
    client.force_login(alice)
    page = client.get(reverse("completion_detail", args=["acme", board.pk])).content.decode()
    assert "Bob Participant (Swift Heron)" in page


def test_it_builds_the_completion_pages_in_a_constant_number_of_queries(
    alice, community, board, client, django_assert_max_num_queries
):
    client.force_login(alice)
    overview = reverse("completion", args=["acme"])
    detail = reverse("completion_detail", args=["acme", board.pk])
    participant(community, "p0", segments=["a"])
    client.get(overview)
    with django_assert_max_num_queries(10) as overview_few:
        client.get(overview)
    with django_assert_max_num_queries(10) as detail_few:
        client.get(detail)
    for i in range(1, 25):
        member = participant(community, f"p{i}", segments=["a"] if i % 2 else ["b"])
        if i % 3 == 0:
            PostFactory(discussion=board, author=member)
    for _ in range(3):
        DiscussionFactory(community=community)
    with django_assert_max_num_queries(len(overview_few.captured_queries)):
        assert client.get(overview).status_code == 200
    with django_assert_max_num_queries(len(detail_few.captured_queries)):
        page = client.get(detail).content.decode()
    assert "Responded (8)" in page


def test_it_puts_required_activities_first_on_the_participants_home(bob, community):
    member = membership_of(bob, community)
    now = timezone.now()
    optional = DiscussionFactory(community=community, title="Optional", closes_at=now + timedelta(days=1))
    late = DiscussionFactory(community=community, title="Required later", is_required=True)
    soon = DiscussionFactory(
        community=community, title="Required soon", is_required=True, closes_at=now + timedelta(days=2)
    )
    done = DiscussionFactory(community=community, title="Done")
    PostFactory(discussion=done, author=member)
    DiscussionFactory(community=community, title="Not for me", target_segments=["in store"])
    DiscussionFactory(community=community, title="Draft", is_draft=True)
    home = participant_home(member)
    assert [d.title for d in home["due"]] == [soon.title, late.title, optional.title]


def test_it_shows_a_participant_open_probes_new_replies_and_unread_notifications(
    alice, bob, community, board
):
    member = membership_of(bob, community)
    mine = PostFactory(discussion=board, author=member)
    PostFactory(discussion=board, author=participant(community, "replier"), parent=mine)
    probe = probe_create(author=membership_of(alice, community), discussion=board, question="Why?", post=mine)
    PostFactory(discussion=board, author=participant(community, "second"), parent=mine)
    home = participant_home(member)
    assert home["probes"] == [probe]
    assert home["new_reply_count"] == 2
    # One line per discussion with its count, not the discussion's title once per reply.
    assert home["new_reply_discussions"] == [
        {"discussion_id": board.pk, "discussion__title": board.title, "replies": 2}
    ]
    assert home["unread_count"] == 1
    assert board not in home["due"]
    PostFactory(discussion=board, author=member, probe=probe, parent=mine)
    assert participant_home(member)["probes"] == []


def test_it_shows_the_due_page_to_participants_only(alice, bob, carol, eve, community, board, client):
    url = reverse("participant_due", args=["acme"])
    client.force_login(bob)
    assert "Your last shop" in client.get(url).content.decode()
    for user in (alice, carol, eve):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_it_builds_the_participants_home_in_a_constant_number_of_queries(
    alice, bob, community, django_assert_max_num_queries
):
    member = membership_of(bob, community)
    DiscussionFactory(community=community)
    # The member-name roster (for probe questions) is one query, then cached: read it up front.
    roster_for(community.pk)
    with django_assert_max_num_queries(8) as few:
        participant_home(member)
    moderator = membership_of(alice, community)
    for i in range(10):
        discussion = DiscussionFactory(community=community, is_required=bool(i % 2))
        post = PostFactory(discussion=discussion, author=member)
        PostFactory(discussion=discussion, author=moderator, parent=post)
        probe_create(author=moderator, discussion=discussion, question=f"q{i}", post=post)
    with django_assert_max_num_queries(len(few.captured_queries)):
        home = participant_home(member)
    assert len(home["probes"]) == 10 and home["new_reply_count"] == 10


def test_it_shows_what_is_due_on_the_participants_community_home(bob, community, board, client):
    client.force_login(bob)
    page = client.get(reverse("community_home", args=["acme"])).content.decode()
    assert "Waiting for you" in page and "Your last shop" in page


def test_it_lists_new_replies_once_per_discussion_with_a_link(bob, community, board, client):
    member = membership_of(bob, community)
    mine = PostFactory(discussion=board, author=member)
    for name in ("first", "second", "third"):
        PostFactory(discussion=board, author=participant(community, name), parent=mine)
    client.force_login(bob)
    page = client.get(reverse("community_home", args=["acme"])).content.decode()
    link = f'<a href="{reverse("discussion_detail", args=["acme", board.pk])}">{board.title}</a> (3)'
    assert "3 new replies to your posts" in page
    assert page.count(link) == 1


@pytest.mark.parametrize(("responded", "targeted", "rate"), [(5, 8, 63), (1, 8, 13), (5, 11, 45), (2, 3, 67)])
def test_a_completion_rate_rounds_halves_up_as_the_insights_do(community, board, responded, targeted, rate):
    members = [participant(community, f"p{i}") for i in range(targeted)]
    for member in members[:responded]:
        PostFactory(discussion=board, author=member)
    row = discussion_completion(discussion=board)
    assert (row["targeted"], row["responded_count"], row["rate"]) == (targeted, responded, rate)
    # Python's round() sent 62.5 and 12.5 to the even 62 and 12.
    assert [r["rate"] for r in community_completion(community=community)] == [rate]


def test_the_completion_pages_say_63_percent_for_5_of_8(client, alice, community, board):
    for member in [participant(community, f"p{i}") for i in range(8)][:5]:
        PostFactory(discussion=board, author=member)
    client.force_login(alice)
    listing = client.get(reverse("completion", args=["acme"])).content.decode()
    detail = client.get(reverse("completion_detail", args=["acme", board.pk])).content.decode()
    assert "(63%)" in listing and "(63%)" in detail
    assert "62%" not in listing + detail
