"""A short live session in a real browser, over a real ASGI server (daphne, in-memory layer).

pytest-django's live_server speaks HTTP only, so this module starts `daphne config.asgi:application`
on a SQLite file of its own (seeded by a subprocess) and points three browser contexts at it:
the moderator pushes a question, the participant answers, the client's note reaches the
moderator and never the participant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import daphne_site

pytestmark = pytest.mark.browser
PASSWORD = "live browser horse battery"

# The start of every live browser seed: Django, the Acme community and its three people.
SEED_PEOPLE = f"""
import json
import django
django.setup()
from django.contrib.auth import get_user_model
from django.utils import timezone
from community.models import Community, Discussion, LiveQuestion, LiveSession, LiveState, Membership, Role
User = get_user_model()
community = Community.objects.create(slug="acme", name="Acme Listening Lab", brand_name="Acme")
people = (("alice", "Alice", Role.MODERATOR, "Moderator Alice"), ("bob", "Bob", Role.PARTICIPANT, "Swift Heron"),
          ("carol", "Carol", Role.CLIENT, "Client Carol"))
for username, first, role, pseudonym in people:
    user = User.objects.create_user(username=username, password={PASSWORD!r}, first_name=first)
    Membership.objects.create(user=user, community=community, role=role, pseudonym=pseudonym,
                              consent_version=community.consent_version)
"""

SEED = (
    SEED_PEOPLE
    + """
discussion = Discussion.objects.create(community=community, title="Evening focus group", kind="live", is_draft=False)
session = LiveSession.objects.create(discussion=discussion, community=community)
LiveQuestion.objects.create(session=session, text="What did you buy last?")
from datetime import timedelta
later = Discussion.objects.create(community=community, title="Morning focus group", kind="live", is_draft=False)
waiting = LiveSession.objects.create(discussion=later, community=community,
                                     scheduled_start=timezone.now() + timedelta(days=1))
LiveQuestion.objects.create(session=waiting, text="What did you buy for your home?")
afternoon = Discussion.objects.create(community=community, title="Afternoon focus group", kind="live", is_draft=False)
LiveQuestion.objects.create(session=LiveSession.objects.create(discussion=afternoon, community=community),
                            text="How was the shop?")
