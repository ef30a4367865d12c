"""Reads for probes, scorecards, completion, notifications, the participant home and data export.

Every function here runs a fixed number of queries whatever the number of rows
(asserted in tests), so the pages built on them stay flat as communities grow.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from collections import defaultdict
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Any, BinaryIO

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Avg, Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from community.access import discussion_visible_to
from community.models import (
    Community,
    Discussion,
    DiscussionKind,
    LiveMessage,
    Membership,
    Notification,
    Post,
    PostImage,
    PostRevision,
    PostStatus,
    Probe,
    Role,
    Scorecard,
    ScorecardDimension,
    ScorecardRating,
    ScorecardResponse,
    Visibility,
)
from community.percentages import whole_percent_of
from community.roster import roster_for

# A participant has "responded" once they have a live top-level post: published, or pending
# approval (they did their part). Same rule as community.selectors.has_responded.
RESPONSE_STATUSES = (PostStatus.PUBLISHED, PostStatus.PENDING)
NO_SEGMENT = "(no segment)"
NEW_WINDOW = timedelta(days=7)


# --- Probes -----------------------------------------------------------------------------------


def _probe_is_private(discussion: Discussion) -> bool:
    """In journals and uninfluenced activities a probe is seen only by its addressees and moderators."""
    return discussion.kind == DiscussionKind.JOURNAL or discussion.visibility == Visibility.UNINFLUENCED


def probe_visible_to(probe: Probe, membership: Membership) -> bool:
    if membership.is_moderator:
        return True
    if probe.is_addressed_to(membership):
        return True
    if _probe_is_private(probe.discussion):
        return False
    # Elsewhere a probe is as visible as the post it follows up on.
    return probe.post is None or probe.post.status == PostStatus.PUBLISHED


def _addressed_to(membership: Membership) -> Q:
    if not membership.is_participant:
        return Q(pk__in=[])
    return Q(addressee=membership) | Q(addressee__isnull=True, segment__in=list(membership.segments or []))


def probes_for_discussion(*, discussion: Discussion, membership: Membership) -> list[Probe]:
    """The probes `membership` may see in a discussion they can already see, oldest first."""
    probes = Probe.objects.filter(discussion=discussion).select_related(
        "author__user", "addressee__user", "post"
    )
    if not membership.is_moderator:
        if _probe_is_private(discussion):
            probes = probes.filter(_addressed_to(membership))
        else:
            probes = probes.filter(
                _addressed_to(membership) | Q(post__isnull=True) | Q(post__status=PostStatus.PUBLISHED)
            )
    return list(probes)


def probe_question_for(probe: Probe, viewer: Membership) -> str:
    """The probe's question as `viewer` reads it. Probes on open boards are public, so members'
    names in them ("Sarah, what would...") become pseudonyms for everyone but the moderators;
    the reader's own name and the asking moderator's stay."""
    if viewer.is_moderator:
        return probe.question
    return roster_for(probe.community_id).pseudonymise(probe.question, keep=(viewer.pk, probe.author_id))


def get_probe_for_member(membership: Membership, probe_id: int) -> Probe:
    probe = (
        Probe.objects.filter(community_id=membership.community_id, pk=probe_id)
        .select_related(
            "discussion__community", "post__author__user", "author__user", "addressee__user", "community"
        )
        .first()
    )
    if (
        probe is None
        or not discussion_visible_to(probe.discussion, membership)
        or not probe_visible_to(probe, membership)
    ):
        raise Http404("No such probe.")
    return probe


def probe_answers_for(*, probe: Probe, membership: Membership) -> list[Post]:
    from community.selectors import post_visible_to

    answers = (
        Post.objects.filter(probe=probe)
        .select_related("author__user", "discussion", "parent")
        .order_by("created_at", "id")
    )
    return [a for a in answers if post_visible_to(a, membership)]


def probes_open_for_member(*, membership: Membership) -> list[Probe]:
    """Probes asking this participant that they have not answered yet, in activities still open."""
    if not membership.is_participant:
        return []
    now = timezone.now()
    probes = (
        Probe.objects.filter(_addressed_to(membership), community_id=membership.community_id)
        .filter(discussion__is_draft=False)
        .filter(Q(discussion__opens_at__isnull=True) | Q(discussion__opens_at__lte=now))
        .filter(Q(discussion__closes_at__isnull=True) | Q(discussion__closes_at__gt=now))
        .exclude(answers__author=membership)
        .select_related("discussion")
        .order_by("created_at", "id")
    )
    shown = [p for p in probes if p.discussion.targets(membership)]
    for probe in shown:
        probe.question_shown = probe_question_for(probe, membership)
    return shown


# --- Scorecards -------------------------------------------------------------------------------


def scorecard_response_for(*, scorecard: Scorecard, membership: Membership) -> dict[int, int]:
    """The member's current ratings by dimension id (empty if they have not answered)."""
    return dict(
        ScorecardRating.objects.filter(
            response__scorecard=scorecard, response__member=membership
        ).values_list("dimension_id", "value")
    )


