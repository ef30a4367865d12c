"""Real-time board updates: post events become per-viewer frames on `ws/discussions/<id>/`.

The receiver below runs after the post's transaction commits (community.events) and sends one
thin event to the discussion's group: the post id and what happened. Each BoardConsumer then
calls `board_frame_for` for its own member, which decides visibility with the same selectors as
the discussion page (`post_visible_to`: uninfluenced, private journal, hidden posts, segments via
the discussion check) and renders the same template, with pseudonyms for everyone but moderators.
"""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from community.access import discussion_visible_to
from community.events import post_changed
from community.models import (
    Discussion,
    DiscussionKind,
    LiveStream,
    Membership,
    Post,
    PostImage,
    PostStatus,
    Visibility,
)
from community.selectors import has_responded, post_html_for, post_visible_to

logger = logging.getLogger(__name__)

GONE_KINDS = frozenset({"hidden", "removed", "deleted"})


def board_group(discussion_id: int) -> str:
    return f"board.{int(discussion_id)}"


@receiver(post_changed, dispatch_uid="community.realtime_boards.broadcast_post_change")
def broadcast_post_change(sender, *, post_id: int, discussion_id: int, kind: str, **kwargs) -> None:
    try:
        async_to_sync(get_channel_layer().group_send)(
            board_group(discussion_id), {"type": "board.post", "post_id": post_id, "kind": kind}
        )
    except Exception:
        # The post is saved; a socket that misses this shows it on the next page load.
        logger.exception("Could not broadcast %s of post %s to its board", kind, post_id)


def _could_have_seen(post: Post, member: Membership, discussion: Discussion) -> bool:
    """Whether the post, were it still published, would be on this member's page (for "gone" notices)."""
    if member.is_moderator or post.author_id == member.pk:
        return True
    if member.is_participant and post.live_message_id and post.live_message.stream == LiveStream.PROBE:
        return False  # someone else's private answer to a live probe
    if member.is_participant and discussion.kind == DiscussionKind.JOURNAL:
        return post.parent is not None and post.parent.author_id == member.pk
    if member.is_participant and discussion.visibility == Visibility.UNINFLUENCED:
        return has_responded(member, discussion)
    return True


def board_frame_for(
    *, member_id: int, discussion: Discussion, post_id: int, kind: str
) -> tuple[dict[str, Any] | None, bool]:
    """(frame or None, whether the member still has access to the board)."""
    from community.services.moderation import ModerationAction
    from community.services.posts import post_can_edit

    member = (
        Membership.objects.select_related("user", "community").filter(pk=member_id, is_active=True).first()
    )
    if member is None or not discussion_visible_to(discussion, member):
        return None, False
    post = (
        Post.objects.filter(pk=post_id, discussion_id=discussion.pk)
        .select_related("author__user", "parent", "discussion", "live_message")
        .first()
    )
    if post is None:
        return None, True
    if not post_visible_to(post, member):
        if kind in GONE_KINDS and _could_have_seen(post, member, discussion):
            return {"type": "gone", "post_id": post.pk}, True
        return None, True
    post.author_name = post.author.display_name_for(member)
    post.html = mark_safe(post_html_for(post, member))  # sanitised by nh3; redacted for clients
    post.can_edit = post_can_edit(post, member, now=timezone.now())
    post.can_delete = post.author_id == member.pk and post.status != PostStatus.DELETED
    # As on the discussion page (views.discussions._decorate): only participants flag.
    post.can_flag = (
        post.author_id != member.pk and post.status == PostStatus.PUBLISHED and member.is_participant
    )
    post.image_list = list(PostImage.objects.filter(post=post))
    slug = member.community.slug
    html = render_to_string(
        "community/post_item.html",
        {
            "post": post,
            "community": member.community,
            "membership": member,
            "is_moderator": member.is_moderator,
            "page_path": reverse("discussion_detail", kwargs={"slug": slug, "discussion_id": discussion.pk}),
            "moderation_actions": ModerationAction.CHOICES,
            # The template appends "<id>/edit/", "<id>/history/", ... to these, as on the page.
            "post_url_prefix": reverse("post_edit", kwargs={"slug": slug, "post_id": 0}).removesuffix(
                "0/edit/"
            ),
            "image_url_prefix": reverse("post_image", kwargs={"slug": slug, "image_id": 0}).removesuffix(
                "0/"
            ),
        },
    )
    return {"type": "post", "post_id": post.pk, "parent_id": post.parent_id, "kind": kind, "html": html}, True
