"""Benchmark the discussion page on a discussion with 2,000 posts and replies.

    .venv/bin/python bench/discussion_page.py [--responses 500] [--replies 3] [--runs 30]

Builds a throwaway database (SQLite in a temporary directory, or the empty
database named by BENCH_DATABASE_URL), fills one discussion with responses and
replies, then requests its first, middle and last pages as a moderator, a
participant and a client through the full Django stack (middleware, sessions,
access checks, selectors, template). For each it prints the query count and the
p50/p95 server time, beside a bare render of the same template with the same
page of posts already in memory (no database), measured in the same run; the
ratio says how much the request costs on top of drawing the HTML.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
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
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--responses", type=int, default=500, help="top-level responses (default 500)")
    parser.add_argument("--replies", type=int, default=3, help="replies per response (default 3)")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page and role (default 30)")
    args = parser.parse_args()

    tmp = _configure_environment()
    import django

    django.setup()

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.template import Engine, RequestContext
    from django.template.backends.django import get_installed_libraries
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.urls import resolve, reverse
    from django.utils import timezone

    from community.forms.discussions import PostForm
    from community.markdown import render_markdown
    from community.models import Community, Discussion, Membership, Post, Role
    from community.selectors import DISCUSSION_PAGE_SIZE, discussion_page
    from community.views.discussions import _decorate, post_item_context

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)

    # --- data: one community, three viewers, 40 participants writing ---
    User = get_user_model()
    community = Community.objects.create(name="Bench Lab", slug="bench", brand_name="Acme")
    viewers = {}
    for name, role in (
        ("moderator", Role.MODERATOR),
        ("participant", Role.PARTICIPANT),
        ("client", Role.CLIENT),
    ):
        user = User.objects.create(username=f"bench-{name}", first_name=name.title(), last_name="Viewer")
        viewers[name] = (
            user,
            Membership.objects.create(
                user=user,
                community=community,
                role=role,
                pseudonym=f"{name.title()} Bench",
                consent_version=community.consent_version,
                consented_at=timezone.now(),
            ),
        )
    writers = [
        Membership.objects.create(
            user=User.objects.create(username=f"writer{i}", first_name=f"Writer{i}", last_name="Example"),
            community=community,
            role=Role.PARTICIPANT,
            pseudonym=f"Writer {i}",
            consent_version=community.consent_version,
            consented_at=timezone.now(),
        )
        for i in range(40)
    ]
    moderator = viewers["moderator"][1]
    discussion = Discussion.objects.create(
        community=community, title="Checkout", prompt="How was **checkout**?", is_draft=False
    )
    body = (
        "The checkout was *quick* but the app forgot my basket twice.\n\n"
        "- delivery slots were fine\n- prices felt high compared with [Southgate](https://example.com)"
    )
    html = render_markdown(body)
    start = timezone.now() - timezone.timedelta(days=5)
    roots = Post.objects.bulk_create(
        [
            Post(
                community=community,
                discussion=discussion,
                author=writers[i % len(writers)],
                body=body,
                body_html=html,
                created_at=start + timezone.timedelta(minutes=i),
            )
            for i in range(args.responses)
        ]
    )
    Post.objects.bulk_create(
        [
            Post(
                community=community,
                discussion=discussion,
                parent=root,
                author=moderator if j == 0 else writers[(i + j) % len(writers)],
                body="Tell me more about that?" if j == 0 else "Same for me, **every** time.",
                body_html=render_markdown(
                    "Tell me more about that?" if j == 0 else "Same for me, **every** time."
                ),
                created_at=root.created_at + timezone.timedelta(seconds=j + 1),
            )
            for i, root in enumerate(roots)
            for j in range(args.replies)
        ]
    )
    # The participant has responded, so they see everyone (the costliest participant view).
    Post.objects.create(
        community=community,
        discussion=discussion,
        author=viewers["participant"][1],
        body=body,
        body_html=html,
    )
    total = Post.objects.filter(discussion=discussion).count()
    last_page = (args.responses + 1 + DISCUSSION_PAGE_SIZE - 1) // DISCUSSION_PAGE_SIZE
    pages = {"first": 1, "middle": max(1, last_page // 2), "last": last_page}
    url = reverse("discussion_detail", args=[community.slug, discussion.pk])

    print(
        f"discussion: {total:,} posts ({args.responses + 1} responses, {args.replies} replies each), "
        f"{DISCUSSION_PAGE_SIZE} responses per page, {last_page} pages; database {connection.vendor}; "
        f"{args.runs} timed runs per row"
    )
    header = f"{'viewer':<12}{'page':<8}{'queries':>8}{'sql ms':>8}{'p50 ms':>9}{'p95 ms':>9}{'bare p50':>10}{'bare p95':>10}{'ratio':>7}"
    print(header)
    print("-" * len(header))

    factory = RequestFactory()
    # The bare render uses the same templates without the database-backed context processor,
    # so it measures drawing the HTML alone (the navigation it would load is passed in).
    bare_engine = Engine(
        dirs=settings.TEMPLATES[0]["DIRS"],
        app_dirs=True,
        libraries=get_installed_libraries(),
        context_processors=[
            "django.template.context_processors.request",
            "django.contrib.auth.context_processors.auth",
            "django.contrib.messages.context_processors.messages",
        ],
    )
    bare_template = bare_engine.get_template("community/discussion_detail.html")
    for viewer, (user, membership) in viewers.items():
        client = Client()
        client.force_login(user)
        for label, number in pages.items():
            page_url = f"{url}?page={number}"
            client.get(page_url)  # warm caches (templates, URL resolver, session)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(page_url)
            # Read now: the captured list is a view on the connection's log, which later requests reset.
            query_count = len(queries)
            sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
            assert response.status_code == 200, response.status_code
            timings = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                client.get(page_url)
                timings.append((time.perf_counter() - t0) * 1000)

            # The same page, objects already in memory: only the template's cost remains.
            request = factory.get(page_url)
            request.user = user
            request.resolver_match = resolve(url)
            page = discussion_page(membership, discussion, page_number=number)
            _decorate(page.posts, membership)
            for post in page.posts:
                _decorate(post.visible_replies, membership)
            context = {
                "community": community,
                "membership": membership,
                "discussion": discussion,
                "prompt_html": render_markdown(discussion.prompt),
                "page": page,
                "can_post": not membership.is_client,
                "can_reply": not membership.is_client,
                "form": PostForm(),
                **post_item_context(request, membership, discussion),
                "now": timezone.now(),
                "nav_memberships": [membership],
                "csrf_token": "x" * 64,
            }
            bare = []
            with CaptureQueriesContext(connection) as bare_queries:
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    bare_template.render(RequestContext(request, context))
                    bare.append((time.perf_counter() - t0) * 1000)
            bare_query_count = len(bare_queries)
            p50, p95 = statistics.median(timings), _percentile(timings, 0.95)
            b50, b95 = statistics.median(bare), _percentile(bare, 0.95)
            print(
                f"{viewer:<12}{label:<8}{query_count:>8}{sql_ms:>8.1f}{p50:>9.1f}{p95:>9.1f}{b50:>10.1f}{b95:>10.1f}"
                f"{p50 / b50:>7.2f}"
                + (f"  (bare render ran {bare_query_count // args.runs} queries)" if bare_query_count else "")
            )
    tmp.cleanup()


if __name__ == "__main__":
    main()
