"""A warm-up activity (introductions, a tech check) left out of analysis: its posts stay in the
discussion and the raw posts export, but leave themes, insights, charts, exports of results and
the API's counts, the same everywhere, and come back when the activity is included again."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from community.models import Community, Discussion, Post, Role
from community.services.discussions import discussion_update
from research import selectors, services, tasks
from research.dashboard_selectors import DashboardFilters, dashboard_overview, dashboard_themes
from research.models import WARM_UP_REASON, PostAnalysis, Theme, ThemePost
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory
from tests.research import fakes
from tests.research.exports_helpers import THEME_COUNT_COLUMNS, api_theme_counts, themes_workbook_rows
from tests.research.test_api import api_for

pytestmark = pytest.mark.django_db
fake_nlp = fakes.fake_nlp

INTRODUCTIONS = [
    "Hello, Bob here: I live in Leeds, two kids, and I use the app daily.",
    "Hi all, nurse and mum of three, the app is great for school shoes.",
    "Hey, I shop for my whole family and the app is slow on my phone.",
]
VISITS = [
    "The staff were lovely.",
    "The staff were rude to me.",
    "The app forgets my size.",
]


@pytest.fixture
def town(community, fake_nlp):
    """Three participants introduce themselves (all about the app) and then talk about visits;
    themes are built with the introductions in them."""
    intro = DiscussionFactory(community=community, title="Introduce yourself")
    visits = DiscussionFactory(community=community, title="Store visits")
    people = [MembershipFactory(community=community, role=Role.PARTICIPANT) for _ in range(3)]
    intro_posts = [
        PostFactory(discussion=intro, author=p, body=b) for p, b in zip(people, INTRODUCTIONS, strict=True)
    ]
    visit_posts = [
        PostFactory(discussion=visits, author=p, body=b) for p, b in zip(people, VISITS, strict=True)
    ]
    services.posts_analyze(post_ids=[p.pk for p in intro_posts + visit_posts])
    services.themes_refresh(community=community)
    return {"intro": intro, "visits": visits, "intro_posts": intro_posts, "visit_posts": visit_posts}


def _set_in_analysis(alice, discussion, value, capture) -> None:
    """As the moderator's edit form does it: the service, then its after-commit announcement."""
    with capture(execute=True):
        discussion_update(
            moderator=membership_of(alice, discussion.community), discussion=discussion, in_analysis=value
        )


def _body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _csv_rows(client) -> list[dict]:
    text = _body(client.get(reverse("research:export_posts_csv", args=["acme"]))).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _workbook_themes(client) -> dict[str, tuple]:
    """Theme -> THEME_COUNT_COLUMNS as the themes workbook says."""
    response = client.get(reverse("research:export_themes_xlsx", args=["acme"]))
    rows = themes_workbook_rows(_body(response))
    return {row["theme"]: tuple(row[k] for k in THEME_COUNT_COLUMNS) for row in rows}


def _overview(community) -> dict:
    # A fresh instance, as each request has: the dashboard memoises its data stamp on it.
    return dashboard_overview(community=Community.objects.get(pk=community.pk), filters=DashboardFilters())


def _theme_counts(community) -> dict[str, int]:
    return {t.display_label: t.post_count for t in selectors.themes_for_scope(community=community)}


def test_leaving_a_warm_up_out_takes_its_posts_out_of_themes_and_insights_and_back_in_when_ticked(
    community, alice, town, django_capture_on_commit_callbacks
):
    intro_ids = {p.pk for p in town["intro_posts"]}
    assert _theme_counts(community) == {"the app": 4, "the staff": 2}
    before = _overview(community)
    assert (before["posts"], before["participants"]) == (6, 3)

    _set_in_analysis(alice, town["intro"], False, django_capture_on_commit_callbacks)

    for record in PostAnalysis.objects.filter(post_id__in=intro_ids):
        assert (record.analysable, record.reason) == (False, WARM_UP_REASON)
        assert (record.dimensions, record.mentions, record.terms, record.mentioned_brands) == ([], [], [], "")
    assert _theme_counts(community) == {"the app": 1, "the staff": 2}
    app = Theme.objects.get(community=community, label="the app")
    assert (app.post_count, app.participant_count) == (1, 1)
    assert not ThemePost.objects.filter(post_id__in=intro_ids).exists()
    assert not {m.post_id for m in selectors.theme_posts(theme=app)} & intro_ids
    after = _overview(community)
    assert (after["posts"], after["participants"]) == (3, 3)
    assert after["sentiment"] == {"positive": 1, "neutral": 0, "negative": 2}
    assert selectors.sentiment_counts(community=community) == {"positive": 1, "negative": 2, "neutral": 0}
    # The posts themselves stay where they were.
    assert Post.objects.filter(pk__in=intro_ids, status="published").count() == 3

    _set_in_analysis(alice, town["intro"], True, django_capture_on_commit_callbacks)

    assert not PostAnalysis.objects.filter(reason=WARM_UP_REASON).exists()
    assert _theme_counts(community) == {"the app": 4, "the staff": 2}
    back = _overview(community)
    assert back == before


