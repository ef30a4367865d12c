"""Smoke test in a real browser: each role signs in through the login form and reaches its community.

Elements are found by label and role, never by CSS class, so restyling the pages keeps these valid.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"  # tests.factories.UserFactory's password
COMMUNITY = "Acme Listening Lab"  # the `community` fixture


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/")
    # Anonymous visitors are sent to the login form.
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label(re.compile(r"user ?name|e-?mail", re.I)).fill(username)
    page.get_by_label(re.compile(r"^\s*password", re.I)).fill(password)
    page.get_by_role("button", name=re.compile(r"sign in|log in", re.I)).click()


@pytest.mark.parametrize(
    ("persona", "role"),
    [("bob", "participant"), ("alice", "moderator"), ("carol", "client")],
)
def test_it_lets_each_role_sign_in_through_the_form_and_open_their_community(
    request, page, screenshot, persona, role
):
    user = request.getfixturevalue(persona)

    sign_in(page, user.username)

    expect(page).not_to_have_url(re.compile(r"/login/"))
    community_link = page.get_by_role("link", name=re.compile(re.escape(COMMUNITY))).first
    expect(community_link).to_be_visible()
    screenshot(page, f"{role}-home")

    community_link.click()

    expect(page).to_have_url(re.compile(r"/c/acme/"))
    expect(page.get_by_role("heading", name=re.compile(re.escape(COMMUNITY))).first).to_be_visible()
    # Only researchers moderate: the others must not even be shown the way in.
    moderation_links = page.get_by_role("link", name=re.compile(r"^\s*moderation\s*$", re.I))
    if role == "moderator":
        expect(moderation_links.first).to_be_visible()
    else:
        expect(moderation_links).to_have_count(0)
    screenshot(page, f"{role}-community")
    if role == "participant":
        # Participants mostly arrive on phones.
        page.set_viewport_size({"width": 390, "height": 844})
        screenshot(page, f"{role}-community-mobile")


def test_it_keeps_a_wrong_password_on_the_login_form_with_an_error(page, bob, screenshot):
    sign_in(page, "bob", "not the password")

    expect(page).to_have_url(re.compile(r"/login/"))
    expect(
        page.get_by_text(
            re.compile(r"do not match|correct username and password|invalid|incorrect", re.I)
        ).first
    ).to_be_visible()
    screenshot(page, "login-refused")


def test_it_shows_an_outsider_no_trace_of_a_community_they_do_not_belong_to(page, community, bob, eve):
    sign_in(page, "eve")
    expect(page).not_to_have_url(re.compile(r"/login/"))
    expect(page.get_by_role("link", name=re.compile(re.escape(COMMUNITY)))).to_have_count(0)

    response = page.goto("/c/acme/")

    assert response is not None and response.status == 404
    expect(page.get_by_text(COMMUNITY)).to_have_count(0)
