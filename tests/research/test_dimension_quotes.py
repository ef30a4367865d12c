"""Quotes under each perception dimension (dashboard) and behind each gap (perception gap page):
on that dimension, with that polarity, showing the words that carry it, and not the same post
under every dimension when another one says it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from research.dashboard_selectors import DashboardFilters, dimension_quotes, perception_gap
from tests.conftest import membership_of
from tests.factories import DiscussionFactory
from tests.research.insights_data import analysed_post, scorecard_answers

pytestmark = pytest.mark.django_db


def signal(dimension, polarity, phrase, score=0.5):
    return {"dimension": dimension, "polarity": polarity, "score": score, "phrase": phrase}


def post(discussion, author, text, sentiment, *dims):
    return analysed_post(
        discussion=discussion,
        author=author,
        body=text,
        redacted=text,
        sentiment=sentiment,
        relevance="neutral",
        dimensions=list(dims),
        mentions=[],
    )


@pytest.fixture
def posts(community, bob):
    discussion = DiscussionFactory(community=community, title="Shopping with them")
    me = membership_of(bob, community)
    # Newest last: the post on two dimensions is the newer one.
    return {
        "personal": post(
            discussion,
            me,
            "Every email is about prams and my kids are teenagers.",
            "negative",
            signal("personalization", "negative", "Every email is about prams"),
        ),
        "both": post(
            discussion,
            me,
            "The app forgets my size and they sell my data.",
            "negative",
            signal("personalization", "negative", "The app forgets my size"),
            signal("privacy", "negative", "they sell my data"),
        ),
        "staff": post(
            discussion,
            me,
            "The staff were rude, but the prices are fair.",
            "negative",
            signal("service", "negative", "The staff were rude"),
            signal("value", "positive", "the prices are fair"),
        ),
        "listened": post(
            discussion,
            me,
            "They listened when I asked for smaller sizes.",
            "positive",
            signal("understanding_me", "positive", "They listened"),
        ),
        "ignored": post(
            discussion,
            me,
            "My complaint about the sizes was ignored.",
            "negative",
            signal("understanding_me", "negative", "My complaint about the sizes was ignored"),
        ),
        # An older record whose phrase the text does not hold shows no dimension quote.
        "legacy": post(
            discussion,
            me,
            "Those are genuinely useful.",
            "positive",
            signal("quality", "negative", "I ignore"),
        ),
    }


def test_it_quotes_each_dimension_only_with_posts_on_it_that_show_its_words(community, posts):
    got = dimension_quotes(community=community, filters=DashboardFilters())
    ids = {d: {side: [q["post_id"] for q in qs] for side, qs in sides.items()} for d, sides in got.items()}
    assert ids["service"] == {"positive": [], "negative": [posts["staff"].pk]}
    # The same post is used under a second dimension when nothing else speaks of it.
    assert ids["value"] == {"positive": [posts["staff"].pk], "negative": []}
    assert ids["understanding_me"] == {"positive": [posts["listened"].pk], "negative": [posts["ignored"].pk]}
    assert ids["quality"] == {"positive": [], "negative": []}
    # Privacy has one post to say it; personalization has two, so it leads with the other one.
    assert ids["privacy"]["negative"] == [posts["both"].pk]
    assert ids["personalization"]["negative"] == [posts["personal"].pk, posts["both"].pk]
    for sides in got.values():
        for quotes in sides.values():
            for quote in quotes:
                assert quote["evidence"] and quote["evidence"] in quote["text"]


def test_it_shows_clients_on_dimension_quotes_on_the_dashboard(client, community, carol, eve, posts):
    url = reverse("research:dashboard", args=[community.slug])
    client.force_login(eve)
    assert client.get(url).status_code == 404
    client.force_login(carol)
    html = client.get(url).content.decode()
    # Personalization shows its own post first; the privacy post stays under privacy.
    personalization = html.split('card-title">Personalization</h3>')[1].split('<h3 class="card-title">')[0]
    # The words behind the signal are marked in the quote.
    assert "<mark>Every email is about prams</mark> and my kids are teenagers." in personalization
    assert "they sell my data" not in personalization
    assert "Those are genuinely useful" not in html


def test_it_explains_a_higher_self_rating_with_posts_against_the_brand_on_each_dimension(
    community, bob, carol, posts
):
    # The team rates Privacy 20 against the customers' 8, and every other dimension 14 against 12.
    discussion = DiscussionFactory(community=community, title="Rate us first")
    scorecard_answers(
        discussion, participant=membership_of(bob, community), client=membership_of(carol, community)
    )
    rows = {r["dimension"]: r for r in perception_gap(community=community)["rows"]}
    assert {
        k: rows[k]["quote_side"] for k in ("Privacy", "Personalization", "Understanding me")
    } == dict.fromkeys(("Privacy", "Personalization", "Understanding me"), "negative")
    assert [q["evidence"] for q in rows["Privacy"]["quotes"]] == ["they sell my data"]
    # Not the post already quoted for privacy first, and never a post for the brand.
    assert rows["Personalization"]["quotes"][0]["evidence"] == "Every email is about prams"
    assert [q["evidence"] for q in rows["Understanding me"]["quotes"]] == [
        "My complaint about the sizes was ignored"
    ]
