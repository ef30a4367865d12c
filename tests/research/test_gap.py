"""The perception gap page: self-assessment beside scorecard ratings beside the posts' evidence."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse

from community.models import DiscussionKind
from community.services.scorecards import scorecard_ensure, scorecard_submit
from research.dashboard_selectors import perception_gap
from tests.browser.conftest import SCREENSHOTS, browser  # noqa: F401 - a fixture
from tests.conftest import membership_of
from tests.factories import DiscussionFactory
from tests.research.insights_data import PII_BODY, REDACTED, analysed_post, scorecard_answers, seed, theme

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


# --- The dashboard's filters ----------------------------------------------------------------------


def in_store_complaint(community):
    """A shopper in another segment and discussion who complains about privacy: every filter
    tells their post apart from Bob's."""
    from community.models import Role
    from tests.factories import MembershipFactory

    shopper = MembershipFactory(community=community, role=Role.PARTICIPANT, segments=["in-store"])
    checkout = DiscussionFactory(community=community, title="Checkout")
    text = "They track me round the shop."
    analysed_post(
        discussion=checkout,
        author=shopper,
        body=text,
        redacted=text,
        dimensions=[
            {"dimension": "privacy", "polarity": "negative", "score": -1.0, "phrase": "They track me"}
        ],
    )
    return checkout


def privacy_card(html):
    return html.split('card-title" id="gap-1-h">Privacy</h3>')[1].split("</article>")[0]


def test_a_filter_narrows_the_posts_evidence_and_quotes_but_not_the_ratings(client, community, bob, carol):
    setup_gap(community, bob, carol)
    in_store_complaint(community)
    assert privacy_row(community)["evidence"]["negative"] == 2
    client.force_login(carol)
    html = client.get(gap_url(), {"segment": "in-store"}).content.decode()
    assert '<option value="in-store" selected>' in html and "were not applied" not in html
    card = privacy_card(html)
    # The ratings are everyone's; the evidence and the quotes are the shopper's alone.
    assert '<span class="stat-value">20.0</span>' in card and '<span class="stat-value">8.0</span>' in card
    assert "of 1 post on it are negative" in card
    assert "<mark>They track me</mark> round the shop." in card and REDACTED not in card
    assert "Ratings are not posts, so the segment, dates and brand narrow only" in html
    # Unfiltered, both posts count, and the page says nothing about filters.
    html = client.get(gap_url()).content.decode()
    assert "of 2 posts on it are negative" in privacy_card(html) and "gap-filters-note" not in html


def test_a_discussion_narrows_the_ratings_to_its_scorecard(client, community, bob, carol):
    from community.models import Discussion, DiscussionKind

    setup_gap(community, bob, carol)
    checkout = in_store_complaint(community)
    card = Discussion.objects.get(community=community, kind=DiscussionKind.SCORECARD)
    client.force_login(carol)
    html = client.get(gap_url(), {"discussion": checkout.pk}).content.decode()
    assert "No scorecard in this discussion" in html and "gap +12" not in html
    html = client.get(gap_url(), {"discussion": card.pk}).content.decode()
    assert "Ratings are those of the scorecard in “Rate us”" in html
    assert "gap +12" in html and "of 0 posts on it are negative" in privacy_card(html)


def test_bad_filters_are_shown_as_errors_and_not_applied(client, community, bob, carol):
    setup_gap(community, bob, carol)
    in_store_complaint(community)
    client.force_login(carol)
    for params, error in (
        (
            {"date_to": "9999-12-31"},
            "To: 9999-12-31 is out of range; use a date between 1900-01-01 and 2999-12-31.",
        ),
        ({"date_from": "2026-02-10", "date_to": "2026-02-01"}, "To: must be on or after From."),
        ({"segment": "nobody"}, "Select a valid choice. nobody is not one of the available choices."),
    ):
        response = client.get(gap_url(), params)
        assert response.status_code == 200
        html = response.content.decode()
        assert "These filters have errors and were not applied" in html and error in html, params
        # Everything is shown, unfiltered, rather than passed off as filtered.
        assert "of 2 posts on it are negative" in privacy_card(html) and "gap-filters-note" not in html