print(json.dumps({"discussion": discussion.pk, "later": later.pk, "afternoon": afternoon.pk}))
"""
)


@pytest.fixture(scope="module")
def asgi_site(tmp_path_factory) -> Iterator[dict]:
    with daphne_site(tmp_path_factory.mktemp("live-browser"), SEED, name="live-browser") as (base, seed):
        yield {
            "base": base,
            "room": f"/c/acme/live/{seed['discussion']}/",
            "later_room": f"/c/acme/live/{seed['later']}/",
            "afternoon_room": f"/c/acme/live/{seed['afternoon']}/",
        }


def signed_in(browser, base: str, username: str, *, phone: bool = False):
    viewport = {"width": 390, "height": 844} if phone else {"width": 1280, "height": 900}
    context = browser.new_context(base_url=base, viewport=viewport)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login/")
    page.get_by_label(re.compile(r"user ?name|e-?mail", re.I)).fill(username)
    page.get_by_label(re.compile(r"^\s*password", re.I)).fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"sign in|log in", re.I)).click()
    expect(page).not_to_have_url(re.compile(r"/login/"))
    return context, page


def _gap_above(page, heading: str) -> float:
    """Pixels between a console heading and the nearest visible element above it."""
    return page.evaluate(
        """(text) => {
            const h = [...document.querySelectorAll('.live-console h3')].find((e) => e.textContent.trim() === text);
            let above = h.previousElementSibling;
            while (above && above.getClientRects().length === 0) above = above.previousElementSibling;
            return h.getBoundingClientRect().top - above.getBoundingClientRect().bottom;
        }""",
        heading,
    )


def test_it_runs_a_short_live_session_with_a_backroom_note_only_the_moderator_sees(
    browser, asgi_site, screenshot
):
    base, room = asgi_site["base"], asgi_site["room"]
    contexts = []
    try:
        mod_ctx, mod = signed_in(browser, base, "alice")
        part_ctx, part = signed_in(browser, base, "bob", phone=True)
        obs_ctx, obs = signed_in(browser, base, "carol")
        contexts += [mod_ctx, part_ctx, obs_ctx]
        for page in (mod, part, obs):
            page.goto(room)
            expect(page.locator("[data-live-status]")).to_have_text(re.compile("Not started|Live|Connected"))

        mod.get_by_role("button", name="Push question: What did you buy last?").click()
        expect(part.locator("[data-live-question]")).to_have_text("What did you buy last?")
        expect(part.locator("[data-live-status]")).to_have_text("Live")

        part.get_by_label("Your message").fill("Trainers, on the app.")
        part.get_by_role("button", name="Send", exact=True).click()
        room_log = mod.get_by_role("list", name="Messages", exact=True)
        expect(room_log).to_contain_text("Trainers, on the app.")
        expect(room_log).to_contain_text("Swift Heron")
        expect(obs.get_by_role("list", name="Messages", exact=True)).to_contain_text("Trainers, on the app.")
        # Times in the log are in the site's time zone, named, as everywhere else on the site.
        expect(room_log.locator("li", has_text="Trainers, on the app.").locator("time")).to_have_text(
            re.compile(r"^\d\d:\d\d UTC$")
        )
        notice = part.locator("[data-live-notice]")
        expect(notice).to_be_hidden()

        # A participant who writes contact details is told, beside the composer, what the others see.
        part.get_by_label("Your message").fill("Mail me at bob.p@example.com")
        part.get_by_role("button", name="Send", exact=True).click()
        expect(notice).to_have_text(
            "Your message includes an email address; other participants and clients see it hidden."
        )
        expect(notice).to_be_in_viewport()
        expect(obs.get_by_role("list", name="Messages", exact=True)).to_contain_text("Mail me at [EMAIL]")
        part.get_by_label("Your message").fill("Thanks!")
        part.get_by_role("button", name="Send", exact=True).click()
        expect(notice).to_be_hidden()

        # The console's section headings keep clear of the buttons above them, on a desk and a phone.
        for width in (1280, 390):
            mod.set_viewport_size({"width": width, "height": 900})
            assert _gap_above(mod, "Guide questions") >= 12, width
            assert _gap_above(mod, "Private probe") >= 12, width
        mod.set_viewport_size({"width": 1280, "height": 900})

        obs.get_by_label("Message to the backroom").fill("Ask why not in store")
        obs.get_by_label("Note to the moderator").check()
        obs.get_by_role("button", name="Send to backroom").click()
        expect(mod.get_by_role("list", name="Backroom messages")).to_contain_text("Ask why not in store")
        screenshot(mod, "live-moderator-console")
        screenshot(part, "live-participant-phone")

        # The participant's page never learns of the note, nor of the observer.
        part.wait_for_timeout(1000)
        expect(part.get_by_text("Ask why not in store")).to_have_count(0)
        expect(part.get_by_text("Client Carol")).to_have_count(0)
        expect(part.locator("[data-live-presence]")).not_to_contain_text("Carol")
    finally:
        for context in contexts:
            context.close()


def test_a_withheld_line_leaves_the_observers_view_and_its_spotlight_but_stays_in_the_room_until_restored(
    browser, asgi_site
):
    base, room = asgi_site["base"], asgi_site["afternoon_room"]
    rude = "The Leeds staff were rude to me."
    contexts = []
    try:
        mod_ctx, mod = signed_in(browser, base, "alice")
        part_ctx, part = signed_in(browser, base, "bob")
        obs_ctx, obs = signed_in(browser, base, "carol")
        contexts += [mod_ctx, part_ctx, obs_ctx]
        for page in (mod, part, obs):
            page.goto(room)
            expect(page.locator("[data-live-status]")).to_have_text(re.compile("Not started|Live|Connected"))
        mod.get_by_role("button", name="Push question: How was the shop?").click()
        expect(part.locator("[data-live-status]")).to_have_text("Live")
        part.get_by_label("Your message").fill(rude)
        part.get_by_role("button", name="Send", exact=True).click()
        obs_log = obs.get_by_role("list", name="Messages", exact=True)
        expect(obs_log).to_contain_text(rude)

        line = mod.get_by_role("list", name="Messages", exact=True).locator("li", has_text=rude)
        line.get_by_role("button", name="Spotlight").click()
        expect(obs.locator("[data-live-spotlight]")).to_contain_text(rude)
        mod.once("dialog", lambda dialog: dialog.accept("Rude about named staff"))
        line.get_by_role("button", name="Withhold").click()

        # Gone from the observer's log and spotlight; the console can no longer spotlight it.
        expect(obs_log.locator("li", has_text=rude)).to_have_count(0)
        expect(obs.locator("[data-live-spotlight]")).to_be_hidden()
        expect(line).to_have_class(re.compile(r"\bis-withheld\b"))
        expect(line.get_by_role("button", name="Spotlight")).to_have_count(0)
        # The participant was in the room when it was said and keeps it.
        expect(part.get_by_role("list", name="Messages", exact=True)).to_contain_text(rude)

        # The observer's next line arrives as usual, and a reload does not bring the withheld one back.
        part.get_by_label("Your message").fill("The app was fine though.")
        part.get_by_role("button", name="Send", exact=True).click()
        expect(obs_log).to_contain_text("The app was fine though.")
        obs.reload()
        expect(obs.get_by_role("list", name="Messages", exact=True)).to_contain_text(
            "The app was fine though."
        )
        expect(obs.get_by_text(rude)).to_have_count(0)
        expect(obs.locator("[data-live-spotlight]")).to_be_hidden()
        mod.reload()
        reloaded = mod.get_by_role("list", name="Messages", exact=True).locator("li", has_text=rude)
        expect(reloaded).to_have_class(re.compile(r"\bis-withheld\b"))
        expect(reloaded.get_by_role("button", name="Spotlight")).to_have_count(0)

        # Restored: the observer sees it again in its place, the console gets its tools back.
        mod.once("dialog", lambda dialog: dialog.accept("Withheld by mistake"))
        reloaded.get_by_role("button", name="Restore").click()
        obs_lines = obs.get_by_role("list", name="Messages", exact=True).locator("li")
        expect(obs_lines.filter(has_text=rude)).to_have_count(1)
        # In its place: before the line that came after it.
        texts = obs_lines.all_inner_texts()
        assert [t for t in texts if rude in t or "The app was fine though." in t][0].count(rude) == 1
        back = mod.get_by_role("list", name="Messages", exact=True).locator("li", has_text=rude)
        expect(back).not_to_have_class(re.compile(r"\bis-withheld\b"))
        expect(back.get_by_role("button", name="Withhold")).to_have_count(1)
        expect(back.get_by_role("button", name="Restore")).to_have_count(0)
    finally:
        for context in contexts:
            context.close()


def _box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def test_a_participant_on_a_phone_waits_for_the_start_then_chats_without_scrolling_sideways(
    browser, asgi_site, screenshot
):
    base, room = asgi_site["base"], asgi_site["later_room"]
    contexts = []
    try:
        mod_ctx, mod = signed_in(browser, base, "alice")
        part_ctx, part = signed_in(browser, base, "bob", phone=True)
        contexts += [mod_ctx, part_ctx]
        mod.goto(room)
        part.goto(room)
        waiting = part.locator("[data-live-waiting]")
        expect(waiting).to_be_visible()
        expect(waiting).to_contain_text("Starts at")
        # In the site's time zone, named, as every time on the site (never the phone's, unnamed).
        expect(waiting).to_contain_text(re.compile(r"\d\d:\d\d UTC"))
        expect(part.get_by_label("Your message")).to_be_hidden()
        screenshot(part, "live-participant-phone-waiting")
        mod.get_by_role("button", name="Push question: What did you buy for your home?").click()
        expect(waiting).to_be_hidden()
        expect(part.get_by_label("Your message")).to_be_visible()

        for n in range(12):
            part.get_by_label("Your message").fill(
                f"Phone line {n}: the cushions were lovely but the delivery was late."
            )
            part.get_by_role("button", name="Send", exact=True).click()
            expect(part.get_by_role("list", name="Messages", exact=True)).to_contain_text(f"Phone line {n}:")

        # The box stops at the server's limit; a longer text (pasted by a script, say) is explained, not sent.
        assert part.evaluate("document.getElementById('live-room-input').maxLength") == 2000
        part.evaluate("document.getElementById('live-room-input').value = 'x'.repeat(2001)")
        part.get_by_role("button", name="Send", exact=True).click()
        expect(part.locator("[data-live-error]")).to_contain_text("the limit is 2,000")
        expect(part.get_by_role("list", name="Messages", exact=True)).not_to_contain_text("sending")
        part.get_by_label("Your message").fill("")

        # Nothing wider than the phone, a composer reachable at the bottom of the screen, big tap targets,
        # and text the phone does not zoom into (16px or more).
        assert part.evaluate("document.scrollingElement.scrollWidth") <= 390
        send = _box(part, ".live-compose[data-live-compose='room'] button")
        box = _box(part, "#live-room-input")
        assert send["height"] >= 44 and send["width"] >= 44
        assert box["y"] + box["height"] <= 844 and send["y"] + send["height"] <= 844
        assert (
            part.evaluate("parseFloat(getComputedStyle(document.getElementById('live-room-input')).fontSize)")
            >= 16
        )
        last = part.get_by_role("list", name="Messages", exact=True).locator("li").last
        expect(last).to_be_in_viewport()
        # The question stays pinned on screen however long the conversation gets.
        expect(part.locator("[data-live-question]")).to_be_in_viewport()
        # A line from someone else arrives while the participant reads the bottom: it scrolls into view.
        mod.get_by_label("Your message").fill("Thanks Swift Heron, tell us more about the delivery.")
        mod.get_by_role("button", name="Send", exact=True).click()
        expect(part.get_by_text("tell us more about the delivery")).to_be_in_viewport()
        screenshot(part, "live-participant-phone-chatting")

        # The moderator keeps one line out of the findings: a reason is asked for, the line is marked.
        line = mod.get_by_role("list", name="Messages", exact=True).locator("li", has_text="Phone line 3:")
        mod.once("dialog", lambda dialog: dialog.accept("Repeated line"))
        line.get_by_role("button", name="Withhold").click()
        expect(line).to_have_class(re.compile(r"\bis-withheld\b"))
        expect(line.get_by_role("button", name="Withhold")).to_have_count(0)
        mod.reload()
        reloaded = mod.get_by_role("list", name="Messages", exact=True).locator(
            "li", has_text="Phone line 3:"
        )
        expect(reloaded).to_have_class(re.compile(r"\bis-withheld\b"))
        expect(reloaded.get_by_role("button", name="Withhold")).to_have_count(0)

        # Ending the session: the console has the participant's lines archived for the analysis
        # (twelve lines, one withheld: eleven published posts, the withheld one hidden).
        mod.once("dialog", lambda dialog: dialog.accept())
        mod.get_by_role("button", name="End session").click()
        expect(part.locator("[data-live-status]")).to_have_text("Session ended")
        # In-process tasks: the archive request analyses the lines (loading spaCy the first time).
        expect(mod.locator("[data-live-status]")).to_have_text(
            "Session ended · 11 lines archived for analysis", timeout=90_000
        )
        expect(part.get_by_label("Your message")).to_be_hidden()
    finally:
        for context in contexts:
            context.close()
