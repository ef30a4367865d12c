"""Writes for live sessions. Every message is stored (with its stream's next number) before anything
is broadcast; callers broadcast what these functions return, after they return (committed).

Refusals: PermissionDenied for a role that may not do something, ValidationError naming the field
and the limit for bad input or a session state that does not allow it. Nothing is half-saved.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from community.models import (
    Discussion,
    DiscussionKind,
    LiveConnection,
    LiveMessage,
    LiveMessageKind,
    LiveQuestion,
    LiveSession,
    LiveState,
    LiveStream,
    Membership,
)
from community.services.moderation import audit_record

RATE_WINDOW_SECONDS = 60


# --- session and guide -------------------------------------------------------------------------


def live_session_ensure(*, discussion: Discussion) -> LiveSession:
    """The discussion's live session, created (scheduled) the first time anyone needs it."""
    if discussion.kind != DiscussionKind.LIVE:
        raise ValidationError({"kind": "Only a discussion of kind live has a live session."})
    session, _ = LiveSession.objects.get_or_create(
        discussion=discussion,
        defaults={"community_id": discussion.community_id, "scheduled_start": discussion.opens_at},
    )
    return session


def _require_moderator(member: Membership, session: LiveSession) -> None:
    if not member.is_active or member.community_id != session.community_id or not member.is_moderator:
        raise PermissionDenied("Only the community's moderators run a live session.")


def live_session_schedule(
    *, moderator: Membership, session: LiveSession, start: datetime | None
) -> LiveSession:
    _require_moderator(moderator, session)
    if start is not None and timezone.is_naive(start):
        raise ValidationError({"scheduled_start": "Give the start time with its time zone."})
    session.scheduled_start = start
    session.save(update_fields=["scheduled_start"])
    return session


def live_question_add(*, moderator: Membership, session: LiveSession, text: str) -> LiveQuestion:
    _require_moderator(moderator, session)
    text = (text or "").strip()
    limit = settings.VERBATIM["LIVE_MESSAGE_MAX_CHARS"]
    if not text:
        raise ValidationError({"text": "Write the question first."})
    if len(text) > limit:
        raise ValidationError({"text": f"The question is {len(text):,} characters; the limit is {limit:,}."})
    with transaction.atomic():
        last = session.questions.order_by("-position").values_list("position", flat=True).first()
        return LiveQuestion.objects.create(
            session=session, text=text, position=0 if last is None else last + 1
        )


# --- the one write path: lock the session row, number, insert ------------------------------------

Check = Callable[[LiveSession], list[str]]


def _append(
    *,
    session_id: int,
    stream: str,
    kind: str,
    author: Membership | None,
    body: str = "",
    data: dict | None = None,
    client_id: uuid.UUID | None = None,
    recipient: Membership | None = None,
    check: Check | None = None,
) -> LiveMessage:
    """Store one message as the next number of its stream.

    The session row is locked for the transaction, so numbers are gap-free and
    commit in order; `check` runs under that lock (state checks, state changes)
    and returns extra session fields it changed.
    """
    with transaction.atomic():
        session = LiveSession.objects.select_for_update().get(pk=session_id)
        changed = check(session) if check is not None else []
        field = f"{stream}_seq"
        seq = getattr(session, field) + 1
        setattr(session, field, seq)
        message = LiveMessage.objects.create(
            session_id=session_id,
            stream=stream,
            seq=seq,
            kind=kind,
            author=author,
            recipient=recipient,
            body=body,
            data=data or {},
            client_id=client_id,
            question_id=session.current_question_id,
        )
        session.save(update_fields=[field, *changed])
    return message


def _existing(session_id: int, author: Membership, client_id: uuid.UUID | None) -> LiveMessage | None:
    if client_id is None:
        return None
    return (
        LiveMessage.objects.filter(session_id=session_id, author=author, client_id=client_id)
        .select_related("author__user", "recipient__user")
        .first()
    )


def live_client_id_clean(value) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise ValidationError({"client_id": "client_id must be a UUID chosen by the sender."}) from None


def live_body_clean(body) -> str:
    if not isinstance(body, str):
        raise ValidationError({"body": "body must be text."})
    body = body.strip()
    limit = settings.VERBATIM["LIVE_MESSAGE_MAX_CHARS"]
    if not body:
        raise ValidationError({"body": "Write something before sending."})
    if len(body) > limit:
        raise ValidationError({"body": f"The message is {len(body):,} characters; the limit is {limit:,}."})
    return body


