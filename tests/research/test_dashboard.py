"""The client dashboard: who sees it, what clients may read, filters and query counts."""

from __future__ import annotations

import math
from datetime import UTC, timedelta
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import PostStatus, Role
from research.analysis.types import PERCEPTION_DIMENSIONS
from research.dashboard_selectors import DashboardFilters, dashboard_overview, dashboard_themes
from research.models import ThemePost
from tests.factories import MembershipFactory
from tests.research.insights_data import PII_BODY, REDACTED, analysed_post, seed, theme

pytestmark = pytest.mark.django_db


def url(slug="acme", **params):
    u = reverse("research:dashboard", args=[slug])
    if params:
        u += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return u


def test_it_shows_the_dashboard_to_moderators_and_clients(client, community, alice, carol):
    seed(community)
    for user in (alice, carol):
        client.force_login(user)
        response = client.get(url())
        assert response.status_code == 200
        assert "late delivery" in response.content.decode()


def test_it_refuses_participants_outsiders_and_anonymous_visitors_with_404_or_login(
    client, community, bob, eve
):
    seed(community)
    for user in (bob, eve):
        client.force_login(user)
        assert client.get(url()).status_code == 404
    client.logout()
    assert client.get(url()).status_code == 302


def test_it_never_shows_clients_real_names_or_unredacted_text(client, community, carol, bob):
    from tests.conftest import membership_of

    discussion, posts, _ = seed(community, author=membership_of(bob, community))
    client.force_login(carol)
    html = client.get(url()).content.decode()
    assert "bob.secret@example.com" not in html
    assert "Bob Participant" not in html
    assert PII_BODY not in html
    assert REDACTED in html
    assert "Swift Heron" in html  # the pseudonym


def test_it_ranks_themes_by_share_of_participants_with_a_sentiment_chart(client, community, carol):
    discussion, posts, _ = seed(community, n=4)
    theme(community, "app", "the app", posts[:1])
    client.force_login(carol)
    html = client.get(url()).content.decode()
    assert html.index("late delivery") < html.index("the app")
    assert "100% of participants" in html and "25% of participants" in html
    assert 'role="img"' in html and "<title" in html and "<table" in html


def test_it_drops_a_hidden_post_from_the_client_dashboard(client, community, carol):
    discussion, posts, _ = seed(community, n=2)
    posts[0].status = PostStatus.HIDDEN
    posts[0].save(update_fields=["status"])
    client.force_login(carol)
    html = client.get(url()).content.decode()
    assert "1 participant," in html
    assert "100% of participants" in html


def test_it_filters_by_discussion_segment_dates_and_brand(community, carol):
    discussion, posts, _ = seed(community, n=3, segment="app users")
    other = analysed_post(
        discussion=discussion,
        author=posts[0].author.__class__.objects.create(
            user=carol.__class__.objects.create(username="zed"),
            community=community,
            role="participant",
            pseudonym="Zed",
            segments=["in store"],
        ),
        mentions=[],
        created_at=timezone.now() - timedelta(days=60),
    )
    total = dashboard_overview(community=community, filters=DashboardFilters())
    assert total["posts"] == 4
    seg = dashboard_overview(community=community, filters=DashboardFilters(segment="in store"))
    assert seg["posts"] == 1
    recent = dashboard_overview(
        community=community, filters=DashboardFilters(date_from=(timezone.now() - timedelta(days=30)).date())
    )
    assert recent["posts"] == 3
    brand = dashboard_overview(community=community, filters=DashboardFilters(brand="Southgate"))
    assert brand["posts"] == 3 and other.pk
    assert brand["mentions"][1] == {
        "brand": "Southgate",
        "is_own": False,
        "posts": 3,
        "participants": 3,
        "participant_pct": 100.0,
    }
    assert (
        dashboard_overview(community=community, filters=DashboardFilters(discussion=discussion))["posts"] == 4
    )


def test_it_reports_invalid_filters_by_field_and_shows_everything(client, community, carol):
    seed(community)
    client.force_login(carol)
    html = client.get(url(date_from="2026-05-01", date_to="2026-04-01")).content.decode()
    assert "To: must be on or after From." in html
    # The figures are for everything, and the page says so rather than passing them off as filtered.
    assert "These filters have errors and were not applied" in html
    assert "late delivery" in html
    assert "were not applied" not in client.get(url(date_from="2020-01-01")).content.decode()


def test_the_perception_gap_link_carries_the_applied_filters(client, community, carol):
    import html as markup
    import re

    seed(community)
    client.force_login(carol)

    def gap_link(**params) -> str:
        page = client.get(url(**params)).content.decode()
        return markup.unescape(re.search(r'href="([^"]*)">Perception gap</a>', page).group(1))

    gap = reverse("research:gap", args=["acme"])
    assert gap_link() == gap
    assert (
        gap_link(segment="app+users", date_from="2020-01-01")
        == f"{gap}?segment=app+users&date_from=2020-01-01"
    )
    # Filters the dashboard refused are not applied there, so the gap page does not get them either.
    assert gap_link(segment="app+users", date_to="9999-12-31") == gap
    followed = client.get(f"{gap}?segment=app+users&date_from=2020-01-01").content.decode()
    assert '<option value="app users" selected>' in followed and 'value="2020-01-01"' in followed


