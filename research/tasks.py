"""Celery tasks for analysis. Thin and idempotent: take ids, fetch, call a service.

Every task may run twice (acks_late, retries, the reconciler): services skip
posts whose text and analyzer version are unchanged, and theme writes replace
rather than append.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from community.models import Community, PostStatus

logger = logging.getLogger(__name__)

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
def drop_posts(post_ids: list[int], erase: bool = False) -> int:
    """Take hidden, removed, deleted or pending posts out of every result."""
    from research import services

    return services.posts_drop_from_results(post_ids=post_ids, erase=erase)


@shared_task(**_RETRYING)
def refresh_themes(community_id: int) -> int:
    """A full theme refresh of one community (every scope it has), recorded as a run.

    The community's learned lexicon follows its conversation: learned again once enough new
    posts came in, and when it changed, the posts are analysed again before theming.
    """
    from research import services
    from research.domain_services import domain_lexicon_learn

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return 0
    relearn_percent = settings.VERBATIM["DOMAIN_LEXICON_RELEARN_PERCENT"]
    if domain_lexicon_learn(community, relearn_percent=relearn_percent).changed:
        services.analysis_run_for_posts(community=community)
    run = services.analysis_run_for_themes(community=community)
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
