"""Every share shown to a reader is rounded once, from its counts, halves up: the insights cards,
charts and their tables, the gap page, the themes report, theme summaries and completion rates
all say the same whole percent for the same counts."""

from __future__ import annotations

import math
import re
from fractions import Fraction
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from community.models import DiscussionKind, Role
from community.percentages import whole_percent_of, whole_percents_of
from community.services.scorecards import scorecard_ensure, scorecard_submit
from research import charts
from research.dashboard_selectors import (
    DashboardFilters,
    dashboard_overview,
    dashboard_themes,
    perception_gap,
)
from research.models import Theme
from research.services import theme_summary
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory
from tests.research.insights_data import analysed_post, theme
from tests.research.test_api import api_for

pytestmark = pytest.mark.django_db


def exact(part: int, whole: int) -> int:
    return math.floor(Fraction(100 * part, whole) + Fraction(1, 2))


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [
        (249, 2000, 12),  # 12.45%: rounding to 12.5 first made it 13
        (5, 11, 45),  # 45.4545...%: 45.5 first made it 46
        (5, 8, 63),  # 62.5%: a half goes up, not to the even 62
        (1, 8, 13),  # 12.5%
        (1, 40, 3),  # 2.5%
        (1, 200, 1),  # 0.5%
        (1, 201, 0),  # 0.497...%
        (1, 3, 33),
        (2, 3, 67),
        (0, 7, 0),
        (7, 7, 100),
    ],
)
def test_a_share_is_rounded_once_from_its_counts_halves_up(part, whole, expected):
    assert whole_percent_of(part, whole) == expected


def test_every_share_of_up_to_four_hundred_is_the_exact_fraction_rounded_halves_up():
    for whole in range(1, 401):
        for part in range(whole + 1):
            assert whole_percent_of(part, whole) == exact(part, whole), (part, whole)


def test_a_share_of_nothing_is_refused_rather_than_guessed():
    with pytest.raises(ValueError):
        whole_percent_of(0, 0)


def _eleven(community, *, positive: int = 5):
    """Eleven participants, one post each; the first `positive` are positive, relevant to them and
    mention the brand, the rest negative and find it irrelevant. 5 of 11 is 45.45%."""
    discussion = DiscussionFactory(community=community, title="Your week")
    posts = []
    for i in range(11):
        good = i < positive
        polarity = "positive" if good else "negative"
        posts.append(
            analysed_post(
                discussion=discussion,
                author=MembershipFactory(community=community, role=Role.PARTICIPANT, segments=["app users"]),
                sentiment=polarity,
                relevance="relevant" if good else "irrelevant",
                dimensions=[{"dimension": "service", "polarity": polarity, "score": 0.5, "phrase": "staff"}],
                mentions=[{"brand": "Acme", "is_competitor": False, "sentiment": polarity, "phrase": "Acme"}]
                if good
                else [],
            )
        )
    return discussion, posts


def test_the_insights_numbers_are_whole_percents_of_the_exact_counts(community):
    _, posts = _eleven(community)
    theme(community, "staff", "the staff", posts[:5])
    overview = dashboard_overview(community=community, filters=DashboardFilters())
    service = next(d for d in overview["dimensions"] if d["key"] == "service")
    acme = next(m for m in overview["mentions"] if m["brand"] == "Acme")
    assert (overview["relevance"]["relevant_pct"], overview["relevance"]["irrelevant_pct"]) == (45, 55)
    assert (service["positive_pct"], service["negative_pct"]) == (45, 55)
    assert acme["participant_pct"] == 45
    rows = dashboard_themes(community=community, filters=DashboardFilters(), total_participants=11)
    assert [r.share for r in rows] == [45]


def test_the_dashboard_says_45_percent_for_5_of_11_on_its_cards_charts_and_tables(client, community, carol):
    _, posts = _eleven(community)
    theme(community, "staff", "the staff", posts[:5])
    client.force_login(carol)
    html = client.get(reverse("research:dashboard", args=["acme"])).content.decode()
    assert "45% of participants" in html  # the theme card
    assert ">45%<" in html  # the charts' labels and tables
    assert "45% positive" in html and "55% negative" in html  # the perception card and chart
    # What rounding to one decimal first (45.5) and then to whole percent (46) said.
    assert "46%" not in html


def test_the_gap_page_says_45_percent_for_5_of_11_posts(client, community, bob, carol):
    _eleven(community)
    card = DiscussionFactory(community=community, title="Rate us", kind=DiscussionKind.SCORECARD)
    scorecard = scorecard_ensure(discussion=card)
    for member, score in ((membership_of(bob, community), 8), (membership_of(carol, community), 20)):
        scorecard_submit(
            scorecard=scorecard, member=member, ratings={d.pk: score for d in scorecard.dimensions.all()}
        )
    client.force_login(carol)
    html = client.get(reverse("research:gap", args=["acme"])).content.decode()
    assert ">45%<" in html and ">55%<" in html
    assert "46%" not in html


def test_a_theme_summary_and_the_themes_report_give_the_same_share(client, community, alice):
    _, posts = _eleven(community)
    t = theme(community, "staff", "the staff", posts)
    t.sentiment_mix = {"positive": 5, "negative": 6, "neutral": 0}
    t.summary = theme_summary(post_count=11, participant_count=11, sentiment_mix=t.sentiment_mix)
    t.save(update_fields=["sentiment_mix", "summary"])
    assert "45% positive, 55% negative" in Theme.objects.get(pk=t.pk).summary

    client.force_login(alice)
    response = client.get(reverse("research:export_themes_xlsx", args=["acme"]))
    sheet = load_workbook(
        BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )["Themes"]
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    got = dict(zip(header, row, strict=True))
    # 5 of 11 is 0.4545...: the report said 0.455, which reads as 46% beside the summary's 45%.
    assert (got["positive_share"], got["negative_share"]) == (0.45, 0.55)
    assert "45% positive" in got["summary"]