def test_the_dashboard_the_exports_and_the_api_agree_without_the_warm_up(
    client, community, alice, carol, town, django_capture_on_commit_callbacks
):
    _set_in_analysis(alice, town["intro"], False, django_capture_on_commit_callbacks)
    intro_ids = {p.pk for p in town["intro_posts"]}
    client.force_login(carol)
    api = api_for(carol)

    filters = DashboardFilters()
    overview = dashboard_overview(community=community, filters=filters)
    rows = dashboard_themes(community=community, filters=filters, total_participants=overview["participants"])
    on_dashboard = {
        r.theme.display_label: (
            r.participants,
            r.posts,
            r.sentiment["positive"],
            r.sentiment["neutral"],
            r.sentiment["negative"],
        )
        for r in rows
    }
    assert on_dashboard == {"the app": (1, 1, 0, 0, 1), "the staff": (2, 2, 1, 0, 1)}
    assert _workbook_themes(client) == on_dashboard
    themes = api.get(reverse("api:themes", args=["acme"])).json()["results"]
    assert api_theme_counts(themes) == on_dashboard

    # The posts export and the API still hold the warm-up's posts, without analysis: the rows with
    # a sentiment are the posts the dashboard counts.
    csv_rows = _csv_rows(client)
    posts = api.get(reverse("api:posts", args=["acme"]), {"limit": 500}).json()["results"]
    assert {int(r["post_id"]) for r in csv_rows} >= intro_ids
    warm = [r for r in csv_rows if int(r["post_id"]) in intro_ids]
    assert {r["discussion"] for r in warm} == {"Introduce yourself"}
    assert not any(r["sentiment"] or r["themes"] or r["dimensions"] for r in warm)
    assert sum(1 for r in csv_rows if r["sentiment"]) == overview["posts"] == 3
    assert [p["analysis"]["analysable"] for p in posts if p["id"] in intro_ids] == [False] * 3
    assert sum(1 for p in posts if p["analysis"]["analysable"]) == overview["posts"]


def test_clients_read_no_introduction_on_the_insights_and_theme_pages(
    client, community, alice, carol, town, django_capture_on_commit_callbacks
):
    _set_in_analysis(alice, town["intro"], False, django_capture_on_commit_callbacks)
    app = Theme.objects.get(community=community, label="the app")
    client.force_login(carol)

    insights = client.get(reverse("research:dashboard", args=["acme"])).content.decode()
    theme_page = client.get(reverse("research:theme_detail", args=["acme", app.pk])).content.decode()

    for page in (insights, theme_page):
        assert "school shoes" not in page and "slow on my phone" not in page and "Leeds" not in page
    assert "forgets my size" in theme_page


def test_the_analysis_page_says_how_many_posts_a_warm_up_left_out(
    client, community, alice, town, django_capture_on_commit_callbacks
):
    _set_in_analysis(alice, town["intro"], False, django_capture_on_commit_callbacks)
    client.force_login(alice)

    page = client.get(reverse("research:analysis", args=["acme"])).content.decode()

    assert "Warm-up activity: left out of analysis: 3" in page


