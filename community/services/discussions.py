"""The discussion guide: moderators create, edit and reorder activities."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from community.events import announce_discussion_event
from community.models import (
    Community,
    Discussion,
    DiscussionKind,
    Invitation,
    LiveMessage,
    Membership,
    Post,
    ScorecardResponse,
    Visibility,
)
from community.services.moderation import audit_record

TITLE_MAX_CHARS = 200
PROMPT_MAX_CHARS = 20_000

EDITABLE_FIELDS = (
    "title",
    "prompt",
    "kind",
    "visibility",
    "target_segments",
    "opens_at",
    "closes_at",
    "is_required",
    "media_allowed",
    "is_draft",
    "in_analysis",
)


def _require_moderator(moderator: Membership, community_id: int) -> None:
    if not moderator.is_moderator or not moderator.is_active or moderator.community_id != community_id:
        raise PermissionDenied("Only the community's moderators can change the discussion guide.")


def _clean(values: dict) -> dict:
    errors: dict[str, str] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = "Give the activity a title."
    elif len(title) > TITLE_MAX_CHARS:
        errors["title"] = f"The title is {len(title)} characters; the limit is {TITLE_MAX_CHARS}."
    prompt = (values.get("prompt") or "").strip()
    if len(prompt) > PROMPT_MAX_CHARS:
        errors["prompt"] = f"The prompt is {len(prompt):,} characters; the limit is {PROMPT_MAX_CHARS:,}."
    if values.get("kind", DiscussionKind.BOARD) not in DiscussionKind.values:
        errors["kind"] = f"Kind must be one of {', '.join(DiscussionKind.values)}."
    if values.get("visibility", Visibility.OPEN) not in Visibility.values:
        errors["visibility"] = f"Visibility must be one of {', '.join(Visibility.values)}."
    segments = values.get("target_segments") or []
    if isinstance(segments, str):
        segments = [s.strip() for s in segments.split(",")]
    segments = sorted({s.strip() for s in segments if s and s.strip()})
    if any(len(s) > 60 for s in segments):
        errors["target_segments"] = "A segment name can be at most 60 characters."
    opens_at: datetime | None = values.get("opens_at")
    closes_at: datetime | None = values.get("closes_at")
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = "The closing time must be after the opening time."
    if errors:
        raise ValidationError(errors)
    cleaned = dict(values)
    cleaned.update(title=title, prompt=prompt, target_segments=segments)
    return {k: v for k, v in cleaned.items() if k in EDITABLE_FIELDS}


def community_segment_names(community_id: int) -> dict[str, str]:
    """The segments in use in a community (members' and pending invitations'), lower-cased name
    to its spelling. Two queries."""
    found: dict[str, str] = {}
    member_lists = Membership.objects.filter(community_id=community_id, is_active=True).values_list(
        "segments", flat=True
    )
    invited_lists = Invitation.objects.filter(
        community_id=community_id, accepted_at__isnull=True, revoked_at__isnull=True
    ).values_list("segments", flat=True)
    for segments in [*member_lists, *invited_lists]:
        for segment in segments or []:
            found.setdefault(segment.lower(), segment)
    return found


def _check_segments(community_id: int, segments: list[str], already: list[str]) -> list[str]:
    """The segments spelled as the community spells them; a ValidationError naming any that no
    member or invitee has (a typo would otherwise make the activity reach no one). Segments the
    activity already targets are kept even if nobody is in them any more."""
    kept = {s.lower() for s in already}
    new = [s for s in segments if s.lower() not in kept]
    if not new:
        return segments
    known = community_segment_names(community_id)
    unknown = [s for s in new if s.lower() not in known]
    if unknown:
        names = ", ".join(f"“{s}”" for s in unknown)
        listed = ", ".join(sorted(known.values(), key=str.lower))
        where = f"Segments in this community: {listed}." if listed else "This community has no segments yet."
        # Only when every segment is unknown does the activity reach no one.
        reach = "nobody would see the activity" if len(unknown) == len(segments) else "it would reach nobody"
        raise ValidationError(
            {
                "target_segments": f"No participant or invitee is in {names}, so {reach}. Check the spelling. {where}"
            }
        )
    spelled = [known.get(s.lower(), s) for s in segments]
    return sorted(set(spelled))


def _response_count(discussion: Discussion) -> int:
    """Posts, scorecard answers and live messages already given in the activity."""
    return (
        Post.objects.filter(discussion=discussion).count()
        + ScorecardResponse.objects.filter(scorecard__discussion=discussion).count()
        + LiveMessage.objects.filter(session__discussion=discussion).count()
    )


@transaction.atomic
def discussion_create(*, moderator: Membership, community: Community, **values) -> Discussion:
    """A new activity at the end of the guide. Drafts (the default) are invisible to participants.

    Keyword values: title, prompt, kind, visibility, target_segments (list or
    comma-separated), opens_at, closes_at, is_required, media_allowed, is_draft, in_analysis.
    """
    _require_moderator(moderator, community.pk)
    cleaned = _clean(values)
    cleaned["target_segments"] = _check_segments(community.pk, cleaned["target_segments"], [])
    last = Discussion.objects.filter(community=community).aggregate(m=Max("position"))["m"]
    discussion = Discussion.objects.create(
        community=community, position=0 if last is None else last + 1, **cleaned
    )
    audit_record(
        community=community,
        actor=moderator,
        action="discussion.create",
        target=discussion,
        details={
            "title": discussion.title,
            "kind": discussion.kind,
            "is_draft": discussion.is_draft,
            "in_analysis": discussion.in_analysis,
        },
    )
    return discussion


@transaction.atomic
def discussion_update(*, moderator: Membership, discussion: Discussion, **values) -> Discussion:
    _require_moderator(moderator, discussion.community_id)
    current = {name: getattr(discussion, name) for name in EDITABLE_FIELDS}
    cleaned = _clean({**current, **values})
    cleaned["target_segments"] = _check_segments(
        discussion.community_id, cleaned["target_segments"], current["target_segments"] or []
    )
    changed = [name for name, value in cleaned.items() if value != current[name]]
    if not changed:
        return discussion
    if "kind" in changed:
        # Responses were written for one kind of activity: a board's posts shown as scorecard
        # answers, archived live messages or private journal entries would misrepresent them.
        count = _response_count(discussion)
        if count:
            before = DiscussionKind(current["kind"]).label.lower()
            raise ValidationError(
                {
                    "kind": f"The kind cannot change: this {before} already has {count} "
                    f"response{'s' if count != 1 else ''}. Add a new activity of the other kind instead."
                }
            )
    for name in changed:
        setattr(discussion, name, cleaned[name])
    discussion.save(update_fields=changed)
    others = [name for name in changed if name != "in_analysis"]
    if others:
        audit_record(
            community=discussion.community_id,
            actor=moderator,
            action="discussion.update",
            target=discussion,
            details={"changed": others},
        )
    if "in_analysis" in changed:
        # Its own entry, named by direction: what clients read changes with it.
        direction = "included" if discussion.in_analysis else "excluded"
        audit_record(
            community=discussion.community_id,
            actor=moderator,
            action=f"discussion.analysis_{direction}",
            target=discussion,
            details={"in_analysis": discussion.in_analysis},
        )
        # Research analyses the discussion's posts again: in or out of every result.
        announce_discussion_event(
            discussion_id=discussion.pk, community_id=discussion.community_id, kind="analysis"
        )
    return discussion


@transaction.atomic
def discussion_reorder(*, moderator: Membership, community: Community, ordered_ids: list[int]) -> None:
    """Put the guide in the given order; ids must be exactly the community's activities."""
    _require_moderator(moderator, community.pk)
    discussions = list(Discussion.objects.select_for_update().filter(community=community))
    if sorted(ordered_ids) != sorted(d.pk for d in discussions) or len(set(ordered_ids)) != len(ordered_ids):
        raise ValidationError({"order": "The new order must list every activity of the guide exactly once."})
    by_id = {d.pk: d for d in discussions}
    changed = []
    for position, pk in enumerate(ordered_ids):
        if by_id[pk].position != position:
            by_id[pk].position = position
            changed.append(by_id[pk])
    Discussion.objects.bulk_update(changed, ["position"])
    if changed:
        audit_record(
            community=community, actor=moderator, action="discussion.reorder", details={"order": ordered_ids}
        )


def discussion_move(*, moderator: Membership, discussion: Discussion, direction: str) -> None:
    """Swap an activity with its neighbour ("up" or "down")."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Direction must be up or down."})
    ids = list(
        Discussion.objects.filter(community_id=discussion.community_id)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )
    index = ids.index(discussion.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
        discussion_reorder(moderator=moderator, community=discussion.community, ordered_ids=ids)
