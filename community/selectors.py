"""Reads of community data. Visibility rules for posts live here, in one place."""

from __future__ import annotations

from community.models import DiscussionKind, Membership, Post, PostStatus, Visibility


def post_visible_to(post: Post, membership: Membership) -> bool:
    """Whether `membership` may read `post` (its discussion is already known visible)."""
    if membership.is_moderator:
        return True  # moderators see every post, including hidden and removed ones
    if post.status != PostStatus.PUBLISHED:
        # Authors still see their own pending posts.
        return post.author_id == membership.pk and post.status == PostStatus.PENDING
    if membership.is_client:
        return True
    if post.author_id == membership.pk:
        return True
    discussion = post.discussion
    if discussion.kind == DiscussionKind.JOURNAL:
        # Private journal: a participant sees only their own posts and moderators' replies to them.
        return post.author.is_moderator and post.parent is not None and post.parent.author_id == membership.pk
    if discussion.visibility == Visibility.UNINFLUENCED:
        return Post.objects.filter(
            discussion=discussion,
            author=membership,
            parent__isnull=True,
            status__in=[PostStatus.PUBLISHED, PostStatus.PENDING],
        ).exists()
    return True
