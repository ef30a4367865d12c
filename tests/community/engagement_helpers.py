"""Small builders shared by the engagement tests (probes, scorecards, reminders, completion, privacy)."""

from __future__ import annotations

from community.models import DiscussionKind, Role
from tests.factories import DiscussionFactory, MembershipFactory, UserFactory


def participant(community, username: str, *, segments=(), consented: bool = True, **extra):
    user = UserFactory(username=username)
    kwargs = {"segments": list(segments)}
    if not consented:
        kwargs.update(consent_version=None, consented_at=None)
    return MembershipFactory(user=user, community=community, role=Role.PARTICIPANT, **kwargs, **extra)


def scorecard_activity(community, **extra):
    extra.setdefault("title", "Rate Acme")
    return DiscussionFactory(community=community, kind=DiscussionKind.SCORECARD, **extra)