def scorecard_summary(*, community: Community, discussion: Discussion | None = None) -> list[dict[str, Any]]:
    """Per-dimension averages of participants (customers) and clients (the brand's self-assessment).

    Dimensions are matched by name across the community's scorecards, in the order they
    are first asked. `gap` is client mean minus participant mean: positive when the brand
    rates itself higher than its customers do. Means are None when nobody of that role answered.
    """
    ratings = ScorecardRating.objects.filter(dimension__scorecard__discussion__community=community)
    if discussion is not None:
        ratings = ratings.filter(dimension__scorecard__discussion=discussion)
    rows = (
        ratings.values("dimension__name", "response__respondent_role")
        # Answers kept from people no longer in the community (erased under "anonymize", or
        # deactivated) count in the means; `participant_former_count` says how many there are.
        .annotate(
            mean=Avg("value"),
            count=Count("id"),
            former=Count("id", filter=Q(response__member__is_active=False)),
        )
        .order_by()
    )
    dimensions = _dimension_names(community=community, discussion=discussion)
    summary: dict[str, dict[str, Any]] = {
        name: {
            "dimension": name,
            "participant_mean": None,
            "participant_count": 0,
            "participant_former_count": 0,
            "client_mean": None,
            "client_count": 0,
            "gap": None,
        }
        for name in dimensions
    }
    for row in rows:
        entry = summary.get(row["dimension__name"])
        if entry is None:
            continue
        prefix = "participant" if row["response__respondent_role"] == Role.PARTICIPANT else "client"
        # Exact: each page, chart and API answer rounds it once, to the decimals it shows.
        entry[f"{prefix}_mean"] = float(row["mean"])
        entry[f"{prefix}_count"] = row["count"]
        if prefix == "participant":
            entry["participant_former_count"] = row["former"]
    for entry in summary.values():
        if entry["participant_mean"] is not None and entry["client_mean"] is not None:
            entry["gap"] = entry["client_mean"] - entry["participant_mean"]
    return list(summary.values())


def scorecard_former_respondents(*, discussion: Discussion) -> int:
    """How many of a scorecard's customer answers come from people no longer in the community.

    Erasure under the "anonymize" policy (and deactivation) keeps a participant's answers, as it
    keeps their posts under "Former member N": they count in the results and the perception gap,
    while completion counts current participants; pages name this number so the two agree.
    """
    return ScorecardResponse.objects.filter(
        scorecard__discussion=discussion, respondent_role=Role.PARTICIPANT, member__is_active=False
    ).count()