def test_it_refuses_participants_and_outsiders_whatever_the_filters(client, community, bob, carol, eve):
    checkout = in_store_complaint(community)
    setup_gap(community, bob, carol)
    for user in (bob, eve):
        client.force_login(user)
        for params in ({"segment": "in-store"}, {"discussion": checkout.pk}, {"date_to": "9999-12-31"}):
            assert client.get(gap_url(), params).status_code == 404, (user.username, params)


def test_the_filtered_page_keeps_its_queries_constant_as_posts_grow(
    client, community, bob, carol, django_assert_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    discussion = setup_gap(community, bob, carol)
    client.force_login(carol)
    params = {"segment": "app users", "brand": "Southgate", "date_from": "2020-01-01"}
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        client.get(gap_url(), params)
    for _ in range(20):
        analysed_post(discussion=discussion, author=membership_of(bob, community))
    cache.clear()
    with django_assert_num_queries(len(first.captured_queries)):
        html = client.get(gap_url(), params).content.decode()
    assert "of 22 posts on it are negative" not in html  # privacy: only the one post speaks of it
    assert "of 1 post on it are negative" in privacy_card(html)


def test_the_page_and_the_api_give_the_same_gap_for_the_same_filters(community, bob, carol):
    from research.dashboard_selectors import DashboardFilters
    from research.exports.selectors import gap_dimensions

    setup_gap(community, bob, carol)
    in_store_complaint(community)
    for filters in (
        DashboardFilters(),
        DashboardFilters(segment="in-store"),
        DashboardFilters(brand="Southgate"),
    ):
        page = {r["dimension"]: r for r in perception_gap(community=community, filters=filters)["rows"]}
        api = {r["dimension"]: r for r in gap_dimensions(community=community, filters=filters)}
        for name, row in page.items():
            ev = row["evidence"] or {}
            assert (api[name]["gap"], api[name]["posts"]["negative"]) == (row["gap"], ev.get("negative", 0))
            # The API gives both sides; the page the one that explains the gap, among them.
            assert {q["post_id"] for q in row["quotes"]} <= {p.pk for p in api[name]["quote_posts"]}


# --- Quotes that explain the gap, numbers in one format, charts readable on a phone ---------------


def rate(discussion, *, participant: int, client: int, participant_member, client_member):
    """Every dimension of a fresh scorecard rated `participant` by customers, `client` by the team."""
    card = DiscussionFactory(community=discussion.community, title="Rate us", kind=DiscussionKind.SCORECARD)
    scorecard = scorecard_ensure(discussion=card)
    dims = list(scorecard.dimensions.all())
    scorecard_submit(
        scorecard=scorecard, member=participant_member, ratings={d.pk: participant for d in dims}
    )
    scorecard_submit(scorecard=scorecard, member=client_member, ratings={d.pk: client for d in dims})


def privacy_posts(discussion, author):
    """Four posts, each carrying a different privacy signal (or none), newest last: the glowing post
    with a complaint is newer (and its signal stronger) than the wholly negative one."""
    signal = lambda polarity, score, phrase: [  # noqa: E731
        {"dimension": "privacy", "polarity": polarity, "score": score, "phrase": phrase}
    ]
    make = lambda text, sentiment, dims: analysed_post(  # noqa: E731
        discussion=discussion, author=author, body=text, redacted=text, sentiment=sentiment, dimensions=dims
    )
    return {
        "against": make(
            "They sell my data to anyone who asks.", "negative", signal("negative", -0.4, "They sell my data")
        ),
        "against, in a glowing post": make(
            "Lovely staff. Tracking me across the internet is creepy though.",
            "positive",
            signal("negative", -0.9, "Tracking me across the internet is creepy"),
        ),
        "for": make(
            "I trust them with my data, they only use it for my orders.",
            "positive",
            signal("positive", 0.8, "I trust them with my data"),
        ),
        "other dimension": make(
            "The courier was rude.",
            "negative",
            [
                {
                    "dimension": "service",
                    "polarity": "negative",
                    "score": -1.0,
                    "phrase": "The courier was rude",
                }
            ],
        ),
    }


def privacy_row(community):
    return next(r for r in perception_gap(community=community)["rows"] if r["dimension"] == "Privacy")


def test_it_explains_a_higher_self_rating_only_with_quotes_against_the_brand_on_that_dimension(
    community, bob, carol
):
    discussion, _, _ = seed(community, author=membership_of(bob, community))
    privacy_posts(discussion, membership_of(bob, community))
    rate(
        discussion,
        participant=8,
        client=20,
        participant_member=membership_of(bob, community),
        client_member=membership_of(carol, community),
    )
    row = privacy_row(community)
    assert row["quote_side"] == "negative"
    # Both quotes are negative on privacy; the one whose whole post is negative comes first, and
    # neither the positive privacy post nor the negative service post is offered as a reason.
    assert [q["text"] for q in row["quotes"]] == [
        "They sell my data to anyone who asks.",
        "Lovely staff. Tracking me across the internet is creepy though.",
    ]
    assert [q["evidence"] for q in row["quotes"]] == [
        "They sell my data",
        "Tracking me across the internet is creepy",
    ]


def test_it_explains_a_lower_self_rating_with_quotes_for_the_brand_on_that_dimension(
    client, community, bob, carol
):
    discussion, _, _ = seed(community, author=membership_of(bob, community))
    privacy_posts(discussion, membership_of(bob, community))
    rate(
        discussion,
        participant=20,
        client=8,
        participant_member=membership_of(bob, community),
        client_member=membership_of(carol, community),
    )
    row = privacy_row(community)
    assert row["quote_side"] == "positive"
    assert [q["evidence"] for q in row["quotes"]] == ["I trust them with my data"]
    client.force_login(carol)
    html = client.get(gap_url()).content.decode()
    assert "Why customers rate it higher" in html
    assert "<mark>I trust them with my data</mark>, they only use it for my orders." in html
    assert "customers rate it higher" in html and "-12.0" in html


def test_it_offers_no_reasons_where_the_team_and_customers_agree(client, community, bob, carol):
    discussion, _, _ = seed(community, author=membership_of(bob, community))
    privacy_posts(discussion, membership_of(bob, community))
    rate(
        discussion,
        participant=12,
        client=12,
        participant_member=membership_of(bob, community),
        client_member=membership_of(carol, community),
    )
    row = privacy_row(community)
    assert row["quote_side"] is None and row["quotes"] == []
    client.force_login(carol)
    html = client.get(gap_url()).content.decode()
    assert "Why customers rate it" not in html and "gap: you agree" in html


def test_it_never_brings_back_words_the_redaction_removed(client, community, bob, carol):
    discussion, _, _ = seed(community, author=membership_of(bob, community))
    analysed_post(
        discussion=discussion,
        author=membership_of(bob, community),
        dimensions=[
            {"dimension": "privacy", "polarity": "negative", "score": -1.0, "phrase": "Ask Bob Participant"}
        ],
    )
    scorecard_answers(
        discussion, participant=membership_of(bob, community), client=membership_of(carol, community)
    )
    quote = privacy_row(community)["quotes"][0]
    assert quote["evidence"] == "" and quote["before"] == REDACTED
    client.force_login(carol)
    html = client.get(gap_url()).content.decode()
    assert "Bob Participant" not in html and REDACTED in html


def test_it_shows_every_rating_and_gap_to_one_decimal_and_every_share_in_whole_percent(
    client, community, bob, carol
):
    setup_gap(community, bob, carol)
    client.force_login(carol)
    html = client.get(gap_url()).content.decode()
    values = re.findall(r'<span class="stat-value">([^<]*)</span>', html)
    assert values and all(re.fullmatch(r"[+-]?\d+\.\d|\d+%|–", v) for v in values), values
    assert {"20.0", "8.0", "+12.0", "100%"} <= set(values)
    assert '<span class="gap-big">12.0</span>' in html
    assert "gap +12.0" in html  # the chart
    assert '<td class="num">20.0</td><td class="num">8.0</td><td class="num">+12.0</td>' in html  # its table


@pytest.mark.browser
def test_it_keeps_every_chart_label_readable_on_a_phone(
    browser,  # noqa: F811
    live_server,
    client,
    community,
    bob,
    carol,
):
    discussion = setup_gap(community, bob, carol)
    # Labels as long as real ones get, in the themes and the brand mentions.
    theme(
        community,
        "slots",
        "Delivery slots that never match when I am actually at home",
        discussion.posts.all(),
    )
    community.competitor_brands = ["Brightwell Home and Garden Superstores"]
    community.save(update_fields=["competitor_brands"])
    client.force_login(carol)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    try:
        page = context.new_page()
        for path, shot in (
            (gap_url(), "ui-phone-gap"),
            (reverse("research:dashboard", args=["acme"]), "ui-phone-dashboard"),
        ):
            page.goto(path)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"{shot}.png"), full_page=True)
            found = page.evaluate(MEASURE)
            assert found["texts"] >= 4, (path, found)
            assert found["smallest"] >= 12, (path, found)
            assert not found["overlaps"], (path, found)
            assert not found["outside"], (path, found)
            assert not found["page_scrolls_sideways"], (path, found)
    finally:
        context.close()


