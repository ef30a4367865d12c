"""Writes for live sessions. Every message is stored (with its stream's next number) before anything
is broadcast; callers broadcast what these functions return, after they return (committed).

Refusals: PermissionDenied for a role that may not do something, ValidationError naming the field
and the limit for bad input or a session state that does not allow it. Nothing is half-saved.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from community.access import discussion_visible_to
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
from community.selectors_live import live_connection_fresh_since
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
    if text is not None and not isinstance(text, str):
        raise ValidationError({"text": "text must be the question, as text."})
    text = (text or "").strip()
    limit = settings.VERBATIM["LIVE_MESSAGE_MAX_CHARS"]
    if not text:
        raise ValidationError({"text": "Write the question first."})
    if len(text) > limit:
        raise ValidationError({"text": f"The question is {len(text):,} characters; the limit is {limit:,}."})
    # The caller's copy may predate the end (a socket keeps the session it connected to).
    current = LiveSession.objects.only("state", "ended_at").get(pk=session.pk)
    _require_not_ended(current, "its guide can no longer change")
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


def _rate_limited() -> ValidationError:
    limit = settings.VERBATIM["LIVE_MESSAGES_PER_MINUTE"]
    return ValidationError(
        {"body": f"You can send at most {limit} messages a minute; please wait a moment."},
        code="rate_limited",
    )


def live_ended_words(session: LiveSession) -> str:
    """ "This session ended at 21:07 UTC" (with the day when it was not today), in the current time
    zone, named, as the room page writes it."""
    if session.ended_at is None:
        return "This session has ended"
    ended = timezone.localtime(session.ended_at)
    day = "" if ended.date() == timezone.localdate() else f" on {ended.day} {ended:%b %Y}"
    return f"This session ended at {ended:%H:%M} {ended.tzname()}{day}"


def _state_refused(message: str) -> ValidationError:
    return ValidationError({"state": message}, code="state")


def _require_input_open(session: LiveSession) -> list[str]:
    if session.state == LiveState.PAUSED:
        raise _state_refused("The moderator has paused the conversation; wait a moment.")
    if session.state == LiveState.SCHEDULED:
        raise _state_refused("The session has not started yet; wait for the moderator to open it.")
    if session.state == LiveState.ENDED:
        raise _state_refused(f"{live_ended_words(session)}; messages can no longer be sent.")
    return []


def _require_not_ended(
    session: LiveSession, consequence: str = "messages can no longer be sent"
) -> list[str]:
    if session.state == LiveState.ENDED:
        raise _state_refused(f"{live_ended_words(session)}; {consequence}.")
    return []


@dataclass(frozen=True)
class LiveSend:
    """One line to store, checked for everything that needs no database (`live_send_clean`)."""

    author: Membership  # as the sender's socket knows it; re-read when stored
    stream: str
    body: str
    client_id: uuid.UUID
    recipient_id: int | None = None  # a moderator's probe: the participant it goes to
    note: bool = False


def live_send_clean(
    *, author: Membership, stream, body, client_id, recipient_id=None, note: bool = False
) -> LiveSend:
    """Validate a line's input and what the author's role may write, without touching the database.

    - room: participants and moderators (observers use the backroom);
    - backroom: clients and moderators; `note=True` marks a note to the moderator;
    - probe: moderators write to `recipient_id` (a participant of the community);
      a participant writes only in their own thread.
    """
    client_uuid = live_client_id_clean(client_id)
    if stream not in LiveStream.values:
        raise ValidationError({"stream": "stream must be room, backroom or probe."})
    body = live_body_clean(body)
    if stream == LiveStream.ROOM and author.is_client:
        raise PermissionDenied("Observers do not write in the room; use the backroom.")
    if stream == LiveStream.BACKROOM and author.is_participant:
        raise PermissionDenied("No such stream.")
    if stream == LiveStream.PROBE:
        if author.is_client:
            raise PermissionDenied("No such stream.")
        if author.is_participant:
            recipient_id = author.pk
        elif (
            isinstance(recipient_id, bool)
            or not isinstance(recipient_id, int)
            or not 0 < recipient_id < 2**63
        ):
            # Out of the id range: no member, and a number the database would refuse (failing the batch).
            raise ValidationError({"recipient": "Choose a participant of this community to probe."})
    else:
        recipient_id = None
    return LiveSend(
        author=author,
        stream=stream,
        body=body,
        client_id=client_uuid,
        recipient_id=recipient_id,
        note=bool(note) and stream == LiveStream.BACKROOM,
    )


Stored = tuple[LiveMessage, bool]


def live_messages_store(
    *, session_id: int, sends: Sequence[LiveSend], reread_authors: bool = True
) -> list[Stored | Exception]:
    """Store a batch of lines with one transaction: the group commit behind every live socket.

    Per line: (message, created), or the PermissionDenied / ValidationError refusing it; one refused
    line holds back none of the others. A line whose (author, client_id) is already stored, or came
    earlier in the same batch, gives back that message with created=False whatever the session's state
    is now, and counts nothing against the rate limit.

    Authorisation is checked on every line against the membership and the discussion as they are now:
    an author deactivated, moved to another role, or who can no longer see the discussion gets
    PermissionDenied("No such live session."). Sockets hold a membership read at connect, so the
    authors are re-read (one query for the batch); `reread_authors=False` is for callers that have
    just read the author themselves.

    Queries, whatever the batch size: the authors, the authors' recent and retried lines (rate limit,
    idempotency), then under the session row's lock (held by every writer of the session's numbers)
    the session with its discussion, one bulk insert and one update of the stream counters, so numbers
    are gap-free and in commit order. Everything that needs no lock is done before taking it: the
    lock is what all of a session's lines queue for.
    """
    for attempt in range(2):
        try:
            return _store_batch(session_id, sends, reread_authors)
        except IntegrityError:
            # Another process stored one of these client ids between our look-up and our insert
            # (a retry racing its first attempt): the batch rolled back whole; the look-up now sees it.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _store_batch(
    session_id: int, sends: Sequence[LiveSend], reread_authors: bool
) -> list[Stored | Exception]:
    results: list[Stored | Exception | None] = [None] * len(sends)
    if reread_authors:
        ids = {s.author.pk for s in sends} | {s.recipient_id for s in sends if s.recipient_id is not None}
        members = Membership.objects.select_related("user", "community").in_bulk(ids)
    else:
        members = {s.author.pk: s.author for s in sends}
        missing = {s.recipient_id for s in sends if s.recipient_id is not None} - set(members)
        if missing:
            members.update(Membership.objects.select_related("user").in_bulk(missing))
    stored, recent = _stored_and_recent(session_id, sends)
    lines: list[tuple[int, LiveSend, Membership, Membership | None]] = []  # to store, in order
    firsts: dict[tuple[int, uuid.UUID], int] = {}  # (author, client id) -> index of its first line
    repeats: list[tuple[int, int]] = []
    for i, send in enumerate(sends):
        author = members.get(send.author.pk)
        if author is None or not author.is_active or author.role != send.author.role:
            results[i] = PermissionDenied("No such live session.")
            continue
        key = (author.pk, send.client_id)
        if key in stored:
            results[i] = (stored[key], False)
        elif key in firsts:
            repeats.append((i, firsts[key]))
        else:
            firsts[key] = i
            recipient = members.get(send.recipient_id) if send.recipient_id is not None else None
            lines.append((i, send, author, recipient))
    allowed = _rate_limit_batch(recent, [(i, a) for i, _, a, _ in lines if not a.is_moderator])

    new: list[tuple[int, LiveMessage]] = []
    with transaction.atomic():
        session = (
            LiveSession.objects.select_for_update(of=("self",))
            .select_related("discussion")
            .get(pk=session_id)
        )
        bumped: set[str] = set()
        for i, send, author, recipient in lines:
            try:
                if author.community_id != session.community_id or not discussion_visible_to(
                    session.discussion, author
                ):
                    raise PermissionDenied("No such live session.")
                if not allowed.get(i, True):
                    raise _rate_limited()
                _check_line(session, send, author, recipient)
            except (PermissionDenied, ValidationError) as exc:
                results[i] = exc
                continue
            field = f"{send.stream}_seq"
            seq = getattr(session, field) + 1
            setattr(session, field, seq)
            bumped.add(field)
            message = LiveMessage(
                session_id=session_id,
                stream=send.stream,
                seq=seq,
                kind=LiveMessageKind.NOTE if send.note else LiveMessageKind.MESSAGE,
                author=author,
                recipient=recipient if send.stream == LiveStream.PROBE else None,
                body=send.body,
                data={},
                client_id=send.client_id,
                question_id=session.current_question_id,
            )
            new.append((i, message))
        if new:
            LiveMessage.objects.bulk_create([m for _, m in new])
            session.save(update_fields=sorted(bumped))
    for i, message in new:
        results[i] = (message, True)
    for i, first in repeats:
        earlier = results[first]
        results[i] = (earlier[0], False) if isinstance(earlier, tuple) else earlier
    return results


def _stored_and_recent(
    session_id: int, sends: Sequence[LiveSend]
) -> tuple[dict[tuple[int, uuid.UUID], LiveMessage], dict[int, int]]:
    """The batch's (author, client id) pairs already stored, and how many lines each author stored in
    the session over the last minute (the rate limit), in one query; a second one loads the stored
    lines only when there are retries.

    The rate limit is counted in the database, where every ASGI process's lines are, rather than with
    cache round trips per line. Two processes storing one author's lines at the same instant may each
    let one through before seeing the other's: it is a limit against flooding, not an exact quota.
    """
    since = timezone.now() - timedelta(seconds=RATE_WINDOW_SECONDS)
    wanted = {(s.author.pk, s.client_id) for s in sends}
    rows = LiveMessage.objects.filter(
        Q(client_id__in={s.client_id for s in sends}) | Q(created_at__gte=since),
        session_id=session_id,
        author_id__in={s.author.pk for s in sends},
    ).values_list("pk", "author_id", "client_id", "created_at")
    recent: dict[int, int] = {}
    retried: list[int] = []
    for pk, author_id, client_id, created_at in rows.order_by():
        if created_at >= since:
            recent[author_id] = recent.get(author_id, 0) + 1
        if (author_id, client_id) in wanted:
            retried.append(pk)
    stored = {}
    if retried:
        for message in LiveMessage.objects.filter(pk__in=retried).select_related(
            "author__user", "recipient__user"
        ):
            stored[(message.author_id, message.client_id)] = message
    return stored, recent


def _rate_limit_batch(recent: dict[int, int], lines: list[tuple[int, Membership]]) -> dict[int, bool]:
    """Which of these lines fit in their authors' LIVE_MESSAGES_PER_MINUTE, given what each stored
    in the last minute."""
    limit = settings.VERBATIM["LIVE_MESSAGES_PER_MINUTE"]
    counts = dict(recent)
    allowed: dict[int, bool] = {}
    for i, author in lines:
        counts[author.pk] = counts.get(author.pk, 0) + 1
        allowed[i] = counts[author.pk] <= limit
    return allowed


def _check_line(
    session: LiveSession, send: LiveSend, author: Membership, recipient: Membership | None
) -> None:
    """The checks that need the locked session or the fresh author (their role is unchanged)."""
    if send.stream == LiveStream.ROOM:
        (_require_input_open if author.is_participant else _require_not_ended)(session)
    elif send.stream == LiveStream.PROBE:
        if not author.is_participant and (
            recipient is None
            or not recipient.is_active
            or recipient.community_id != session.community_id
            or not recipient.is_participant
        ):
            raise ValidationError({"recipient": "Choose a participant of this community to probe."})
        _require_not_ended(session)


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
    """One line in the room, a backroom chat line or note, or a probe (see `live_send_clean`).

    Returns (message, created); a retry with a client_id this author already used returns the
    stored message with created=False. Sockets batch their lines through `live_messages_store`.
    """
    if not author.is_active or author.community_id != session.community_id:
        raise PermissionDenied("No such live session.")
    send = live_send_clean(
        author=author,
        stream=stream,
        body=body,
        client_id=client_id,
        recipient_id=recipient.pk if recipient is not None else None,
        note=note,
    )
    (outcome,) = live_messages_store(session_id=session.pk, sends=[send], reread_authors=False)
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


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
        _require_not_ended(locked, "questions can no longer be pushed")
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
        _require_not_ended(locked, "an ended session cannot be started again")
        if locked.state == LiveState.RUNNING:
            raise _state_refused("The session is already running.")
        if locked.state == LiveState.PAUSED:
            raise _state_refused("The session is already running, with input paused: use Resume input.")
        locked.state = LiveState.RUNNING
        locked.started_at = timezone.now()
        return ["state", "started_at"]

    return _control(moderator=moderator, session=session, event="started", check=check)


def live_input_pause(*, moderator: Membership, session: LiveSession) -> LiveMessage:
    def check(locked: LiveSession) -> list[str]:
        _require_not_ended(locked, "there is nothing to pause")
        if locked.state == LiveState.SCHEDULED:
            raise _state_refused("The session has not started yet, so there is nothing to pause.")
        if locked.state == LiveState.PAUSED:
            raise _state_refused("Input is already paused.")
        locked.state = LiveState.PAUSED
        return ["state"]

    return _control(moderator=moderator, session=session, event="paused", check=check)


def live_input_resume(*, moderator: Membership, session: LiveSession) -> LiveMessage:
    def check(locked: LiveSession) -> list[str]:
        _require_not_ended(locked, "there is nothing to resume")
        if locked.state == LiveState.SCHEDULED:
            raise _state_refused("The session has not started yet: use Start session to open it.")
        if locked.state == LiveState.RUNNING:
            raise _state_refused("Input is already open.")
        locked.state = LiveState.RUNNING
        return ["state"]

    return _control(moderator=moderator, session=session, event="resumed", check=check)


def live_spotlight(*, moderator: Membership, session: LiveSession, seq) -> LiveMessage:
    """Pin one room message for everyone (seq 0 clears the spotlight); never a withheld line."""
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
        _require_not_ended(locked, "nothing can be spotlighted any more")
        if target is not None:
            from community.services.live_archive import live_message_is_withheld

            if live_message_is_withheld(target):
                raise ValidationError(
                    {
                        "seq": "That line is withheld from the findings, so it cannot be spotlighted: "
                        "observers must not see it."
                    }
                )
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
        if locked.state == LiveState.ENDED:
            raise _state_refused(f"{live_ended_words(locked)}; it cannot be ended twice.")
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
        from community.services.live_archive import live_session_archive_on_commit  # live lines -> posts

        live_session_archive_on_commit(session_id=session.pk)
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
        present = LiveConnection.objects.filter(
            session=session, membership=member, seen_at__gte=live_connection_fresh_since()
        ).exists()
        # A channel name is new for every socket: a plain insert, no lookup first.
        LiveConnection.objects.create(session=session, membership=member, channel_name=channel_name)
    return not present


def live_connection_close(*, channel_name: str) -> tuple[int, int] | None:
    """Forget a socket; (session id, member id) when that was the member's last one (announce)."""
    with transaction.atomic():
        conn = LiveConnection.objects.filter(channel_name=channel_name).first()
        if conn is None:
            return None
        conn.delete()
        still = LiveConnection.objects.filter(
            session_id=conn.session_id,
            membership_id=conn.membership_id,
            seen_at__gte=live_connection_fresh_since(),
        )
        if still.exists():
            return None
    return conn.session_id, conn.membership_id


