"""What participants say in a live session becomes posts of the live discussion.

Clients pay for evidence from every conversation, so a participant's line in the room is
archived as a published `Post` of the session's discussion (author = the member, created_at =
when it was said, `Post.live_message` = the line). From there everything that applies to posts
applies unchanged: the post event queues analysis and themes, `community.selectors` decides who
reads the posts, exports include them, erasure anonymises or removes them, and moderators hide
or remove them with the usual tools and audit trail.

What is archived: messages of kind "message" written by participants, in the room and in their
own private probe thread. Never the backroom (clients' chat and notes), never moderators' lines,
questions or probes, never session events.

A participant's answer to a private probe stays private as a post, as a journal entry is:
`community.selectors` shows it to its author, moderators and clients (pseudonymous and redacted,
as every post), never to other participants, and analysis counts it like any published post.
What makes it private is its line's stream (`Post.live_message.stream == "probe"`), so no
flag can drift from the line it came from.

When: once the session ends, in one batch, so nothing is added to the send path of a running
session: a worker task queued when the end commits (`live_session_archive_on_commit`, called by
`live_session_end`) or, where tasks run in-process, the moderator's console right after the end.
A moderator may take a line out of the evidence during the session (`live_message_withhold`): it
is archived at once as a hidden post with the reason, and the batch then leaves it alone. Clients
(observers) are part of the findings' audience, so a withheld line also leaves their view: open
client sockets are told to drop it, and replays send them a bodiless placeholder in its place
(`community.live_consumers`). Participants were in the room when it was said and keep it. A
withheld line cannot be spotlighted, and withholding the spotlighted line clears the spotlight.
A moderator can restore a withheld line (`live_message_restore`, with a reason, audited as
"post.restore"): its post is published again and open sockets put the line back for clients.
Archiving is idempotent: a line is archived once (a unique column), and a post a moderator hid
or removed stays that way.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from community.events import announce_post_event
from community.markdown import render_markdown
from community.models import (
    LiveMessage,
    LiveMessageKind,
    LiveSession,
    LiveState,
    LiveStream,
    Membership,
    Post,
    PostStatus,
    Role,
)
from community.services.moderation import audit_record
from community.services.posts import render_client_html

logger = logging.getLogger(__name__)

WITHHOLD_REASON_MAX_CHARS = 1000


def archivable_messages(session: LiveSession):
    """The session's participant lines that count as evidence and have no post yet: what they said
    in the room and what they answered in their own private probe thread."""
    return LiveMessage.objects.filter(
        Q(stream=LiveStream.ROOM) | Q(stream=LiveStream.PROBE, recipient=F("author")),
        session=session,
        kind=LiveMessageKind.MESSAGE,
        author__role=Role.PARTICIPANT,
        # Erased or removed members' lines are not turned into fresh evidence.
        author__is_active=True,
        archived_post__isnull=True,
    ).exclude(body="")


def _post_for(message: LiveMessage, *, status: str, discussion_id: int, community_id: int) -> Post:
    return Post(
        community_id=community_id,
        discussion_id=discussion_id,
        author=message.author,
        body=message.body,
        body_html=render_markdown(message.body),
        client_body_html=render_client_html(message.body, author=message.author),
        status=status,
        created_at=message.created_at,
        live_message=message,
    )


def live_session_archive(*, session: LiveSession) -> list[Post]:
    """Archive every participant line of the session that has no post yet; returns the new posts.

    Safe to run any number of times and concurrently: the unique `Post.live_message` makes a
    second writer's insert fail, and that batch is then retried line by line, skipping lines
    archived meanwhile.
    """
    messages = list(archivable_messages(session).select_related("author__user").order_by("seq"))
    if not messages:
        return []
    discussion_id, community_id = session.discussion_id, session.community_id
    try:
        with transaction.atomic():
            posts = Post.objects.bulk_create(
                [
                    _post_for(
                        m, status=PostStatus.PUBLISHED, discussion_id=discussion_id, community_id=community_id
                    )
                    for m in messages
                ]
            )
            _announce_published(posts)
    except IntegrityError:
        posts = []
        for message in messages:
            try:
                with transaction.atomic():
                    post = _post_for(
                        message,
                        status=PostStatus.PUBLISHED,
                        discussion_id=discussion_id,
                        community_id=community_id,
                    )
                    post.save()
                    _announce_published([post])
            except IntegrityError:
                continue  # archived by the other writer
            posts.append(post)
    return posts


def _announce_published(posts: list[Post]) -> None:
    for post in posts:
        announce_post_event(
            post_id=post.pk,
            community_id=post.community_id,
            discussion_id=post.discussion_id,
            kind="published",
        )


def live_session_archive_on_commit(*, session_id: int) -> None:
    """Once the transaction that ended the session commits, have a worker archive it.

    Only where tasks go to workers: in the embedded default tasks run in-process, and the archive
    would then analyse every line (loading spaCy the first time) inside the socket that ended the
    session, holding up the "ended" message for everyone. There the moderator's console asks for
    the archive over HTTP as soon as it sees the end (`live_archive_view`), off the socket's path.
    """
    from celery import current_app

    if current_app.conf.task_always_eager:
        return

    def queue() -> None:
        from community.tasks import archive_live_session

        archive_live_session.delay(session_id)

    transaction.on_commit(queue)


def live_session_archive_for(*, moderator: Membership, session: LiveSession) -> list[Post]:
    """A moderator's request to archive an ended session now (idempotent)."""
    if (
        not moderator.is_active
        or not moderator.is_moderator
        or moderator.community_id != session.community_id
    ):
        raise PermissionDenied("Only the community's moderators can archive a live session.")
    # The state as stored now: the caller's copy may predate the end.
    if LiveSession.objects.filter(pk=session.pk).values_list("state", flat=True).first() != LiveState.ENDED:
        raise ValidationError({"state": "The session has not ended: its lines are archived once it ends."})
    return live_session_archive(session=session)


