"""Reads of community data. Visibility rules for discussions and posts live here, in one place.

Every page, export and API that lists posts builds its queryset with
`posts_visible_to`; the single-post check `post_visible_to` is the same query
narrowed to one id, so the two can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Concat

from community.access import discussion_visible_to
from community.markdown import render_markdown
from community.models import (
    AuditEntry,
    Community,
    Discussion,
    DiscussionKind,
    Flag,
    LiveStream,
    Membership,
    Post,
    PostImage,
    PostStatus,
    Role,
    Visibility,
)
from community.models.communities import ERASED_USERNAME_PREFIX
from community.pii import apply_redactions, find_contact_spans, redact_contact_details, redact_contact_spans
from community.roster import roster_for

DISCUSSION_PAGE_SIZE = 20
MODERATION_PAGE_SIZE = 50


# --- discussions -------------------------------------------------------------------------------


def discussions_visible_to(membership: Membership) -> QuerySet[Discussion]:
    """The discussion guide as this member may see it, in guide order.

    Moderators see every activity including drafts; clients every published
    one; participants the published ones aimed at (one of) their segments.
    """
    qs = Discussion.objects.filter(community_id=membership.community_id).order_by("position", "id")
    if membership.is_moderator:
        return qs
    qs = qs.filter(is_draft=False)
    if not membership.is_participant or not membership.segments:
        return qs.filter(target_segments=[]) if membership.is_participant else qs
    if connection.features.supports_json_field_contains:
        segment_q = Q(target_segments=[])
        for segment in membership.segments:
            segment_q |= Q(target_segments__contains=[segment])
        return qs.filter(segment_q)
    # SQLite has no JSON containment; the guide is short, so decide in Python with the model's rule.
    return qs.filter(pk__in=[d.pk for d in qs if d.targets(membership)])


# Activities answered with written posts. A scorecard takes ratings on its own form and a live
# session takes messages in its room (the live service archives those as posts itself).
WRITTEN_KINDS = (DiscussionKind.BOARD, DiscussionKind.JOURNAL)
NOT_WRITTEN_REASONS = {
    DiscussionKind.SCORECARD: "This activity takes ratings, not posts.",
    DiscussionKind.LIVE: "This live session takes messages in its room, not posts.",
}


def discussion_not_written_reason(discussion: Discussion) -> str:
    """Why nobody writes posts in this activity, or "" when it is one answered with posts."""
    if discussion.kind in WRITTEN_KINDS:
        return ""
    return NOT_WRITTEN_REASONS.get(discussion.kind, "This activity does not take posts.")


def discussion_can_post(discussion: Discussion, membership: Membership) -> bool:
    """Whether the member may write a new response or reply here now (closed means read-only)."""
    if discussion.kind not in WRITTEN_KINDS:
        return False
    if membership.is_client or not membership.is_active:
        return False
    if membership.is_moderator:
        return not discussion.is_draft
    return discussion.is_open() and discussion.targets(membership)


# Why a moderator writes no new entry in a private journal: each participant reads only their own
# entries and the moderators' replies under them (`_visibility_q`), so no participant would read it.
MODERATOR_JOURNAL_ENTRY_REFUSED = (
    "Moderators don't write entries in a private journal: each participant sees only their own "
    "entries and the replies under them, so no participant would see yours. Reply under an entry, "
    "send a probe to ask one participant, or edit the activity's prompt to ask everyone."
)


def discussion_new_post_refused_reason(discussion: Discussion, membership: Membership) -> str:
    """Why the member may not start a new response (not a reply) here though they may post, or ""."""
    if membership.is_moderator and discussion.kind == DiscussionKind.JOURNAL:
        return MODERATOR_JOURNAL_ENTRY_REFUSED
    return ""


# --- posts ------------------------------------------------------------------------------------


def has_responded(membership: Membership, discussion: Discussion) -> bool:
    """Whether the member has a live (published or pending) top-level response in the discussion."""
    return Post.objects.filter(
        discussion=discussion,
        author=membership,
        parent__isnull=True,
        status__in=[PostStatus.PUBLISHED, PostStatus.PENDING],
    ).exists()


def _visibility_q(membership: Membership, discussion: Discussion, *, responded: bool | None) -> Q:
    """The rule itself, as a filter on Post rows of `discussion` for a non-moderator."""
    # Authors keep seeing their own posts that wait for approval; everything else must be published,
    # and a reply disappears with the post it answers.
    status_q = Q(status=PostStatus.PUBLISHED) | Q(status=PostStatus.PENDING, author=membership)
    parent_q = Q(parent__isnull=True) | Q(parent__status=PostStatus.PUBLISHED)
    q = status_q & parent_q
    if membership.is_participant:
        if discussion.kind == DiscussionKind.JOURNAL:
            # Private journal: own posts and the moderators' replies to them, nothing else.
            q &= Q(author=membership) | Q(author__role=Role.MODERATOR, parent__author=membership)
        elif discussion.kind == DiscussionKind.LIVE:
            # Answers to a moderator's private probe in a live session: private like a journal entry.
            q &= Q(author=membership) | Q(live_message__isnull=True) | Q(live_message__stream=LiveStream.ROOM)
        if discussion.kind != DiscussionKind.JOURNAL and discussion.visibility == Visibility.UNINFLUENCED:
            if responded is None:
                responded = has_responded(membership, discussion)
            if not responded:
                q &= Q(author=membership)
    return q


def posts_visible_to(
    membership: Membership, discussion: Discussion, *, responded: bool | None = None
) -> QuerySet[Post]:
    """Every post (responses and replies) of `discussion` that `membership` may read.

    The caller must already know the discussion is visible to the member
    (`community.access.get_discussion_for_member`); an outsider's membership
    never reaches this point. `responded` may be passed when already known to
    save a query.
    """
    qs = Post.objects.filter(discussion=discussion)
    if membership.community_id != discussion.community_id:
        return qs.none()
    if membership.is_moderator:
        return qs  # moderators see every state, labelled, so they can act on it
    return qs.filter(_visibility_q(membership, discussion, responded=responded))


def post_visible_to(post: Post, membership: Membership) -> bool:
    """Whether `membership` may read `post`, its discussion's rules (draft, segments) included."""
    if post.community_id != membership.community_id:
        return False
    if membership.is_moderator:
        return True
    if not discussion_visible_to(post.discussion, membership):
        return False
    return posts_visible_to(membership, post.discussion).filter(pk=post.pk).exists()


