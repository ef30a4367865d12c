"""Reads for the Analysis page: analysis runs, what is still waiting for analysis, and why some
posts cannot be analysed. A fixed handful of queries however many runs and posts there are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from community.models import Community, Post, PostStatus
from research.models import (
    WARM_UP_REASON,
    AnalysisRun,
    DomainLexiconRecord,
    PostAnalysis,
    RunKind,
    RunState,
)
from research.selectors import evidence_q, in_analysis_changed_q, posts_needing_analysis

RECENT_RUNS = 10

# What `research.analysis` records when it cannot analyse a text, and what posts in a discussion
# moderators left out of analysis are recorded with, as moderators read it.
NOT_ANALYSABLE_REASONS = {
    "empty": "No words to analyse",
    "too_long": "Too long to analyse",
    "not_english": "Not in English",
    WARM_UP_REASON: "Warm-up activity: left out of analysis",
}


def not_analysable_label(reason: str) -> str:
    """Why a post was left out of analysis, as the Analysis page, the API and the posts export say it."""
    return NOT_ANALYSABLE_REASONS.get(reason, reason or "Unknown reason")


def run_stale_before() -> datetime:
    """Queued or running runs older than this are taken as abandoned (a worker or server stopped
    mid-run): a task is killed at CELERY_TASK_TIME_LIMIT, so twice that leaves room for a queue."""
    return timezone.now() - timedelta(seconds=2 * settings.CELERY_TASK_TIME_LIMIT)


def analysis_runs_active(*, community: Community) -> list[AnalysisRun]:
    """The community's runs still queued or running (oldest first), abandoned ones left out."""
    since = run_stale_before()
    return list(
        AnalysisRun.objects.filter(community=community)
        .filter(
            Q(state=RunState.QUEUED, created_at__gte=since) | Q(state=RunState.RUNNING, started_at__gte=since)
        )
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class AnalysisOverview:
    runs: list[AnalysisRun]
    active: list[AnalysisRun]
    published: int
    # Participants' published posts (moderators' prompts and replies aren't evidence).
    evidence: int
    # Of those, the analysed ones insights count: warm-ups, posts not analysable and posts not yet
    # analysed are left out (`research.dashboard_selectors.filtered_analyses`, unfiltered).
    evidence_analysed: int
    awaiting: int
    not_analysable: list[tuple[str, int]]
    themes_refreshed_at: datetime | None
    analyzer_version: str
    lexicon: DomainLexiconRecord | None
    stale_before: datetime

    @property
    def not_analysable_total(self) -> int:
        return sum(count for _, count in self.not_analysable)


def analysis_overview(*, community: Community, version: str) -> AnalysisOverview:
    """Everything the Analysis page shows; `version` is the analyzer's own (without the
    community's learned-lexicon suffix, which `posts_needing_analysis` adds itself)."""
    from research.dashboard_selectors import DashboardFilters, filtered_analyses
    from research.domain_services import analysis_version

    lexicon = DomainLexiconRecord.objects.filter(community=community).defer("words").first()
    reasons = (
        PostAnalysis.objects.filter(community=community, analysable=False)
        .filter(post__status=PostStatus.PUBLISHED)
        # A record its discussion's `in_analysis` has changed since only awaits analysis: a
        # warm-up just ticked back in is not also "left out of analysis" until the refresh.
        .exclude(in_analysis_changed_q(discussion="post__discussion__", analysis=""))
        .values("reason")
        .annotate(n=Count("pk"))
        .order_by("-n", "reason")
    )
    last_refresh = (
        AnalysisRun.objects.filter(community=community, kind=RunKind.THEMES, state=RunState.DONE)
        .order_by("-finished_at", "-pk")
        .values_list("finished_at", flat=True)
        .first()
    )
    return AnalysisOverview(
        runs=list(
            AnalysisRun.objects.filter(community=community).order_by("-created_at", "-pk")[:RECENT_RUNS]
        ),
        active=analysis_runs_active(community=community),
        published=Post.objects.filter(community=community, status=PostStatus.PUBLISHED).count(),
        evidence=Post.objects.filter(community=community).filter(evidence_q("", published=True)).count(),
        evidence_analysed=filtered_analyses(community=community, filters=DashboardFilters()).count(),
        # Ids, not a count: the one definition of "needs analysis" lives in that selector.
        awaiting=len(posts_needing_analysis(community=community, version=version)),
        not_analysable=[(not_analysable_label(row["reason"]), row["n"]) for row in reasons],
        themes_refreshed_at=last_refresh,
        analyzer_version=analysis_version(version, lexicon.fingerprint if lexicon else None),
        lexicon=lexicon,
        stale_before=run_stale_before(),
    )
