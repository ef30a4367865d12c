"""Debian's Chromium driven by Playwright for Python, against pytest-django's live_server.

Never `playwright install`: the browser is the system's /usr/bin/chromium (override with
VERBATIM_CHROMIUM). Missing Chromium FAILS the run when CI is set, and skips with the reason
elsewhere. Screenshots land in var/screenshots/.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "var" / "screenshots"
CHROMIUM = os.environ.get("VERBATIM_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling Google, which this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def running_in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not os.access(CHROMIUM, os.X_OK):
        reason = (
            f"Chromium not found at {CHROMIUM}: install Debian's packages "
            "(apt-get install -y chromium chromium-driver) or set VERBATIM_CHROMIUM."
        )
        if running_in_ci():
            pytest.fail(f"{reason} (CI is set, so this is a failure, not a skip)", pytrace=False)
        pytest.skip(reason)

    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop marked as running in this thread, and Django
    # refuses ORM calls from such a thread. Allowed only while this module's browser lives, and
    # the browser is module-scoped so the rest of the suite runs with the check intact.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()
    finally:
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    """A fresh browser context (no cookies) per test, so every test signs in from scratch."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    opened = context.new_page()
    try:
        yield opened
    finally:
        context.close()


@pytest.fixture
def screenshot() -> object:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@contextmanager
def daphne_site(work: Path, seed_script: str, *, name: str) -> Iterator[tuple[str, dict]]:
    """A real ASGI server (daphne) on the embedded default, for pages that need WebSockets: a fresh
    SQLite database in `work`, migrated and filled by `seed_script` (Python run with Django set up,
    whose last printed line is JSON), served on a free port. Yields (base URL, the seed's JSON)."""
    from tests.integration.conftest import (
        free_port,
        http_get,
        run_manage,
        run_python,
        start_process,
        wait_until,
    )

    (work / "var").mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_ALLOW_ASYNC", "CELERY_"))}
    env.pop("REDIS_URL", None)  # the embedded default: in-memory channel layer, one process
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=f"sqlite:///{work / 'live.sqlite3'}",
        VERBATIM_VAR_DIR=str(work / "var"),
        SECRET_KEY=secrets.token_urlsafe(50),
    )
    run_manage("migrate", "--noinput", env=env)
    seed = json.loads(run_python(seed_script, env=env).strip().splitlines()[-1])
    port = free_port()
    process = start_process(
        f"daphne-{name}",
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
        wait_until(healthy, timeout=60, what=f"daphne for the {name} browser test", process=process)
        yield base, seed
    finally:
        process.stop()
