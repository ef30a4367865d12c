"""Writing posts: responses, replies, edits and deletions by their authors.

Every state change announces a post event inside its transaction (subscribers
run after commit). Limits come from settings.VERBATIM; a refusal is a
ValidationError naming the field and the limit, and nothing is half-saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from community import ratelimit
from community.access import discussion_visible_to
from community.events import announce_post_event
from community.markdown import render_markdown
from community.models import (
    Discussion,
    Flag,
    Membership,
    ModerationMode,
    Post,
    PostImage,
    PostRevision,
    PostStatus,
    Probe,
)
from community.pii import redact_contact_details
from community.roster import roster_for
from community.selectors import (
    discussion_can_post,
    discussion_new_post_refused_reason,
    discussion_not_written_reason,
    post_visible_to,
)
from community.services.moderation import audit_record
from community.uploads import clean_image


def post_body_clean(body: str | None) -> str:
    """The body as stored: trimmed, non-empty and within POST_MAX_CHARS."""
    body = (body or "").strip()
    limit = settings.VERBATIM["POST_MAX_CHARS"]
    if not body:
        raise ValidationError({"body": "Write something before posting."})
    if len(body) > limit:
        raise ValidationError({"body": f"The post is {len(body):,} characters; the limit is {limit:,}."})
    return body


def _check_can_post(author: Membership, discussion: Discussion) -> None:
    if author.community_id != discussion.community_id or not discussion_visible_to(discussion, author):
        raise PermissionDenied("No such discussion.")
    if author.is_client:
        raise PermissionDenied("Client members read discussions; they do not post in them.")
    if not author.has_current_consent:
        raise PermissionDenied("Accept the community's consent before posting.")
    not_written = discussion_not_written_reason(discussion)
    if not_written:
        raise ValidationError({"body": not_written})
    if not discussion_can_post(discussion, author):
        raise ValidationError({"body": "This activity is not open for posting."})


def _root_parent(*, author: Membership, discussion: Discussion, parent: Post | None) -> Post | None:
    """Replies hang off the top-level response they belong to (one level of threading)."""
    if parent is None:
        return None
    if parent.parent_id is not None:
        parent = parent.parent
    if parent.discussion_id != discussion.pk:
        raise ValidationError({"parent": "You can only reply to a post in the same activity."})
    if parent.status != PostStatus.PUBLISHED:
        raise ValidationError({"parent": "You can only reply to a published post."})
    if not post_visible_to(parent, author):
        raise PermissionDenied("No such post.")
    return parent


def _initial_status(author: Membership, discussion: Discussion) -> str:
    if author.is_participant and discussion.community.moderation_mode == ModerationMode.PRE:
        return PostStatus.PENDING
    return PostStatus.PUBLISHED


def post_create(
    *,
    author: Membership,
    discussion: Discussion,
    body: str,
    parent: Post | None = None,
    image: File | None = None,
    probe: Probe | None = None,
    created_at: datetime | None = None,
    rate_limit: bool = True,
) -> Post:
    """Write a response (or, with `parent`, a reply) as `author`.

    Checks: the author may post in this discussion now (open, targeted, not a
    client, consented), the body within POST_MAX_CHARS, the image allowed and
    valid (re-encoded, metadata dropped), the parent visible and published,
    POSTS_PER_MINUTE. Participants' posts start pending in pre-moderated
    communities. `probe` links an answer to a moderator's probe (Post.probe).
    `created_at` and `rate_limit=False` are for
    loaders (demo, imports), never for request handlers.
    Raises ValidationError (fields body, parent, image) or PermissionDenied.
    """
    _check_can_post(author, discussion)
    refused = "" if parent is not None else discussion_new_post_refused_reason(discussion, author)
    if refused:
        raise PermissionDenied(refused)
    body = post_body_clean(body)
    parent = _root_parent(author=author, discussion=discussion, parent=parent)
    cleaned_image = None
    if image is not None:
        if not discussion.media_allowed:
            raise ValidationError({"image": "This activity does not accept images."})
        cleaned_image = clean_image(image)

    if rate_limit:
        ratelimit.posts_limit_take(member_id=author.pk)
    try:
        with transaction.atomic():
            post = Post(
                community_id=discussion.community_id,
                discussion=discussion,
                author=author,
                parent=parent,
                body=body,
                body_html=render_markdown(body),
                client_body_html=render_client_html(body, author=author),
                status=_initial_status(author, discussion),
                created_at=created_at or timezone.now(),
            )
            if probe is not None:
                post.probe = probe
            post.save()
            if cleaned_image is not None:
                PostImage.objects.create(
                    post=post,
                    file=cleaned_image.content,
                    content_type=cleaned_image.content_type,
                    size_bytes=cleaned_image.size_bytes,
                )
            announce_post_event(
                post_id=post.pk,
                community_id=post.community_id,
                discussion_id=post.discussion_id,
                kind="pending" if post.status == PostStatus.PENDING else "published",
            )
    except Exception:
        if rate_limit:
            ratelimit.posts_limit_release(member_id=author.pk)
        raise
    return post


def render_client_html(body: str, *, author: Membership) -> str:
    """The post as clients read it: contact details, the author's own names and every other
    member's name (the community roster) redacted."""
    user = author.user
    names = (user.first_name, user.last_name) if not author.is_imported else ()
    return render_markdown(roster_for(author.community_id).redact(redact_contact_details(body, names=names)))


