"""Reads for live sessions: access, what each role may see, replay, presence and the transcript.

Who sees which stream (decided here, used by the consumer, the views and the export):

| role        | room | backroom | probe                          |
|-------------|------|----------|--------------------------------|
| moderator   | yes  | yes      | every participant's thread     |
| participant | yes  | never    | only their own thread          |
| client      | yes  | yes      | no                             |
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.http import Http404
from django.utils import timezone

from community.access import ConsentRequired, discussion_visible_to, get_membership
from community.models import (
    Discussion,
    DiscussionKind,
    LiveConnection,
    LiveMessage,
    LiveQuestion,
    LiveSession,
    LiveState,
    LiveStream,
    Membership,
    Post,
    PostStatus,
    Role,
)
from community.models.live import LIVE_CONNECTION_STALE_SECONDS
from community.pii import hidden_details_notice, redact_contact_details, redact_contact_spans
from community.roster import Roster, roster_for

STAFF_NAME_ROLES = (Role.MODERATOR,)


# What a participant is told about the details in their own room line that others see hidden
# (as on the boards: community.views.discussions._contact_details_notice).
def live_contact_notice(author: Membership, stream: str, body: str) -> str:
    """For the author's acknowledgement: which details of their line other participants and clients
    see hidden ([EMAIL], [PHONE]...; `live_frame_for`), or "" when they see it whole.

    Only participants' room lines are shown hidden; probe answers reach only the research team."""
    if not author.is_participant or stream != LiveStream.ROOM:
        return ""
    return hidden_details_notice(body, what="message")


def get_live_discussion_for_member(user, discussion_id: int) -> tuple[Discussion, Membership]:
    """The live discussion and the user's membership in its community, or Http404.

    Same rules as every page (`community.access`): outsiders, drafts for
    non-moderators and participants outside the target segments get 404;
    participants without current consent get ConsentRequired.
    """
    discussion = (
        Discussion.objects.select_related("community")
        .filter(pk=discussion_id, kind=DiscussionKind.LIVE)
        .first()
    )
    if discussion is None:
        raise Http404("No such live session.")
    membership = get_membership(user, discussion.community)
    if membership is None or not discussion_visible_to(discussion, membership):
        raise Http404("No such live session.")
    if not membership.has_current_consent:
        raise ConsentRequired(membership)
    return discussion, membership


def live_streams_for(membership: Membership) -> tuple[str, ...]:
    if membership.is_moderator:
        return (LiveStream.ROOM, LiveStream.BACKROOM, LiveStream.PROBE)
    if membership.is_client:
        return (LiveStream.ROOM, LiveStream.BACKROOM)
    return (LiveStream.ROOM, LiveStream.PROBE)


def live_stream_is_gap_free_for(membership: Membership, stream: str) -> bool:
    """Whether every number of the stream reaches this member, so a missing number means a lost message.

    A participant sees only their own probe thread, a slice of the probe stream.
    """
    return stream != LiveStream.PROBE or membership.is_moderator


def live_session_seqs(session: LiveSession) -> dict[str, int]:
    return {
        LiveStream.ROOM: session.room_seq,
        LiveStream.BACKROOM: session.backroom_seq,
        LiveStream.PROBE: session.probe_seq,
    }


def _name_pair(member: Membership | None) -> tuple[str, str, str]:
    """(pseudonym, name as moderators see it, role) of an author; session events have no author."""
    if member is None:
        return "", "", ""
    return member.pseudonym, member.name_for_moderators, member.role


def live_message_event(message: LiveMessage) -> dict[str, Any]:
    """The JSON-safe channel-layer event for a stored message; `live_frame_for` picks per viewer.

    `message.author` and `message.recipient` must be loaded with their users (select_related).
    """
    pseudonym, real, role = _name_pair(message.author)
    r_pseudonym, r_real, _ = _name_pair(message.recipient)
    return {
        "type": "live.message",
        "session_id": message.session_id,
        "stream": message.stream,
        "seq": message.seq,
        "kind": message.kind,
        "body": message.body,
        "data": message.data or {},
        "client_id": str(message.client_id) if message.client_id else None,
        "question_id": message.question_id,
        "author_id": message.author_id,
        "author_pseudonym": pseudonym,
        "author_name": real,
        "author_role": role,
        "recipient_id": message.recipient_id,
        "recipient_pseudonym": r_pseudonym,
        "recipient_name": r_real,
        "at": message.created_at.isoformat(),
    }