@pytest.mark.parametrize(
    "counts, expected",
    [
        ([1, 1, 4], [17, 17, 66]),  # 16.67 + 16.67 + 66.67: halves up alone says 17 + 17 + 67 = 101
        ([1, 1, 1], [34, 33, 33]),  # 33.3 each: halves up alone says 99; the first takes the spare point
        ([16, 6, 9], [52, 19, 29]),  # already 100 when each is rounded alone: unchanged
        ([0, 0, 7], [0, 0, 100]),
    ],
)
def test_a_themes_sentiment_mix_adds_up_to_100(counts, expected):
    assert whole_percents_of(counts) == expected and sum(expected) == 100
    assert all(
        abs(pc - whole_percent_of(n, sum(counts))) <= 1 for pc, n in zip(expected, counts, strict=True)
    )


def test_a_theme_summary_says_a_mix_that_adds_up_to_100():
    summary = theme_summary(
        post_count=6, participant_count=6, sentiment_mix={"positive": 1, "negative": 1, "neutral": 4}
    )
    assert summary.endswith("17% positive, 17% negative, 66% neutral.")


# --- Ratings and gaps: one decimal, rounded once from the exact mean, the same on every surface ---


def _rate_privacy(community, carol, participant_scores, *, client_score=20):
    """A scorecard whose Privacy the participants rate `participant_scores` (one each) and the
    client team `client_score`; every other dimension 12 from everyone."""
    card = DiscussionFactory(community=community, title="Rate us", kind=DiscussionKind.SCORECARD)
    scorecard = scorecard_ensure(discussion=card)
    dims = list(scorecard.dimensions.all())
    for value in participant_scores:
        member = MembershipFactory(community=community, role=Role.PARTICIPANT)
        scorecard_submit(
            scorecard=scorecard,
            member=member,
            ratings={d.pk: value if d.name == "Privacy" else 12 for d in dims},
        )
    scorecard_submit(
        scorecard=scorecard,
        member=membership_of(carol, community),
        ratings={d.pk: client_score if d.name == "Privacy" else 12 for d in dims},
    )
    return card


def _gap_figures(html: str) -> tuple[list[str], str]:
    cards = re.findall(r'<span class="stat-value">([^<]*)</span>', html)
    table = re.search(r"<th scope=\"row\">Privacy</th>((?:<td class=\"num\">[^<]*</td>)+)", html).group(1)
    return cards, table


def test_a_mean_of_14_25_is_14_3_on_the_gap_cards_in_the_chart_and_its_table(client, community, carol):
    # 14, 14, 14, 15: f"{14.25:.1f}" said 14.2 in the chart beside the card's 14.3.
    _rate_privacy(community, carol, [14, 14, 14, 15])
    client.force_login(carol)
    html = client.get(reverse("research:gap", args=["acme"])).content.decode()
    cards, table = _gap_figures(html)
    # The gap, 5.75, is rounded from the exact means too (not 20.0 - 14.3).
    assert "14.3" in cards and "+5.8" in cards
    assert '<td class="num">20.0</td><td class="num">14.3</td><td class="num">+5.8</td>' in table
    assert "Customers: 14.3" in html and "gap +5.8" in html
    assert "14.2" not in html


def test_a_mean_is_rounded_once_from_its_ratings_not_from_two_decimals(client, community, alice, carol):
    # 13 fifteens and 16 fourteens: 419 / 29 = 14.448..., which is 14.4. Stored as 14.45 first, it
    # was shown as 14.5; the gap, 5.551..., is 5.6 either way.
    card = _rate_privacy(community, carol, [15] * 13 + [14] * 16)
    client.force_login(carol)
    html = client.get(reverse("research:gap", args=["acme"])).content.decode()
    cards, table = _gap_figures(html)
    assert "14.4" in cards and "+5.6" in cards and "14.5" not in html
    assert '<td class="num">14.4</td><td class="num">+5.6</td>' in table
    # The API gives two decimals, rounded once from the same exact mean.
    rows = api_for(carol).get(reverse("api:gap", args=["acme"])).json()
    privacy = next(r for r in rows if r["dimension"] == "Privacy")
    assert (privacy["participant_mean"], privacy["client_mean"], privacy["gap"]) == (14.45, 20.0, 5.55)
    # The moderators' results page says what the gap page says.
    client.force_login(alice)
    results = client.get(reverse("scorecard_results", args=["acme", card.pk])).content.decode()
    assert "14.4 <span" in results and "5.6</td>" in results and "14.5" not in results


def test_a_gap_that_rounds_to_nothing_has_no_direction_and_explains_nothing(client, community, carol):
    # 21 participants: 20 give 20, one gives 19, so the gap is 1/21 = 0.047..., shown as 0.0.
    _rate_privacy(community, carol, [20] * 20 + [19])
    privacy = next(r for r in perception_gap(community=community)["rows"] if r["dimension"] == "Privacy")
    assert privacy["quote_side"] is None
    assert charts.signed(privacy["gap"]) == "0.0" and charts.signed(-0.04) == "0.0"
    client.force_login(carol)
    html = client.get(reverse("research:gap", args=["acme"])).content.decode()
    assert "gap: you agree" in html and "+0.0" not in html and "-0.0" not in html
