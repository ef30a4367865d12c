"""A 5,000-character word or a pasted long link must not push a phone's page sideways.

Screenshots: var/screenshots/long-word-*.png.
"""

from __future__ import annotations

import re

import pytest

from community.models import Role
from community.services.moderation import post_flag
from community.services.posts import post_create, post_edit
from tests.browser.test_layout import PHONE, sign_in
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory

pytestmark = pytest.mark.browser

LONG_WORD = "Unbelievable" * 417  # 5,004 characters, no space anywhere
LONG_LINK = "https://shop.example.com/account/orders/" + "a1b2c3d4e5" * 40 + "?utm_source=newsletter"


@pytest.fixture
def long_posts(community, alice, bob, carol):
    board = DiscussionFactory(community=community, title="Checkout")
    other = MembershipFactory(community=community, role=Role.PARTICIPANT, pseudonym="Amber Finch")
    word = post_create(author=other, discussion=board, body=f"Before {LONG_WORD} after.", rate_limit=False)
    link = post_create(author=other, discussion=board, body=f"My order page: {LONG_LINK}", rate_limit=False)
    mine = post_create(
        author=membership_of(bob, community), discussion=board, body="First thoughts.", rate_limit=False
    )
    post_edit(editor=membership_of(bob, community), post=mine, body=f"Second thoughts: {LONG_WORD}")
    post_flag(flagger=membership_of(bob, community), post=link, reason=f"Odd link {LONG_LINK}")
    return {"board": board, "word": word, "link": link, "mine": mine}


def fits_the_phone(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize(
    ("user", "where"),
    [
        ("bob", "discussion"),
        ("carol", "discussion"),
        ("alice", "discussion"),
        ("alice", "moderation"),
        ("alice", "coding"),
        ("bob", "history"),
    ],
)
def test_a_very_long_word_or_link_wraps_inside_the_phone_screen(page, screenshot, long_posts, user, where):
    urls = {
        "discussion": f"/c/acme/d/{long_posts['board'].pk}/",
        "moderation": "/c/acme/moderation/?flagged=on&status=published",
        "coding": "/c/acme/coding/",
        "history": f"/c/acme/posts/{long_posts['mine'].pk}/history/",
    }
    page.set_viewport_size(PHONE)
    sign_in(page, user)
    response = page.goto(urls[where])
    assert response.status == 200
    body = page.locator(".post-body", has_text=re.compile("Unbelievable|a1b2c3")).first
    body.wait_for()
    screenshot(page, f"long-word-{where}-{user}")
    assert fits_the_phone(page), page.evaluate("() => document.documentElement.scrollWidth")
    # The text is all there, wrapped onto many lines rather than cut off.
    box = body.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert box["height"] > 100


def test_the_moderator_reads_a_long_flag_reason_wrapped(page, long_posts):
    page.set_viewport_size(PHONE)
    sign_in(page, "alice")
    page.goto("/c/acme/moderation/?flagged=on")
    reason = page.locator(".flags li", has_text="Odd link")
    reason.wait_for()
    assert fits_the_phone(page)
    box = reason.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]


@pytest.mark.parametrize("user", ["alice", "carol", "bob"])
def test_every_community_tab_is_whole_on_a_phone(page, screenshot, community, alice, bob, carol, user):
    page.set_viewport_size(PHONE)
    sign_in(page, user)
    page.goto("/c/acme/")
    tabs = page.locator(".community-nav .tabs a")
    assert tabs.count() >= 3
    assert fits_the_phone(page)
    for i in range(tabs.count()):
        box = tabs.nth(i).bounding_box()
        # Inside the screen, not past its edge behind a scroll nobody can see.
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], tabs.nth(i).inner_text()
    nav = page.locator(".community-nav .tabs")
    assert nav.evaluate("el => el.scrollWidth <= el.clientWidth")
    screenshot(page, f"long-word-tabs-{user}")


def test_the_audit_log_wraps_a_long_reason_inside_its_cell(page, screenshot, long_posts):
    page.set_viewport_size(PHONE)
    sign_in(page, "alice")
    page.goto("/c/acme/audit/")
    cell = page.locator("td", has_text="Odd link")
    cell.wait_for()
    screenshot(page, "long-word-audit-alice")
    assert fits_the_phone(page)
    # Wrapped in its column rather than one 500-letter line to scroll along.
    assert cell.bounding_box()["width"] < PHONE["width"]
