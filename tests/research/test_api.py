"""The read-only REST API: token auth, role rules (clients: pseudonyms and redacted text;
participants and outsiders: 404; anonymous: 401) and constant query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from community.models import Role
from community.services.scorecards import scorecard_ensure, scorecard_submit
from research.exports.common import PENDING_REDACTION
from tests.conftest import membership_of
from tests.factories import DiscussionFactory
from tests.research.exports_helpers import EMAIL_BODY, EMAIL_REDACTED, add_posts, build_corpus

SECRETS = ("SECRET-HIDDEN", "SECRET-REMOVED", "SECRET-UNDER-HIDDEN", "SECRET-THEME")
COMMUNITY_URLS = ["api:themes", "api:gap", "api:posts"]


@pytest.fixture
def corpus(community, alice, bob, carol):
    return build_corpus(community, alice=alice, bob=bob)


def api_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _get(user, name, *args, **params):
    response = api_for(user).get(reverse(name, args=args), params)
    return response


# --- Authentication and refusals ---


@pytest.mark.parametrize("name", ["api:communities", *COMMUNITY_URLS])
def test_it_answers_401_to_callers_without_a_token(corpus, name):
    args = [] if name == "api:communities" else ["acme"]
    response = APIClient().get(reverse(name, args=args))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_it_answers_401_to_a_wrong_token(corpus):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(reverse("api:communities")).status_code == 401


@pytest.mark.parametrize("name", COMMUNITY_URLS)
def test_it_answers_404_to_participants_and_outsiders_for_analysis_endpoints(
    corpus, bob, dave, eve, admin_user, name
):
    for user in (bob, dave, eve, admin_user):
        assert _get(user, name, "acme").status_code == 404, user.username


@pytest.mark.parametrize("name", COMMUNITY_URLS)
def test_it_answers_404_for_a_community_that_does_not_exist(corpus, alice, name):
    assert _get(alice, name, "nowhere").status_code == 404


def test_it_refuses_writes(corpus, alice):
    client = api_for(alice)
    assert client.post(reverse("api:posts", args=["acme"]), {}).status_code == 405
    assert client.delete(reverse("api:themes", args=["acme"])).status_code == 405


def test_it_refuses_deactivated_members(corpus, carol, community):
    membership = membership_of(carol, community)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    assert _get(carol, "api:posts", "acme").status_code == 404
    assert _get(carol, "api:communities").json()["results"] == []


# --- Communities ---


def test_it_lists_only_the_callers_communities_with_their_role(corpus, carol, eve, other_community):
    data = _get(carol, "api:communities").json()
    assert [(c["slug"], c["role"]) for c in data["results"]] == [("acme", Role.CLIENT)]
    data = _get(eve, "api:communities").json()
    assert [c["slug"] for c in data["results"]] == ["other"]


# --- Themes ---


def test_it_gives_clients_themes_with_pseudonymous_redacted_quotes(corpus, carol):
    data = _get(carol, "api:themes", "acme").json()
    assert data["count"] == 1
    theme = data["results"][0]
    assert theme["label"] == "The app" and theme["summary"] == "People find the app slow."
    assert theme["sentiment_mix"] == {"positive": 1, "negative": 2, "neutral": 0}
    assert theme["quotes"][0] == {
        "post_id": corpus.email_post.pk,
        "author": "Swift Heron",
        "text": EMAIL_REDACTED,
    }
    assert theme["quotes"][1]["text"] == PENDING_REDACTION
    assert len(theme["quotes"]) == 2, "the hidden post's quote is left out"
    assert not any(s in str(data) for s in (*SECRETS, "Bob Participant", "bob@example.com"))


def test_it_gives_moderators_real_names_and_original_quotes(corpus, alice):
    quote = _get(alice, "api:themes", "acme").json()["results"][0]["quotes"][0]
    assert quote == {
        "post_id": corpus.email_post.pk,
        "author": "Bob Participant (Swift Heron)",
        "text": EMAIL_BODY,
    }


def test_it_lists_themes_in_the_same_number_of_queries_for_more_quotes(
    corpus, alice, django_assert_num_queries
):
    client = api_for(alice)
    url = reverse("api:themes", args=["acme"])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add_posts(corpus.discussion.community, corpus.discussion, 8, theme=corpus.theme)
    with django_assert_num_queries(len(small.captured_queries)):
        data = client.get(url).json()
    assert len(data["results"][0]["quotes"]) == 10


# --- Posts ---


def test_it_gives_clients_posts_with_analysis_pseudonyms_and_redacted_text(corpus, carol):
    data = _get(carol, "api:posts", "acme").json()
    assert data["count"] == 5
    by_id = {p["id"]: p for p in data["results"]}
    post = by_id[corpus.email_post.pk]
    assert post["author"] == "Swift Heron"
    assert post["text"] == EMAIL_REDACTED
    assert post["themes"] == ["The app"]
    assert post["analysis"]["sentiment"] == "negative"
    assert post["analysis"]["relevance_phrase"] == "the app is slow"
    assert post["analysis"]["dimensions"] == {"trust": "negative"}
    assert by_id[corpus.unanalysed_post.pk]["text"] == PENDING_REDACTION
    assert by_id[corpus.unanalysed_post.pk]["analysis"] is None
    assert by_id[corpus.stale_post.pk]["text"] == PENDING_REDACTION
    assert not any(
        s in str(data) for s in (*SECRETS, "Bob Participant", "bob@example.com", "555 123", "Robert")
    )


def test_it_gives_moderators_posts_with_real_names_and_original_text(corpus, alice):
    by_id = {p["id"]: p for p in _get(alice, "api:posts", "acme").json()["results"]}
    assert by_id[corpus.email_post.pk]["author"] == "Bob Participant (Swift Heron)"
    assert by_id[corpus.email_post.pk]["text"] == EMAIL_BODY
    assert by_id[corpus.reply.pk]["parent_id"] == corpus.email_post.pk


def test_it_pages_posts_with_limit_and_offset(corpus, alice):
    first = _get(alice, "api:posts", "acme", limit=2).json()
    second = _get(alice, "api:posts", "acme", limit=2, offset=2).json()
    assert first["count"] == 5 and len(first["results"]) == 2 and first["next"]
    assert {p["id"] for p in first["results"]}.isdisjoint({p["id"] for p in second["results"]})


def test_it_caps_the_page_size(corpus, alice, monkeypatch):
    from research.api.views import PostPagination

    monkeypatch.setattr(PostPagination, "max_limit", 3)
    data = _get(alice, "api:posts", "acme", limit=100000).json()
    assert len(data["results"]) == 3 and data["count"] == 5


def test_it_filters_posts_by_discussion_and_refuses_a_bad_filter_naming_the_field(
    corpus, alice, other_community
):
    other = DiscussionFactory(community=corpus.discussion.community)
    add_posts(corpus.discussion.community, other, 2)
    data = _get(alice, "api:posts", "acme", discussion=other.pk).json()
    assert data["count"] == 2
    bad = _get(alice, "api:posts", "acme", discussion="abc")
    assert bad.status_code == 400 and "discussion" in bad.json()
    foreign = DiscussionFactory(community=other_community)
    assert _get(alice, "api:posts", "acme", discussion=foreign.pk).status_code == 404


def test_it_lists_posts_in_the_same_number_of_queries_for_more_posts(
    corpus, carol, django_assert_num_queries
):
    client = api_for(carol)
    url = reverse("api:posts", args=["acme"])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add_posts(corpus.discussion.community, corpus.discussion, 12, theme=corpus.theme)
    with django_assert_num_queries(len(small.captured_queries)):
        data = client.get(url).json()
    assert data["count"] == 17 and all(p["themes"] for p in data["results"][5:])


# --- Perception gap ---


@pytest.fixture
def gap(corpus, community, bob, carol):
    activity = DiscussionFactory(community=community, kind="scorecard", title="Rate Acme")
    scorecard = scorecard_ensure(discussion=activity)
    dims = {d.name: d.pk for d in scorecard.dimensions.all()}
    base = {pk: 10 for pk in dims.values()}
    scorecard_submit(
        scorecard=scorecard, member=membership_of(bob, community), ratings={**base, dims["Privacy"]: 8}
    )
    scorecard_submit(
        scorecard=scorecard, member=membership_of(carol, community), ratings={**base, dims["Privacy"]: 20}
    )
    return dims


def test_it_shows_the_gap_with_ratings_post_evidence_and_quotes(gap, corpus, carol):
    data = _get(carol, "api:gap", "acme").json()
    by_name = {row["dimension"]: row for row in data}
    privacy = by_name["Privacy"]
    assert (privacy["client_mean"], privacy["participant_mean"], privacy["gap"]) == (20.0, 8.0, 12.0)
    # "trust" is not on the scorecard but posts speak of it: it follows, with its evidence and quotes.
    trust = by_name["Trust"]
    # Four published posts speak of trust (the hidden post and the reply under it do not count).
    assert trust["client_mean"] is None and trust["posts"]["negative"] == 4
    assert {q["author"] for q in trust["quotes"]} == {"Swift Heron"}
    assert EMAIL_REDACTED in [q["text"] for q in trust["quotes"]]
    relevance = by_name["Relevance of communications"]
    assert relevance["posts"]["positive"] == 4
    assert "bob@example.com" not in str(data) and "Bob Participant" not in str(data)


def test_it_computes_the_gap_in_the_same_number_of_queries_for_more_posts(
    gap, corpus, alice, django_assert_num_queries
):
    client = api_for(alice)
    url = reverse("api:gap", args=["acme"])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add_posts(corpus.discussion.community, corpus.discussion, 10)
    with django_assert_num_queries(len(small.captured_queries)):
        data = client.get(url).json()
    assert {r["dimension"]: r for r in data}["Trust"]["posts"]["negative"] == 14


# --- Token page ---


def test_it_lets_a_signed_in_user_create_and_replace_their_token(client, carol):
    client.force_login(carol)
    assert b"no API token yet" in client.get(reverse("api:token")).content
    client.post(reverse("api:token"))
    first = Token.objects.get(user=carol).key
    page = client.get(reverse("api:token")).content.decode()
    assert first in page
    client.post(reverse("api:token"))
    assert Token.objects.get(user=carol).key != first


def test_it_gives_participants_no_token_and_says_why(client, bob):
    client.force_login(bob)
    response = client.post(reverse("api:token"))
    assert response.status_code == 403
    assert "as a participant you have no API access" in response.content.decode()
    assert not Token.objects.filter(user=bob).exists()


def test_it_sends_anonymous_visitors_of_the_token_page_to_sign_in(client, db):
    response = client.get(reverse("api:token"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