def _line_change_checked(
    moderator: Membership, session: LiveSession, seq, reason: str, action: str
) -> tuple[str, int]:
    """The checks withholding and restoring share: a moderator of this community, a reason, a number."""
    if (
        not moderator.is_active
        or not moderator.is_moderator
        or moderator.community_id != session.community_id
    ):
        raise PermissionDenied(f"Only the community's moderators can {action}.")
    reason = _clean_withhold_reason(reason)
    try:
        number = int(seq)
    except (TypeError, ValueError):
        raise ValidationError({"seq": "seq must be the number of a message in the room."}) from None
    return reason, number


@transaction.atomic
def live_message_withhold(*, moderator: Membership, session: LiveSession, seq, reason: str) -> Post:
    """Take one participant line of the room out of the evidence, with a reason (audited).

    The line stays in the transcript (it was said and seen); its post is hidden, so analysis,
    themes, clients and exports never count it. Works during and after the session; a line
    already withheld or removed is left as it is.
    """
    reason, number = _line_change_checked(moderator, session, seq, reason, "withhold a live message")
    # The session first, as a spotlight does: the two never cross (a line withheld while it was
    # being spotlighted would stay pinned).
    LiveSession.objects.select_for_update().filter(pk=session.pk).first()
    message = (
        LiveMessage.objects.select_for_update(of=("self",))
        .select_related("author__user")
        .filter(session=session, stream=LiveStream.ROOM, seq=number, kind=LiveMessageKind.MESSAGE)
        .first()
    )
    if message is None or message.author is None or message.author.role != Role.PARTICIPANT:
        raise ValidationError({"seq": "Only a participant's message in the room can be withheld."})
    now = timezone.now()
    post = Post.objects.select_for_update().filter(live_message=message).first()
    if post is None:
        post = _post_for(
            message,
            status=PostStatus.HIDDEN,
            discussion_id=session.discussion_id,
            community_id=session.community_id,
        )
        old_status = ""
    elif post.status in (PostStatus.HIDDEN, PostStatus.REMOVED, PostStatus.DELETED):
        return post
    else:
        old_status = post.status
        post.status = PostStatus.HIDDEN
    _clear_spotlight_of(moderator=moderator, session=session, message=message)
    post.status_changed_at = now
    post.status_changed_by = moderator
    post.status_reason = reason
    if old_status:
        post.save(update_fields=["status", "status_changed_at", "status_changed_by", "status_reason"])
    else:
        post.save()
    _announce_withdrawn(session_id=session.pk, seq=message.seq)
    if old_status:
        # It had been archived and announced: analysis must drop it.
        announce_post_event(
            post_id=post.pk, community_id=post.community_id, discussion_id=post.discussion_id, kind="hidden"
        )
    audit_record(
        community=session.community_id,
        actor=moderator,
        action="post.hide",
        target=post,
        reason=reason,
        details={
            "from": old_status or "live message",
            "to": PostStatus.HIDDEN,
            "discussion_id": session.discussion_id,
            "author": message.author.pseudonym,
            "live_seq": message.seq,
        },
    )
    return post