# Every word in the charts as a phone draws it: its size in CSS pixels, and whether it overlaps
# another word or runs out of its chart.
MEASURE = """() => {
  const texts = [...document.querySelectorAll("figure.insight-chart svg text")]
    .map(t => ({t, box: t.getBoundingClientRect(), svg: t.ownerSVGElement.getBoundingClientRect()}))
    .filter(x => x.box.width > 0);
  const size = ({t}) => {
    const svg = t.ownerSVGElement, vb = svg.viewBox.baseVal;
    const scale = vb && vb.width ? svg.getBoundingClientRect().width / vb.width : 1;
    return parseFloat(getComputedStyle(t).fontSize) * scale;
  };
  const hit = (a, b) => a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const overlaps = [];
  texts.forEach((a, i) => texts.slice(i + 1).forEach(b => {
    if (hit(a.box, b.box)) overlaps.push([a.t.textContent, b.t.textContent]);
  }));
  return {
    texts: texts.length,
    smallest: Math.min(...texts.map(size)),
    overlaps,
    outside: texts.filter(x => x.box.left < x.svg.left - 1 || x.box.right > x.svg.right + 1).map(x => x.t.textContent),
    page_scrolls_sideways: document.documentElement.scrollWidth > window.innerWidth,
  };
}"""


