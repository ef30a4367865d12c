"""The read-only REST API: token auth, role rules (clients: pseudonyms and redacted text;
participants and outsiders: 404; anonymous: 401) and constant query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from community.models import Post, Role
from community.services.scorecards import scorecard_ensure, scorecard_submit
from research.exports.common import PENDING_REDACTION
from tests.conftest import membership_of
from tests.factories import CommunityFactory, DiscussionFactory, MembershipFactory, PostFactory, UserFactory
from tests.research.exports_helpers import (
    CHECKOUT_REDACTED,
    EMAIL_BODY,
    EMAIL_REDACTED,
    add_posts,
    analyse,
    build_checkout,
    build_corpus,
)

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
def test_it_answers_403_to_participants_and_404_to_outsiders_for_analysis_endpoints(
    corpus, bob, dave, eve, admin_user, name
):
    for user in (bob, dave):  # members of acme: told the API is not theirs
        response = _get(user, name, "acme")
        assert response.status_code == 403, user.username
        assert "as a participant you have no API access" in response.json()["detail"]
    for user in (eve, admin_user):  # not members: the community is not confirmed to exist
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


def test_it_lists_communities_in_the_same_number_of_queries_for_more_memberships(
    corpus, carol, django_assert_num_queries
):
    client = api_for(carol)
    url = reverse("api:communities")
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(5):
        MembershipFactory(
            user=carol, community=CommunityFactory(slug=f"more-{i}"), role=Role.CLIENT, pseudonym="Carol"
        )
    with django_assert_num_queries(len(small.captured_queries)):
        data = client.get(url).json()
    assert data["count"] == 6


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
    assert post["author"] == "Swift Heron" and post["author_role"] == "participant"
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


# --- Filters (the dashboard's, as query parameters) ---


@pytest.fixture
def checkout(corpus):
    return build_checkout(corpus)


def _ids(user, name, **params) -> list[int]:
    response = _get(user, name, "acme", **params)
    assert response.status_code == 200, response.content
    return [p["id"] for p in response.json()["results"]]


def test_each_filter_narrows_the_posts(corpus, checkout, carol):
    _, shopper_post = checkout
    everything = _ids(carol, "api:posts")
    assert len(everything) == 6 and shopper_post.pk in everything
    today = timezone.localdate()
    bobs = [corpus.email_post.pk, corpus.formula_post.pk, corpus.unanalysed_post.pk, corpus.stale_post.pk]
    narrowed = {
        "discussion": _ids(carol, "api:posts", discussion=checkout[0].pk),
        "segment": _ids(carol, "api:posts", segment="in-store"),
        "other segment": _ids(carol, "api:posts", segment="app users"),
        "date_from": _ids(carol, "api:posts", date_from=(today - timedelta(days=2)).isoformat()),
        "date range": _ids(
            carol,
            "api:posts",
            date_from=(today - timedelta(days=11)).isoformat(),
            date_to=(today - timedelta(days=9)).isoformat(),
        ),
        "brand": _ids(carol, "api:posts", brand="Southgate"),
    }
    assert narrowed == {
        "discussion": [shopper_post.pk],
        "segment": [shopper_post.pk],
        "other segment": bobs,
        "date_from": [pk for pk in everything if pk != shopper_post.pk],
        "date range": [shopper_post.pk],
        "brand": [shopper_post.pk],
    }
    combined = _ids(carol, "api:posts", brand="Acme", date_from=(today - timedelta(days=2)).isoformat())
    # Posts naming Acme in the last two days: the corpus' analysed posts, not the unanalysed or the shopper's.
    assert shopper_post.pk not in combined and corpus.unanalysed_post.pk not in combined
    assert corpus.email_post.pk in combined


@pytest.mark.parametrize("typed", ["southgate", "SOUTHGATE", " Southgate"])
def test_a_brand_typed_in_another_case_finds_the_same_posts(corpus, checkout, alice, typed):
    assert _ids(alice, "api:posts", brand=typed) == [checkout[1].pk]


def test_a_brand_matches_the_communitys_spelling_only_never_a_longer_name(corpus, community, alice):
    author = membership_of(alice, community)
    named = {}
    for stored in ("ACME Stores", "acme", "Acmeish"):
        post = PostFactory(discussion=corpus.discussion, author=author, body=f"About {stored}.")
        analyse(post, mentions=[{"brand": stored, "is_competitor": False, "sentiment": "neutral"}])
        named[stored] = post.pk
    found = _ids(alice, "api:posts", brand="acme")
    assert found == _ids(alice, "api:posts", brand="Acme")
    assert corpus.email_post.pk in found and not set(named.values()) & set(found)


def test_each_filter_narrows_the_themes_and_their_quotes(corpus, checkout, carol):
    def themes(**params) -> dict[str, tuple[int, list[str]]]:
        response = _get(carol, "api:themes", "acme", **params)
        assert response.status_code == 200
        return {
            t["label"]: (t["post_count"], [q["text"] for q in t["quotes"]])
            for t in response.json()["results"]
        }

    assert set(themes()) == {"The app", "till queues"}
    in_checkout = {"The app": (1, []), "till queues": (1, [CHECKOUT_REDACTED])}
    assert themes(discussion=checkout[0].pk) == in_checkout
    assert themes(segment="in-store") == in_checkout
    assert themes(brand="southgate") == in_checkout
    assert themes(segment="app users") == {"The app": (2, [EMAIL_REDACTED, PENDING_REDACTION])}
    assert set(themes(date_from=timezone.localdate().isoformat())) == {"The app"}


def test_the_themes_use_the_researchers_summary_for_clients(corpus, carol):
    corpus.theme.researcher_summary = "Customers find the app slow at checkout."
    corpus.theme.save(update_fields=["researcher_summary"])
    theme = _get(carol, "api:themes", "acme").json()["results"][0]
    assert theme["summary"] == "Customers find the app slow at checkout."


def test_the_gap_evidence_follows_the_filters_and_ratings_only_the_discussion(gap, corpus, checkout, carol):
    def rows(**params) -> dict[str, dict]:
        response = _get(carol, "api:gap", "acme", **params)
        assert response.status_code == 200
        return {row["dimension"]: row for row in response.json()}

    assert rows()["Trust"]["posts"]["negative"] == 5
    in_store = rows(segment="in-store")
    assert in_store["Trust"]["posts"] == {"positive": 0, "negative": 1, "neutral": 0}
    assert [q["text"] for q in in_store["Trust"]["quotes"]] == [CHECKOUT_REDACTED]
    # Ratings are not posts: a segment leaves them as they are.
    assert (in_store["Privacy"]["client_mean"], in_store["Privacy"]["participant_mean"]) == (20.0, 8.0)
    assert rows(brand="SOUTHGATE")["Trust"]["posts"]["negative"] == 1
    assert rows(date_from=timezone.localdate().isoformat())["Trust"]["posts"]["negative"] == 4
    # A discussion narrows the ratings to its scorecard: the checkout discussion has none.
    in_checkout = rows(discussion=checkout[0].pk)
    assert "Privacy" not in in_checkout and in_checkout["Trust"]["posts"]["negative"] == 1


BAD_FILTERS = [
    ({"date_from": "yesterday"}, "date_from", "date_from: 'yesterday' is not a date (YYYY-MM-DD)"),
    ({"date_to": "2026-13-01"}, "date_to", "date_to: '2026-13-01' is not a date (YYYY-MM-DD)"),
    (
        {"date_from": "2026-02-10", "date_to": "2026-02-01"},
        "date_to",
        "date_to: 2026-02-01 is before date_from (2026-02-10)",
    ),
    # The day after 9999-12-31 does not exist: a far date is refused, not a 500.
    (
        {"date_to": "9999-12-31"},
        "date_to",
        "date_to: 9999-12-31 is out of range (use a date between 1900-01-01 and 2999-12-31)",
    ),
    ({"discussion": "abc"}, "discussion", "discussion: 'abc' is not a discussion id (a whole number)"),
    ({"segment": "nobody"}, "segment", "segment: 'nobody' is not a segment of this community"),
    ({"brand": "Nobody Inc"}, "brand", "brand: 'Nobody Inc' is not a brand of this community"),
]


@pytest.mark.parametrize("name", COMMUNITY_URLS)
@pytest.mark.parametrize(("params", "field", "message"), BAD_FILTERS)
def test_a_bad_filter_is_refused_with_400_naming_it_and_why(corpus, carol, name, params, field, message):
    response = _get(carol, name, "acme", **params)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith(message)
    assert list(body) == ["detail", field] and body[field][0].startswith(message.split(": ", 1)[1])


def test_every_bad_filter_is_named_at_once(corpus, alice):
    body = _get(alice, "api:posts", "acme", date_from="soon", segment="nobody").json()
    assert set(body) == {"detail", "date_from", "segment"}
    assert (
        body["detail"].startswith("segment: 'nobody'")
        and "; date_from: 'soon' is not a date" in body["detail"]
    )


FILTER_NAMES = ["discussion", "segment", "date_from", "date_to", "brand"]


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("api:themes", [*FILTER_NAMES, "limit", "offset", "format"]),
        # Posts also read whose posts they are (moderators' are in by default).
        ("api:posts", [*FILTER_NAMES, "author_role", "limit", "offset", "format"]),
        # One row per dimension, never paged: a limit would be ignored, so it is refused too.
        ("api:gap", [*FILTER_NAMES, "format"]),
        # No filters: a dashboard filter here would be ignored, listing every community as if filtered.
        ("api:communities", ["limit", "offset", "format"]),
    ],
)
def test_a_misspelt_parameter_is_refused_naming_it_and_the_accepted_ones(corpus, carol, name, accepted):
    args = [] if name == "api:communities" else ["acme"]
    response = _get(carol, name, *args, segmnet="app users")
    assert response.status_code == 400
    body = response.json()
    assert body == {
        "detail": f"Unknown parameter 'segmnet'; accepted: {', '.join(accepted)}.",
        "unknown": ["segmnet"],
        "accepted": accepted,
    }
    # Even empty, and however many: each is named.
    body = _get(carol, name, *args, brnad="", page="2").json()
    assert body["unknown"] == ["brnad", "page"]
    assert body["detail"].startswith("Unknown parameters 'brnad', 'page'; accepted: ")


def test_paging_format_and_filters_are_still_accepted(corpus, carol):
    params = {"segment": "app users", "limit": 1, "offset": 0, "format": "json"}
    for name in ("api:themes", "api:posts"):
        assert _get(carol, name, "acme", **params).status_code == 200, name
    assert _get(carol, "api:gap", "acme", segment="app users", format="json").status_code == 200
    assert _get(carol, "api:communities", limit=1, offset=0, format="json").status_code == 200


def test_the_communities_list_refuses_a_dashboard_filter_it_would_ignore(corpus, carol, other_community):
    response = _get(carol, "api:communities", segment="app users")
    assert response.status_code == 400
    assert response.json()["unknown"] == ["segment"]


def test_an_unknown_parameter_without_a_token_gets_401_from_the_communities_list(db):
    assert APIClient().get(reverse("api:communities"), {"segmnet": "x"}).status_code == 401


@pytest.mark.parametrize("name", ["api:communities", *COMMUNITY_URLS])
def test_a_parameter_given_twice_is_refused_naming_it(corpus, carol, name):
    # Only the last would be read: `?brand=Acme&brand=Southgate` looked filtered by both.
    args, query = (
        ([], "?offset=0&offset=1") if name == "api:communities" else (["acme"], "?brand=Acme&brand=x")
    )
    response = api_for(carol).get(reverse(name, args=args) + query)
    assert response.status_code == 400
    param, why = query[1:].split("=")[0], "given 2 times; give it once"
    assert response.json() == {"detail": f"{param}: {why}", param: [why]}


def test_an_unknown_parameter_and_a_bad_limit_name_the_unknown_one_first(corpus, carol):
    body = _get(carol, "api:communities", limt="5", offset="-1").json()
    assert body["unknown"] == ["limt"] and "limit" in body["accepted"]


BAD_PAGING = [
    ({"limit": "-1"}, "limit", "limit: -1 is less than 1"),
    ({"limit": "0"}, "limit", "limit: 0 is less than 1"),
    ({"limit": "abc"}, "limit", "limit: 'abc' is not a whole number"),
    ({"limit": "2.5"}, "limit", "limit: '2.5' is not a whole number"),
    ({"offset": "abc"}, "offset", "offset: 'abc' is not a whole number"),
    ({"offset": "-5"}, "offset", "offset: -5 is less than 0"),
]


@pytest.mark.parametrize("name", ["api:communities", "api:themes", "api:posts"])
@pytest.mark.parametrize(("params", "field", "message"), BAD_PAGING)
def test_a_bad_limit_or_offset_is_refused_with_400_naming_it_and_why(
    corpus, carol, name, params, field, message
):
    args = [] if name == "api:communities" else ["acme"]
    response = _get(carol, name, *args, **params)
    assert response.status_code == 400
    assert response.json() == {"detail": message, field: [message.split(": ", 1)[1]]}


def test_a_bad_page_and_a_bad_filter_are_named_together(corpus, carol):
    body = _get(carol, "api:posts", "acme", limit="abc", offset="-5", segment="nobody").json()
    assert set(body) == {"detail", "segment", "limit", "offset"}
    assert body["limit"] == ["'abc' is not a whole number"] and body["offset"] == ["-5 is less than 0"]


def test_a_bad_page_from_an_outsider_or_a_participant_is_refused_before_it_is_read(corpus, bob, eve):
    assert _get(bob, "api:posts", "acme", limit="-1").status_code == 403
    assert _get(eve, "api:posts", "acme", limit="-1").status_code == 404


@pytest.mark.parametrize("name", ["api:communities", *COMMUNITY_URLS])
def test_an_unknown_format_is_refused_naming_the_formats(corpus, carol, name):
    args = [] if name == "api:communities" else ["acme"]
    response = _get(carol, name, *args, format="csv")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    why = "'csv' is not a format of this API (formats: json, api)"
    assert response.json() == {"detail": f"format: {why}", "format": [why]}
    assert _get(carol, name, *args, format="api").status_code == 200


@pytest.mark.parametrize("name", COMMUNITY_URLS)
def test_an_unknown_format_from_an_outsider_gets_404_and_without_a_token_401(corpus, bob, eve, name):
    assert _get(bob, name, "acme", format="csv").status_code == 403
    assert _get(eve, name, "acme", format="csv").status_code == 404
    assert APIClient().get(reverse(name, args=["acme"]), {"format": "csv"}).status_code == 401


@pytest.mark.parametrize("name", COMMUNITY_URLS)
def test_an_unknown_parameter_from_an_outsider_or_a_participant_is_refused_before_it_is_read(
    corpus, bob, eve, name
):
    assert _get(bob, name, "acme", segmnet="x").status_code == 403
    assert _get(eve, name, "acme", segmnet="x").status_code == 404


@pytest.mark.parametrize("name", COMMUNITY_URLS)
def test_a_discussion_of_another_community_or_a_draft_is_refused(corpus, alice, other_community, name):
    foreign = DiscussionFactory(community=other_community)
    draft = DiscussionFactory(community=corpus.discussion.community, is_draft=True)
    for discussion in (foreign, draft):
        response = _get(alice, name, "acme", discussion=discussion.pk)
        assert response.status_code == 400
        assert response.json()["discussion"] == [
            f"{discussion.pk} is not a published discussion of this community"
        ]


@pytest.fixture
def other_client(other_community):
    user = UserFactory(username="olga")
    MembershipFactory(user=user, community=other_community, role=Role.CLIENT, pseudonym="Client Olga")
    return user


@pytest.mark.parametrize("name", COMMUNITY_URLS)
def test_it_refuses_a_client_of_another_community_even_with_filters(corpus, other_client, carol, name):
    assert _get(other_client, name, "acme").status_code == 404
    # A bad filter from an outsider still gets 404: validation must not confirm the community exists.
    assert _get(other_client, name, "acme", segment="nobody").status_code == 404
    assert _get(carol, name, "other").status_code == 404


@pytest.mark.parametrize("name", COMMUNITY_URLS)
def test_participants_and_callers_without_a_token_are_refused_filtered_endpoints(corpus, bob, name):
    assert _get(bob, name, "acme", segment="app users").status_code == 403
    assert APIClient().get(reverse(name, args=["acme"]), {"segment": "app users"}).status_code == 401


def test_filtered_posts_keep_clients_to_pseudonyms_and_redacted_text(corpus, checkout, carol):
    data = _get(carol, "api:posts", "acme", segment="in-store").json()
    assert [(p["author"], p["text"]) for p in data["results"]] == [("Steady Wren", CHECKOUT_REDACTED)]
    assert "Kim" not in str(data) and "020 7946" not in str(data) and "kim@example.com" not in str(data)


def test_filtered_posts_take_the_same_number_of_queries_for_more_posts(
    corpus, checkout, carol, django_assert_num_queries
):
    client = api_for(carol)
    url = reverse("api:posts", args=["acme"])
    params = {"discussion": corpus.discussion.pk, "brand": "acme", "segment": "app users"}
    with CaptureQueriesContext(connection) as small:
        client.get(url, params)
    for i in range(6):
        post = PostFactory(
            discussion=corpus.discussion,
            author=membership_of(corpus.email_post.author.user, corpus.discussion.community),
            body=f"More {i}",
        )
        analyse(post)
    with django_assert_num_queries(len(small.captured_queries)):
        data = client.get(url, params).json()
    assert data["count"] == 9


def test_filtered_themes_take_the_same_number_of_queries_for_more_posts(
    corpus, checkout, carol, django_assert_num_queries
):
    client = api_for(carol)
    url = reverse("api:themes", args=["acme"])
    params = {"discussion": corpus.discussion.pk, "date_from": "2020-01-01"}
    with CaptureQueriesContext(connection) as small:
        client.get(url, params)
    add_posts(corpus.discussion.community, corpus.discussion, 8, theme=corpus.theme)
    with django_assert_num_queries(len(small.captured_queries)):
        data = client.get(url, params).json()
    assert [(t["label"], t["post_count"], len(t["quotes"])) for t in data["results"]] == [("The app", 11, 10)]


def test_the_filtered_gap_takes_the_same_number_of_queries_for_more_posts(
    gap, corpus, alice, django_assert_num_queries
):
    client = api_for(alice)
    url = reverse("api:gap", args=["acme"])
    params = {"segment": "app users", "brand": "Acme"}
    with CaptureQueriesContext(connection) as small:
        client.get(url, params)
    add_posts(corpus.discussion.community, corpus.discussion, 10)
    for post in Post.objects.filter(body__startswith="Extra post"):
        post.author.segments = ["app users"]
        post.author.save(update_fields=["segments"])
    with django_assert_num_queries(len(small.captured_queries)):
        data = client.get(url, params).json()
    assert {r["dimension"]: r for r in data}["Trust"]["posts"]["negative"] == 13


# --- Token page ---


def test_it_lets_a_signed_in_user_create_and_replace_their_token(client, carol):
    client.force_login(carol)
    assert b"no API token yet" in client.get(reverse("api:token")).content
    created = client.post(reverse("api:token"), follow=True).content.decode()
    first = Token.objects.get(user=carol).key
    # Shown whole once, right after it is made; afterwards only its last four characters.
    assert first in created and "shown only this once" in created
    later = client.get(reverse("api:token")).content.decode()
    assert first not in later and f"…{first[-4:]}" in later
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
