"""Research listens to community post events and queues analysis.

The community app sends `post_changed` after its transaction commits, so the
post is in the database when the task (eager or on a worker) fetches it.
"""

import logging

from django.dispatch import receiver

from community.events import discussion_changed, post_changed
from community.roster import names_erased, roster_changed

logger = logging.getLogger(__name__)

ANALYSE_KINDS = frozenset({"published", "edited", "restored"})
DROP_KINDS = frozenset({"hidden", "removed", "deleted", "pending"})


@receiver(post_changed, dispatch_uid="research.queue_analysis_on_post_change")
def queue_analysis_on_post_change(sender, *, post_id: int, community_id: int, kind: str, **kwargs) -> None:
    from research.tasks import analyze_posts, drop_posts, queue_task

    try:
        if kind in ANALYSE_KINDS:
            # In-process mode: on the analysis thread, so the request does not wait for spaCy.
            queue_task(analyze_posts, [post_id])
        elif kind in DROP_KINDS:
            # A deleted post's derived data goes with it; hidden or removed posts may come back.
            drop_posts.delay([post_id], erase=kind == "deleted")
    except Exception:
        # The post is already saved; a failed analysis (in-process mode) or an unreachable
        # broker must not fail the participant's request. The reconciler catches up; a
        # failed drop is logged loudly because the post would stay in results until then.
        logger.exception("Could not queue analysis work for post %s (%s)", post_id, kind)


@receiver(discussion_changed, dispatch_uid="research.analyse_discussion_on_change")
def analyse_discussion_on_change(sender, *, discussion_id: int, kind: str, **kwargs) -> None:
    from research.tasks import analyze_discussion, queue_task

    if kind != "analysis":
        return
    try:
        # Its posts join or leave every result as they are analysed again (a warm-up's are
        # recorded as not analysable); the theme refresh that follows is debounced.
        queue_task(analyze_discussion, discussion_id)
    except Exception:
        # The moderator's change is saved; the reconciler finds the posts whose record disagrees.
        logger.exception("Could not queue analysis of discussion %s", discussion_id)


@receiver(roster_changed, dispatch_uid="research.redact_again_on_roster_change")
def redact_again_on_roster_change(sender, *, community_id: int, **kwargs) -> None:
    from research.tasks import queue_task, redact_again

    try:
        # In-process mode: on the analysis thread too. It may parse every post that holds a member's
        # name (and load spaCy first): seconds that the erasure or membership change must not wait for.
        queue_task(redact_again, community_id)
    except Exception:
        # The membership change is saved; the reconciler applies the new roster later.
        logger.exception("Could not queue redaction for community %s", community_id)


@receiver(names_erased, dispatch_uid="research.redact_erased_names")
def redact_erased_names(sender, *, community_id: int, post_ids: list[int], **kwargs) -> None:
    from research.redaction import posts_redact_erased

    # Inside the erasure's transaction, deliberately unguarded: if this fails, nothing is erased.
    posts_redact_erased(community_id=community_id, post_ids=post_ids)