def published_posts(community: Community) -> QuerySet[Post]:
    """Posts that count as said, for exports and analysis: published, and not under a hidden post."""
    return Post.objects.filter(community=community, status=PostStatus.PUBLISHED).filter(
        Q(parent__isnull=True) | Q(parent__status=PostStatus.PUBLISHED)
    )


@dataclass
class DiscussionPage:
    """One page of a discussion: top-level responses with their replies and images attached."""

    page: Page
    posts: list[Post]
    responded: bool
    hidden_until_responding: bool
    reply_count: int = 0


def discussion_page(
    membership: Membership, discussion: Discussion, *, page_number: int | str | None = 1
) -> DiscussionPage:
    """A page of the discussion for this member, in a fixed number of queries whatever its size.

    Queries: count, the page's responses, their visible replies, the images of
    both (+1 for "has responded" where the discussion is uninfluenced).
    """
    responded = True
    if membership.is_participant and discussion.visibility == Visibility.UNINFLUENCED:
        responded = has_responded(membership, discussion)
    visible = posts_visible_to(membership, discussion, responded=responded).select_related("author__user")
    if discussion.kind == DiscussionKind.LIVE:
        visible = visible.select_related("live_message")  # private probe answers are labelled
    roots = visible.filter(parent__isnull=True).order_by("created_at", "id")
    paginator = Paginator(roots, DISCUSSION_PAGE_SIZE)
    if page_number == "last":  # get_page() would read "last" as a bad number and give page 1
        page_number = paginator.num_pages
    page = paginator.get_page(page_number)
    posts = list(page.object_list)
    by_id = {p.pk: p for p in posts}
    replies = list(visible.filter(parent_id__in=list(by_id)).order_by("created_at", "id")) if by_id else []
    for post in posts:
        post.visible_replies = []
    for reply in replies:
        by_id[reply.parent_id].visible_replies.append(reply)
    every = posts + replies
    images: dict[int, list[PostImage]] = {}
    if every:
        for image in PostImage.objects.filter(post_id__in=[p.pk for p in every]):
            images.setdefault(image.post_id, []).append(image)
    for post in every:
        post.image_list = images.get(post.pk, [])
    return DiscussionPage(
        page=page,
        posts=posts,
        responded=responded,
        hidden_until_responding=not responded,
        reply_count=len(replies),
    )


def post_page_number(membership: Membership, post: Post) -> int:
    """The page of its discussion that shows `post` (a reply is shown under its response), as
    `membership` sees the discussion. One query."""
    root = post.parent if post.parent_id else post
    earlier = (
        posts_visible_to(membership, post.discussion)
        .filter(parent__isnull=True)
        .filter(Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, id__lt=root.pk))
        .count()
    )
    return earlier // DISCUSSION_PAGE_SIZE + 1


def post_revisions(post: Post) -> QuerySet:
    return post.revisions.all()


