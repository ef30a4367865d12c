"""Events the community app announces; other apps subscribe without being imported here.

Senders call `announce_post_event(...)` inside the transaction that changed the
post; receivers run only after that transaction commits, and get ids, never
model instances, so they can hand them straight to a task or a broadcast.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import Signal

# kwargs: post_id, community_id, discussion_id, kind (one of POST_EVENT_KINDS)
post_changed = Signal()

POST_EVENT_KINDS = ("published", "edited", "hidden", "removed", "restored", "deleted", "pending")


def announce_post_event(*, post_id: int, community_id: int, discussion_id: int, kind: str) -> None:
    if kind not in POST_EVENT_KINDS:
        raise ValueError(f"Unknown post event kind {kind!r}.")
    transaction.on_commit(
        lambda: post_changed.send(
            sender="community",
            post_id=post_id,
            community_id=community_id,
            discussion_id=discussion_id,
            kind=kind,
        )
    )
