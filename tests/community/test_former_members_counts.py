"""After a participant erases their account, results and completion count the same people.

Under the default "anonymize" policy erasure keeps a participant's posts (as "Former member N")
and their scorecard answers, anonymous: results keep counting them. Completion counts current
participants and names the former members' answers beside them, so 2 ratings in results read as
"1 / 2 + 1 former member" rather than a silent 1 / 2. Under "remove" both drop them.
alice moderates acme, bob participates, carol is a client (tests/conftest.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.models import ErasurePolicy
from community.selectors_engagement import discussion_completion, scorecard_summary
from community.services.privacy import user_erase
from community.services.scorecards import scorecard_ensure, scorecard_submit
from tests.community.engagement_helpers import participant, scorecard_activity
from tests.community.test_ui import visible_text
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, PostFactory
from tests.research.test_api import api_for

PASSWORD = "correct horse battery"


@pytest.fixture
def rated(bob, community):
    """A scorecard rated by bob and kim; fern has not rated yet."""
    activity = scorecard_activity(community)
    scorecard = scorecard_ensure(discussion=activity)
    kim = participant(community, "kim")
    participant(community, "fern")
    for member, score in ((membership_of(bob, community), 9), (kim, 15)):
        scorecard_submit(
            scorecard=scorecard, member=member, ratings={d.pk: score for d in scorecard.dimensions.all()}
        )
    return activity


def _page(client, user, name, *args) -> str:
    client.force_login(user)
    response = client.get(reverse(name, args=["acme", *args]))
    assert response.status_code == 200
    return visible_text(response.content.decode())


def test_results_and_completion_agree_after_a_participant_erases_their_account(
    client, alice, bob, community, rated
):
    user_erase(user=bob, password=PASSWORD)
    rows = scorecard_summary(community=community, discussion=rated)
    assert {row["participant_count"] for row in rows} == {2}  # bob's anonymous answer still counts
    row = discussion_completion(discussion=rated)
    assert (row["responded_count"], row["targeted"], row["former_responded_count"]) == (1, 2, 1)

    overview = _page(client, alice, "completion")
    assert "1 / 2 (50%) + 1 former member" in overview
    detail = _page(client, alice, "completion_detail", rated.pk)
    assert "1 of 2 participants responded (50%)." in detail
    assert "Results also count 1 response from former members (2 in all)" in detail
    results = _page(client, alice, "scorecard_results", rated.pk)
    assert "(2)" in results
    assert "include 1 answer from former members" in results
    assert "Completion counts current participants and lists these answers beside them." in results


def test_the_gap_api_says_how_many_of_the_customers_ratings_come_from_former_members(
    bob, carol, community, rated
):
    rows = api_for(carol).get(reverse("api:gap", args=["acme"])).json()
    assert rows and all(row["participant_former_count"] == 0 for row in rows)
    user_erase(user=bob, password=PASSWORD)
    rows = api_for(carol).get(reverse("api:gap", args=["acme"])).json()
    rated_rows = [row for row in rows if row["participant_count"]]
    assert rated_rows
    # bob's anonymous 9 still counts in the mean of 12.0, and the row says it is a former member's.
    assert {
        (row["participant_count"], row["participant_former_count"], row["participant_mean"])
        for row in rated_rows
    } == {(2, 1, 12.0)}


def test_the_client_reading_results_is_told_where_the_extra_rating_comes_from(
    client, bob, carol, community, rated
):
    user_erase(user=bob, password=PASSWORD)
    results = _page(client, carol, "scorecard_results", rated.pk)
    assert "include 1 answer from former members" in results
    assert "Completion" not in results.split("Brand (clients)")[1]  # completion is a moderator's page


def test_under_the_remove_policy_the_answer_goes_from_results_and_completion_alike(
    client, alice, bob, community, rated
):
    community.erasure_policy = ErasurePolicy.REMOVE
    community.save(update_fields=["erasure_policy"])
    user_erase(user=bob, password=PASSWORD)
    assert {row["participant_count"] for row in scorecard_summary(community=community, discussion=rated)} == {
        1
    }
    row = discussion_completion(discussion=rated)
    assert (row["responded_count"], row["former_responded_count"]) == (1, 0)
    assert "former member" not in _page(client, alice, "completion").lower()
    assert "former members" not in _page(client, alice, "scorecard_results", rated.pk)


def test_a_former_members_kept_post_counts_beside_the_current_participants(client, alice, bob, community):
    board = DiscussionFactory(community=community, title="Your last shop")
    PostFactory(discussion=board, author=membership_of(bob, community), body="The app forgot my size.")
    participant(community, "kim")
    user_erase(user=bob, password=PASSWORD)
    row = discussion_completion(discussion=board)
    assert (row["responded_count"], row["targeted"], row["former_responded_count"]) == (0, 1, 1)
    assert "Results also count 1 response from former members (1 in all)" in _page(
        client, alice, "completion_detail", board.pk
    )


def test_nothing_is_said_about_former_members_while_there_are_none(client, alice, rated):
    assert "former member" not in _page(client, alice, "completion").lower()
    assert "former members" not in _page(client, alice, "scorecard_results", rated.pk)


def test_participants_get_not_found_for_completion_and_results(client, bob, rated):
    client.force_login(bob)
    assert client.get(reverse("completion", args=["acme"])).status_code == 404
    assert client.get(reverse("completion_detail", args=["acme", rated.pk])).status_code == 404
    assert client.get(reverse("scorecard_results", args=["acme", rated.pk])).status_code == 404


def test_the_completion_pages_keep_their_query_count_with_former_members(
    client, alice, bob, community, rated, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(10) as before:
        client.get(reverse("completion", args=["acme"]))
    user_erase(user=bob, password=PASSWORD)
    for name in ("kai", "lou", "max"):
        participant(community, name)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(reverse("completion", args=["acme"]))
