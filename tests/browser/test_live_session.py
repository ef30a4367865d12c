"""A short live session in a real browser, over a real ASGI server (daphne, in-memory layer).

pytest-django's live_server speaks HTTP only, so this module starts `daphne config.asgi:application`
on a SQLite file of its own (seeded by a subprocess) and points three browser contexts at it:
the moderator pushes a question, the participant answers, the client's note reaches the
moderator and never the participant.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.integration.conftest import free_port, http_get, run_manage, run_python, start_process, wait_until

pytestmark = pytest.mark.browser
PASSWORD = "live browser horse battery"

SEED = f"""
import json
import django
django.setup()
from django.contrib.auth import get_user_model
from community.models import Community, Discussion, LiveQuestion, LiveSession, Membership, Role
User = get_user_model()
community = Community.objects.create(slug="acme", name="Acme Listening Lab", brand_name="Acme")
people = (("alice", "Alice", Role.MODERATOR, "Moderator Alice"), ("bob", "Bob", Role.PARTICIPANT, "Swift Heron"),
          ("carol", "Carol", Role.CLIENT, "Client Carol"))
for username, first, role, pseudonym in people:
    user = User.objects.create_user(username=username, password={PASSWORD!r}, first_name=first)
    Membership.objects.create(user=user, community=community, role=role, pseudonym=pseudonym,
                              consent_version=community.consent_version)
discussion = Discussion.objects.create(community=community, title="Evening focus group", kind="live", is_draft=False)
session = LiveSession.objects.create(discussion=discussion, community=community)
LiveQuestion.objects.create(session=session, text="What did you buy last?")
print(json.dumps({{"discussion": discussion.pk}}))
"""


@pytest.fixture(scope="module")
def asgi_site(tmp_path_factory) -> Iterator[dict]:
    work = tmp_path_factory.mktemp("live-browser")
    (work / "var").mkdir()
    import os
    import secrets

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_ALLOW_ASYNC", "CELERY_"))}
    env.pop("REDIS_URL", None)  # the embedded default: in-memory channel layer, one process
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{work / 'live.sqlite3'}",
        VERBATIM_VAR_DIR=str(work / "var"),
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    run_manage("migrate", "--noinput", env=env)
    seed = json.loads(run_python(SEED, env=env).strip().splitlines()[-1])
    port = free_port()
    process = start_process(
        "daphne-live-browser",
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        env=env,
        log_dir=work,
    )
    base = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return http_get(f"{base}/health/", timeout=2)[0] == 200
        except OSError:
            return False

    try:
        wait_until(healthy, timeout=60, what="daphne for the live browser test", process=process)
        yield {"base": base, "room": f"/c/acme/live/{seed['discussion']}/"}
    finally:
        process.stop()


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
            expect(
                page.get_by_role("status").filter(has_text=re.compile("Not started|Live|Connected"))
            ).to_be_visible()

        mod.get_by_role("button", name="Push question: What did you buy last?").click()
        expect(part.locator("[data-live-question]")).to_have_text("What did you buy last?")
        expect(part.locator("[data-live-status]")).to_have_text("Live")

        part.get_by_label("Your message").fill("Trainers, on the app.")
        part.get_by_role("button", name="Send", exact=True).click()
        room_log = mod.get_by_role("list", name="Messages", exact=True)
        expect(room_log).to_contain_text("Trainers, on the app.")
        expect(room_log).to_contain_text("Swift Heron")
        expect(obs.get_by_role("list", name="Messages", exact=True)).to_contain_text("Trainers, on the app.")

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
