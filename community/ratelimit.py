"""Per-member rate limits kept in the cache (Redis in production, shared by every process)."""

from __future__ import annotations

import contextlib
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError

WINDOW_SECONDS = 60


class RateLimited(ValidationError):
    """A member exceeded a limit; the message names the field and the limit."""


def _key(scope: str, member_id: int, now: float) -> str:
    # Fixed one-minute windows: one counter per member per minute, expiring by itself.
    return f"ratelimit:{scope}:{member_id}:{int(now // WINDOW_SECONDS)}"


def posts_limit_take(*, member_id: int, now: float | None = None) -> None:
    """Count one post for the member, or raise RateLimited (without counting) if the limit is reached.

    Increment first, then compare: two simultaneous requests cannot both slip
    under the limit the way a read-then-write check would let them.
    """
    limit = settings.VERBATIM["POSTS_PER_MINUTE"]
    key = _key("posts", member_id, time.time() if now is None else now)
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    if count > limit:
        cache.decr(key)
        raise RateLimited(
            {"body": f"You can post at most {limit} times a minute; please wait a moment and try again."},
            code="rate_limited",
        )


def posts_limit_release(*, member_id: int, now: float | None = None) -> None:
    """Give back a post counted by posts_limit_take whose write then failed."""
    key = _key("posts", member_id, time.time() if now is None else now)
    with contextlib.suppress(ValueError):  # the window already expired
        cache.decr(key)