def post_edit_deadline(post: Post) -> datetime:
    return post.created_at + timedelta(minutes=settings.VERBATIM["EDIT_WINDOW_MINUTES"])


def post_can_edit(post: Post, membership: Membership, *, now: datetime | None = None) -> bool:
    return (
        post.author_id == membership.pk
        and post.status in (PostStatus.PUBLISHED, PostStatus.PENDING)
        and (now or timezone.now()) < post_edit_deadline(post)
    )


@transaction.atomic
def post_edit(*, editor: Membership, post: Post, body: str) -> Post:
    """The author rewrites their post within EDIT_WINDOW_MINUTES; the old text is kept as a revision.

    In a pre-moderated community a participant's edited post goes back to
    pending, so approved text cannot be swapped afterwards.
    """
    if post.author_id != editor.pk:
        raise PermissionDenied("Only the author can edit a post.")
    locked = Post.objects.select_for_update().select_related("community").get(pk=post.pk)
    if locked.status not in (PostStatus.PUBLISHED, PostStatus.PENDING):
        raise ValidationError({"body": "This post can no longer be edited."})
    window = settings.VERBATIM["EDIT_WINDOW_MINUTES"]
    now = timezone.now()
    if now >= post_edit_deadline(locked):
        raise ValidationError(
            {"body": f"Posts can be edited for {window} minutes after posting; that time has passed."}
        )
    body = post_body_clean(body)
    if body == locked.body:
        return locked
    PostRevision.objects.create(post=locked, body=locked.body, created_at=now)
    locked.body = body
    locked.body_html = render_markdown(body)
    locked.client_body_html = render_client_html(body, author=locked.author)
    locked.edited_at = now
    fields = ["body", "body_html", "client_body_html", "edited_at"]
    kind = "edited"
    if (
        editor.is_participant
        and locked.community.moderation_mode == ModerationMode.PRE
        and locked.status == PostStatus.PUBLISHED
    ):
        locked.status = PostStatus.PENDING
        locked.status_changed_at = now
        locked.status_changed_by = editor
        locked.status_reason = "Edited after approval"
        fields += ["status", "status_changed_at", "status_changed_by", "status_reason"]
        kind = "pending"
    locked.save(update_fields=fields)
    announce_post_event(
        post_id=locked.pk, community_id=locked.community_id, discussion_id=locked.discussion_id, kind=kind
    )
    return locked


@transaction.atomic
def post_delete(*, actor: Membership, post: Post, reason: str = "") -> Post:
    """The author withdraws their post: soft-deleted (kept for the audit trail), gone from every view."""
    if post.author_id != actor.pk:
        raise PermissionDenied("Only the author can delete a post; moderators hide or remove it.")
    locked = Post.objects.select_for_update().get(pk=post.pk)
    if locked.status == PostStatus.DELETED:
        return locked
    old_status = locked.status
    now = timezone.now()
    locked.status = PostStatus.DELETED
    locked.status_changed_at = now
    locked.status_changed_by = actor
    locked.status_reason = (reason or "").strip()[:1000]
    locked.save(update_fields=["status", "status_changed_at", "status_changed_by", "status_reason"])
    Flag.objects.filter(post=locked, resolved_at__isnull=True).update(resolved_at=now, resolved_by=actor)
    audit_record(
        community=locked.community_id,
        actor=actor,
        action="post.delete",
        target=locked,
        reason=locked.status_reason or "Deleted by its author",
        details={"from": old_status, "to": PostStatus.DELETED, "discussion_id": locked.discussion_id},
    )
    announce_post_event(
        post_id=locked.pk,
        community_id=locked.community_id,
        discussion_id=locked.discussion_id,
        kind="deleted",
    )
    return locked


def post_images_delete(*, posts: Iterable[Post] | QuerySet[Post]) -> int:
    """Delete the stored image files and rows of `posts` (for erasure: soft-deleting a post keeps its files).

    Files are removed after the transaction commits, so a rollback never leaves rows pointing at nothing.
    """
    images = list(PostImage.objects.filter(post__in=posts))
    names = [image.file.name for image in images if image.file]
    storage = PostImage._meta.get_field("file").storage
    PostImage.objects.filter(pk__in=[image.pk for image in images]).delete()

    def remove_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)
    return len(images)
