"""The perception gap page: self-assessment beside scorecard ratings beside the posts' evidence."""

from __future__ import annotations

import pytest
from django.urls import reverse

from research.dashboard_selectors import perception_gap
from tests.conftest import membership_of
from tests.research.insights_data import PII_BODY, REDACTED, analysed_post, scorecard_answers, seed

pytestmark = pytest.mark.django_db


def gap_url(slug="acme"):
    return reverse("research:gap", args=[slug])


def setup_gap(community, bob, carol):
    discussion, posts, _ = seed(community, author=membership_of(bob, community))
    analysed_post(
        discussion=discussion,
        author=membership_of(bob, community),
        dimensions=[
            {"dimension": "privacy", "polarity": "negative", "score": -1.0, "phrase": "sells my data"}
        ],
    )
    scorecard_answers(
        discussion, participant=membership_of(bob, community), client=membership_of(carol, community)
    )
    return discussion


def test_it_puts_the_client_rating_beside_the_participants_and_the_evidence(community, bob, carol):
    setup_gap(community, bob, carol)
    gap = perception_gap(community=community)
    privacy = next(r for r in gap["rows"] if r["dimension"] == "Privacy")
    assert (privacy["client_mean"], privacy["participant_mean"], privacy["gap"]) == (20.0, 8.0, 12.0)
    assert privacy["evidence"]["negative"] == 1 and privacy["evidence"]["negative_pct"] == 100.0
    assert privacy["quote_side"] == "negative" and privacy["quotes"][0]["text"] == REDACTED
    assert gap["largest"]["dimension"] == "Privacy"
    relevance = next(r for r in gap["rows"] if r["dimension"] == "Relevance of communications")
    assert relevance["evidence"]["negative"] == 5


def test_it_shows_clients_a_dumbbell_chart_with_its_data_table(client, community, bob, carol):
    setup_gap(community, bob, carol)
    client.force_login(carol)
    response = client.get(gap_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Perception gap: how you rate yourselves" in html
    assert "gap +12" in html and "<circle" in html and "<details" in html
    assert "bob.secret@example.com" not in html and PII_BODY not in html and "Bob Participant" not in html


def test_it_shows_the_gap_to_moderators(client, community, alice, bob, carol):
    setup_gap(community, bob, carol)
    client.force_login(alice)
    assert client.get(gap_url()).status_code == 200


def test_it_refuses_participants_and_outsiders(client, community, bob, carol, eve):
    setup_gap(community, bob, carol)
    for user in (bob, eve):
        client.force_login(user)
        assert client.get(gap_url()).status_code == 404


def test_it_explains_an_empty_community(client, community, carol):
    client.force_login(carol)
    assert "No scorecard yet" in client.get(gap_url()).content.decode()


def test_it_keeps_queries_constant_as_posts_grow(client, community, bob, carol, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    discussion = setup_gap(community, bob, carol)
    client.force_login(carol)
    with CaptureQueriesContext(connection) as first:
        client.get(gap_url())
    for _ in range(20):
        analysed_post(discussion=discussion, author=membership_of(bob, community))
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(gap_url())