def test_a_date_past_the_calendar_is_a_field_error_not_a_crash(client, community, carol):
    seed(community)
    client.force_login(carol)
    response = client.get(url(date_to="9999-12-31"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "To: 9999-12-31 is out of range; use a date between 1900-01-01 and 2999-12-31." in html
    assert "These filters have errors and were not applied" in html


def test_it_counts_perception_dimensions_and_relevance_in_sql(community):
    discussion, posts, _ = seed(community, n=2)
    analysed_post(
        discussion=discussion,
        author=posts[0].author,
        sentiment="positive",
        relevance="relevant",
        dimensions=[{"dimension": "service", "polarity": "positive", "score": 1.0, "phrase": "quick"}],
    )
    ov = dashboard_overview(community=community, filters=DashboardFilters())
    service = next(d for d in ov["dimensions"] if d["key"] == "service")
    assert (service["positive"], service["negative"], service["posts"]) == (1, 2, 3)
    assert ov["relevance"]["relevant_pct"] == 50.0 and ov["relevance"]["irrelevant_pct"] == 100.0


def test_it_gives_each_theme_a_weekly_trend(community):
    seed(community, n=4)
    rows = dashboard_themes(community=community, filters=DashboardFilters(), total_participants=4)
    assert sum(n for _, n in rows[0].trend) == 4
    assert len(rows[0].quotes) == 2 and rows[0].quotes[0]["text"] == REDACTED


def test_it_draws_a_young_communitys_trend_from_its_first_post_not_as_empty_weeks():
    from datetime import date, datetime

    from research.dashboard_selectors import trend_buckets

    now = datetime(2026, 11, 23, 12, tzinfo=UTC)
    two_weeks = trend_buckets(DashboardFilters(), first_day=date(2026, 11, 10), now=now)
    # 14 days in 7 two-day periods: the first starts on the first post's day, the last ends today.
    assert len(two_weeks) == 7
    assert two_weeks[0][0].date() == date(2026, 11, 10) and two_weeks[-1][1].date() == date(2026, 11, 24)
    assert all((hi - lo).days == 2 for lo, hi in two_weeks)
    one_day = trend_buckets(DashboardFilters(), first_day=date(2026, 11, 23), now=now)
    assert [(lo.date(), hi.date()) for lo, hi in one_day] == [(date(2026, 11, 23), date(2026, 11, 24))]
    # No posts yet: twelve weeks, as before.
    empty = trend_buckets(DashboardFilters(), now=now)
    assert len(empty) == 12 and all((hi - lo).days == 7 for lo, hi in empty)


def test_it_renders_with_the_same_number_of_queries_as_posts_grow(
    client, community, carol, django_assert_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    discussion, posts, t = seed(community, n=3)
    client.force_login(carol)
    client.get(url())
    cache.clear()  # measure the uncached path: the cached one is cheaper still
    with CaptureQueriesContext(connection) as small:
        assert client.get(url()).status_code == 200
    more = [analysed_post(discussion=discussion, author=posts[0].author) for _ in range(25)]
    theme(community, "more", "more things", more, quotes=3)
    cache.clear()
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(url()).status_code == 200
    with CaptureQueriesContext(connection) as cached:
        assert client.get(url()).status_code == 200
    assert len(cached.captured_queries) < len(small.captured_queries)


def test_it_never_serves_cached_numbers_after_a_post_is_hidden(client, community, alice, carol):
    from community.services.moderation import post_moderate

    discussion, posts, _ = seed(community, n=2)
    client.force_login(carol)
    assert "2 participants," in client.get(url()).content.decode()
    from tests.conftest import membership_of

    post_moderate(post=posts[0], moderator=membership_of(alice, community), action="hide", reason="off topic")
    assert "1 participant," in client.get(url()).content.decode()


def test_it_counts_and_quotes_participants_only_never_moderators(client, community, alice, carol):
    from tests.conftest import membership_of

    discussion, posts, _ = seed(community, n=2)
    analysed_post(
        discussion=discussion,
        author=membership_of(alice, community),
        redacted="Moderator prompt: tell us more about the delivery.",
        relevance="relevant",
    )
    client.force_login(carol)
    html = client.get(url()).content.decode()
    assert "2 participants," in html
    assert "Moderator prompt" not in html


# --- The summary columns give exactly the numbers the JSON lists give ---


def _reference_overview(community, filters: DashboardFilters) -> dict:
    """The overview worked out in Python straight from each analysis' JSON lists, the way the
    dashboard grouped them before the summary columns existed (distinct posts and participants
    per dimension and polarity, per brand named)."""
    from research.dashboard_selectors import DIMENSION_LABELS, filter_choices_brands
    from research.models import PostAnalysis

    def pct(part, whole):
        # Whole percent from the exact fraction, halves up.
        return math.floor(Fraction(100 * part, whole) + Fraction(1, 2)) if whole else 0

    kept = []
    for a in PostAnalysis.objects.filter(community=community, analysable=True).select_related("post__author"):
        post = a.post
        day = timezone.localtime(post.created_at).date()
        if (
            post.status != PostStatus.PUBLISHED
            or post.author.role != "participant"
            or (filters.discussion and post.discussion_id != filters.discussion.pk)
            or (filters.segment and filters.segment not in post.author.segments)
            or (filters.date_from and day < filters.date_from)
            or (filters.date_to and day > filters.date_to)
            or (filters.brand and all(m["brand"] != filters.brand for m in a.mentions))
        ):
            continue
        kept.append(a)
    people = {a.post.author_id for a in kept}

    def count(test):
        return sum(1 for a in kept if test(a))

    def people_where(test):
        return len({a.post.author_id for a in kept if test(a)})

    dimensions = []
    for key, label in DIMENSION_LABELS.items():
        by_polarity = {
            p: count(
                lambda a, p=p, key=key: any(
                    s["dimension"] == key and s["polarity"] == p for s in a.dimensions
                )
            )
            for p in ("positive", "negative", "neutral")
        }
        total = sum(by_polarity.values())
        dimensions.append(
            {
                "key": key,
                "label": label,
                "positive": by_polarity["positive"],
                "negative": by_polarity["negative"],
                "posts": total,
                "positive_pct": pct(by_polarity["positive"], total),
                "negative_pct": pct(by_polarity["negative"], total),
            }
        )
    mentions = []
    for i, brand in enumerate(filter_choices_brands(community)):
        names = lambda a, brand=brand: any(m["brand"] == brand for m in a.mentions)  # noqa: E731
        mentions.append(
            {
                "brand": brand,
                "is_own": i == 0,
                "posts": count(names),
                "participants": people_where(names),
                "participant_pct": pct(people_where(names), len(people)),
            }
        )
    relevant_people = people_where(lambda a: a.relevance == "relevant")
    irrelevant_people = people_where(lambda a: a.relevance == "irrelevant")
    first = min((a.post.created_at for a in kept), default=None)
    return {
        "first_day": timezone.localtime(first).date() if first else None,
        "posts": len(kept),
        "participants": len(people),
        "sentiment": {s: count(lambda a, s=s: a.sentiment == s) for s in ("positive", "neutral", "negative")},
        "relevance": {
            "relevant_people": relevant_people,
            "irrelevant_people": irrelevant_people,
            "relevant_pct": pct(relevant_people, len(people)),
            "irrelevant_pct": pct(irrelevant_people, len(people)),
            "relevant_posts": count(lambda a: a.relevance == "relevant"),
            "irrelevant_posts": count(lambda a: a.relevance == "irrelevant"),
        },
        "dimensions": dimensions,
        "mentions": mentions,
    }


def _varied_community(community, other_community, alice, n=40, seed=3):
    """Posts with every kind of signal, and the posts that must never count: hidden, removed, a
    moderator's, one the analyzer could not read, and another community's."""
    import random

    from research.analysis.types import PERCEPTION_DIMENSIONS
    from research.models import PostAnalysis
    from tests.conftest import membership_of
    from tests.factories import DiscussionFactory, MembershipFactory

    community.competitor_brands = ["Southgate", "Northwind"]
    community.save(update_fields=["competitor_brands"])
    rng = random.Random(seed)
    discussions = [DiscussionFactory(community=community, title=f"Activity {i}") for i in range(2)]
    members = [
        MembershipFactory(
            community=community, role="participant", segments=[rng.choice(["app users", "in store"])]
        )
        for _ in range(8)
    ]
    brands = ["Acme", "ACME Stores", "Southgate", "Northwind", "Westfield", "acme"]
    posts = []
    for i in range(n):
        sentiment = rng.choice(["positive", "neutral", "negative"])
        dims = [
            {
                "dimension": d,
                "polarity": rng.choice(["positive", "negative", "neutral"]),
                "score": 0.4,
                "phrase": f"Quote {i}",
            }
            for d in rng.sample(PERCEPTION_DIMENSIONS, rng.randint(0, 3))
        ]
        named = [rng.choice(brands) for _ in range(rng.randint(0, 3))]  # repeats: one post, two mentions
        posts.append(
            analysed_post(
                discussion=rng.choice(discussions),
                author=rng.choice(members),
                redacted=f"Quote {i}",
                sentiment=sentiment,
                relevance=rng.choice(["relevant", "irrelevant", "neutral"]),
                dimensions=dims,
                mentions=[
                    {"brand": b, "is_competitor": b != "Acme", "sentiment": "neutral", "phrase": b}
                    for b in named
                ],
                created_at=timezone.now() - timedelta(days=rng.randint(0, 60)),
            )
        )
    for post, status in zip(posts[:2], (PostStatus.HIDDEN, PostStatus.REMOVED), strict=True):
        post.status = status
        post.save(update_fields=["status"])
    analysed_post(discussion=discussions[0], author=membership_of(alice, community), relevance="relevant")
    PostAnalysis.objects.filter(post=posts[2]).update(analysable=False)
    elsewhere = DiscussionFactory(community=other_community)
    analysed_post(
        discussion=elsewhere, author=MembershipFactory(community=other_community, role="participant")
    )
    theme(community, "varied", "varied things", posts[:20], quotes=4)
    return discussions, posts


def _filter_cases(discussions):
    today = timezone.localdate()
    return [
        DashboardFilters(),
        DashboardFilters(discussion=discussions[1]),
        DashboardFilters(segment="in store"),
        DashboardFilters(date_from=today - timedelta(days=20)),
        DashboardFilters(date_from=today - timedelta(days=45), date_to=today - timedelta(days=10)),
        DashboardFilters(brand="Acme"),
        DashboardFilters(brand="Southgate", segment="app users"),
        DashboardFilters(brand="Northwind", discussion=discussions[0], date_from=today - timedelta(days=30)),
    ]


def test_it_counts_every_panel_exactly_as_the_posts_json_says_under_every_filter(
    community, other_community, alice, settings
):
    settings.VERBATIM = {**settings.VERBATIM, "DASHBOARD_CACHE_SECONDS": 0}
    discussions, _ = _varied_community(community, other_community, alice)
    for filters in _filter_cases(discussions):
        assert dashboard_overview(community=community, filters=filters) == _reference_overview(
            community, filters
        )
    everything = dashboard_overview(community=community, filters=DashboardFilters())
    # The fixture really exercises the panels: signals on every side, hidden posts out.
    assert everything["posts"] == 37 and everything["participants"] == 8
    assert all(m["posts"] for m in everything["mentions"])
    assert sum(d["negative"] for d in everything["dimensions"]) > 0


def test_it_matches_a_brand_exactly_never_a_longer_name_or_another_case(community, bob):
    from tests.conftest import membership_of

    discussion, posts, _ = seed(community, n=1)
    author = membership_of(bob, community)
    for brand in ("ACME Stores", "acme"):
        analysed_post(
            discussion=discussion,
            author=author,
            mentions=[{"brand": brand, "is_competitor": False, "sentiment": "neutral", "phrase": brand}],
        )
    analysed_post(
        discussion=discussion,
        author=author,
        mentions=[{"brand": "Acme", "is_competitor": False, "sentiment": "neutral", "phrase": "Acme"}] * 2,
    )
    acme = dashboard_overview(community=community, filters=DashboardFilters(brand="Acme"))
    assert acme["posts"] == 1
    assert acme["mentions"][0] == {
        "brand": "Acme",
        "is_own": True,
        "posts": 1,
        "participants": 1,
        "participant_pct": 100.0,
    }
    everyone = dashboard_overview(community=community, filters=DashboardFilters())
    assert everyone["posts"] == 4 and everyone["mentions"][0]["posts"] == 1
    assert everyone["mentions"][1]["brand"] == "Southgate" and everyone["mentions"][1]["posts"] == 1


def test_it_picks_dimension_and_relevance_quotes_newest_first_within_the_filters(
    community, other_community, alice
):
    from research.dashboard_selectors import dimension_quotes, relevance_quotes
    from research.models import PostAnalysis

    discussions, _ = _varied_community(community, other_community, alice)
    for filters in _filter_cases(discussions):
        analyses = [
            a
            for a in PostAnalysis.objects.filter(filters.analysis_q(), community=community, analysable=True)
            .select_related("post__author")
            .order_by("-pk")
        ]
        got = dimension_quotes(community=community, filters=filters)
        assert set(got) == set(DIMENSION_KEYS)
        for dim in DIMENSION_KEYS:
            for side in ("positive", "negative"):
                # Only posts in the filters whose signal on this dimension has this polarity, and
                # each quote shows that signal's words; as many as there are, up to two.
                eligible = {
                    a.post_id: a
                    for a in analyses
                    if a.redacted_text
                    and any(s["dimension"] == dim and s["polarity"] == side for s in a.dimensions)
                }
                quotes = got[dim][side]
                assert len(quotes) == min(2, len(eligible))
                assert len({q["post_id"] for q in quotes}) == len(quotes)
                for quote in quotes:
                    assert quote["post_id"] in eligible
                    assert quote["evidence"] == eligible[quote["post_id"]].redacted_text
                    assert quote["evidence"] in quote["text"]
        rel = relevance_quotes(community=community, filters=filters)
        for side in ("relevant", "irrelevant"):
            assert [q["post_id"] for q in rel[side]] == [a.post_id for a in analyses if a.relevance == side][
                :2
            ]
            for quote in rel[side]:
                assert quote["text"].startswith("Quote ") and quote["pseudonym"]


DIMENSION_KEYS = PERCEPTION_DIMENSIONS


def test_it_quotes_theme_posts_by_rank_only_within_the_filters(community, other_community, alice):
    from research.models import PostAnalysis

    discussions, posts = _varied_community(community, other_community, alice)
    ranked = posts[:4]  # the theme's quotes by rank: hidden, removed, not analysable, plain
    for filters in _filter_cases(discussions):
        within = set(
            PostAnalysis.objects.filter(filters.analysis_q(), community=community).values_list(
                "post_id", flat=True
            )
        )
        rows = dashboard_themes(community=community, filters=filters, total_participants=8)
        quoted = [q["post_id"] for r in rows for q in r.quotes]
        assert quoted == [p.pk for p in ranked if p.pk in within][:3]
        assert posts[0].pk not in quoted and posts[1].pk not in quoted


DASHBOARD_QUERIES = 12
GAP_QUERIES = 11  # its quotes in one query (gap_quotes); two for the filter form's choices; one for
# how many customer answers come from former members (gap_former_respondents)


@pytest.mark.parametrize("size", [3, 30])
def test_it_renders_the_dashboard_and_gap_in_a_fixed_number_of_queries_at_any_size(
    client, community, carol, bob, django_assert_num_queries, size
):
    from django.core.cache import cache

    from tests.conftest import membership_of
    from tests.research.insights_data import scorecard_answers

    discussion, posts, _ = seed(community, n=size)
    theme(community, "second", "second theme", posts[: size // 2 + 1], quotes=3)
    scorecard_answers(
        discussion, participant=membership_of(bob, community), client=membership_of(carol, community)
    )
    client.force_login(carol)
    client.get(url())
    for params in ({}, {"segment": "app users", "brand": "Southgate"}):
        cache.clear()
        with django_assert_num_queries(DASHBOARD_QUERIES):
            assert client.get(url(**params)).status_code == 200
    for params in ("", "?segment=app+users&brand=Southgate"):
        cache.clear()
        with django_assert_num_queries(GAP_QUERIES):
            assert client.get(reverse("research:gap", args=["acme"]) + params).status_code == 200


def _stamp(community):
    """The data stamp as a fresh request sees it (the stamp is memoised per community object)."""
    from community.models import Community
    from research.dashboard_selectors import data_stamp

    return data_stamp(community=Community.objects.get(pk=community.pk))


def _set_status(post, status):
    # A bare status write, without the moderation service's `status_changed_at`.
    post.status = status
    post.save(update_fields=["status"])


def test_the_data_stamp_moves_when_one_post_is_hidden_as_another_comes_back(community, other_community):
    discussion, posts, _ = seed(community, n=3)
    _set_status(posts[0], PostStatus.HIDDEN)
    before = _stamp(community)
    assert _stamp(community) == before
    # Elsewhere: another community's posts leave this community's cached numbers alone.
    seed(other_community, n=2)
    assert _stamp(community) == before
    # As many published posts as before, but not the same ones.
    _set_status(posts[0], PostStatus.PUBLISHED)
    _set_status(posts[1], PostStatus.HIDDEN)
    assert _stamp(community) != before


def test_the_data_stamp_moves_on_a_new_analysis_and_a_theme_edit(community):
    from research.models import PostAnalysis

    discussion, posts, t = seed(community, n=2)
    before = _stamp(community)
    analysis = PostAnalysis.objects.get(post=posts[0])
    analysis.analysed_at = timezone.now() + timedelta(seconds=1)
    analysis.save(update_fields=["analysed_at"])
    reanalysed = _stamp(community)
    assert reanalysed != before
    t.updated_at = timezone.now() + timedelta(seconds=2)
    t.save(update_fields=["updated_at"])
    assert _stamp(community) != reanalysed


def test_it_never_serves_cached_numbers_after_one_post_is_hidden_as_another_comes_back(
    client, community, carol
):
    from community.models import Role
    from tests.factories import DiscussionFactory, MembershipFactory

    discussion = DiscussionFactory(community=community, title="Checkout")
    happy, unhappy = (
        analysed_post(
            discussion=discussion,
            author=MembershipFactory(community=community, role=Role.PARTICIPANT),
            sentiment=sentiment,
        )
        for sentiment in ("positive", "negative")
    )
    _set_status(unhappy, PostStatus.HIDDEN)
    client.force_login(carol)
    html = client.get(url()).content.decode()
    assert '>1</span><span class="stat-label">positive post<' in html
    assert '>0</span><span class="stat-label">negative posts' in html
    # Same number of posts and participants: only the stamp's set of posts can tell them apart.
    _set_status(happy, PostStatus.HIDDEN)
    _set_status(unhappy, PostStatus.PUBLISHED)
    html = client.get(url()).content.decode()
    assert '>0</span><span class="stat-label">positive posts' in html
    assert '>1</span><span class="stat-label">negative post<' in html


def test_a_segment_filter_counts_a_member_moved_to_another_segment_at_once(client, community, alice, carol):
    from community.services.memberships import membership_update_segments

    _, posts, _ = seed(community, n=3, segment="app users")
    seed(community, n=1, segment="in store", key="queue")
    client.force_login(carol)
    assert "3 participants," in client.get(url(segment="app+users")).content.decode()
    assert "1 participant," in client.get(url(segment="in+store")).content.decode()

    # A moderator moves one app user to the in-store segment; the counts were cached a moment ago.
    membership_update_segments(membership=posts[0].author, segments=["in store"], actor=alice)

    assert "2 participants," in client.get(url(segment="app+users")).content.decode()
    assert "2 participants," in client.get(url(segment="in+store")).content.decode()


def test_the_data_stamp_moves_when_a_members_segments_or_role_change_and_only_then(
    community, other_community, alice
):
    from community.services.memberships import membership_set_role, membership_update_segments

    _, posts, _ = seed(community, n=2, segment="app users")
    member = posts[0].author
    before = _stamp(community)
    assert _stamp(community) == before
    # Another community's members leave this community's cached numbers alone.
    seed(other_community, n=2, segment="app users")
    assert _stamp(community) == before
    # Same number of segments, same length of name: only which one tells them apart.
    membership_update_segments(membership=member, segments=["web users"], actor=alice)
    moved = _stamp(community)
    assert moved != before
    # A participant made a moderator: their posts stop counting as customers' words.
    membership_set_role(membership=member, role=Role.MODERATOR, actor=alice)
    assert _stamp(community) != moved


def test_it_renders_quotes_escaped_shortened_and_dated_for_clients(client, community, carol):
    from community.models import Role
    from tests.factories import DiscussionFactory, MembershipFactory

    discussion = DiscussionFactory(community=community, title="Checkout")
    author = MembershipFactory(community=community, role=Role.PARTICIPANT, pseudonym="Blue <Heron>")
    long_text = "The <b>checkout</b> & the app were slow. " * 20
    analysed_post(
        discussion=discussion,
        author=author,
        redacted=long_text,
        relevance="relevant",
        created_at=timezone.now().replace(year=2025, month=3, day=14, hour=12),
    )
    client.force_login(carol)
    html = client.get(url()).content.decode()
    assert "— Blue &lt;Heron&gt;, 14 Mar 2025</footer>" in html
    assert "<b>checkout</b>" not in html and "The &lt;b&gt;checkout&lt;/b&gt; &amp; the app" in html
    quoted = html.split('<blockquote class="quote"><p>', 1)[1].split("</p>", 1)[0]
    plain = quoted.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    # Cut at a word boundary, never mid-word ("…hem" for "them"), within the 320 characters.
    assert plain.endswith("…") and 300 <= len(plain) <= 320
    assert long_text.startswith(plain[:-1].rstrip()) and long_text[len(plain[:-1].rstrip())] == " "


def test_it_hides_the_replies_of_a_hidden_post_with_it(
    client, community, alice, carol, django_capture_on_commit_callbacks
):
    from community.services.moderation import post_moderate
    from tests.conftest import membership_of

    discussion, posts, delivery = seed(community, n=2)
    replier = MembershipFactory(community=community, role=Role.PARTICIPANT, segments=["app users"])
    reply = analysed_post(discussion=discussion, author=replier, redacted="Same here, the reply under it.")
    reply.parent = posts[0]
    reply.save(update_fields=["parent"])
    ThemePost.objects.create(theme=delivery, post=reply, is_quote=True, quote_rank=0)
    client.force_login(carol)
    html = client.get(url()).content.decode()
    assert "3 participants," in html and "the reply under it" in html

    with django_capture_on_commit_callbacks(execute=True):
        post_moderate(
            post=posts[0], moderator=membership_of(alice, community), action="hide", reason="abusive"
        )
    html = client.get(url()).content.decode()
    # The thread went with its first post: one participant left, and the reply is not quoted.
    assert "1 participant," in html
    assert "the reply under it" not in html
    delivery.refresh_from_db()
    assert (delivery.post_count, delivery.participant_count) == (1, 1)


def test_it_filters_by_a_segment_with_accented_letters_on_either_database(community):
    seed(community, n=2, segment="Café regulars")
    seed(community, n=1, segment="Cafe regulars", key="other")
    accented = dashboard_overview(community=community, filters=DashboardFilters(segment="Café regulars"))
    plain = dashboard_overview(community=community, filters=DashboardFilters(segment="Cafe regulars"))
    assert (accented["posts"], plain["posts"]) == (2, 1)


def test_it_writes_shares_as_whole_percentages_like_the_gap_page(client, community, carol):
    _, posts, _ = seed(community, n=3)
    theme(community, "app", "the app", posts[:1])
    client.force_login(carol)
    html = client.get(url()).content.decode()
    assert "33% of participants" in html and "33.3%" not in html


def test_it_quotes_only_posts_that_speak_to_relevance_in_the_lens_with_their_words_marked(
    client, community, carol
):
    from research import services
    from tests.factories import DiscussionFactory, PostFactory

    discussion = DiscussionFactory(community=community)
    bodies = [
        "The towels are a bit rubbish, to be honest.",
        "Lovely soft bedding, really pleased with it.",
        "Their newsletter has nothing to do with me, it's all golf and fishing.",
        "The weekly recipe cards are spot on for me, I cook most of them.",
    ]
    posts = [
        PostFactory(
            discussion=discussion,
            author=MembershipFactory(community=community, role=Role.PARTICIPANT),
            body=body,
        )
        for body in bodies
    ]
    services.posts_analyze(post_ids=[p.pk for p in posts])  # the real analyzer
    client.force_login(carol)
    html = client.get(url()).content.decode()
    lens = html[html.index('id="relevance-h"') : html.index('id="perception-h"')]
    relevant, irrelevant = lens.split("<h3>Irrelevant")
    assert "<mark>The weekly recipe cards are spot on for me</mark>" in relevant
    assert "<mark>Their newsletter has nothing to do with me</mark>" in irrelevant
    # Plain praise and complaint are sentiment: no quote of them under either stance.
    assert "rubbish" not in lens and "bedding" not in lens


def test_it_leads_the_relevance_lens_with_posts_whose_stance_words_and_tone_agree(
    community, django_assert_num_queries
):
    from research.dashboard_selectors import relevance_quotes
    from research.models import PostAnalysis
    from tests.factories import DiscussionFactory

    discussion = DiscussionFactory(community=community)
    author = MembershipFactory(community=community, role=Role.PARTICIPANT)
    clear = analysed_post(
        discussion=discussion,
        author=author,
        redacted="Honestly these offers are nothing to do with me.",
        sentiment="negative",
    )
    mixed = analysed_post(
        discussion=discussion,
        author=author,
        redacted="Lovely shop, great staff, but the offers are not for me.",
        sentiment="positive",
    )
    # The newest, but with no stance words to show (a record from before they were kept).
    analysed_post(
        discussion=discussion, author=author, redacted="No words to mark here.", sentiment="negative"
    )
    PostAnalysis.objects.filter(post=clear).update(relevance_phrase="these offers are nothing to do with me")
    PostAnalysis.objects.filter(post=mixed).update(relevance_phrase="the offers are not for me")

    with django_assert_num_queries(1):
        quotes = relevance_quotes(community=community, filters=DashboardFilters())

    assert [q["post_id"] for q in quotes["irrelevant"]] == [clear.pk, mixed.pk]
    first = quotes["irrelevant"][0]
    assert (first["before"], first["evidence"], first["after"]) == (
        "Honestly ",
        "these offers are nothing to do with me",
        ".",
    )
    assert quotes["relevant"] == []


def test_it_shows_one_empty_state_and_no_zero_percent_charts_when_no_post_matches(client, community, carol):
    seed(community)
    client.force_login(carol)
    future = (timezone.localdate() + timedelta(days=30)).isoformat()
    html = client.get(url(date_from=future)).content.decode()
    assert html.count("No posts in these filters") == 1
    assert "No themes for these filters" not in html and "No themes yet" not in html
    assert "0% of participants" not in html and "0% negative" not in html and 'role="img"' not in html
    assert "Show all posts" in html


def test_it_rounds_every_share_on_the_page_as_its_chart_does(client, community, carol):
    # 5 of 8 participants is 62.5%: the chart's label, its table and the card all say 63%.
    _, posts, _ = seed(community, n=8)
    theme(community, "app", "the app", posts[:5])
    client.force_login(carol)
    html = client.get(url()).content.decode()
    assert "63% of participants" in html and "62%" not in html
    assert html.count(">63%<") >= 2  # the bar's label and the table's cell


def test_it_says_why_the_gap_page_lists_fewer_dimensions_than_the_dashboard(client, community, carol):
    seed(community)
    client.force_login(carol)
    assert "lists only the dimensions your scorecard asks about" in client.get(url()).content.decode()
    gap = client.get(reverse("research:gap", args=["acme"])).content.decode()
    assert f"all {len(PERCEPTION_DIMENSIONS)} perception dimensions" in gap


def test_each_themes_trend_says_which_dates_it_spans_and_its_busiest_period(client, community, carol):
    _, posts, _ = seed(community, n=3)
    theme(community, "app", "the app", posts)
    client.force_login(carol)
    html = client.get(url()).content.decode()
    overview = dashboard_overview(community=community, filters=DashboardFilters())
    rows = dashboard_themes(
        community=community, filters=DashboardFilters(), total_participants=3, first_day=overview["first_day"]
    )
    first, last = rows[0].trend[0][0], rows[0].trend[-1][0]
    busiest = max(n for _, n in rows[0].trend)
    assert (
        f"(periods starting {first.day} {first:%b} to {last.day} {last:%b}; busiest period: {busiest} post{'' if busiest == 1 else 's'})"
        in html
    )


# --- Activities that hold no posts: scorecards (ratings) and live sessions not yet archived ---


def _scorecard(community, bob, carol):
    from community.models import Discussion, DiscussionKind
    from tests.conftest import membership_of
    from tests.research.insights_data import scorecard_answers

    discussion, _, _ = seed(community, n=3)
    scorecard_answers(
        discussion, participant=membership_of(bob, community), client=membership_of(carol, community)
    )
    return Discussion.objects.get(community=community, kind=DiscussionKind.SCORECARD)


def test_choosing_a_scorecard_says_it_collects_ratings_and_links_its_results_page(
    client, community, bob, carol, django_assert_num_queries
):
    from django.core.cache import cache

    card = _scorecard(community, bob, carol)
    client.force_login(carol)
    client.get(url())
    cache.clear()
    # The note costs no query: the filter's choices already know each activity's kind.
    with django_assert_num_queries(DASHBOARD_QUERIES):
        response = client.get(url(discussion=card.pk))
    html = response.content.decode()
    assert response.status_code == 200
    assert "This activity collects ratings, not posts: see its results page." in html
    results = reverse("scorecard_results", args=["acme", card.pk])
    assert f'<a href="{results}">Scorecard results for “Rate us”</a>' in html
    # The filter names it a scorecard before it is chosen, and the empty state does not send the
    # reader off to widen dates that cannot help.
    assert f'<option value="{card.pk}" selected>Rate us (scorecard: ratings)</option>' in html
    assert "Try a wider date range" not in html
    # The results page the note links to shows the ratings to the same reader.
    assert "Privacy" in client.get(results).content.decode()


def test_a_board_chosen_in_the_filter_carries_no_activity_note(client, community, carol):
    discussion, _, _ = seed(community, n=2)
    client.force_login(carol)
    html = client.get(url(discussion=discussion.pk)).content.decode()
    assert (
        "activity-note" not in html
        and f'<option value="{discussion.pk}" selected>{discussion.title}<' in html
    )


def test_the_scorecard_choice_stays_refused_to_participants_and_outsiders(client, community, bob, carol, eve):
    card = _scorecard(community, bob, carol)
    for user in (bob, eve):
        client.force_login(user)
        assert client.get(url(discussion=card.pk)).status_code == 404, user.username
        assert (
            client.get(reverse("research:exports", args=["acme"]), {"discussion": card.pk}).status_code == 404
        )


def test_a_live_session_not_yet_archived_says_where_its_lines_go_and_once_archived_counts_them(
    client, community, carol, bob
):
    from community.models import DiscussionKind
    from tests.conftest import membership_of
    from tests.factories import DiscussionFactory

    seed(community, n=2)
    live = DiscussionFactory(community=community, title="Evening chat", kind=DiscussionKind.LIVE)
    client.force_login(carol)
    html = client.get(url(discussion=live.pk)).content.decode()
    assert "This activity is a live session." in html and "once the session has ended" in html
    assert reverse("live_session", args=["acme", live.pk]) in html
    assert "Evening chat (live session)" in html
    # Its archived lines are posts like any other: the dashboard counts them and says nothing more.
    analysed_post(discussion=live, author=membership_of(bob, community))
    html = client.get(url(discussion=live.pk)).content.decode()
    assert "activity-note" not in html and "1 participant, 1 post matching your filters" in html


def test_the_exports_page_says_a_scorecard_holds_no_posts_and_its_csv_is_an_empty_table(
    client, community, bob, carol
):
    card = _scorecard(community, bob, carol)
    client.force_login(carol)
    html = client.get(reverse("research:exports", args=["acme"]), {"discussion": card.pk}).content.decode()
    assert "This activity collects ratings, not posts: see its results page." in html
    assert "these files hold nothing from it" in html
    assert reverse("scorecard_results", args=["acme", card.pk]) in html
    response = client.get(reverse("research:export_posts_csv", args=["acme"]), {"discussion": card.pk})
    assert "-posts-filtered-discussion-rate-us-" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert text.startswith("post_id,") and len(text.strip().splitlines()) == 1


def test_a_warm_up_left_out_of_analysis_says_so_when_chosen(client, community, carol):
    from tests.factories import DiscussionFactory

    seed(community, n=2)
    warm_up = DiscussionFactory(community=community, title="Introductions", in_analysis=False)
    client.force_login(carol)
    html = client.get(url(discussion=warm_up.pk)).content.decode()
    assert f'<option value="{warm_up.pk}" selected>Introductions (warm-up: not analysed)</option>' in html
    assert "This activity is left out of analysis (a warm-up)." in html
    assert reverse("discussion_detail", args=["acme", warm_up.pk]) in html
    assert "Try a wider date range" not in html


def test_a_filtered_theme_card_says_the_counts_it_shows_not_the_whole_themes(client, community, carol):
    seed(community, n=4)  # posts 0, 3, 6 and 9 days old; the stored sentence counts all four
    client.force_login(carol)
    since = (timezone.now() - timedelta(days=4)).date().isoformat()
    page = client.get(url(date_from=since)).content.decode()
    card = page.split('class="card theme-card"', 1)[1].split("</article>", 1)[0]
    assert "2 people · 2 posts · 0 positive, 2 negative" in card
    assert "2 posts from 2 participants; 100% negative." in card
    assert "4 posts about late delivery" not in card