def live_connections_heartbeat(*, channel_names: Sequence[str]) -> int:
    """Mark these sockets (all open in the calling process) as alive: one update for all of them.

    Returns how many rows were refreshed; a socket whose row a sweep already took (its process
    stalled past the stale limit) is no longer counted as present until it reconnects.
    """
    if not channel_names:
        return 0
    return LiveConnection.objects.filter(channel_name__in=list(channel_names)).update(seen_at=timezone.now())


def live_connections_sweep() -> list[tuple[int, Membership]]:
    """Delete the rows of sockets whose process stopped refreshing them (it crashed or was killed).

    Returns (session id, membership) for every member who thereby left a session, i.e. has no
    fresh row there any more, so the caller can announce it; memberships come with their users.
    """
    cutoff = live_connection_fresh_since()
    with transaction.atomic():
        stale = list(
            LiveConnection.objects.filter(seen_at__lt=cutoff)
            .select_for_update(skip_locked=True)
            .values_list("pk", "session_id", "membership_id")
        )
        if not stale:
            return []
        LiveConnection.objects.filter(pk__in=[pk for pk, _, _ in stale]).delete()
        pairs = {(session_id, member_id) for _, session_id, member_id in stale}
        still = set(
            LiveConnection.objects.filter(
                session_id__in={s for s, _ in pairs}, membership_id__in={m for _, m in pairs}
            ).values_list("session_id", "membership_id")
        )
        gone = sorted(pairs - still)
        members = Membership.objects.select_related("user").in_bulk({m for _, m in gone})
    return [(session_id, members[member_id]) for session_id, member_id in gone if member_id in members]
