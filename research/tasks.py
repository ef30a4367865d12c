"""Celery tasks for analysis. Thin and idempotent: take ids, fetch, call a service.

Every task may run twice (acks_late, retries, the reconciler): services skip
posts whose text and analyzer version are unchanged, and theme writes replace
rather than append.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections

from community.models import Community, Post, PostStatus

logger = logging.getLogger(__name__)

# In-process mode (no broker) runs tasks on this one thread, after the response, so a request
# never waits for spaCy to load or parse. One thread: tasks run in the order they were queued,
# one at a time, as a single worker would take them.
_IN_PROCESS = ThreadPoolExecutor(max_workers=1, thread_name_prefix="analysis")


def queue_task(task, *args) -> None:
    """Queue `task(*args)`: on the broker, or in-process on the analysis thread; with
    ANALYSIS_IN_BACKGROUND off (the test suite) in-process tasks run right here instead."""
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.VERBATIM["ANALYSIS_IN_BACKGROUND"]:
        _IN_PROCESS.submit(_run_in_process, task, args)
    else:
        task.delay(*args)


def _run_in_process(task, args: tuple) -> None:
    close_old_connections()
    try:
        task.delay(*args)
    except Exception:
        # Nobody waits on this thread: the failure is logged (and recorded on a run, if one); the
        # post stays "awaiting analysis" on the Analysis page, whose refresh picks it up.
        logger.exception("In-process task %s%r failed", task.name, args)
    finally:
        close_old_connections()


def in_process_tasks_wait(timeout: float | None = None) -> None:
    """Block until every task queued in-process so far has run (for tests)."""
    _IN_PROCESS.submit(lambda: None).result(timeout=timeout)


# Errors worth another try: the database or broker was briefly unreachable or locked.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)

_RETRYING = {
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(**_RETRYING)
def analyze_posts(post_ids: list[int]) -> dict:
    """(Re)analyse these posts if their text or the analyzer changed, then place them in themes."""
    from research import services

    result = services.posts_analyze(post_ids=post_ids)
    services.themes_assign_posts(post_ids=post_ids)
    community_ids = set(
        Community.objects.filter(posts__pk__in=post_ids, themes__isnull=False)
        .values_list("pk", flat=True)
        .distinct()
    )
    for community_id in sorted(community_ids):
        services.themes_refresh_soon(community_id=community_id)
    return {"written": result.written, "unchanged": result.unchanged}


@shared_task(**_RETRYING)
def analyze_discussion(discussion_id: int) -> dict:
    """A discussion joined or left the analysis: its published posts are analysed again (into or
    out of every result), placed in themes or taken out, and a theme refresh is scheduled."""
    post_ids = list(
        Post.objects.filter(discussion_id=discussion_id, status=PostStatus.PUBLISHED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return analyze_posts(post_ids)


@shared_task(**_RETRYING)
def drop_posts(post_ids: list[int], erase: bool = False) -> int:
    """Take hidden, removed, deleted or pending posts out of every result."""
    from research import services

    return services.posts_drop_from_results(post_ids=post_ids, erase=erase)


@shared_task(**_RETRYING)
def refresh_themes(community_id: int, run_id: int | None = None) -> int:
    """A full theme refresh of one community (every scope it has), recorded as a run: `run_id`
    when a moderator asked for it (the run was recorded as queued then), a new run otherwise.

    The community's learned lexicon follows its conversation: learned again once enough new
    posts came in. Posts needing analysis (the lexicon changed, or their analysis was never
    queued or failed) are analysed first, as a run of their own, so the themes include them.
    """
    from research import selectors, services
    from research.domain_services import domain_lexicon_learn
    from research.models import AnalysisRun

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return 0
    run = None
    if run_id is not None:
        run = AnalysisRun.objects.filter(pk=run_id, community=community).first()
        if run is None or run.is_finished:
            # Delivered again after it completed (acks_late): nothing is left to do.
            return run_id
    try:
        relearn_percent = settings.VERBATIM["DOMAIN_LEXICON_RELEARN_PERCENT"]
        domain_lexicon_learn(community, relearn_percent=relearn_percent)
        needing = selectors.posts_needing_analysis(community=community, version=services.analyzer_version())
        if needing:
            services.analysis_run_for_posts(community=community, post_ids=needing)
    except TRANSIENT_ERRORS:
        raise  # retried: the queued run stays queued
    except Exception as exc:
        if run is not None:
            services.analysis_run_finish(run=run, error=f"{type(exc).__name__}: {exc}")
        raise
    run = services.analysis_run_for_themes(community=community, run=run)
    return run.pk


@shared_task(**_RETRYING)
def analyze_community(community_id: int) -> int:
    """Analyse every post of a community still needing it, as a run whose progress pages show."""
    from research import services

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return 0
    run = services.analysis_run_for_posts(community=community)
    return run.pk


@shared_task(**_RETRYING)
def reconcile_analysis() -> int:
    """Queue any published post still lacking a current analysis (e.g. the broker was down when
    it was published). Returns how many posts were queued."""
    from research import selectors, services

    post_ids = selectors.posts_needing_analysis(
        version=services.analyzer_version(), limit=settings.VERBATIM["RECONCILE_MAX_POSTS"]
    )
    chunk = settings.VERBATIM["ANALYSIS_CHUNK"]
    for start in range(0, len(post_ids), chunk):
        analyze_posts.delay(post_ids[start : start + chunk])
    if post_ids:
        logger.info("Reconciler queued %d posts for analysis", len(post_ids))
    # A roster change whose event was lost (broker down) is caught here; unchanged ones cost a cache read.
    for community_id in Community.objects.values_list("pk", flat=True):
        redact_again.delay(community_id)
    return len(post_ids)


@shared_task(**_RETRYING)
def redact_again(community_id: int) -> int:
    """Apply the community's current member-name roster to its stored client text (if it changed)."""
    from research import services
    from research.redaction import posts_redact_again

    changed = posts_redact_again(community_id=community_id)
    if changed:
        # Theme labels are words of the redacted text: a name taken out of it leaves them too.
        services.themes_refresh_soon(community_id=community_id)
    return changed


@shared_task(**_RETRYING)
def refresh_all_themes() -> int:
    """Scheduled full refresh of every community with published posts (debounced per community)."""
    from research import services

    community_ids = (
        Community.objects.filter(posts__status=PostStatus.PUBLISHED).values_list("pk", flat=True).distinct()
    )
    queued = 0
    for community_id in community_ids:
        if services.themes_refresh_soon(community_id=community_id):
            queued += 1
    return queued