def _dimension_names(*, community: Community, discussion: Discussion | None) -> list[str]:
    dimensions = ScorecardDimension.objects.filter(scorecard__discussion__community=community)
    if discussion is not None:
        dimensions = dimensions.filter(scorecard__discussion=discussion)
    names: list[str] = []
    for name in dimensions.order_by(
        "scorecard__discussion__position", "scorecard_id", "position", "id"
    ).values_list("name", flat=True):
        if name not in names:
            names.append(name)
    return names


# --- Completion -------------------------------------------------------------------------------


def _participants(community_id: int) -> tuple[list[Membership], set[int]]:
    """(current participants, ids of former ones) in one query.

    Imported corpus authors have no login and can't respond; they are not expected to.
    Former participants (deactivated, or erased under the "anonymize" policy) are not expected
    either, but what they answered stays in results as anonymous data, so completion counts it
    beside the current participants rather than silently leaving it out.
    """
    current: list[Membership] = []
    former: set[int] = set()
    for member in (
        Membership.objects.filter(community_id=community_id, role=Role.PARTICIPANT, is_imported=False)
        .select_related("user")
        .order_by("pseudonym")
    ):
        if member.is_active:
            current.append(member)
        else:
            former.add(member.pk)
    return current, former


def _responders(discussion_ids: list[int], scorecard_discussion_ids: list[int]) -> dict[int, set[int]]:
    """discussion id -> ids of members who responded (two queries whatever the sizes)."""
    responded: dict[int, set[int]] = defaultdict(set)
    if discussion_ids:
        pairs = (
            Post.objects.filter(
                discussion_id__in=discussion_ids, parent__isnull=True, status__in=RESPONSE_STATUSES
            )
            .values_list("discussion_id", "author_id")
            .distinct()
        )
        for discussion_id, author_id in pairs:
            responded[discussion_id].add(author_id)
    if scorecard_discussion_ids:
        pairs = ScorecardResponse.objects.filter(
            scorecard__discussion_id__in=scorecard_discussion_ids
        ).values_list("scorecard__discussion_id", "member_id")
        for discussion_id, member_id in pairs:
            responded[discussion_id].add(member_id)
    return responded


def _segment_rows(targeted: list[Membership], responded_ids: set[int]) -> list[dict[str, Any]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for member in targeted:
        for segment in member.segments or [NO_SEGMENT]:
            counts[segment][0] += 1
            if member.pk in responded_ids:
                counts[segment][1] += 1
    return [
        {"segment": segment, "targeted": total, "responded": done, "not_responded": total - done}
        for segment, (total, done) in sorted(counts.items(), key=lambda kv: (kv[0] == NO_SEGMENT, kv[0]))
    ]


def _completion_row(
    discussion: Discussion, participants: list[Membership], responded_ids: set[int], former_ids: set[int]
) -> dict:
    targeted = [m for m in participants if discussion.targets(m)]
    done = [m for m in targeted if m.pk in responded_ids]
    pending = [m for m in targeted if m.pk not in responded_ids]
    return {
        "discussion": discussion,
        "targeted": len(targeted),
        "responded_count": len(done),
        # Responses of people no longer in the community: kept (anonymous) in results, not in the rate.
        "former_responded_count": len(responded_ids & former_ids),
        "not_responded_count": len(pending),
        "rate": whole_percent_of(len(done), len(targeted)) if targeted else None,
        "responded": done,
        "not_responded": pending,
        "segments": _segment_rows(targeted, responded_ids),
    }


def community_completion(*, community: Community) -> list[dict[str, Any]]:
    """For moderators: per published activity, who has and hasn't responded, overall and by segment."""
    discussions = list(
        Discussion.objects.filter(community=community, is_draft=False).exclude(kind=DiscussionKind.LIVE)
    )
    participants, former = _participants(community.pk)
    responded = _responders(
        [d.pk for d in discussions if d.kind != DiscussionKind.SCORECARD],
        [d.pk for d in discussions if d.kind == DiscussionKind.SCORECARD],
    )
    return [_completion_row(d, participants, responded[d.pk], former) for d in discussions]


def discussion_completion(*, discussion: Discussion) -> dict[str, Any]:
    participants, former = _participants(discussion.community_id)
    is_scorecard = discussion.kind == DiscussionKind.SCORECARD
    responded = _responders([] if is_scorecard else [discussion.pk], [discussion.pk] if is_scorecard else [])
    return _completion_row(discussion, participants, responded[discussion.pk], former)


def non_responders_due(*, now=None) -> dict[int, list[Discussion]]:
    """Membership id -> required, open activities they were asked to do and have not (for reminders)."""
    now = now or timezone.now()
    discussions = list(
        Discussion.objects.filter(is_required=True, is_draft=False)
        .exclude(kind=DiscussionKind.LIVE)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now))
        .filter(Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .select_related("community")
        .order_by("community_id", "closes_at", "position")
    )
    if not discussions:
        return {}
    community_ids = {d.community_id for d in discussions}
    participants = list(
        Membership.objects.filter(
            community_id__in=community_ids,
            role=Role.PARTICIPANT,
            is_active=True,
            is_imported=False,
            user__is_active=True,
        ).select_related("community")
    )
    responded = _responders(
        [d.pk for d in discussions if d.kind != DiscussionKind.SCORECARD],
        [d.pk for d in discussions if d.kind == DiscussionKind.SCORECARD],
    )
    due: dict[int, list[Discussion]] = defaultdict(list)
    by_community: dict[int, list[Membership]] = defaultdict(list)
    for member in participants:
        if member.has_current_consent:
            by_community[member.community_id].append(member)
    for discussion in discussions:
        for member in by_community[discussion.community_id]:
            if discussion.targets(member) and member.pk not in responded[discussion.pk]:
                due[member.pk].append(discussion)
    return dict(due)


