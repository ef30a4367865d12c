"""The same numbers everywhere a client reads them: for one community and the same filters, the
insights dashboard, the exports (posts CSV, themes workbook) and the API count the same themes,
posts, participants and sentiment, and give the same shares."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import PostStatus, Role
from community.percentages import whole_percent_of
from research.dashboard_selectors import (
    DIMENSION_LABELS,
    DashboardFilters,
    dashboard_overview,
    dashboard_themes,
)
from research.models import Theme, ThemePost
from research.services import themes_recount
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory
from tests.research.exports_helpers import (
    THEME_COUNT_COLUMNS,
    analyse,
    api_theme_counts,
    themes_workbook_rows,
)
from tests.research.test_api import api_for

pytestmark = pytest.mark.django_db

SENTIMENT_CYCLE = ("positive", "negative", "negative", "neutral", "positive", "negative", "positive")


@pytest.fixture
def town(community, alice, carol):
    """Eleven participants in two segments over three weeks, in two discussions and two themes,
    with what the counts must leave out: a hidden post, a reply under it, a researcher's post and
    a post whose analysis found nothing to analyse."""
    stores = DiscussionFactory(community=community, title="Store visits")
    app = DiscussionFactory(community=community, title="The app")
    now = timezone.now()
    staff = Theme.objects.create(community=community, key="staff", label="the staff")
    checkout = Theme.objects.create(community=community, key="app", label="the app")
    people = [
        MembershipFactory(
            community=community, role=Role.PARTICIPANT, segments=["app users" if i % 2 else "in-store"]
        )
        for i in range(11)
    ]
    posts = []
    for i, person in enumerate(people):
        for _ in range(1 + i % 2):
            n = len(posts)
            sentiment = SENTIMENT_CYCLE[n % len(SENTIMENT_CYCLE)]
            post = PostFactory(
                discussion=app if n % 3 == 0 else stores,
                author=person,
                body=f"Post {n} about the staff and the app.",
                created_at=now - timedelta(days=n),
            )
            brand = ("Acme", False) if n % 2 else ("Southgate", True)
            analyse(
                post,
                sentiment=sentiment,
                relevance="relevant" if n % 4 == 0 else "irrelevant" if n % 4 == 1 else "",
                dimensions=[{"dimension": "service", "polarity": sentiment, "score": 0.5, "phrase": "staff"}],
                mentions=[
                    {"brand": brand[0], "is_competitor": brand[1], "sentiment": sentiment, "phrase": brand[0]}
                ],
            )
            posts.append(post)
            ThemePost.objects.create(theme=staff if n % 2 == 0 else checkout, post=post, is_quote=n < 4)
            if n % 5 == 0:
                ThemePost.objects.create(theme=checkout if n % 2 == 0 else staff, post=post)
    # Left out everywhere: a hidden post and the reply under it, a researcher's post, and a post
    # with nothing to analyse (it is still a post in the posts export, with no sentiment).
    hidden = PostFactory(discussion=stores, author=people[0], status=PostStatus.HIDDEN, body="Hidden.")
    analyse(hidden, sentiment="negative")
    under = PostFactory(discussion=stores, author=people[1], parent=hidden, body="Under the hidden one.")
    analyse(under, sentiment="positive")
    researcher = PostFactory(discussion=stores, author=membership_of(alice, community), body="Tell us more.")
    analyse(researcher, sentiment="positive")
    blank = PostFactory(discussion=stores, author=people[2], body=":)")
    analyse(blank, analysable=False, sentiment="neutral")
    for post in (hidden, under, researcher):
        ThemePost.objects.create(theme=staff, post=post)
    themes_recount(theme_ids=[staff.pk, checkout.pk])
    return {"stores": stores, "app": app, "hidden": {hidden.pk, under.pk}, "researcher": researcher.pk}


def _filter_sets(town):
    today = timezone.localdate()
    return [
        {},
        {"segment": "app users"},
        {"brand": "Acme"},
        {"discussion": town["stores"].pk},
        {"date_from": (today - timedelta(days=8)).isoformat()},
        {"segment": "in-store", "brand": "Southgate", "date_to": (today - timedelta(days=2)).isoformat()},
    ]


def _dashboard_filters(params, town) -> DashboardFilters:
    from datetime import date

    return DashboardFilters(
        discussion=town["stores"] if "discussion" in params else None,
        segment=params.get("segment", ""),
        brand=params.get("brand", ""),
        date_from=date.fromisoformat(params["date_from"]) if "date_from" in params else None,
        date_to=date.fromisoformat(params["date_to"]) if "date_to" in params else None,
    )


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _workbook_themes(client, params) -> dict[str, tuple]:
    response = client.get(reverse("research:export_themes_xlsx", args=["acme"]), params)
    assert response.status_code == 200
    out = {}
    for row in themes_workbook_rows(_body(response)):
        out[row["theme"]] = tuple(row[k] for k in THEME_COUNT_COLUMNS)
        # The shares in the file are the summary's whole percents, beside it in the same row.
        for side in ("positive", "negative"):
            said = re.search(rf"(\d+)% {side}", row["summary"])
            assert row[f"{side}_share"] == (int(said.group(1)) / 100 if said else 0), row
    return out


def _csv_rows(client, params) -> list[dict]:
    response = client.get(reverse("research:export_posts_csv", args=["acme"]), params)
    assert response.status_code == 200
    text = _body(response).decode("utf-8-sig")
    assert text.startswith("post_id,"), "a plain table, filtered or not"
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize("index", range(6))
def test_the_dashboard_the_exports_and_the_api_give_the_same_numbers_for_the_same_filters(
    client, community, carol, town, index
):
    params = _filter_sets(town)[index]
    filters = _dashboard_filters(params, town)
    client.force_login(carol)
    api = api_for(carol)

    # The dashboard, as its view reads it, and the page itself.
    overview = dashboard_overview(community=community, filters=filters)
    themes = dashboard_themes(
        community=community, filters=filters, total_participants=overview["participants"]
    )
    on_dashboard = {
        r.theme.display_label: (
            r.participants,
            r.posts,
            r.sentiment["positive"],
            r.sentiment["neutral"],
            r.sentiment["negative"],
        )
        for r in themes
    }
    assert on_dashboard, params
    page = client.get(reverse("research:dashboard", args=["acme"]), params).content.decode()
    for r in themes:
        assert f"{whole_percent_of(r.participants, overview['participants'])}% of participants" in page

    # The themes workbook and the API's themes.
    assert _workbook_themes(client, params) == on_dashboard, params
    answer = api.get(reverse("api:themes", args=["acme"]), params).json()["results"]
    assert api_theme_counts(answer) == on_dashboard, params

    # Posts: the customers' analysed posts the dashboard counts are the rows of the posts export
    # and the API's posts that carry a sentiment, less the researcher's own.
    rows = _csv_rows(client, params)
    posts = api.get(reverse("api:posts", args=["acme"]), {**params, "limit": 500}).json()
    assert posts["count"] == len(rows)
    assert not town["hidden"] & {int(r["post_id"]) for r in rows}
    researcher = {town["researcher"]}
    counted = [r for r in rows if r["sentiment"] and int(r["post_id"]) not in researcher]
    api_counted = [
        p
        for p in posts["results"]
        if p["analysis"] and p["analysis"]["analysable"] and p["id"] not in researcher
    ]
    assert len(counted) == len(api_counted) == overview["posts"], params
    # Filtered to participants' posts, the same rows less the researcher's: those with a
    # sentiment are the dashboard's count.
    participants = _csv_rows(client, {**params, "author_role": "participant"})
    assert [r for r in participants if r["sentiment"]] == counted, params
    only = api.get(reverse("api:posts", args=["acme"]), {**params, "author_role": "participant"}).json()
    moderators = sum(r["author_role"] == "moderator" for r in rows)
    assert only["count"] == len(participants) == len(rows) - moderators, params
    for sentiment in ("positive", "neutral", "negative"):
        expected = overview["sentiment"][sentiment]
        assert sum(r["sentiment"] == sentiment for r in counted) == expected, (params, sentiment)
        assert sum(p["analysis"]["sentiment"] == sentiment for p in api_counted) == expected

    # The perception evidence: the dashboard's dimension card and the API's gap.
    gap = {r["dimension"]: r["posts"] for r in api.get(reverse("api:gap", args=["acme"]), params).json()}
    for d in overview["dimensions"]:
        if d["posts"]:
            assert gap[DIMENSION_LABELS[d["key"]]] == {
                "positive": d["positive"],
                "negative": d["negative"],
                "neutral": d["posts"] - d["positive"] - d["negative"],
            }
            assert f"{d['positive_pct']}% positive, {d['negative_pct']}% negative" in page