def _rate_limit_take(member: Membership) -> None:
    """LIVE_MESSAGES_PER_MINUTE per member, counted in the cache so every ASGI process shares it."""
    limit = settings.VERBATIM["LIVE_MESSAGES_PER_MINUTE"]
    key = f"ratelimit:live:{member.pk}:{int(time.time() // RATE_WINDOW_SECONDS)}"
    cache.add(key, 0, timeout=RATE_WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=RATE_WINDOW_SECONDS * 2)
        count = 1
    if count > limit:
        raise ValidationError(
            {"body": f"You can send at most {limit} messages a minute; please wait a moment."},
            code="rate_limited",
        )


def _require_input_open(session: LiveSession) -> list[str]:
    if session.state == LiveState.PAUSED:
        raise ValidationError({"state": "The moderator has paused the conversation; wait a moment."})
    if session.state != LiveState.RUNNING:
        raise ValidationError({"state": "The session is not running."})
    return []


def live_message_send(
    *,
    author: Membership,
    session: LiveSession,
    stream: str,
    body,
    client_id,
    recipient: Membership | None = None,
    note: bool = False,
) -> tuple[LiveMessage, bool]:
    """A participant's or moderator's line in the room, a backroom chat line or note, or a probe.

    Returns (message, created). A retry with a client_id this author already
    used returns the stored message with created=False, whatever the session's
    state is now, and counts nothing against the rate limit.

    - room: participants (while running) and moderators (any state but ended);
    - backroom: clients and moderators; `note=True` marks a note to the moderator;
    - probe: moderators write to `recipient` (a participant of the community);
      a participant writes only in their own thread.
    """
    client_uuid = live_client_id_clean(client_id)
    if not author.is_active or author.community_id != session.community_id:
        raise PermissionDenied("No such live session.")
    existing = _existing(session.pk, author, client_uuid)
    if existing is not None:
        return existing, False
    body = live_body_clean(body)
    kind = LiveMessageKind.MESSAGE
    check: Check | None
    if stream == LiveStream.ROOM:
        if author.is_client:
            raise PermissionDenied("Observers do not write in the room; use the backroom.")
        check = _require_input_open if author.is_participant else _require_not_ended
        recipient = None
    elif stream == LiveStream.BACKROOM:
        if author.is_participant:
            raise PermissionDenied("No such stream.")
        kind = LiveMessageKind.NOTE if note else LiveMessageKind.MESSAGE
        check = None
        recipient = None
    elif stream == LiveStream.PROBE:
        if author.is_client:
            raise PermissionDenied("No such stream.")
        if author.is_participant:
            recipient = author
            check = _require_not_ended
        else:
            if (
                recipient is None
                or recipient.community_id != session.community_id
                or not recipient.is_participant
            ):
                raise ValidationError({"recipient": "Choose a participant of this community to probe."})
            check = _require_not_ended
    else:
        raise ValidationError({"stream": "stream must be room, backroom or probe."})
    if not author.is_moderator:
        _rate_limit_take(author)
    try:
        message = _append(
            session_id=session.pk,
            stream=stream,
            kind=kind,
            author=author,
            body=body,
            client_id=client_uuid,
            recipient=recipient,
            check=check,
        )
    except IntegrityError:
        # Two sockets of the same author raced with the same client id: the other one stored it.
        existing = _existing(session.pk, author, client_uuid)
        if existing is None:
            raise
        return existing, False
    message.author = author
    message.recipient = recipient
    return message, True


def _require_not_ended(session: LiveSession) -> list[str]:
    if session.state == LiveState.ENDED:
        raise ValidationError({"state": "The session has ended."})
    return []


# --- the moderator's controls --------------------------------------------------------------------


def _control(
    *, moderator: Membership, session: LiveSession, event: str, check: Check, body: str = "", extra=None
) -> LiveMessage:
    _require_moderator(moderator, session)
    message = _append(
        session_id=session.pk,
        stream=LiveStream.ROOM,
        kind=LiveMessageKind.QUESTION if event == "question" else LiveMessageKind.SYSTEM,
        author=moderator,
        body=body,
        data={"event": event, **(extra or {})},
        check=check,
    )
    message.author = moderator
    return message


