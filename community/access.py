"""One access helper per object type.

Every view, consumer, API endpoint and export fetches objects through these.
"Missing" and "forbidden" are the same answer (Http404): outsiders never learn
that a community, discussion or post exists.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404

from community.models import Community, Discussion, Membership, Post, Role


def get_membership(user, community: Community) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Membership.objects.select_related("community", "user")
        .filter(user=user, community=community, is_active=True)
        .first()
    )


def get_community_for_member(
    user, slug: str, *, roles: Iterable[str] | None = None, require_consent: bool = True
) -> tuple[Community, Membership]:
    """The community and the user's membership in it, or Http404.

    `roles` narrows who may proceed (e.g. moderators only); everyone else gets 404 too.
    A participant who has not accepted the current consent gets ConsentRequired.
    """
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such community.")
    membership = (
        Membership.objects.select_related("community", "user")
        .filter(user=user, community__slug=slug, is_active=True)
        .first()
    )
    if membership is None or (roles is not None and membership.role not in set(roles)):
        raise Http404("No such community.")
    if require_consent and not membership.has_current_consent:
        raise ConsentRequired(membership)
    return membership.community, membership


class ConsentRequired(Exception):
    """Raised for participants who must accept the consent text first; middleware redirects."""

    def __init__(self, membership: Membership):
        super().__init__("Consent required")
        self.membership = membership


def discussion_visible_to(discussion: Discussion, membership: Membership) -> bool:
    if membership.role in (Role.MODERATOR,):
        return True
    if discussion.is_draft:
        return False
    return not membership.is_participant or discussion.targets(membership)


def get_discussion_for_member(membership: Membership, discussion_id: int) -> Discussion:
    discussion = (
        Discussion.objects.filter(community_id=membership.community_id, pk=discussion_id)
        .select_related("community")
        .first()
    )
    if discussion is None or not discussion_visible_to(discussion, membership):
        raise Http404("No such discussion.")
    return discussion


def get_post_for_member(membership: Membership, post_id: int) -> Post:
    """A post the member may read. Detailed per-kind visibility lives in community.selectors."""
    from community.selectors import post_visible_to  # selectors import access; avoid a cycle

    post = (
        Post.objects.filter(community_id=membership.community_id, pk=post_id)
        .select_related("discussion", "author", "author__user")
        .first()
    )
    if post is None or not discussion_visible_to(post.discussion, membership):
        raise Http404("No such post.")
    if not post_visible_to(post, membership):
        raise Http404("No such post.")
    return post