# --- moderation -------------------------------------------------------------------------------


def open_flags_exist() -> Exists:
    return Exists(Flag.objects.filter(post=OuterRef("pk"), resolved_at__isnull=True))


def moderation_queue(
    community: Community,
    *,
    status: str | None = None,
    discussion_id: int | None = None,
    flagged: bool = False,
) -> QuerySet[Post]:
    """Posts for the moderation queue, newest first, with `has_open_flags` annotated.

    With no filter the queue shows what needs a decision: pending posts and
    posts with open flags.
    """
    qs = (
        Post.objects.filter(community=community)
        .select_related("author__user", "discussion", "status_changed_by")
        .annotate(has_open_flags=open_flags_exist())
        .order_by("-created_at", "-id")
    )
    if status:
        qs = qs.filter(status=status)
    if discussion_id:
        qs = qs.filter(discussion_id=discussion_id)
    if flagged:
        qs = qs.filter(has_open_flags=True)
    if not status and not flagged:
        qs = qs.filter(Q(status=PostStatus.PENDING) | Q(has_open_flags=True))
    return qs


def open_flags_for(posts: list[Post]) -> dict[int, list[Flag]]:
    """Open flags of the given posts, by post id, in one query."""
    found: dict[int, list[Flag]] = {}
    if posts:
        flags = Flag.objects.filter(post_id__in=[p.pk for p in posts], resolved_at__isnull=True)
        for flag in flags.select_related("flagged_by"):
            found.setdefault(flag.post_id, []).append(flag)
    return found


def audit_entries(community: Community) -> QuerySet[AuditEntry]:
    """The community's audit log, newest first, each entry with `actor_label`: the username, or
    for a member who erased their data the tombstone pseudonym their placeholder account has here."""
    erased_as = Membership.objects.filter(community_id=community.pk, user_id=OuterRef("actor_id")).values(
        "pseudonym"
    )[:1]
    return (
        AuditEntry.objects.filter(community=community)
        .select_related("actor")
        .annotate(
            actor_label=Case(
                When(
                    actor__username__startswith=ERASED_USERNAME_PREFIX,
                    then=Concat(Coalesce(Subquery(erased_as), Value("Former member")), Value(" (erased)")),
                ),
                default=F("actor__username"),
                output_field=CharField(),
            )
        )
        .order_by("-created_at", "-id")
    )


def post_html_for(post: Post, viewer: Membership) -> str:
    """The sanitised HTML of a post as `viewer` may read it: clients get the redacted copy;
    participants read staff posts with members' names as pseudonyms ("Welcome Priya!" would
    tie Priya to the pseudonym that answers). `post.author` should be select_related."""
    if viewer.is_client:
        return post.client_body_html or render_markdown(
            roster_for(post.community_id).redact(redact_contact_details(post.body))
        )
    if viewer.is_participant and post.author_id != viewer.pk and not post.author.is_participant:
        return render_markdown(
            roster_for(post.community_id).pseudonymise(post.body, keep=(viewer.pk, post.author_id))
        )
    if not viewer.is_moderator:
        # Participants greet each other by name, but a former (erased) member's name stays out,
        # and another participant's email address or phone number is theirs to give, not the page's.
        roster = roster_for(post.community_id)
        spans = roster.erased_spans(post.body) if roster.erased else []
        if _hides_contact_details(post, viewer):
            spans += find_contact_spans(post.body)
        if spans:
            return render_markdown(apply_redactions(post.body, spans))
    return post.body_html or render_markdown(post.body)


def _hides_contact_details(post: Post, viewer: Membership) -> bool:
    """Whether `viewer` reads `post` without its email addresses and phone numbers: another
    participant's post read by anyone but its author and the moderators (clients read the
    redacted copy). Staff posts keep theirs: a moderator's support address is meant to be read."""
    return not viewer.is_moderator and post.author_id != viewer.pk and post.author.is_participant


def post_text_for(post: Post, viewer: Membership) -> str:
    """The post's plain words as `viewer` may read them (the same rules as `post_html_for`)."""
    if viewer.is_client:
        author = post.author
        names = () if author.is_imported else (author.user.first_name, author.user.last_name)
        return roster_for(post.community_id).redact(redact_contact_details(post.body, names=names))
    if viewer.is_participant and post.author_id != viewer.pk and not post.author.is_participant:
        return roster_for(post.community_id).pseudonymise(post.body, keep=(viewer.pk, post.author_id))
    if not viewer.is_moderator:
        text = roster_for(post.community_id).redact_erased(post.body)
        return redact_contact_spans(text) if _hides_contact_details(post, viewer) else text
    return post.body