def test_a_post_published_in_a_warm_up_is_left_out_from_the_start_and_keeps_its_redaction(
    community, bob, fake_nlp
):
    warm_up = DiscussionFactory(community=community, in_analysis=False)
    post = PostFactory(
        discussion=warm_up, author=membership_of(bob, community), body="Hi, Bob here, I use the app."
    )
    Theme.objects.create(community=community, key="theme-app", label="the app", terms=["app"])

    tasks.analyze_posts.delay([post.pk]).get()

    record = PostAnalysis.objects.get(post=post)
    assert (record.analysable, record.reason) == (False, WARM_UP_REASON)
    # Clients still read the post on its page: the analysis' finer redaction is kept for them.
    assert record.redacted_text == "Hi, [NAME] here, I use the app."
    post.refresh_from_db()
    assert "Bob" not in post.client_body_html and "[NAME]" in post.client_body_html
    assert not ThemePost.objects.filter(post=post).exists()
    # Analysed as it should be: nothing left for the reconciler.
    assert selectors.posts_needing_analysis(community=community, version=fake_nlp.version) == []


def test_the_reconciler_catches_up_when_the_announcement_was_lost(community, town, fake_nlp):
    intro_ids = sorted(p.pk for p in town["intro_posts"])
    # Saved, but the event never reached research (broker down): only the records disagree.
    Discussion.objects.filter(pk=town["intro"].pk).update(in_analysis=False)

    assert selectors.posts_needing_analysis(community=community, version=fake_nlp.version) == intro_ids
    assert tasks.reconcile_analysis.delay().get() == 3
    assert set(PostAnalysis.objects.filter(reason=WARM_UP_REASON).values_list("post_id", flat=True)) == set(
        intro_ids
    )
    assert tasks.reconcile_analysis.delay().get() == 0

    Discussion.objects.filter(pk=town["intro"].pk).update(in_analysis=True)
    assert tasks.reconcile_analysis.delay().get() == 3
    assert not PostAnalysis.objects.filter(reason=WARM_UP_REASON).exists()


def test_analysing_a_warm_up_again_unchanged_writes_nothing_in_two_queries(
    community, alice, town, fake_nlp, django_assert_num_queries, django_capture_on_commit_callbacks
):
    _set_in_analysis(alice, town["intro"], False, django_capture_on_commit_callbacks)
    ids = [p.pk for p in town["intro_posts"] + town["visit_posts"]]
    fake_nlp.enriched.clear()

    # One read of the posts (their discussion joined in), one of their records.
    with django_assert_num_queries(2):
        result = services.posts_analyze(post_ids=ids)

    assert (result.written, result.unchanged) == (0, 6)
    assert fake_nlp.enriched == []


def test_the_demo_loads_its_introductions_as_a_warm_up_left_out_of_themes(fake_nlp):
    from community.demo import content

    call_command("load_demo", "--reset", "--no-analysis", stdout=io.StringIO())
    slug = content.COMMUNITY["slug"]
    intro_title = next(a.title for a in content.ACTIVITIES if a.key == "intro")
    discussions = Discussion.objects.filter(community__slug=slug)
    assert list(discussions.filter(in_analysis=False).values_list("title", flat=True)) == [intro_title]

    call_command("analyze", community=slug, stdout=io.StringIO())

    intro_posts = Post.objects.filter(discussion__title=intro_title, discussion__community__slug=slug)
    published = intro_posts.filter(status="published")
    assert published.exists()
    assert set(
        PostAnalysis.objects.filter(post__in=published).values_list("analysable", "reason").distinct()
    ) == {(False, WARM_UP_REASON)}
    assert not ThemePost.objects.filter(post__in=intro_posts).exists()
    assert ThemePost.objects.filter(post__community__slug=slug).exists()


# --- Why a post has no analysis, and a warm-up chosen in the filters ------------------------------


def _xlsx_posts(client, query) -> list[dict]:
    response = client.get(reverse("research:export_posts_xlsx", args=["acme"]), query)
    rows = list(load_workbook(io.BytesIO(_body(response)))["Posts"].values)
    return [dict(zip(rows[0], values, strict=True)) for values in rows[1:]]


