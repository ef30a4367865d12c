"""QA fixes: the API's relevance evidence, quotes cut at word boundaries, one brand entry per
post in the posts files, a real date cell in posts.xlsx, the /api/ index and participants' 403."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from community.models import Community
from community.services.scorecards import scorecard_ensure, scorecard_submit
from research.dashboard_selectors import DashboardFilters, _gap_quote, dashboard_overview
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, PostFactory
from tests.research.exports_helpers import analyse


def api_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def stances(community, bob):
    """Two posts find the brand irrelevant, one relevant, three take no stance."""
    discussion = DiscussionFactory(community=community, title="Emails from the bank")
    author = membership_of(bob, community)
    bodies = [
        ("The weekly offers never fit anything I buy.", "irrelevant", "negative"),
        ("Their mortgage emails are not for someone renting like me.", "irrelevant", "negative"),
        ("The travel alerts are exactly what I need before a trip.", "relevant", "positive"),
        ("I went to the branch on Tuesday.", "neutral", "neutral"),
        ("The queue was short and the coffee was fine.", "neutral", "positive"),
        ("Parking was hard to find.", "neutral", "negative"),
    ]
    for body, stance, tone in bodies:
        post = PostFactory(discussion=discussion, author=author, body=body)
        analyse(post, relevance=stance, relevance_phrase="", sentiment=tone, dimensions=[], mentions=[])
    return discussion


def _relevance_row(user) -> dict:
    rows = api_for(user).get(reverse("api:gap", args=["acme"])).json()
    return {r["dimension"]: r for r in rows}["Relevance of communications"]


def test_the_api_counts_relevance_evidence_only_from_posts_that_take_a_stance(
    client, stances, community, alice, bob, carol
):
    scorecard = scorecard_ensure(discussion=DiscussionFactory(community=community, kind="scorecard"))
    ratings = {d.pk: 12 for d in scorecard.dimensions.all()}
    assert "Relevance of communications" in {d.name for d in scorecard.dimensions.all()}
    for user in (bob, carol):
        scorecard_submit(scorecard=scorecard, member=membership_of(user, community), ratings=ratings)
    row = _relevance_row(alice)
    # Three posts without a stance are not "neutral about relevance": they do not speak of it.
    assert row["posts"] == {"positive": 1, "negative": 2, "neutral": 0}
    # The gap page says the same number of posts.
    client.force_login(alice)
    page = client.get(reverse("research:gap", args=["acme"])).content.decode()
    assert "of 3 posts on it are negative" in page


def test_the_relevance_evidence_stays_stance_only_with_more_posts_in_the_same_queries(
    stances, alice, bob, community, django_assert_num_queries
):
    url = reverse("api:gap", args=["acme"])
    api = api_for(alice)
    with CaptureQueriesContext(connection) as small:
        api.get(url)
    author = membership_of(bob, community)
    for n in range(5):
        post = PostFactory(discussion=stances, author=author, body=f"Visited the shop {n} times.")
        analyse(post, relevance="neutral", relevance_phrase="", dimensions=[], mentions=[])
    with django_assert_num_queries(len(small.captured_queries)):
        rows = api.get(url).json()
    relevance = {r["dimension"]: r for r in rows}["Relevance of communications"]
    assert relevance["posts"]["neutral"] == 0 and relevance["posts"]["negative"] == 2


# --- Quotes cut at word boundaries ---

LONG_BEFORE = " ".join(["The delivery driver rang twice and waited patiently outside"] * 6)
LONG_AFTER = " ".join(["and then the parcel turned up at all with them knowing my size"] * 6)


def _row(text: str) -> dict:
    return {
        "post_id": 1,
        "redacted_text": text,
        "post__author__pseudonym": "Swift Heron",
        "post__created_at": datetime(2026, 11, 1, tzinfo=UTC),
        "sentiment": "negative",
    }


def _whole_words(fragment: str, text: str) -> None:
    words = set(text.split())
    for word in fragment.replace("…", " ").split():
        assert word in words, f"{word!r} is a cut word"


def test_a_gap_quote_is_trimmed_at_word_boundaries_around_its_evidence():
    phrase = "the app kept crashing"
    text = f"{LONG_BEFORE} {phrase} {LONG_AFTER}"
    quote = _gap_quote(_row(text), phrase)
    assert quote["evidence"] == phrase
    assert quote["before"].startswith("…") and quote["after"].endswith("…")
    _whole_words(quote["before"], text)
    _whole_words(quote["after"], text)
    # Still a trimmed quote, not the whole post.
    assert len(quote["before"]) + len(phrase) + len(quote["after"]) <= 320


def test_a_gap_quote_without_its_phrase_is_cut_at_a_word_boundary():
    text = f"{LONG_BEFORE} {LONG_AFTER}"
    quote = _gap_quote(_row(text), "")
    assert quote["before"].endswith("…") and len(quote["before"]) <= 320
    _whole_words(quote["before"], text)


def test_the_gap_page_shows_no_cut_words_in_its_quotes(client, community, bob, alice):
    discussion = DiscussionFactory(community=community, title="Online orders")
    phrase = "I could not trust them with my card"
    body = f"{LONG_BEFORE} {phrase} {LONG_AFTER}"
    post = PostFactory(discussion=discussion, author=membership_of(bob, community), body=body)
    analyse(
        post,
        relevance="neutral",
        relevance_phrase="",
        dimensions=[{"dimension": "trust", "polarity": "negative", "score": -0.8, "phrase": phrase}],
        mentions=[],
    )
    client.force_login(alice)
    page = client.get(reverse("research:dashboard", args=["acme"])).content.decode()
    page += client.get(reverse("research:gap", args=["acme"])).content.decode()
    assert "…hem knowing" not in page and "…ned up" not in page
    shown = [chunk.split("<")[0] for chunk in page.split("…")[1:]]
    assert shown, "the long quote is trimmed on the insights pages"
    for fragment in shown:
        first = fragment.split()[0] if fragment.split() else ""
        if first.isalpha():
            assert first in body.split(), f"quote starts mid-word: {first!r}"


# --- Posts files ---


@pytest.fixture
def brand_post(community, bob):
    Community.objects.filter(pk=community.pk).update(competitor_brands=["Tandem"])
    community.refresh_from_db()
    discussion = DiscussionFactory(community=community, title="Switching banks")
    post = PostFactory(
        discussion=discussion,
        author=membership_of(bob, community),
        body="Tandem was easy, Tandem paid interest; Acme lost my card but Acme staff fixed it.",
    )
    analyse(
        post,
        mentions=[
            {"brand": "Tandem", "is_competitor": True, "sentiment": "positive", "phrase": "Tandem"},
            {"brand": "Tandem", "is_competitor": True, "sentiment": "positive", "phrase": "Tandem"},
            {"brand": "Acme", "is_competitor": False, "sentiment": "negative", "phrase": "Acme"},
            {"brand": "Acme", "is_competitor": False, "sentiment": "positive", "phrase": "Acme"},
        ],
    )
    return post


def _csv_rows(client, user) -> list[dict]:
    client.force_login(user)
    response = client.get(reverse("research:export_posts_csv", args=["acme"]))
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(_body(response).decode("utf-8-sig"))))


def test_the_posts_csv_names_each_brand_once_per_post_as_the_dashboard_counts_it(
    client, brand_post, alice, community
):
    rows = {int(r["post_id"]): r for r in _csv_rows(client, alice)}
    assert rows[brand_post.pk]["brand_mentions"] == "Tandem (competitor, positive); Acme (brand, mixed)"
    overview = dashboard_overview(community=community, filters=DashboardFilters())
    per_brand = {m["brand"]: m["posts"] for m in overview["mentions"]}
    for brand in ("Tandem", "Acme"):
        in_file = sum(
            entry.split(" (")[0] == brand
            for r in rows.values()
            for entry in r["brand_mentions"].split("; ")
            if entry
        )
        assert in_file == per_brand[brand], brand


def test_the_posts_xlsx_names_each_brand_once_per_post(client, brand_post, carol):
    client.force_login(carol)
    response = client.get(reverse("research:export_posts_xlsx", args=["acme"]))
    rows = list(load_workbook(io.BytesIO(_body(response)))["Posts"].iter_rows(values_only=True))
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    assert by_id[brand_post.pk]["brand_mentions"] == "Tandem (competitor, positive); Acme (brand, mixed)"


def test_the_posts_xlsx_writes_created_at_as_a_utc_date_cell_and_the_csv_as_iso_text(
    client, brand_post, alice
):
    client.force_login(alice)
    response = client.get(reverse("research:export_posts_xlsx", args=["acme"]))
    sheet = load_workbook(io.BytesIO(_body(response)))["Posts"]
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    cell = next(r for r in rows[1:] if r[0].value == brand_post.pk)[header.index("created_at")]
    assert cell.is_date
    expected = brand_post.created_at.astimezone(UTC).replace(tzinfo=None)
    # Excel keeps milliseconds at most.
    assert abs((cell.value - expected).total_seconds()) < 0.001
    assert "yyyy" in cell.number_format and "hh:mm" in cell.number_format and "UTC" in cell.number_format

    csv_row = {int(r["post_id"]): r for r in _csv_rows(client, alice)}[brand_post.pk]
    assert datetime.fromisoformat(csv_row["created_at"]) == brand_post.created_at


# --- The API's root and participants ---


def test_the_api_root_answers_with_a_json_index_of_its_parts(client):
    response = client.get("/api/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert data["communities"].endswith("/api/v1/communities/")
    assert data["schema"].endswith("/api/schema/")
    assert data["docs"].endswith("/api/docs/")
    assert data["token"].endswith("/api/token/")


@pytest.mark.parametrize("name", ["api:themes", "api:gap", "api:posts"])
def test_a_participant_is_told_the_api_is_for_moderators_and_clients(community, bob, dave, name):
    for user in (bob, dave):
        response = api_for(user).get(reverse(name, args=["acme"]))
        assert response.status_code == 403, user.username
        assert "moderators and clients" in response.json()["detail"]


@pytest.mark.parametrize("name", ["api:themes", "api:gap", "api:posts"])
def test_a_community_the_caller_does_not_belong_to_stays_404(community, bob, eve, admin_user, name):
    for user in (eve, admin_user):
        assert api_for(user).get(reverse(name, args=["acme"])).status_code == 404, user.username
    # A participant of acme learns nothing about another community either.
    assert api_for(bob).get(reverse(name, args=["other"])).status_code == 404


@pytest.mark.parametrize(
    "params", [{"segment": "nobody"}, {"format": "csv"}, {"segmnet": "x"}, {"limit": "-1"}]
)
def test_a_participant_is_refused_before_any_parameter_is_read(community, bob, params):
    # The same 403 whatever they send: validation tells them nothing about the community's data.
    response = api_for(bob).get(reverse("api:posts", args=["acme"]), params)
    assert response.status_code == 403
    assert "moderators and clients" in response.json()["detail"]


def test_the_schema_documents_the_participants_403(client, db):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    for path in ("themes", "gap", "posts"):
        responses = schema["paths"][f"/api/v1/communities/{{slug}}/{path}/"]["get"]["responses"]
        assert "403" in responses and "moderators" in responses["403"]["description"]
