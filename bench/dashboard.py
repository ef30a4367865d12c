"""Benchmark the client dashboard of a 20,000-post community.

    .venv/bin/python bench/dashboard.py [--posts 20000] [--participants 400] [--themes 12] [--runs 30]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/dashboard.py

Builds a throwaway database and bulk-creates a community with posts, their analysis
(sentiment, relevance, perception dimensions, brand mentions, redacted text, and the summary
columns the dashboard counts with) and themes with memberships and quotes, synthetically (no NLP).
Without a PostgreSQL URL the database is an SQLite file in a temporary directory (the embedded
default); with one (BENCH_DATABASE_URL or DATABASE_URL) it is a fresh `test_NAME` database beside
NAME, created and dropped here, so NAME itself is never touched. REDIS_URL, if set, makes the
cache Redis (and "cold" flushes that Redis database).

Then requests, as a client, through the full Django stack: a bare page ("My communities":
middleware, session, a small template, no research queries) as the machine's reference, the
dashboard (unfiltered and filtered), and the perception gap. "cold" empties the cache before every
request (each one computes its numbers from the database); "warm" serves the cached numbers and
charts. Prints query counts, p50/p95 server times, each page's p50 as a multiple of the bare page's,
and the load average, and checks the goals: the same number of queries on a community a tenth the
size, and p95 <= 300 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from research.analysis.types import PERCEPTION_DIMENSIONS  # noqa: E402  (pure: no Django needed)


def _configure_environment() -> tempfile.TemporaryDirectory:
    tmp = tempfile.TemporaryDirectory(prefix="verbatim-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    if not url.startswith("postgres"):
        url = f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ["VERBATIM_VAR_DIR"] = tmp.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    return tmp


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


DIMENSIONS = PERCEPTION_DIMENSIONS
SENTIMENTS = ("positive", "neutral", "negative")
WORDS = [
    "delivery",
    "app",
    "staff",
    "price",
    "store",
    "checkout",
    "loyalty",
    "email",
    "parcel",
    "size",
    "refund",
    "queue",
]


def build(slug: str, *, posts: int, participants: int, themes: int, seed: int = 7):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from community.models import Community, Discussion, Membership, Post, Role
    from research.models import PostAnalysis, Theme, ThemePost, summary_columns

    rng = random.Random(seed)
    User = get_user_model()
    community = Community.objects.create(
        name=f"Bench {slug}", slug=slug, brand_name="Acme", competitor_brands=["Southgate", "Northwind"]
    )
    client_user = User.objects.create_user(username=f"client-{slug}", password="x")
    Membership.objects.create(
        user=client_user,
        community=community,
        role=Role.CLIENT,
        pseudonym="Client",
        consent_version=1,
        consented_at=timezone.now(),
    )
    users = User.objects.bulk_create(User(username=f"p-{slug}-{i}") for i in range(participants))
    members = Membership.objects.bulk_create(
        Membership(
            user=u,
            community=community,
            role=Role.PARTICIPANT,
            pseudonym=f"Member {i}",
            segments=[rng.choice(["app users", "in store", "lapsed"])],
            consent_version=1,
            consented_at=timezone.now(),
        )
        for i, u in enumerate(users)
    )
    discussions = [
        Discussion.objects.create(community=community, title=f"Activity {i}", is_draft=False, position=i)
        for i in range(5)
    ]
    now = timezone.now()
    post_rows = Post.objects.bulk_create(
        (
            Post(
                community=community,
                discussion=rng.choice(discussions),
                author=rng.choice(members),
                body=f"Post {i}: the {rng.choice(WORDS)} was {rng.choice(['great', 'slow', 'fine'])}.",
                created_at=now - timedelta(minutes=rng.randint(0, 60 * 24 * 90)),
            )
            for i in range(posts)
        ),
        batch_size=2000,
    )
    analyses = []
    for p in post_rows:
        sentiment = rng.choice(SENTIMENTS)
        dims = [
            {"dimension": d, "polarity": rng.choice(SENTIMENTS), "score": 0.5, "phrase": "x"}
            for d in rng.sample(DIMENSIONS, rng.randint(0, 2))
        ]
        mentions = [
            {"brand": b, "is_competitor": b != "Acme", "sentiment": sentiment, "phrase": b}
            for b in rng.sample(["Acme", "Southgate", "Northwind"], rng.randint(0, 2))
        ]
        analyses.append(
            PostAnalysis(
                post=p,
                community=community,
                analyzer_version="bench",
                text_hash="x",
                sentiment=sentiment,
                relevance=rng.choice(("relevant", "irrelevant", "neutral", "neutral")),
                dimensions=dims,
                mentions=mentions,
                redacted_text=p.body,
                # As research.services writes them beside the JSON.
                **summary_columns(dimensions=dims, mentions=mentions),
            )
        )
    PostAnalysis.objects.bulk_create(analyses, batch_size=2000)
    theme_rows = Theme.objects.bulk_create(
        Theme(community=community, key=f"t{i}", label=f"{WORDS[i % len(WORDS)]} theme {i}", post_count=0)
        for i in range(themes)
    )
    memberships = []
    for p in post_rows:
        for t in rng.sample(theme_rows, rng.randint(0, 2)):
            memberships.append(ThemePost(theme=t, post=p))
    for t in theme_rows:
        own = [m for m in memberships if m.theme is t][:4]
        for rank, m in enumerate(own):
            m.is_quote, m.quote_rank = True, rank
    ThemePost.objects.bulk_create(memberships, batch_size=5000)
    from research.services import themes_recount

    themes_recount(theme_ids=[t.pk for t in theme_rows])
    return community, client_user


def count_queries(client, url: str, *, cold: bool) -> int:
    """Queries of one request (after a first one has warmed templates and the URL resolver);
    `cold` empties the cache first, so the aggregates come from the database."""
    from django.core.cache import cache
    from django.db import connection

    client.get(url)
    if cold:
        cache.clear()
    # Django resets the query log when a request starts, so count with an execute wrapper instead.
    timings: list[tuple[float, str]] = []

    def record(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timings.append(((time.perf_counter() - start) * 1000, sql))

    with connection.execute_wrapper(record):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    if os.environ.get("BENCH_SHOW_SQL"):
        print(f"{url} ({'cold' if cold else 'warm'}), slowest queries:")
        for ms, sql in sorted(timings, reverse=True)[:6]:
            print(f"  {ms:8.1f} ms  {sql[:160]}")
    return len(timings)


def time_interleaved(pages: list[tuple[str, object, str, str]], runs: int) -> dict[str, list[float]]:
    """Server times of `runs` rounds, each requesting every page once in turn, so a burst of load
    from elsewhere on the machine hits the reference page and the dashboard alike.

    A page's mode: "cold" empties the cache before the request, "warm" makes one untimed request
    first so the timed one finds its numbers and charts cached, "bare" just requests it.
    """
    from django.core.cache import cache

    times: dict[str, list[float]] = {name: [] for name, *_ in pages}
    for _ in range(runs):
        for name, client, url, mode in pages:
            if mode == "cold":
                cache.clear()
            elif mode == "warm":
                client.get(url)
            start = time.perf_counter()
            client.get(url)
            times[name].append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--posts", type=int, default=20_000)
    parser.add_argument("--participants", type=int, default=400)
    parser.add_argument("--themes", type=int, default=12)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()

    tmp = _configure_environment()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["testserver"]
    named_database = None
    if connection.vendor == "postgresql":
        # Django's own throwaway-database machinery: creates test_NAME, migrates it, drops it below.
        named_database = connection.settings_dict["NAME"]
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0)
    print(
        f"database: {connection.vendor} {connection.settings_dict['NAME']}; cache: "
        f"{settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}; load average before: {_load()}"
    )

    t0 = time.perf_counter()
    big, big_user = build("big", posts=args.posts, participants=args.participants, themes=args.themes)
    small, small_user = build(
        "small",
        posts=max(args.posts // 10, 100),
        participants=max(args.participants // 10, 10),
        themes=args.themes,
    )
    if connection.vendor == "postgresql":
        # What autovacuum would do after a bulk load: without statistics the planner guesses badly.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"built {args.posts} + {max(args.posts // 10, 100)} posts in {time.perf_counter() - t0:.1f}s "
        f"({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
    )

    client, small_client = Client(), Client()
    client.force_login(big_user)
    small_client.force_login(small_user)
    dash = reverse("research:dashboard", args=["big"])
    small_posts = max(args.posts // 10, 100)
    pages = [
        ("bare page (my communities)", client, reverse("home"), "bare"),
        (f"dashboard, {args.posts} posts, cold", client, dash, "cold"),
        (f"dashboard, {args.posts} posts, warm", client, dash, "warm"),
        (
            "dashboard, filtered (segment + brand), cold",
            client,
            dash + "?segment=app+users&brand=Southgate",
            "cold",
        ),
        ("perception gap, cold", client, reverse("research:gap", args=["big"]), "cold"),
        (
            f"dashboard, {small_posts} posts, cold",
            small_client,
            reverse("research:dashboard", args=["small"]),
            "cold",
        ),
    ]
    queries = {name: count_queries(c, url, cold=mode == "cold") for name, c, url, mode in pages}
    times = time_interleaved(pages, args.runs)

    bare_p50 = _percentile(times[pages[0][0]], 0.5)
    print(f"\n{'page':46} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'p50 x bare':>10}")
    for name, *_ in pages:
        p50, p95 = _percentile(times[name], 0.5), _percentile(times[name], 0.95)
        print(
            f"{name:46} {queries[name]:>7} {p50:>8.1f} {p95:>8.1f} "
            f"{statistics.mean(times[name]):>8.1f} {p50 / bare_p50:>10.1f}"
        )
    print(
        f"\n{args.runs} rounds, each page once per round in this order; "
        f"load average after: {_load()} (on {os.cpu_count()} cores)"
    )
    big_q, small_q = queries[pages[1][0]], queries[pages[5][0]]
    print(f"queries constant as posts grow: {'yes' if big_q == small_q else 'NO'} ({small_q} -> {big_q})")
    for name, *_ in pages[1:3]:
        p95 = _percentile(times[name], 0.95)
        print(f"p95 goal 300 ms, {name}: {'met' if p95 <= 300 else 'MISSED'} ({p95:.1f} ms)")
    if named_database is not None:
        connection.creation.destroy_test_db(named_database, verbosity=0)
    tmp.cleanup()


def _load() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


if __name__ == "__main__":
    main()