def test_the_api_and_the_posts_files_say_why_a_post_is_not_analysed(
    client,
    community,
    alice,
    bob,
    carol,
    eve,
    town,
    django_capture_on_commit_callbacks,
    django_assert_num_queries,
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _set_in_analysis(alice, town["intro"], False, django_capture_on_commit_callbacks)
    emoji = PostFactory(discussion=town["visits"], author=membership_of(bob, community), body="👍 👍 !!")
    services.posts_analyze(post_ids=[emoji.pk])
    intro_ids = {p.pk for p in town["intro_posts"]}
    visit_ids = {p.pk for p in town["visit_posts"]}
    api = api_for(carol)
    url = reverse("api:posts", args=["acme"])

    with CaptureQueriesContext(connection) as first:
        posts = api.get(url, {"limit": 500}).json()["results"]
    why = {p["id"]: (p["analysis"]["not_analysed_reason"], p["analysis"]["not_analysed_note"]) for p in posts}
    assert {why[i] for i in intro_ids} == {("warm_up", "Warm-up activity: left out of analysis")}
    assert why[emoji.pk] == ("empty", "No words to analyse")
    assert {why[i] for i in visit_ids} == {(None, None)}

    # More warm-up posts: the same reason on each, in the same number of queries.
    intro = town["intro"]
    more = [PostFactory(discussion=intro, author=membership_of(bob, community), body="Hi") for _ in range(4)]
    services.posts_analyze(post_ids=[p.pk for p in more])
    with django_assert_num_queries(len(first.captured_queries)):
        posts = api.get(url, {"limit": 500}).json()["results"]
    assert {p["analysis"]["not_analysed_reason"] for p in posts if p["discussion_id"] == intro.pk} == {
        "warm_up"
    }

    # The files: the reason last, after the columns readers already use.
    client.force_login(carol)
    for rows in (_csv_rows(client), _xlsx_posts(client, {})):
        assert list(rows[0])[-2:] == ["themes", "not_analysed_reason"]
        by_id = {int(r["post_id"]): r["not_analysed_reason"] or "" for r in rows}
        assert {by_id[i] for i in intro_ids} == {"Warm-up activity: left out of analysis"}
        assert by_id[emoji.pk] == "No words to analyse"
        assert {by_id[i] for i in visit_ids} == {""}

    # Participants and outsiders read neither.
    for user in (bob, eve):
        assert api_for(user).get(url).status_code == (403 if user == bob else 404)  # bob is told why
        client.force_login(user)
        assert client.get(reverse("research:export_posts_csv", args=["acme"])).status_code == 404


def test_a_warm_up_chosen_in_the_filters_is_named_and_counts_no_analysed_post_anywhere(
    client, community, alice, carol, eve, town, django_capture_on_commit_callbacks
):
    _set_in_analysis(alice, town["intro"], False, django_capture_on_commit_callbacks)
    intro = town["intro"]
    query = {"discussion": intro.pk}
    client.force_login(carol)

    dashboard = client.get(reverse("research:dashboard", args=["acme"]), query).content.decode()
    assert "Introduce yourself (warm-up: not analysed)" in dashboard
    assert "This activity is left out of analysis (a warm-up).</strong>" in dashboard
    exports = client.get(reverse("research:exports", args=["acme"]), query).content.decode()
    assert (
        "This activity is left out of analysis (a warm-up).</strong> The posts files hold its posts"
        in exports
    )
    assert "the themes report holds nothing from them" in exports
    # Another activity chosen: no such note.
    other = client.get(reverse("research:exports", args=["acme"]), {"discussion": town["visits"].pk})
    assert "activity-note" not in other.content.decode()

    overview = dashboard_overview(
        community=Community.objects.get(pk=community.pk), filters=DashboardFilters(discussion=intro)
    )
    assert overview["posts"] == 0
    csv_rows = [r for r in _csv_rows_for(client, query)]
    assert len(csv_rows) == 3 and not any(r["sentiment"] for r in csv_rows)
    assert not any(r["sentiment"] for r in _xlsx_posts(client, query))
    api = api_for(carol)
    posts = api.get(reverse("api:posts", args=["acme"]), query).json()
    assert posts["count"] == 3 and not any(p["analysis"]["analysable"] for p in posts["results"])
    assert api.get(reverse("api:themes", args=["acme"]), query).json()["results"] == []
    themes = client.get(reverse("research:export_themes_xlsx", args=["acme"]), query)
    assert list(load_workbook(io.BytesIO(_body(themes)))["Themes"].values)[1:] == []
    # The same filters refused to outsiders.
    client.force_login(eve)
    assert client.get(reverse("research:exports", args=["acme"]), query).status_code == 404
    assert api_for(eve).get(reverse("api:posts", args=["acme"]), query).status_code == 404


def _csv_rows_for(client, query) -> list[dict]:
    response = client.get(reverse("research:export_posts_csv", args=["acme"]), query)
    return list(csv.DictReader(io.StringIO(_body(response).decode("utf-8-sig"))))
