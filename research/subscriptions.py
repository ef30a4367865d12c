"""Research listens to community post events and queues analysis."""

from django.dispatch import receiver

from community.events import post_changed


@receiver(post_changed, dispatch_uid="research.queue_analysis_on_post_change")
def queue_analysis_on_post_change(sender, *, post_id: int, community_id: int, kind: str, **kwargs) -> None:
    # Filled in by the analysis work: published/edited posts get (re)analysed,
    # hidden/removed/deleted posts drop out of results.
    return None
