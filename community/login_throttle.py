"""Throttling password guesses at sign-in, in the cache (Redis in production, shared by every process).

Failed sign-ins are counted per username (case-insensitive; the account an email address names
counts as its username) and per client IP address, each in a window of
LOGIN_FAILURE_WINDOW_SECONDS from its first failure. Reaching LOGIN_FAILURES_PER_USERNAME for
a username, or LOGIN_FAILURES_PER_IP from one address, locks that username or address for
LOGIN_LOCK_SECONDS: every attempt is refused before the password is checked, so the right
password does not get in either, and the refusal costs no password hashing. A successful
sign-in clears its username's count (not its address's: one guesser may try many accounts).

The per-address limit is higher by default: offices and mobile networks put many people behind
one address. Behind a proxy, run the server so that REMOTE_ADDR is the client's address
(`daphne --proxy-headers`), or every visitor shares the proxy's count.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lock:
    scope: str  # "username" or "ip"
    until: float  # Unix time the lock ends

    @property
    def seconds_left(self) -> int:
        return max(1, int(self.until - time.time() + 0.999))


def _digest(value: str) -> str:
    # Keys carry a digest: usernames may hold characters a cache key must not, and the cache
    # need not hold who tried to sign in.
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


def _subjects(*, username: str, ip: str) -> list[tuple[str, str, int]]:
    limits = settings.VERBATIM
    subjects = [("username", _digest(username.casefold()), limits["LOGIN_FAILURES_PER_USERNAME"])]
    if ip:
        subjects.append(("ip", _digest(ip), limits["LOGIN_FAILURES_PER_IP"]))
    return subjects


def _count_key(scope: str, digest: str) -> str:
    return f"login:failures:{scope}:{digest}"


def _lock_key(scope: str, digest: str) -> str:
    return f"login:lock:{scope}:{digest}"


def login_lock_for(*, username: str, ip: str) -> Lock | None:
    """The lock that refuses a sign-in as `username` from `ip` now, if any (the longer one)."""
    keys = {_lock_key(scope, digest): scope for scope, digest, _ in _subjects(username=username, ip=ip)}
    found = cache.get_many(list(keys))
    locks = [Lock(scope=keys[key], until=until) for key, until in found.items() if until > time.time()]
    return max(locks, key=lambda lock: lock.until, default=None)


def login_failed(*, username: str, ip: str) -> Lock | None:
    """Count a failed sign-in; returns the lock this failure starts, if it reaches a limit."""
    window = settings.VERBATIM["LOGIN_FAILURE_WINDOW_SECONDS"]
    lock_seconds = settings.VERBATIM["LOGIN_LOCK_SECONDS"]
    started = None
    for scope, digest, limit in _subjects(username=username, ip=ip):
        key = _count_key(scope, digest)
        # Increment, not read-then-write: simultaneous guesses cannot each see a count under the limit.
        cache.add(key, 0, timeout=window)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add() and incr()
            cache.set(key, 1, timeout=window)
            count = 1
        if count >= limit:
            until = time.time() + lock_seconds
            cache.set(_lock_key(scope, digest), until, timeout=lock_seconds)
            cache.delete(key)
            lock = Lock(scope=scope, until=until)
            started = lock if started is None or lock.until > started.until else started
            logger.warning(
                "Sign-in locked for %s seconds after %s failed attempts (%s %s)",
                lock_seconds,
                count,
                scope,
                ip if scope == "ip" else digest,
            )
    return started


def login_lock_audit(*, username: str, lock: Lock, failures: int) -> int:
    """Note a username lock in the audit log of each community the account belongs to (an address
    lock names no account: it is logged only). Returns how many entries were written."""
    from community.models import AuditEntry, Membership

    if lock.scope != "username":
        return 0
    memberships = Membership.objects.filter(user__username__iexact=username, user__is_active=True)
    entries = [
        AuditEntry(
            community_id=membership.community_id,
            actor=None,
            action="account.sign_in_locked",
            target_type="membership",
            target_id=membership.pk,
            reason=f"{failures} failed sign-ins in a row; sign-in paused.",
            details={
                "member": membership.pseudonym,
                "locked_seconds": settings.VERBATIM["LOGIN_LOCK_SECONDS"],
                "until": datetime.fromtimestamp(lock.until, tz=UTC).isoformat(timespec="seconds"),
            },
        )
        for membership in memberships
    ]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)


def login_succeeded(*, username: str) -> None:
    """A correct password outside any lock: the username's failures are forgiven."""
    cache.delete(_count_key("username", _digest(username.casefold())))


def client_ip(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "").strip() if request is not None else ""