@transaction.atomic
def live_message_restore(*, moderator: Membership, session: LiveSession, seq, reason: str) -> Post:
    """Put a withheld line back into the evidence, with a reason (audited like withholding).

    Only a line withheld (its post hidden) comes back: a post removed by moderation or erasure
    stays out. Its post is published again, analysis picks it up, and open sockets are told once
    this commits: clients get the line back, moderators lose the mark. Works during and after the
    session; a line that is not withheld is refused.
    """
    reason, number = _line_change_checked(moderator, session, seq, reason, "restore a withheld live message")
    LiveSession.objects.select_for_update().filter(pk=session.pk).first()
    message = (
        LiveMessage.objects.select_related("author__user")
        .filter(session=session, stream=LiveStream.ROOM, seq=number, kind=LiveMessageKind.MESSAGE)
        .first()
    )
    post = Post.objects.select_for_update().filter(live_message=message).first() if message else None
    if post is None or post.status != PostStatus.HIDDEN:
        if post is not None and post.status in (PostStatus.REMOVED, PostStatus.DELETED):
            raise ValidationError(
                {"seq": f"Message {number} was removed, not withheld: it cannot be restored here."}
            )
        raise ValidationError({"seq": f"Message {number} is not withheld: there is nothing to restore."})
    post.status = PostStatus.PUBLISHED
    post.status_changed_at = timezone.now()
    post.status_changed_by = moderator
    post.status_reason = reason
    post.save(update_fields=["status", "status_changed_at", "status_changed_by", "status_reason"])
    announce_post_event(
        post_id=post.pk, community_id=post.community_id, discussion_id=post.discussion_id, kind="restored"
    )
    # The line itself travels with the news: a client that had dropped it shows it again.
    _broadcast_on_commit(
        session.pk,
        "room",
        {
            "type": "live.restored",
            "session_id": session.pk,
            "stream": "room",
            "seq": message.seq,
            "message": _message_event(message),
        },
    )
    audit_record(
        community=session.community_id,
        actor=moderator,
        action="post.restore",
        target=post,
        reason=reason,
        details={
            "from": PostStatus.HIDDEN,
            "to": PostStatus.PUBLISHED,
            "discussion_id": session.discussion_id,
            "author": message.author.pseudonym if message.author else "",
            "live_seq": message.seq,
        },
    )
    return post


def _clean_withhold_reason(reason) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason: it is kept in the moderation audit."})
    if len(reason) > WITHHOLD_REASON_MAX_CHARS:
        raise ValidationError(
            {
                "reason": f"The reason is {len(reason):,} characters; the limit is {WITHHOLD_REASON_MAX_CHARS:,}."
            }
        )
    return reason


def _clear_spotlight_of(*, moderator: Membership, session: LiveSession, message: LiveMessage) -> None:
    """A withheld line does not stay in the spotlight: while the session runs the clearing is a room
    event everyone sees (broadcast once this commits); after the end only the pin is dropped."""
    from community.services.live import live_spotlight

    state = (
        LiveSession.objects.filter(pk=session.pk, spotlight=message).values_list("state", flat=True).first()
    )
    if state is None:
        return
    if state == LiveState.ENDED:
        LiveSession.objects.filter(pk=session.pk, spotlight=message).update(spotlight=None)
        return
    cleared = live_spotlight(moderator=moderator, session=session, seq=0)
    cleared.author = moderator
    _broadcast_on_commit(session.pk, "room", _message_event(cleared))


def _message_event(message: LiveMessage) -> dict:
    from community.selectors_live import live_message_event

    return live_message_event(message)


def _announce_withdrawn(*, session_id: int, seq: int) -> None:
    """Tell open sockets, once this commits, that room line `seq` is withheld (clients drop it)."""
    _broadcast_on_commit(
        session_id, "room", {"type": "live.withdrawn", "session_id": session_id, "stream": "room", "seq": seq}
    )


def _broadcast_on_commit(session_id: int, audience: str, event: dict) -> None:
    def send() -> None:
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        from community.realtime import LIVE_LAYER, live_group

        try:
            async_to_sync(get_channel_layer(LIVE_LAYER).group_send)(live_group(session_id, audience), event)
        except Exception:  # committed: sockets that miss it catch up on their next replay or reload
            logger.exception(
                "Could not tell the live sockets of session %s about a withheld or restored line", session_id
            )

    transaction.on_commit(send)


def live_message_is_withheld(message: LiveMessage) -> bool:
    """Whether a line's post is out of the findings (withheld, hidden, removed or deleted)."""
    return Post.objects.filter(live_message=message).exclude(status=PostStatus.PUBLISHED).exists()


def live_withheld_seqs(session: LiveSession) -> list[int]:
    """Room numbers of the lines whose post is not published (withheld, removed, deleted)."""
    return sorted(
        Post.objects.filter(live_message__session=session, live_message__stream=LiveStream.ROOM)
        .exclude(status=PostStatus.PUBLISHED)
        .values_list("live_message__seq", flat=True)
    )