# --- Notifications ----------------------------------------------------------------------------


def notification_list(*, user, limit: int = 50) -> list[Notification]:
    return list(
        Notification.objects.filter(membership__user=user, membership__is_active=True)
        .select_related("membership__community")
        .order_by("-created_at", "-id")[:limit]
    )


def notification_unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(
        membership__user=user, membership__is_active=True, read_at__isnull=True
    ).count()


# --- Participant home -------------------------------------------------------------------------


def participant_home(membership: Membership) -> dict[str, Any]:
    """What is due and what is new for a participant in one community.

    - due: open activities they are asked to do and have not responded to, required first,
      then by closing time;
    - probes: follow-ups addressed to them and not yet answered;
    - new_activities: activities opened in the last week;
    - new_reply_discussions: where others replied to their posts in the last week, one entry per
      discussion with its count (busiest first, at most 5), and new_reply_count in all;
    - notifications: their latest unread notifications here (5) and the unread count.
    """
    now = timezone.now()
    since = now - NEW_WINDOW
    discussions = [
        d
        for d in Discussion.objects.filter(community_id=membership.community_id, is_draft=False).exclude(
            kind=DiscussionKind.LIVE
        )
        if d.targets(membership)
    ]
    open_discussions = [d for d in discussions if d.is_open(now)]
    responded_post = set(
        Post.objects.filter(
            author=membership,
            parent__isnull=True,
            status__in=RESPONSE_STATUSES,
            discussion_id__in=[d.pk for d in open_discussions if d.kind != DiscussionKind.SCORECARD],
        ).values_list("discussion_id", flat=True)
    )
    responded_scorecard = set(
        ScorecardResponse.objects.filter(
            member=membership,
            scorecard__discussion_id__in=[
                d.pk for d in open_discussions if d.kind == DiscussionKind.SCORECARD
            ],
        ).values_list("scorecard__discussion_id", flat=True)
    )
    responded = responded_post | responded_scorecard
    far_future = now + timedelta(days=36500)
    due = sorted(
        (d for d in open_discussions if d.pk not in responded),
        key=lambda d: (not d.is_required, d.closes_at or far_future, d.position, d.pk),
    )
    new_activities = [d for d in open_discussions if (d.opens_at or d.created_at) >= since]
    replies = Post.objects.filter(
        parent__author=membership,
        status=PostStatus.PUBLISHED,
        created_at__gte=since,
        community_id=membership.community_id,
    ).exclude(author=membership)
    unread = Notification.objects.filter(membership=membership, read_at__isnull=True)
    return {
        "due": due,
        "probes": probes_open_for_member(membership=membership),
        "new_activities": new_activities,
        "new_reply_discussions": list(
            replies.values("discussion_id", "discussion__title")
            .annotate(replies=Count("id"))
            .order_by("-replies", "discussion__title")[:5]
        ),
        "new_reply_count": replies.count(),
        "notifications": list(unread.order_by("-created_at", "-id")[:5]),
        "unread_count": unread.count(),
    }


