"""Probes: moderators' follow-up questions and participants' answers to them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from community.models import (
    AuditEntry,
    Discussion,
    DiscussionKind,
    Membership,
    NotificationKind,
    Post,
    PostStatus,
    Probe,
    Role,
)
from community.services.notifications import notification_create, notifications_mark_read_for_probe

PROBEABLE_KINDS = (DiscussionKind.BOARD, DiscussionKind.JOURNAL)


def _probe_recipients(probe: Probe) -> list[Membership]:
    if probe.addressee_id is not None:
        return [probe.addressee]
    candidates = Membership.objects.filter(
        community_id=probe.community_id, role=Role.PARTICIPANT, is_active=True, is_imported=False
    ).select_related("community")
    # Segments are a JSON list; filtering in Python keeps this portable across SQLite and PostgreSQL.
    return [
        m
        for m in candidates
        if probe.segment in (m.segments or []) and m.has_current_consent and probe.discussion.targets(m)
    ]


def probe_url(probe: Probe) -> str:
    return reverse("probe_detail", kwargs={"slug": probe.community.slug, "probe_id": probe.pk})


@transaction.atomic
def probe_create(
    *,
    author: Membership,
    discussion: Discussion,
    question: str,
    addressee: Membership | None = None,
    segment: str = "",
    post: Post | None = None,
) -> Probe:
    """Ask a follow-up; with only `post` given, it goes to that post's author."""
    if not author.is_moderator or author.community_id != discussion.community_id:
        raise PermissionDenied("Only the community's moderators can ask probes.")
    question = (question or "").strip()
    segment = (segment or "").strip()
    limit = settings.VERBATIM["POST_MAX_CHARS"]
    errors: dict[str, str] = {}
    if not question:
        errors["question"] = "Write the question to ask."
    elif len(question) > limit:
        errors["question"] = f"The question is {len(question)} characters; the limit is {limit}."
    if discussion.kind not in PROBEABLE_KINDS:
        errors["discussion"] = "Probes can be asked in discussion boards and journals only."
    elif not discussion.is_open():
        errors["discussion"] = "This activity is a draft or closed; participants could not answer."
    if post is not None and post.discussion_id != discussion.pk:
        errors["post"] = "The post is not in this activity."
    if addressee is None and not segment and post is not None:
        addressee = post.author
    if addressee is not None and segment:
        errors["segment"] = "Address the probe to one participant or to one segment, not both."
    elif addressee is None and not segment:
        errors["addressee"] = "Choose the participant or the segment to ask."
    elif addressee is not None and (
        addressee.community_id != discussion.community_id
        or not addressee.is_participant
        or not addressee.is_active
        or not discussion.targets(addressee)
    ):
        errors["addressee"] = "Probes go to an active participant this activity is open to."
    elif segment and discussion.target_segments and segment not in discussion.target_segments:
        errors["segment"] = f"This activity is not open to the segment {segment!r}."
    if errors:
        raise ValidationError(errors)

    probe = Probe.objects.create(
        community_id=discussion.community_id,
        discussion=discussion,
        post=post,
        author=author,
        addressee=addressee,
        segment="" if addressee is not None else segment,
        question=question,
    )
    probe.community = discussion.community
    recipients = _probe_recipients(probe)
    url = probe_url(probe)
    for recipient in recipients:
        notification_create(
            membership=recipient,
            kind=NotificationKind.PROBE,
            title=f"A moderator asked you a follow-up in “{discussion.title}”",
            url=url,
            discussion=discussion,
            probe=probe,
            email=True,
        )
    AuditEntry.objects.create(
        community_id=discussion.community_id,
        actor=author.user,
        action="probe.created",
        target_type="probe",
        target_id=probe.pk,
        details={
            "discussion_id": discussion.pk,
            "post_id": post.pk if post else None,
            "addressee_id": addressee.pk if addressee else None,
            "segment": probe.segment,
            "recipients": len(recipients),
        },
    )
    return probe


def _answer_parent(probe: Probe, member: Membership) -> Post | None:
    """Answers thread under the probed post when the answerer may read it, so they read in place."""
    from community.selectors import post_visible_to

    post = probe.post
    if post is None:
        return None
    root = post.parent if post.parent_id else post
    if root.status != PostStatus.PUBLISHED or not post_visible_to(root, member):
        return None
    return root


@transaction.atomic
def probe_answer(*, probe: Probe, member: Membership, body: str) -> Post:
    """The addressee's answer, posted through the posts service (limits, moderation, events apply)."""
    from community.services.posts import post_create  # the posts area owns every post write

    if not probe.is_addressed_to(member):
        raise PermissionDenied("Only the participants this probe asks can answer it.")
    post = post_create(
        author=member,
        discussion=probe.discussion,
        body=body,
        parent=_answer_parent(probe, member),
        probe=probe,
    )
    notifications_mark_read_for_probe(membership=member, probe_id=probe.pk)
    return post
