"""What clients read on the insight pages: quotes without Markdown markers, posts formatted as the
discussion shows them, counts in the singular for one, and segments typed in any case."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from community.models import Role
from research.markdown_text import plain_text
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory
from tests.research.insights_data import analysed_post, scorecard_answers, seed, theme
from tests.research.test_api import api_for

pytestmark = pytest.mark.django_db

FORMATTED = (
    "I *really* like the app but **the checkout keeps crashing** when I pay, ask [NAME].\n\n"
    "- slow delivery\n"
    "- rude driver\n\n"
    "See [the help page](https://example.com/help) <script>alert(1)</script>"
)
MARKERS = ("*really*", "**the checkout", "crashing**", "- slow delivery", "](https://", "<script>")


@pytest.fixture
def formatted(community):
    discussion = DiscussionFactory(community=community, title="Paying in the app")
    author = MembershipFactory(
        community=community, role=Role.PARTICIPANT, pseudonym="Calm Otter", segments=["app users"]
    )
    post = analysed_post(
        discussion=discussion,
        author=author,
        body=FORMATTED.replace("[NAME]", "Dana Smith"),
        redacted=FORMATTED,
        dimensions=[
            {
                "dimension": "service",
                "polarity": "negative",
                "score": -1.0,
                "phrase": "the checkout keeps crashing",
            }
        ],
    )
    return theme(community, "checkout", "checkout crashes", [post], quotes=1)


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_client_reads_quotes_on_the_insights_page_as_plain_text(client, community, carol, formatted):
    html = _page(client, carol, reverse("research:dashboard", args=["acme"]))
    # The theme card's quote and the dimension quote: words, list items and link text, no markers.
    assert "I really like the app but the checkout keeps crashing when I pay, ask [NAME]." in html
    assert "slow delivery · rude driver" in html
    assert "See the help page" in html
    assert "<mark>the checkout keeps crashing</mark>" in html
    for marker in MARKERS:
        assert marker not in html, marker
    assert "&lt;script&gt;" in html  # typed HTML shows as the text it was, never runs


def test_a_client_reads_a_themes_posts_formatted_as_the_discussion_shows_them(
    client, community, carol, formatted
):
    html = _page(client, carol, reverse("research:theme_detail", args=["acme", formatted.pk]))
    assert "<em>really</em>" in html and "<strong>the checkout keeps crashing</strong>" in html
    assert "<li>slow delivery</li>" in html and "<li>rude driver</li>" in html
    assert re.search(r'<a href="https://example.com/help"[^>]*rel="nofollow[^"]*">the help page</a>', html)
    assert "ask [NAME]." in html and "Dana Smith" not in html
    for marker in MARKERS:
        assert marker not in html, marker


def test_a_client_reads_the_gap_pages_quotes_as_plain_text(client, community, bob, carol):
    discussion = DiscussionFactory(community=community, title="Your data")
    text = "I *like* the app, but **it sells my data** to [NAME].\n\n- no opt-out\n- no reply"
    analysed_post(
        discussion=discussion,
        author=membership_of(bob, community),
        body=text,
        redacted=text,
        dimensions=[
            {"dimension": "privacy", "polarity": "negative", "score": -1.0, "phrase": "sells my data"}
        ],
    )
    scorecard_answers(
        discussion, participant=membership_of(bob, community), client=membership_of(carol, community)
    )
    html = _page(client, carol, reverse("research:gap", args=["acme"]))
    assert "I like the app, but it <mark>sells my data</mark> to [NAME]. no opt-out · no reply" in html
    assert "**" not in html and "*like*" not in html and "- no opt-out" not in html


def test_participants_are_refused_the_theme_page(client, community, bob, formatted):
    client.force_login(bob)
    assert client.get(reverse("research:theme_detail", args=["acme", formatted.pk])).status_code == 404


def test_a_long_quote_cut_inside_bold_text_leaves_no_marker(client, community, carol):
    discussion = DiscussionFactory(community=community, title="Banking app")
    author = MembershipFactory(community=community, role=Role.PARTICIPANT, segments=["app users"])
    opening = "My bank moved every card setting into a new menu this spring. " * 4
    long_text = (
        opening + "**Freezing a lost card now takes six taps and " + "a wait, " * 40 + "which is absurd.**"
    )
    post = analysed_post(discussion=discussion, author=author, body=long_text, redacted=long_text)
    theme(community, "cards", "card settings", [post], quotes=1)
    html = _page(client, carol, reverse("research:dashboard", args=["acme"]))
    assert "Freezing a lost card now takes six taps" in html
    assert "**" not in html
    # What is left of a cut excerpt reads the same way.
    assert plain_text("**Freezing a lost card now takes six") == "Freezing a lost card now takes six"
    assert plain_text("takes six taps, which is absurd.**") == "takes six taps, which is absurd."
    assert plain_text("[PHONE]: call me back") == "[PHONE]: call me back"


# --- Counts of one ---


def test_one_participant_is_counted_in_the_singular_on_the_insights_page(client, community, carol):
    seed(community, n=1)
    html = _page(client, carol, reverse("research:dashboard", args=["acme"]))
    assert "late delivery: 100% of 1 participant;" in html or "late delivery: 100% of 1 participant<" in html
    own = html.replace("1 posts about late delivery.", "")  # the test theme's analysis summary
    assert not re.search(r"\b1 (participants|posts|ratings)\b", own)


# --- Segments in any case ---


@pytest.fixture
def lapsed(community):
    _, posts, _ = seed(community, n=2, segment="Lapsed")
    seed(community, n=1, segment="In store", key="queues")
    return posts


@pytest.mark.parametrize("typed", ["lapsed", "LAPSED", "Lapsed"])
def test_the_api_reads_a_segment_in_any_case_as_the_communitys(community, carol, lapsed, typed):
    response = api_for(carol).get(reverse("api:posts", args=["acme"]), {"segment": typed})
    assert response.status_code == 200, response.content
    assert sorted(p["id"] for p in response.json()["results"]) == sorted(p.pk for p in lapsed)


def test_the_api_still_refuses_an_unknown_segment_and_participants(community, carol, bob, lapsed):
    response = api_for(carol).get(reverse("api:posts", args=["acme"]), {"segment": "lapse"})
    assert response.status_code == 400
    assert response.json()["segment"][0].startswith("'lapse' is not a segment of this community")
    assert api_for(bob).get(reverse("api:posts", args=["acme"]), {"segment": "lapsed"}).status_code == 403


def test_the_csv_takes_the_segment_its_file_name_gives(client, community, alice, carol, lapsed):
    client.force_login(alice)
    response = client.get(reverse("research:export_posts_csv", args=["acme"]), {"segment": "lapsed"})
    assert response.status_code == 200
    assert "-posts-filtered-segment-lapsed-" in response["Content-Disposition"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert sorted(int(r["post_id"]) for r in rows) == sorted(p.pk for p in lapsed)
    # The slug a file name carries for a two-word segment.
    store = client.get(reverse("research:export_posts_csv", args=["acme"]), {"segment": "in-store"})
    assert store.status_code == 200 and "-segment-in-store-" in store["Content-Disposition"]
    client.force_login(carol)
    html = client.get(reverse("research:dashboard", args=["acme"]), {"segment": "LAPSED"}).content.decode()
    assert "2 participants, 2 posts matching your filters" in html
