"""Benchmark the client dashboard of a 20,000-post community.

    .venv/bin/python bench/dashboard.py [--posts 20000] [--participants 400] [--themes 12] [--runs 30]

Builds a throwaway database (SQLite in a temporary directory, or the empty database
named by BENCH_DATABASE_URL) and bulk-creates a community with posts, their analysis
(sentiment, relevance, perception dimensions, brand mentions, redacted text) and themes
with memberships and quotes, synthetically (no NLP). Then requests, as a client, through
the full Django stack: the dashboard (unfiltered and filtered), the perception gap, and a
bare page ("My communities": middleware, session, a small template, no research queries) in the
same run. Prints query counts and p50/p95 server times; the query count is also measured
on a community a tenth the size, to show it stays constant.
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


def _configure_environment() -> tempfile.TemporaryDirectory:
    tmp = tempfile.TemporaryDirectory(prefix="verbatim-bench-")
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp.name}/bench.sqlite3"
    os.environ["VERBATIM_VAR_DIR"] = tmp.name
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    return tmp


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


DIMENSIONS = (
    "trust",
    "value",
    "quality",
    "service",
    "privacy",
    "personalization",
    "understanding_me",
    "consistency",
)
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
    from research.models import PostAnalysis, Theme, ThemePost

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


def measure(client, url: str, runs: int, *, cold: bool = False):
    """Query count and timings of `runs` requests; `cold` empties the cache before each one
    (outside the timing), so every request computes its aggregates from the database."""
    from django.core.cache import cache
    from django.db import connection

    client.get(url)  # warm caches (templates, URL resolver)
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
        for ms, sql in sorted(timings, reverse=True)[:6]:
            print(f"  {ms:8.1f} ms  {sql[:160]}")
    times = []
    for _ in range(runs):
        if cold:
            cache.clear()
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return len(timings), _percentile(times, 0.5), _percentile(times, 0.95), statistics.mean(times)


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
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)

    t0 = time.perf_counter()
    big, big_user = build("big", posts=args.posts, participants=args.participants, themes=args.themes)
    small, small_user = build(
        "small",
        posts=max(args.posts // 10, 100),
        participants=max(args.participants // 10, 10),
        themes=args.themes,
    )
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum would do after a bulk load: without statistics the planner guesses badly.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"built {args.posts} + {max(args.posts // 10, 100)} posts in {time.perf_counter() - t0:.1f}s "
        f"({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
    )

    client = Client()
    rows = []
    client.force_login(big_user)
    dash = reverse("research:dashboard", args=["big"])
    rows.append(("bare page (my communities)", *measure(client, reverse("home"), args.runs)))
    rows.append((f"dashboard, {args.posts} posts, cold", *measure(client, dash, args.runs, cold=True)))
    rows.append((f"dashboard, {args.posts} posts, warm", *measure(client, dash, args.runs)))
    filtered = dash + "?segment=app+users&brand=Southgate"
    rows.append(
        ("dashboard, filtered (segment + brand), cold", *measure(client, filtered, args.runs, cold=True))
    )
    rows.append(
        (
            "perception gap, cold",
            *measure(client, reverse("research:gap", args=["big"]), args.runs, cold=True),
        )
    )
    client.force_login(small_user)
    small_dash = reverse("research:dashboard", args=["small"])
    rows.append(
        (
            f"dashboard, {max(args.posts // 10, 100)} posts, cold",
            *measure(client, small_dash, args.runs, cold=True),
        )
    )

    print(f"\n{'page':46} {'queries':>7} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8}")
    for name, q, p50, p95, mean in rows:
        print(f"{name:46} {q:>7} {p50:>8.1f} {p95:>8.1f} {mean:>8.1f}")
    big_q, small_q = rows[1][1], rows[5][1]
    print(f"\nqueries constant as posts grow: {'yes' if big_q == small_q else 'NO'} ({small_q} -> {big_q})")
    for row in rows[1:3]:
        print(f"p95 goal 300 ms, {row[0]}: {'met' if row[3] <= 300 else 'MISSED'} ({row[3]:.1f} ms)")
    tmp.cleanup()


if __name__ == "__main__":
    main()