# --- Former members' answers --------------------------------------------------------------------


def test_it_says_how_many_customer_ratings_come_from_former_members(
    client, community, bob, carol, eve, django_assert_num_queries
):
    """Bob erases his account: his answers stay, anonymised, in the customers' ratings, and the page
    says so as the scorecard's results and completion pages do; participants and outsiders are
    still refused, and the note costs one query whatever the number of answers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from community.models import Discussion, Role
    from community.services.privacy import user_erase
    from tests.factories import MembershipFactory

    setup_gap(community, bob, carol)
    scorecard = Discussion.objects.get(community=community, title="Rate us").scorecard
    kim = MembershipFactory(community=community, role=Role.PARTICIPANT)
    scorecard_submit(scorecard=scorecard, member=kim, ratings={d.pk: 10 for d in scorecard.dimensions.all()})
    client.force_login(carol)
    assert "former members" not in client.get(gap_url()).content.decode()

    user_erase(user=bob, password="correct horse battery")

    with CaptureQueriesContext(connection) as first:
        html = client.get(gap_url()).content.decode()
    assert "customers (2 ratings)" in html
    assert "Customers’ ratings also count 1 response from former members (2 in all)" in html
    for _ in range(3):
        member = MembershipFactory(community=community, role=Role.PARTICIPANT)
        scorecard_submit(
            scorecard=scorecard, member=member, ratings={d.pk: 9 for d in scorecard.dimensions.all()}
        )
    with django_assert_num_queries(len(first.captured_queries)):
        html = client.get(gap_url()).content.decode()
    assert "Customers’ ratings also count 1 response from former members (5 in all)" in html
    # Another discussion chosen: that scorecard's answers only (none here), so no note.
    other = DiscussionFactory(community=community, title="Checkout")
    html = client.get(gap_url(), {"discussion": other.pk}).content.decode()
    assert "former members" not in html
    client.force_login(eve)
    assert client.get(gap_url()).status_code == 404