# --- Own data export --------------------------------------------------------------------------


def _iso(value) -> str | None:
    return value.isoformat() if value else None


PHOTO_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}


def export_photo_name(image: PostImage) -> str:
    """Where a photo sits in the member's export archive (`member_data_archive`): by post and photo,
    never the stored name (which carries the upload month) nor the uploader's own file name."""
    extension = PHOTO_EXTENSIONS.get(image.content_type) or PurePosixPath(image.file.name).suffix.lower()
    return f"photos/post-{image.post_id}-photo-{image.pk}{extension}"


def member_data_export(*, user) -> dict[str, Any]:
    """Everything the platform holds about `user` as JSON-safe data (their right of access).

    Photos are listed with each post by the name they have in the archive (`member_data_archive`),
    which holds the files themselves."""
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("community")
        .prefetch_related(
            Prefetch(
                "posts",
                queryset=Post.objects.select_related("discussion")
                .prefetch_related(
                    Prefetch("revisions", queryset=PostRevision.objects.order_by("created_at", "id")),
                    Prefetch("images", queryset=PostImage.objects.order_by("id")),
                )
                .order_by("created_at", "id"),
            ),
            Prefetch(
                "scorecard_responses",
                queryset=ScorecardResponse.objects.select_related("scorecard__discussion").prefetch_related(
                    Prefetch("ratings", queryset=ScorecardRating.objects.select_related("dimension"))
                ),
            ),
            Prefetch("notifications", queryset=Notification.objects.order_by("created_at", "id")),
            Prefetch("probes_received", queryset=Probe.objects.select_related("discussion")),
        )
        .order_by("joined_at", "id")
    )
    # What they said in live sessions (room, backroom, probe threads): one query for all memberships.
    live_lines: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for line in (
        LiveMessage.objects.filter(author__in=memberships)
        .exclude(body="")
        .select_related("session__discussion")
        .order_by("created_at", "id")
    ):
        live_lines[line.author_id].append(
            {
                "session": line.session.discussion.title,
                "stream": line.stream,
                "body": line.body,
                "created_at": _iso(line.created_at),
            }
        )
    return {
        "format": "verbatim-member-export/1",
        "exported_at": _iso(timezone.now()),
        "profile": {
            "username": user.get_username(),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
        },
        "memberships": [
            {
                "community": m.community.name,
                "community_slug": m.community.slug,
                "role": m.role,
                "pseudonym": m.pseudonym,
                "segments": list(m.segments or []),
                "is_active": m.is_active,
                "joined_at": _iso(m.joined_at),
                "consent_version": m.consent_version,
                "consented_at": _iso(m.consented_at),
                "posts": [
                    {
                        "id": p.pk,
                        "activity": p.discussion.title,
                        "parent_id": p.parent_id,
                        "probe_id": p.probe_id,
                        "body": p.body,
                        "status": p.status,
                        "created_at": _iso(p.created_at),
                        "edited_at": _iso(p.edited_at),
                        "revisions": [
                            {"body": r.body, "created_at": _iso(r.created_at)} for r in p.revisions.all()
                        ],
                        "photos": [
                            {
                                "file": export_photo_name(image),
                                "content_type": image.content_type,
                                "width": image.width,
                                "height": image.height,
                                "uploaded_at": _iso(image.created_at),
                            }
                            for image in p.images.all()
                        ],
                    }
                    for p in m.posts.all()
                ],
                "scorecard_answers": [
                    {
                        "activity": r.scorecard.discussion.title,
                        "answered_as": r.respondent_role,
                        "updated_at": _iso(r.updated_at),
                        "ratings": {rating.dimension.name: rating.value for rating in r.ratings.all()},
                    }
                    for r in m.scorecard_responses.all()
                ],
                "probes_addressed_to_me": [
                    {
                        "id": p.pk,
                        "activity": p.discussion.title,
                        "question": probe_question_for(p, m),  # others' names as on the page
                        "asked_at": _iso(p.created_at),
                    }
                    for p in m.probes_received.all()
                ],
                "live_session_lines": live_lines.get(m.pk, []),
                "notifications": [
                    {
                        "kind": n.kind,
                        "title": n.title,
                        "created_at": _iso(n.created_at),
                        "read_at": _iso(n.read_at),
                    }
                    for n in m.notifications.all()
                ],
            }
            for m in memberships
        ],
    }


