"""The live console and the typing line in a real browser, over daphne (set up as in test_live_session):
the console enables only what works in the session's state and explains a refused action beside its
buttons; "… is typing" goes when that person's line arrives, or a few seconds after they stop."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import daphne_site
from tests.browser.test_live_session import SEED_PEOPLE, signed_in

pytestmark = pytest.mark.browser

SEED = (
    SEED_PEOPLE
    + """
console = Discussion.objects.create(community=community, title="Console group", kind="live", is_draft=False)
session = LiveSession.objects.create(discussion=console, community=community)
LiveQuestion.objects.create(session=session, text="What did you buy last?")
chat = Discussion.objects.create(community=community, title="Typing group", kind="live", is_draft=False)
LiveSession.objects.create(discussion=chat, community=community, state=LiveState.RUNNING,
                           started_at=timezone.now())
print(json.dumps({"console": console.pk, "chat": chat.pk}))
"""
)


@pytest.fixture(scope="module")
def asgi_site(tmp_path_factory) -> Iterator[dict]:
    with daphne_site(tmp_path_factory.mktemp("live-controls"), SEED, name="live-controls") as (base, seed):
        yield {
            "base": base,
            "console": f"/c/acme/live/{seed['console']}/",
            "chat": f"/c/acme/live/{seed['chat']}/",
        }


SESSION_BUTTONS = ("Start session", "Pause input", "Resume input", "End session")


def expect_enabled(page, *enabled: str) -> None:
    for label in SESSION_BUTTONS:
        button = page.get_by_role("button", name=label, exact=True)
        if label in enabled:
            expect(button).to_be_enabled()
        else:
            expect(button).to_be_disabled()


def test_the_console_follows_the_session_and_explains_a_refused_start_after_the_end(
    browser, asgi_site, screenshot
):
    base, room = asgi_site["base"], asgi_site["console"]
    contexts = []
    try:
        mod_ctx, mod = signed_in(browser, base, "alice")
        part_ctx, part = signed_in(browser, base, "bob")
        contexts += [mod_ctx, part_ctx]
        mod.goto(room)
        part.goto(room)
        expect(mod.locator("[data-live-status]")).to_have_text("Not started yet")
        expect_enabled(mod, "Start session")
        note = mod.locator("[data-live-console-note]")
        expect(note).to_contain_text("Not started")

        expect(mod.get_by_role("button", name="Save start time")).to_be_visible()
        mod.get_by_role("button", name="Start session").click()
        expect(part.locator("[data-live-status]")).to_have_text("Live")
        expect_enabled(mod, "Pause input", "End session")
        expect(mod.get_by_role("button", name="Save start time")).to_be_hidden()  # too late to reschedule
        part.get_by_label("Your message").fill("The app lost my points again.")
        part.get_by_role("button", name="Send", exact=True).click()
        line = mod.get_by_role("list", name="Messages", exact=True).locator("li", has_text="lost my points")
        expect(line.get_by_role("button", name="Spotlight")).to_be_visible()

        mod.get_by_role("button", name="Pause input").click()
        expect_enabled(mod, "Resume input", "End session")
        expect(note).to_contain_text("Input paused")
        box = part.get_by_label("Your message")
        expect(box).to_be_disabled()
        expect(box).to_have_attribute("placeholder", "The moderator has paused the conversation.")

        mod.get_by_role("button", name="Resume input").click()
        expect_enabled(mod, "Pause input", "End session")
        expect(box).to_be_enabled()

        mod.once("dialog", lambda dialog: dialog.accept())
        mod.get_by_role("button", name="End session").click()
        expect(mod.locator("[data-live-status]")).to_contain_text("Session ended")
        expect_enabled(mod)
        expect(note).to_contain_text(
            re.compile(r"This session ended at \d\d:\d\d UTC; the transcript is archived\.")
        )
        expect(mod.get_by_role("button", name="Push question: What did you buy last?")).to_be_disabled()
        expect(line.get_by_role("button", name="Spotlight")).to_be_hidden()
        expect(line.get_by_role("button", name="Probe")).to_be_hidden()
        expect(mod.get_by_role("button", name="Send probe")).to_be_disabled()
        expect(mod.get_by_role("button", name="Add question")).to_be_disabled()

        # A console that missed the end (stale page, another moderator ended it): the server refuses
        # the click and the console says why, beside its buttons.
        mod.evaluate("document.querySelector('[data-live-action=start]').disabled = false")
        mod.get_by_role("button", name="Start session").click()
        refused = mod.locator("[data-live-console-error]")
        expect(refused).to_contain_text(
            re.compile(r"This session ended at \d\d:\d\d UTC; an ended session cannot")
        )
        expect(refused).to_be_in_viewport()
        screenshot(mod, "live-console-ended-refused")

        # Opened afresh, the ended console is rendered off from the start.
        mod.reload()
        expect_enabled(mod)
        expect(note).to_contain_text("the transcript is archived")
    finally:
        for context in contexts:
            context.close()


def test_someone_typing_is_shown_until_their_line_arrives_or_they_stop(browser, asgi_site):
    base, room = asgi_site["base"], asgi_site["chat"]
    contexts = []
    try:
        part_ctx, part = signed_in(browser, base, "bob")
        obs_ctx, obs = signed_in(browser, base, "carol")
        contexts += [part_ctx, obs_ctx]
        part.goto(room)
        obs.goto(room)
        for page in (part, obs):
            expect(page.locator("[data-live-status]")).to_have_text("Live")
        typing = obs.locator('[data-live-typing="room"]')

        part.get_by_label("Your message").press_sequentially("Delivery was late", delay=20)
        expect(typing).to_have_text("Swift Heron is typing…")
        part.get_by_role("button", name="Send", exact=True).click()
        expect(obs.get_by_role("list", name="Messages", exact=True)).to_contain_text("Delivery was late")
        # Gone with the line, well before the indicator would have expired on its own.
        expect(typing).to_have_text("", timeout=1000)

        part.wait_for_timeout(2500)  # past the typing hints' 2-second spacing
        part.get_by_label("Your message").press_sequentially("and then", delay=20)
        expect(typing).to_have_text("Swift Heron is typing…")
        obs.wait_for_timeout(2000)
        expect(typing).to_have_text("Swift Heron is typing…")  # still typing, as far as anyone knows
        expect(typing).to_have_text("", timeout=5000)  # no new hint: it expires
    finally:
        for context in contexts:
            context.close()