def live_event_visible_to(event: dict[str, Any], viewer: Membership) -> bool:
    stream = event["stream"]
    if stream not in live_streams_for(viewer):
        return False
    if stream == LiveStream.PROBE and not viewer.is_moderator:
        return event["recipient_id"] == viewer.pk
    return True


def _quoted_for_participant(text: str, data: dict[str, Any], viewer: Membership) -> str:
    """A line an event quotes (a spotlight's), without contact details unless `viewer` wrote it."""
    return text if data.get("author") == viewer.pseudonym else redact_contact_spans(text)


def live_event_for_viewer(event: dict[str, Any], viewer: Membership, withheld: set[int]) -> dict[str, Any]:
    """The event as `viewer` may have it, given the room lines withheld from the findings (`withheld`).

    Clients are part of the findings' audience: a withheld line reaches them as a bodiless
    placeholder (still numbered, so their gap-free room stream has no hole), and a spotlight event
    quoting it as a cleared spotlight. Moderators and participants get the event unchanged.
    """
    if not viewer.is_client or event["stream"] != LiveStream.ROOM or not withheld:
        return event
    if event["seq"] in withheld:
        return {**event, "withheld": True, "body": "", "data": {}}
    data = event["data"] or {}
    if data.get("event") == "spotlight" and data.get("seq") in withheld:
        return {**event, "data": {"event": "spotlight", "seq": 0}}
    return event


def live_frame_for(event: dict[str, Any], viewer: Membership, roster: Roster | None = None) -> dict[str, Any]:
    """What `viewer` is sent for a message event: pseudonyms unless the viewer is a moderator.

    `roster` is the community's names as loaded off the event loop (the live consumer keeps one per
    socket); without it the roster is read here, which only synchronous callers may do.
    """
    if event.get("withheld"):
        # A line withheld from the findings, for a client (`live_event_for_viewer`): its number only.
        return {"type": "withdrawn", "stream": event["stream"], "seq": event["seq"], "at": event["at"]}
    staff = viewer.role in STAFF_NAME_ROLES
    mine = event["author_id"] is not None and event["author_id"] == viewer.pk
    body, data = event["body"], event["data"]
    if viewer.is_client and event["author_role"] != Role.CLIENT:
        # Observers read what participants say with contact details redacted, as on the boards.
        roster = roster or roster_for(viewer.community_id)
        body = roster.redact(redact_contact_details(body))
        if data.get("body"):
            data = {**data, "body": roster.redact(redact_contact_details(data["body"]))}
    elif viewer.is_participant and event["author_role"] == Role.MODERATOR:
        # "Welcome Priya!" beside Priya's pseudonym would tie the two together for everyone else.
        roster = roster or roster_for(viewer.community_id)
        body = roster.pseudonymise(body, keep=(viewer.pk, event["author_id"]))
        if data.get("body"):
            data = {**data, "body": _quoted_for_participant(roster.redact_erased(data["body"]), data, viewer)}
    elif not staff:
        # Participants and clients may read each other's greetings, but never a former member's name,
        # nor (as on the boards) another participant's email address or phone number.
        roster = roster or roster_for(viewer.community_id)
        hide = redact_contact_spans if not mine and event["author_role"] == Role.PARTICIPANT else str
        body = hide(roster.redact_erased(body))
        if data.get("body"):
            # Same frame for every participant but the author (`live_frame_audience`).
            quoted = roster.redact_erased(data["body"])
            data = {
                **data,
                "body": redact_contact_spans(quoted) if viewer.is_participant and not mine else quoted,
            }
    frame = {
        "type": "message",
        "stream": event["stream"],
        "seq": event["seq"],
        "kind": event["kind"],
        "body": body,
        "data": data,
        "author": event["author_name"] if staff else event["author_pseudonym"],
        "author_role": event["author_role"],
        "mine": mine,
        "question_id": event["question_id"],
        "at": event["at"],
    }
    if staff:
        frame["author_id"] = event["author_id"]
    if mine:
        frame["client_id"] = event["client_id"]
    if event["stream"] == LiveStream.PROBE:
        frame["recipient"] = event["recipient_name"] if staff else event["recipient_pseudonym"]
        if staff:
            frame["recipient_id"] = event["recipient_id"]
    return frame


