"""manage.py analyze --community SLUG: analyse every post needing it, then refresh themes."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from community.models import Community
from research import selectors, services
from research.domain_services import domain_lexicon_learn


class ProgressBar:
    """A plain-text progress bar: redrawn in place on a terminal, a line per 10% otherwise (logs, CI)."""

    def __init__(self, label: str, *, stream: TextIO, width: int = 30) -> None:
        self.label = label
        self.stream = stream
        self.width = width
        self.tty = stream.isatty()
        self.started = time.monotonic()
        self.last_step = -1

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        filled = int(self.width * fraction)
        elapsed = time.monotonic() - self.started
        line = (
            f"{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
            f"{done}/{total} ({int(100 * fraction)}%) {elapsed:.0f}s"
        )
        if self.tty:
            self.stream.write("\r" + line + ("\n" if done >= total else ""))
            self.stream.flush()
            return
        step = int(fraction * 10)
        if step != self.last_step:
            self.last_step = step
            self.stream.write(line + "\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Analyse a community's posts (those new, edited or from an older analyzer) and refresh its themes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--community", required=True, help="The community's slug.")
        parser.add_argument("--no-themes", action="store_true", help="Only analyse posts.")

    def handle(self, *args, community: str, no_themes: bool, **options) -> None:
        target = Community.objects.filter(slug=community).first()
        if target is None:
            raise CommandError(f"--community: no community with slug {community!r}.")
        stream = getattr(self.stderr, "_out", sys.stderr)
        # The community's own word polarities first, so every post is analysed with them.
        started = time.monotonic()
        # Its parses are kept for the analysis below, which then parses only the posts outside the sample.
        learned = domain_lexicon_learn(target, keep_parses=True)
        if learned.parsed:
            self.stdout.write(
                f"Learned {learned.words} domain words from {learned.sample} posts "
                f"in {time.monotonic() - started:.1f}s."
            )
        elif learned.sample < settings.VERBATIM["DOMAIN_LEXICON_MIN_POSTS"]:
            self.stdout.write(f"No domain lexicon: {learned.sample} posts are too few to learn from.")
        started = time.monotonic()
        post_ids = selectors.posts_needing_analysis(community=target, version=services.analyzer_version())
        bar = ProgressBar("analysing posts", stream=stream)
        bar(0, len(post_ids))
        run = services.analysis_run_for_posts(
            community=target, post_ids=post_ids, progress=bar, parsed=learned.parses
        )
        analysed = time.monotonic() - started
        self.stdout.write(f"Analysed {run.total} posts in {analysed:.1f}s (run {run.pk}).")
        if no_themes:
            return
        stream.write("refreshing themes...\n")
        stream.flush()
        started = time.monotonic()
        run = services.analysis_run_for_themes(community=target)
        themes = selectors.themes_for_scope(community=target)
        self.stdout.write(
            f"Refreshed themes in {time.monotonic() - started:.1f}s: {len(themes)} themes in {target.slug}."
        )
        for theme in themes:
            self.stdout.write(
                f"  {theme.display_label}: {theme.post_count} posts, {theme.participant_count} participants"
            )
