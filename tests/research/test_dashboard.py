"""The client dashboard: who sees it, what clients may read, filters and query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from community.models import PostStatus
from research.dashboard_selectors import DashboardFilters, dashboard_overview, dashboard_themes
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
    assert "late delivery" in html


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