def live_question_push(*, moderator: Membership, session: LiveSession, question_id) -> LiveMessage:
    """Put a guide question on everyone's screen (starts a scheduled session); stored as a marker."""
    _require_moderator(moderator, session)
    question = LiveQuestion.objects.filter(session=session, pk=_int(question_id, "question_id")).first()
    if question is None:
        raise ValidationError({"question_id": "No such question in this session's guide."})
    now = timezone.now()

    def check(locked: LiveSession) -> list[str]:
        _require_not_ended(locked)
        changed = ["current_question"]
        locked.current_question = question
        if locked.state == LiveState.SCHEDULED:
            locked.state = LiveState.RUNNING
            locked.started_at = now
            changed += ["state", "started_at"]
        return changed

    message = _control(
        moderator=moderator,
        session=session,
        event="question",
        check=check,
        body=question.text,
        extra={"question_id": question.pk, "position": question.position},
    )
    LiveQuestion.objects.filter(pk=question.pk, pushed_at__isnull=True).update(pushed_at=now)
    message.question = question
    return message


def live_session_start(*, moderator: Membership, session: LiveSession) -> LiveMessage:
    def check(locked: LiveSession) -> list[str]:
        if locked.state != LiveState.SCHEDULED:
            raise ValidationError({"state": "The session has already started."})
        locked.state = LiveState.RUNNING
        locked.started_at = timezone.now()
        return ["state", "started_at"]

    return _control(moderator=moderator, session=session, event="started", check=check)


def live_input_pause(*, moderator: Membership, session: LiveSession) -> LiveMessage:
    def check(locked: LiveSession) -> list[str]:
        if locked.state != LiveState.RUNNING:
            raise ValidationError({"state": "Only a running session can be paused."})
        locked.state = LiveState.PAUSED
        return ["state"]

    return _control(moderator=moderator, session=session, event="paused", check=check)


def live_input_resume(*, moderator: Membership, session: LiveSession) -> LiveMessage:
    def check(locked: LiveSession) -> list[str]:
        if locked.state != LiveState.PAUSED:
            raise ValidationError({"state": "Only a paused session can be resumed."})
        locked.state = LiveState.RUNNING
        return ["state"]

    return _control(moderator=moderator, session=session, event="resumed", check=check)


def live_spotlight(*, moderator: Membership, session: LiveSession, seq) -> LiveMessage:
    """Pin one room message for everyone (seq 0 clears the spotlight)."""
    number = _int(seq, "seq")
    target = None
    if number:
        target = (
            LiveMessage.objects.filter(
                session=session, stream=LiveStream.ROOM, seq=number, kind=LiveMessageKind.MESSAGE
            )
            .select_related("author")
            .first()
        )
        if target is None:
            raise ValidationError({"seq": "Spotlight a message of the room by its number."})

    def check(locked: LiveSession) -> list[str]:
        _require_not_ended(locked)
        locked.spotlight = target
        return ["spotlight"]

    extra = (
        {"seq": target.seq, "body": target.body, "author": target.author.pseudonym if target.author else ""}
        if target
        else {"seq": 0}
    )
    return _control(moderator=moderator, session=session, event="spotlight", check=check, extra=extra)


def live_session_end(*, moderator: Membership, session: LiveSession) -> LiveMessage:
    def check(locked: LiveSession) -> list[str]:
        _require_not_ended(locked)
        locked.state = LiveState.ENDED
        locked.ended_at = timezone.now()
        return ["state", "ended_at"]

    with transaction.atomic():
        message = _control(moderator=moderator, session=session, event="ended", check=check)
        audit_record(
            community=session.community_id,
            actor=moderator,
            action="live.end",
            target=session,
            details={"discussion_id": session.discussion_id, "room_messages": message.seq},
        )
    return message


def _int(value, field: str) -> int:
    if isinstance(value, bool):
        raise ValidationError({field: f"{field} must be a whole number."})
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: f"{field} must be a whole number."}) from None
    if number < 0:
        raise ValidationError({field: f"{field} must not be negative."})
    return number


# --- presence ------------------------------------------------------------------------------------


def live_connection_open(*, session: LiveSession, member: Membership, channel_name: str) -> bool:
    """Record an open socket; True when the member was not present before (announce them)."""
    with transaction.atomic():
        present = LiveConnection.objects.filter(session=session, membership=member).exists()
        LiveConnection.objects.update_or_create(
            channel_name=channel_name, defaults={"session": session, "membership": member}
        )
    return not present


def live_connection_close(*, channel_name: str) -> tuple[int, int] | None:
    """Forget a socket; (session id, member id) when that was the member's last one (announce)."""
    with transaction.atomic():
        conn = LiveConnection.objects.filter(channel_name=channel_name).first()
        if conn is None:
            return None
        conn.delete()
        still = LiveConnection.objects.filter(session_id=conn.session_id, membership_id=conn.membership_id)
        if still.exists():
            return None
    return conn.session_id, conn.membership_id
