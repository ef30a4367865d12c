"""Events the community app announces; other apps subscribe without being imported here.

Senders call `announce_post_event(...)` inside the transaction that changed the
post; receivers run only after that transaction commits, and get ids, never
model instances, so they can hand them straight to a task or a broadcast.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from django.db import transaction
from django.dispatch import Signal

# kwargs: post_id, community_id, discussion_id, kind (one of POST_EVENT_KINDS)
post_changed = Signal()

POST_EVENT_KINDS = ("published", "edited", "hidden", "removed", "restored", "deleted", "pending")

# kwargs: discussion_id, community_id, kind (one of DISCUSSION_EVENT_KINDS)
discussion_changed = Signal()

# "analysis": a moderator included the discussion in analysis or left it out (a warm-up).
DISCUSSION_EVENT_KINDS = ("analysis",)

# Bulk loaders (the demo) write hundreds of posts at once; one event per post would run the
# analysis post by post. They mute events and run the batch analysis (`manage.py analyze`) after.
_muted: ContextVar[bool] = ContextVar("community_post_events_muted", default=False)


@contextlib.contextmanager
def post_events_muted() -> Iterator[None]:
    """Announce nothing inside this block; the caller takes over what subscribers would have done."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def announce_post_event(*, post_id: int, community_id: int, discussion_id: int, kind: str) -> None:
    if kind not in POST_EVENT_KINDS:
        raise ValueError(f"Unknown post event kind {kind!r}.")
    if _muted.get():
        return
    transaction.on_commit(
        lambda: post_changed.send(
            sender="community",
            post_id=post_id,
            community_id=community_id,
            discussion_id=discussion_id,
            kind=kind,
        )
    )


def announce_discussion_event(*, discussion_id: int, community_id: int, kind: str) -> None:
    """As `announce_post_event`, for a change to a whole discussion that subscribers act on."""
    if kind not in DISCUSSION_EVENT_KINDS:
        raise ValueError(f"Unknown discussion event kind {kind!r}.")
    if _muted.get():
        return
    transaction.on_commit(
        lambda: discussion_changed.send(
            sender="community", discussion_id=discussion_id, community_id=community_id, kind=kind
        )
    )