ARCHIVE_README = """Your data from Verbatim, exported {exported_at}.

my-data.json   your profile, the communities you belong to, everything you posted (with earlier
               versions), what you said in live sessions, your ratings and your notifications.
photos/        the photos you attached to your posts. Each post in my-data.json lists its photos
               under "photos" by their name here. They are the copies the site keeps: location,
               camera and other details were taken out when you uploaded them.
"""


def member_data_archive(*, user, into: BinaryIO) -> None:
    """Write `user`'s export as a ZIP into `into`: my-data.json (`member_data_export`), their photos
    and a README. A photo whose file is gone from storage is listed with "file": null and a note."""
    from django.core.files.storage import default_storage

    data = member_data_export(user=user)
    images = PostImage.objects.filter(post__author__user=user).order_by("id")
    with zipfile.ZipFile(into, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        missing = set()
        for image in images:
            name = export_photo_name(image)
            # Already compressed images go in stored as they are (ZipInfo's default), not deflated again.
            entry = zipfile.ZipInfo(name, _zip_time(image.created_at))
            try:
                with default_storage.open(image.file.name, "rb") as stored, archive.open(entry, "w") as out:
                    shutil.copyfileobj(stored, out)
            except (OSError, ValueError):
                missing.add(name)
        for membership in data["memberships"]:
            for post in membership["posts"]:
                for photo in post["photos"]:
                    if photo["file"] in missing:
                        photo["file"] = None
                        photo["note"] = "The file of this photo could not be found on the server."
        archive.writestr("README.txt", ARCHIVE_README.format(exported_at=data["exported_at"]))
        archive.writestr(
            "my-data.json", json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        )


def _zip_time(moment) -> tuple[int, int, int, int, int, int]:
    local = timezone.localtime(moment)
    return (max(local.year, 1980), local.month, local.day, local.hour, local.minute, local.second)


def client_self_assessments(membership: Membership) -> list[dict[str, Any]]:
    """The scorecards a client can answer for the brand, and whether they have (one query).

    The perception gap compares these answers with the participants', so the client home
    lists them with a plain "answered" mark.
    """
    answered = ScorecardResponse.objects.filter(member=membership, scorecard__discussion=OuterRef("pk"))
    rows = (
        Discussion.objects.filter(
            community_id=membership.community_id, kind=DiscussionKind.SCORECARD, is_draft=False
        )
        .annotate(answered=Exists(answered))
        .order_by("position", "pk")
    )
    now = timezone.now()
    return [{"discussion": d, "answered": d.answered, "is_open": d.is_open(now)} for d in rows]
