"""Operational tasks that belong to no app.

`verbatim.ping` checks the whole pipeline a deployment depends on: broker ->
worker -> database -> channel layer -> a user's open sockets. Run it with
`celery -A config call verbatim.ping --kwargs '{"token": "t1", "user_id": 1}'`.
"""

from __future__ import annotations

import socket
from typing import Any

from celery import shared_task
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection

from community.realtime import push_to_user

PING_CACHE_PREFIX = "verbatim:ping:"
PING_CACHE_SECONDS = 300


@shared_task(name="verbatim.ping")
def ping(*, token: str, user_id: int | None = None) -> dict[str, Any]:
    """Record what this worker sees under `verbatim:ping:<token>` in the cache and,
    when `user_id` names a user, push a `ping` notification to their sockets."""
    user = get_user_model().objects.filter(pk=user_id).first() if user_id is not None else None
    result = {
        "token": token,
        "worker": socket.gethostname(),
        "database": connection.vendor,
        "username": user.get_username() if user is not None else None,
    }
    cache.set(f"{PING_CACHE_PREFIX}{token}", result, PING_CACHE_SECONDS)
    if user is not None:
        push_to_user(user_id=user.pk, kind="ping", data={"token": token})
    return result
