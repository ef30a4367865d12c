"""QA fixes: the live list says when an ended session ran, never a start still ahead; the
moderator's home counts read in the singular for one."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from django.urls import reverse
from django.utils import timezone

from community.models import LiveSession
from community.services.memberships import invitation_create
from tests.community.live_helpers import make_live


def _line(page: str, title: str) -> str:
    """The text of the live list's entry for `title`, tags stripped and spaces folded."""
    item = next(li for li in page.split("<li") if title in li)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", item)).strip()


def test_the_live_list_says_when_an_ended_session_ended_not_its_planned_start(
    client, community, alice, bob, django_assert_max_num_queries
):
    discussion, session = make_live(community)
    ended = datetime(2026, 11, 20, 18, 30, tzinfo=UTC)
    LiveSession.objects.filter(pk=session.pk).update(
        state="ended",
        scheduled_start=timezone.now() + timedelta(days=2),
        started_at=ended - timedelta(hours=1),
        ended_at=ended,
    )
    for user in (alice, bob):
        client.force_login(user)
        with django_assert_max_num_queries(12):
            page = client.get(reverse("live_session_list", args=["acme"])).content.decode()
        line = _line(page, "Evening focus group")
        assert "Ended · ended 20 Nov 2026 18:30 UTC" in line, line
        assert "starts" not in line


def test_the_live_list_says_when_a_running_session_started_and_when_a_scheduled_one_starts(
    client, community, bob
):
    running, running_session = make_live(community)
    LiveSession.objects.filter(pk=running_session.pk).update(
        state="running",
        scheduled_start=timezone.now() + timedelta(days=2),
        started_at=datetime(2026, 11, 24, 9, 5, tzinfo=UTC),
    )
    later, later_session = make_live(community)
    later.title = "Weekend shoppers"
    later.save(update_fields=["title"])
    start = timezone.now() + timedelta(days=3)
    LiveSession.objects.filter(pk=later_session.pk).update(scheduled_start=start)
    client.force_login(bob)
    page = client.get(reverse("live_session_list", args=["acme"])).content.decode()
    assert "Running · started 24 Nov 2026 09:05 UTC" in _line(page, "Evening focus group")
    shown = timezone.localtime(start).strftime("%-d %b %Y %H:%M")
    assert f"Scheduled · starts {shown} UTC" in _line(page, "Weekend shoppers")


def _stats(client, user) -> str:
    client.force_login(user)
    page = client.get(reverse("community_home", args=["acme"])).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_the_moderator_home_says_one_invitation_pending_and_two_invitations(client, community, alice, bob):
    invitation_create(community=community, email="new1@example.com", role="participant", invited_by=alice)
    text = _stats(client, alice)
    assert "1 invitation pending" in text and "1 invitations pending" not in text
    invitation_create(community=community, email="new2@example.com", role="participant", invited_by=alice)
    assert "2 invitations pending" in _stats(client, alice)