def live_frame_audience(event: dict[str, Any], viewer: Membership) -> tuple | None:
    """Viewers with the same key are sent the same `live_frame_for` frame, so it can be built once
    for all of them; None when this viewer's frame is theirs alone. Keep in step with live_frame_for:
    it depends on the viewer's role and community, except for the author's own copy (with its client
    id) and a participant reading a moderator's line (which keeps that participant's own name)."""
    if event["author_id"] is not None and event["author_id"] == viewer.pk:
        return None
    if viewer.is_participant and event["author_role"] == Role.MODERATOR:
        return None
    return (viewer.role, viewer.community_id)


def live_messages_after(
    session: LiveSession, viewer: Membership, *, stream: str, after: int, limit: int
) -> list[LiveMessage]:
    """Messages of one stream numbered above `after` that `viewer` may see, oldest first (one query)."""
    if stream not in live_streams_for(viewer):
        return []
    qs = LiveMessage.objects.filter(session=session, stream=stream, seq__gt=after)
    if stream == LiveStream.PROBE and not viewer.is_moderator:
        qs = qs.filter(recipient=viewer)
    return list(qs.select_related("author__user", "recipient__user").order_by("seq")[:limit])


def live_room_events(session_id: int, seqs: Iterable[int]) -> list[dict[str, Any]]:
    """The channel-layer events of the room lines numbered `seqs` (one query), oldest first: what a
    socket sends again when a withheld line comes back (`live_consumers`, "Withheld lines")."""
    wanted = sorted(set(seqs))
    if not wanted:
        return []
    rows = LiveMessage.objects.filter(session_id=session_id, stream=LiveStream.ROOM, seq__in=wanted)
    return [
        live_message_event(m) for m in rows.select_related("author__user", "recipient__user").order_by("seq")
    ]


def live_withheld_now(session_id: int) -> set[int]:
    """Room numbers of the session's lines out of the findings right now (one query): withheld by a
    moderator, or hidden, removed or deleted on the board."""
    return set(
        Post.objects.filter(live_message__session_id=session_id, live_message__stream=LiveStream.ROOM)
        .exclude(status=PostStatus.PUBLISHED)
        .values_list("live_message__seq", flat=True)
    )


def live_connection_fresh_since() -> datetime:
    """Connection rows refreshed before this belong to sockets whose process died."""
    return timezone.now() - timedelta(seconds=LIVE_CONNECTION_STALE_SECONDS)


def live_presence_entry(member: Membership) -> dict[str, Any]:
    """A member as presence lists carry them (with the user loaded); `live_presence_for` picks per viewer."""
    pseudonym, real, role = _name_pair(member)
    return {"id": member.pk, "pseudonym": pseudonym, "name": real, "role": role}


def live_presence(session: LiveSession, *, include_observers: bool = False) -> list[dict[str, Any]]:
    """Members with an open socket, one entry each (one query). Observers (clients) only when asked:
    for moderators. Rows whose process stopped refreshing them (it crashed) are not presence."""
    qs = LiveConnection.objects.filter(session=session, seen_at__gte=live_connection_fresh_since())
    if not include_observers:
        qs = qs.exclude(membership__role=Role.CLIENT)
    seen: dict[int, dict[str, Any]] = {}
    for conn in qs.select_related("membership__user").order_by("connected_at", "id"):
        if conn.membership_id not in seen:
            seen[conn.membership_id] = live_presence_entry(conn.membership)
    return list(seen.values())


def live_presence_for(entries: list[dict[str, Any]], viewer: Membership) -> list[dict[str, Any]]:
    staff = viewer.role in STAFF_NAME_ROLES
    shown = []
    for entry in entries:
        if entry["role"] == Role.CLIENT and not staff:
            continue
        item = {"name": entry["name"] if staff else entry["pseudonym"], "role": entry["role"]}
        if staff:
            item["id"] = entry["id"]
        shown.append(item)
    return shown


