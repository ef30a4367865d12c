"""Insights in a real browser: a participant answers, a moderator hides the answer and it leaves the
client's dashboard; the client reads the dashboard and the perception gap with their charts.

Analysis is the fast fake (tests/research/fakes.py), so the test checks the pages, not spaCy.
Screenshots: var/screenshots/insights-*.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from community.models import Post
from research.models import PostAnalysis, ThemePost
from research.services import posts_analyze
from tests.conftest import membership_of
from tests.research.fakes import fake_nlp  # noqa: F401 - a fixture
from tests.research.insights_data import scorecard_answers, seed

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
ANSWER = "The courier left my parcel in the rain again, so the delivery was bad."


def sign_in(context, username: str):
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label(re.compile(r"user ?name|e-?mail", re.I)).fill(username)
    page.get_by_label(re.compile(r"^\s*password", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"sign in|log in", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
    return page


@pytest.fixture
def contexts(browser, live_server):
    opened = []

    def new():
        context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        opened.append(context)
        return context

    yield new
    for context in opened:
        context.close()


def test_it_takes_a_hidden_answer_off_the_client_dashboard(
    contexts,
    screenshot,
    community,
    alice,
    bob,
    carol,
    fake_nlp,  # noqa: F811
):
    discussion, posts, theme = seed(community, n=4)
    scorecard_answers(
        discussion, participant=membership_of(bob, community), client=membership_of(carol, community)
    )

    # A participant answers the activity.
    participant = sign_in(contexts(), "bob")
    participant.goto(f"/c/acme/d/{discussion.pk}/")
    participant.get_by_label(re.compile(r"your response|add a response", re.I)).fill(ANSWER)
    participant.get_by_role("button", name="Post", exact=True).click()
    expect(participant.get_by_text(ANSWER).first).to_be_visible()
    screenshot(participant, "insights-1-participant-answered")

    answer = Post.objects.get(body=ANSWER)
    if not PostAnalysis.objects.filter(post=answer).exists():
        posts_analyze(post_ids=[answer.pk])
    ThemePost.objects.filter(theme=theme, is_quote=True).update(quote_rank=5)
    ThemePost.objects.update_or_create(theme=theme, post=answer, defaults={"is_quote": True, "quote_rank": 0})

    # The client sees the answer quoted under its theme, with charts.
    client = sign_in(contexts(), "carol")
    client.goto("/c/acme/insights/")
    expect(client.get_by_role("heading", name="What customers are saying")).to_be_visible()
    expect(client.get_by_text("left my parcel in the rain").first).to_be_visible()
    expect(client.get_by_role("img", name=re.compile("Themes by share of participants"))).to_be_visible()
    screenshot(client, "insights-2-client-dashboard-before-hide")

    # The moderator hides it.
    moderator = sign_in(contexts(), "alice")
    moderator.goto(f"/c/acme/d/{discussion.pk}/")
    item = moderator.locator(f"#post-{answer.pk}")
    item.get_by_text("Moderate").click()
    item.get_by_label("Action").select_option("hide")
    item.get_by_label("Reason").fill("Off topic for the client readout")
    item.get_by_role("button", name="Apply").click()
    expect(moderator.get_by_text(re.compile("hidden", re.I)).first).to_be_visible()
    screenshot(moderator, "insights-3-moderator-hid-post")
    answer.refresh_from_db()
    assert answer.status == "hidden"

    # It is gone from the client's dashboard.
    client.reload()
    expect(client.get_by_role("heading", name="What customers are saying")).to_be_visible()
    expect(client.get_by_text("left my parcel in the rain")).to_have_count(0)
    screenshot(client, "insights-4-client-dashboard-after-hide")


def test_it_shows_the_client_the_perception_gap_chart(contexts, screenshot, community, bob, carol):
    discussion, _, _ = seed(community, n=4)
    scorecard_answers(
        discussion, participant=membership_of(bob, community), client=membership_of(carol, community)
    )
    client = sign_in(contexts(), "carol")
    client.goto("/c/acme/insights/")
    client.get_by_role("link", name="Perception gap").click()
    expect(client.get_by_role("heading", name="The perception gap")).to_be_visible()
    chart = client.get_by_role("img", name=re.compile("Perception gap: how you rate yourselves"))
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 100
    client.get_by_text(re.compile("Show the data behind “Perception gap")).click()
    expect(client.get_by_role("cell", name="+12").first).to_be_visible()
    screenshot(client, "insights-5-client-perception-gap")


def test_it_lets_a_moderator_code_a_selected_excerpt_and_curate_a_theme(
    contexts, screenshot, community, alice
):
    from research.models import Code, CodedExcerpt

    discussion, posts, theme = seed(community, n=3)
    Code.objects.create(
        community=community, name="Delivery pain", description="Late, lost or damaged parcels"
    )
    moderator = sign_in(contexts(), "alice")
    moderator.goto("/c/acme/coding/")
    text = moderator.locator("[data-coding-text]").first
    post_id = int(text.locator("xpath=ancestor::article").get_attribute("data-post"))
    body = Post.objects.get(pk=post_id).body
    start = body.index("slow and rude")
    # Select the words the way a mouse drag would, then let coding.js read the selection.
    text.evaluate(
        """(el, [start, end]) => {
            const node = el.querySelector("p").firstChild, range = document.createRange();
            range.setStart(node, start); range.setEnd(node, end);
            const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        }""",
        [start, start + len("slow and rude")],
    )
    card = moderator.locator(f"article[data-post='{post_id}']")
    expect(card.get_by_text("Selected 13 characters.")).to_be_visible()
    card.get_by_role("button", name="Apply code").click()
    expect(card.get_by_text(re.compile("Coded “slow and rude” as Delivery pain"))).to_be_visible()
    screenshot(moderator, "insights-6-moderator-coding")
    excerpt = CodedExcerpt.objects.get()
    assert (excerpt.start, excerpt.text) == (start, "slow and rude")

    moderator.goto(f"/c/acme/themes/{theme.pk}/")
    moderator.get_by_label("Name", exact=True).fill("Couriers are rude")
    moderator.get_by_role("button", name="Rename").click()
    moderator.get_by_label("Summary for clients").fill("Three customers describe rude, slow couriers.")
    moderator.get_by_role("button", name="Save summary").click()
    expect(moderator.get_by_role("heading", name="Couriers are rude")).to_be_visible()
    screenshot(moderator, "insights-7-moderator-curates-theme")


MARKDOWN_BODY = (
    "The courier was **slow and rude** at the door, see [my photos](https://example.com/photos).\n\n"
    "- parcel left in the _rain_\n- no card"
)


def test_it_shows_a_post_rendered_for_coding_and_codes_words_selected_across_its_markup(
    contexts, screenshot, community, alice
):
    from community.markdown import render_markdown
    from research.models import Code, CodedExcerpt
    from tests.factories import DiscussionFactory, PostFactory

    discussion = DiscussionFactory(community=community, title="Deliveries")
    post = PostFactory(discussion=discussion, body=MARKDOWN_BODY, body_html=render_markdown(MARKDOWN_BODY))
    Code.objects.create(community=community, name="Delivery pain")
    moderator = sign_in(contexts(), "alice")
    moderator.goto("/c/acme/coding/")
    card = moderator.locator(f"article[data-post='{post.pk}']")
    text = card.locator("[data-coding-text]")
    # Rendered as on the discussion page: bold, a link, a list; no Markdown syntax in sight.
    expect(text.locator("strong")).to_have_text("slow and rude")
    expect(text.get_by_role("link", name="my photos")).to_be_visible()
    expect(text.locator("li")).to_have_count(2)
    assert "**" not in text.inner_text() and "](" not in text.inner_text()
    screenshot(moderator, "insights-8-moderator-codes-rendered-markdown")

    # Drag from "was" into the bold words: the selection crosses the <strong>.
    text.evaluate(
        """(el) => {
            const p = el.querySelector("p"), range = document.createRange();
            const plain = p.firstChild, bold = p.querySelector("strong").firstChild;
            range.setStart(plain, plain.data.indexOf("was")); range.setEnd(bold, "slow and".length);
            const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        }"""
    )
    expect(card.get_by_text("Selected 12 characters.")).to_be_visible()
    card.get_by_role("button", name="Apply code").click()
    expect(card.get_by_text("Coded “was slow and” as Delivery pain.")).to_be_visible()
    excerpt = CodedExcerpt.objects.get()
    # Stored in offsets of what the author typed, as the .qdpx export hands it on.
    assert MARKDOWN_BODY[excerpt.start : excerpt.end] == excerpt.text == "was **slow and"

    # Words inside the link: the source's own characters, never the address.
    text.evaluate(
        """(el) => {
            const a = el.querySelector("a").firstChild, range = document.createRange();
            range.setStart(a, 3); range.setEnd(a, 9);
            const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
        }"""
    )
    expect(card.get_by_text("Selected 6 characters.")).to_be_visible()
    card.get_by_role("button", name="Apply code").click()
    expect(card.get_by_text("Coded “photos” as Delivery pain.")).to_be_visible()
    second = CodedExcerpt.objects.order_by("pk").last()
    assert MARKDOWN_BODY[second.start : second.end] == second.text == "photos"
    # Reloaded, the coded list shows the excerpts as the page shows the post.
    moderator.reload()
    expect(card.locator(".coded-list")).to_contain_text("“was slow and”")
