"""Layout checks a view test cannot make: where things land on a phone and inside which card.

Screenshots: var/screenshots/layout-*.png.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from community.models import Role
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's password
PHONE = {"width": 390, "height": 844}


def sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_label(re.compile(r"user ?name|e-?mail", re.I)).fill(username)
    page.get_by_label(re.compile(r"^\s*password", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"sign in|log in", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def inside(inner: dict, outer: dict) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["y"] >= outer["y"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
    )


def test_it_shows_every_role_badge_whole_on_the_members_page_of_a_phone(
    page, screenshot, community, alice, bob, carol
):
    for _ in range(3):
        MembershipFactory(community=community, role=Role.PARTICIPANT)
    page.set_viewport_size(PHONE)
    sign_in(page, "alice")
    page.goto("/c/acme/members/")

    table = page.get_by_role("table", name=re.compile("Members of"))
    expect(table).to_be_visible()
    # The table fits the screen: nothing hides past a sideways scroll.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    box = table.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    badges = table.get_by_text(re.compile(r"^(Participant|Moderator|Client)$"))
    assert badges.count() == 6
    for i in range(badges.count()):
        badge = badges.nth(i)
        badge.scroll_into_view_if_needed()
        assert inside(badge.bounding_box(), table.bounding_box()), badge.inner_text()
        # Whole words, not "Moderat": the badge's text is not cut by its own box either.
        assert badge.evaluate("el => el.scrollWidth <= el.clientWidth")
    screenshot(page, "layout-members-phone")


def test_it_puts_the_reply_toggle_inside_the_card_of_the_post_it_answers(page, screenshot, community, bob):
    board = DiscussionFactory(community=community, title="Checkout")
    other = MembershipFactory(community=community, role=Role.PARTICIPANT)
    first = PostFactory(discussion=board, author=other, body="The app forgets my size.")
    PostFactory(discussion=board, author=membership_of(bob, community), body="Mine too.", parent=first)
    second = PostFactory(discussion=board, author=other, body="Delivery was quick.")
    sign_in(page, "bob")
    page.goto(f"/c/acme/d/{board.pk}/")

    for post in (first, second):
        article = page.locator(f"#post-{post.pk}")
        toggle = page.get_by_text("Reply", exact=True).and_(
            page.locator(
                f"xpath=//*[@id='post-{post.pk}']/ancestor::*[contains(@class,'thread')][1]//summary"
            )
        )
        expect(toggle).to_be_visible()
        card = article.locator("xpath=ancestor::*[contains(concat(' ', @class, ' '), ' card ')][1]")
        assert inside(toggle.bounding_box(), card.bounding_box())
        # The card is drawn: a border frames the post and its toggle together.
        assert card.evaluate("el => getComputedStyle(el).borderTopStyle") != "none"
    screenshot(page, "layout-discussion-reply")


def test_it_lets_a_participant_rate_on_a_phone_by_slider_or_by_number(page, screenshot, community, bob):
    from community.models import ScorecardResponse
    from community.services.scorecards import scorecard_ensure
    from tests.community.engagement_helpers import scorecard_activity

    activity = scorecard_activity(community)
    scorecard = scorecard_ensure(discussion=activity)
    page.set_viewport_size(PHONE)
    sign_in(page, "bob")
    page.goto(f"/c/acme/d/{activity.pk}/scorecard/")

    expect(page.get_by_text("Not at all").first).to_be_visible()
    expect(page.get_by_text("Completely").first).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    sliders = page.locator("input[type=range]")
    for i in range(sliders.count()):
        sliders.nth(i).fill(str(20 + i))  # dragging the slider writes the number in the box
    expect(page.get_by_label("Privacy")).to_have_value("20")
    page.get_by_label("Understanding me").fill("7")  # and typing moves the slider
    screenshot(page, "layout-scorecard-phone")
    page.get_by_role("button", name=re.compile("Save my ratings")).click()

    saved = {
        r.dimension.name: r.value for r in ScorecardResponse.objects.get(scorecard=scorecard).ratings.all()
    }
    assert saved["Privacy"] == 20 and saved["Understanding me"] == 7