# The moderator's session buttons and the states each one works in (the services refuse the others).
# The page renders them from here and live.js enables them from the same `data-live-enabled-in`.
LIVE_CONSOLE_BUTTONS = (
    ("start", "Start session", (LiveState.SCHEDULED,)),
    ("pause", "Pause input", (LiveState.RUNNING,)),
    ("resume_input", "Resume input", (LiveState.PAUSED,)),
    ("end", "End session", (LiveState.RUNNING, LiveState.PAUSED)),
)

LIVE_CONSOLE_NOTES = {
    LiveState.SCHEDULED: "Not started: press Start session, or push a question, to open the conversation.",
    LiveState.RUNNING: "Live: participants can write.",
    LiveState.PAUSED: "Input paused: participants cannot write until you resume input.",
}


def live_console_buttons(session: LiveSession) -> list[dict[str, Any]]:
    """The session buttons as the console shows them now: enabled only in the states that allow them."""
    return [
        {
            "action": action,
            "label": label,
            "enabled_in": " ".join(states),
            "enabled": session.state in states,
            "confirm": "End the session for everyone?" if action == "end" else "",
        }
        for action, label, states in LIVE_CONSOLE_BUTTONS
    ]


def live_questions(session: LiveSession) -> list[LiveQuestion]:
    return list(session.questions.all())


def live_state_snapshot(session: LiveSession, *, viewer: Membership | None = None) -> dict[str, Any]:
    """The session's state as every role may see it (no backroom, no observers).

    A client viewer gets the spotlighted message with contact details redacted; a participant
    gets it without erased members' names.
    """
    question = session.current_question
    spotlight = session.spotlight
    spotlight_body = spotlight.body if spotlight is not None else ""
    if viewer is not None and viewer.is_client:
        spotlight_body = roster_for(viewer.community_id).redact(redact_contact_details(spotlight_body))
    elif viewer is not None and viewer.role not in STAFF_NAME_ROLES:
        spotlight_body = roster_for(viewer.community_id).redact_erased(spotlight_body)
        author = spotlight.author if spotlight is not None and spotlight.author_id else None
        if author is not None and author.pk != viewer.pk and author.role == Role.PARTICIPANT:
            spotlight_body = redact_contact_spans(spotlight_body)
    return {
        "state": session.state,
        "accepts_input": session.accepts_input,
        "started_at": session.started_at.isoformat() if session.started_at else None,
        "ended_at": session.ended_at.isoformat() if session.ended_at else None,
        "scheduled_start": session.scheduled_start.isoformat() if session.scheduled_start else None,
        "question": {"id": question.pk, "text": question.text, "position": question.position}
        if question
        else None,
        "spotlight": {"seq": spotlight.seq, "body": spotlight_body, "author": spotlight.author.pseudonym}
        if spotlight is not None and spotlight.author_id
        else None,
    }


def live_transcript_rows(session: LiveSession, *, include_backroom: bool = False) -> list[dict[str, Any]]:
    """Every stored line in time order with its question marker, for the moderator's export (one query)."""
    streams = [LiveStream.ROOM, LiveStream.PROBE] + ([LiveStream.BACKROOM] if include_backroom else [])
    messages = (
        LiveMessage.objects.filter(session=session, stream__in=streams)
        .select_related("author__user", "recipient__user", "question")
        .order_by("created_at", "id")
    )
    rows = []
    for message in messages:
        _, author, role = _name_pair(message.author)
        _, recipient, _ = _name_pair(message.recipient)
        rows.append(
            {
                "time": message.created_at.isoformat(timespec="seconds"),
                "stream": message.stream,
                "seq": message.seq,
                "question": message.question.position + 1 if message.question else "",
                "kind": message.kind,
                "author": author,
                "role": role,
                "to": recipient if message.stream == LiveStream.PROBE else "",
                "text": message.body,
                "event": (message.data or {}).get("event", ""),
            }
        )
    return rows
