"""Reads for memberships and invitations (the members page, the home page).

Kept apart from community/selectors.py, which holds post visibility. Each list
here is a fixed number of queries however many members there are.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from community.models import Community, Invitation, Membership, Role

ROLE_ORDER = {Role.MODERATOR: 0, Role.CLIENT: 1, Role.PARTICIPANT: 2}


def memberships_for_user(user) -> list[Membership]:
    """The user's active memberships with their communities, for the home page and the nav."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        Membership.objects.filter(user=user, is_active=True)
        .select_related("community")
        .order_by("community__name")
    )


def member_list(
    community: Community, *, role: str | None = None, segment: str | None = None, active: bool | None = None
) -> list[Membership]:
    members = Membership.objects.filter(community=community).select_related("user", "community")
    if role:
        members = members.filter(role=role)
    if active is not None:
        members = members.filter(is_active=active)
    result = list(members)
    if segment:
        # Segments are a JSON list; filter in Python so SQLite and PostgreSQL agree.
        wanted = segment.lower()
        result = [m for m in result if wanted in {s.lower() for s in m.segments}]
    result.sort(
        key=lambda m: (
            not m.is_active,
            ROLE_ORDER.get(m.role, 9),
            (m.user.get_full_name() or m.pseudonym).lower(),
        )
    )
    return result


@dataclass
class MemberCounts:
    participants: int
    moderators: int
    clients: int
    awaiting_consent: int
    pending_invitations: int


def member_counts(community: Community) -> MemberCounts:
    counts = Membership.objects.filter(community=community, is_active=True).aggregate(
        participants=Count("pk", filter=Q(role=Role.PARTICIPANT)),
        moderators=Count("pk", filter=Q(role=Role.MODERATOR)),
        clients=Count("pk", filter=Q(role=Role.CLIENT)),
        awaiting_consent=Count(
            "pk",
            filter=Q(role=Role.PARTICIPANT)
            & (Q(consent_version__isnull=True) | Q(consent_version__lt=community.consent_version)),
        ),
    )
    return MemberCounts(**counts, pending_invitations=pending_invitations(community).count())


def community_segments(members: list[Membership]) -> list[str]:
    seen: dict[str, str] = {}
    for member in members:
        for segment in member.segments:
            seen.setdefault(segment.lower(), segment)
    return sorted(seen.values(), key=str.lower)


def pending_invitations(community: Community) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        community=community, accepted_at__isnull=True, revoked_at__isnull=True
    ).select_related("invited_by", "community")


def get_member_for_moderator(community: Community, membership_id: int) -> Membership:
    member = (
        Membership.objects.select_related("user", "community")
        .filter(community=community, pk=membership_id)
        .first()
    )
    if member is None:
        raise Http404("No such member.")
    return member


def get_invitation_for_moderator(community: Community, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_related("community").filter(community=community, pk=invitation_id).first()
    )
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation
