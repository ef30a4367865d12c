"""Small things a member notices: probe wording, the live page once ended, its dates, and the log of refusals."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from community.models import LiveState
from tests.community.engagement_helpers import participant
from tests.community.live_helpers import make_live
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, PostFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def _sent_message(client, url, data) -> str:
    response = client.post(url, data, follow=True)
    return " ".join(str(m) for m in response.context["messages"])


def test_a_probe_to_one_person_says_the_participant_was_notified(client, alice, bob, community):
    board = DiscussionFactory(community=community)
    post = PostFactory(discussion=board, author=membership_of(bob, community))
    client.force_login(alice)
    url = reverse("probe_create", args=["acme", board.pk])
    said = _sent_message(client, url, {"post": post.pk, "question": "Which size?", "addressee": ""})
    assert "Probe sent; the participant was notified." in said


def test_a_probe_to_a_segment_counts_who_was_notified(client, alice, community):
    board = DiscussionFactory(community=community)
    for name in ("dina", "ed", "fay"):
        participant(community, name, segments=["in store"])
    client.force_login(alice)
    url = reverse("probe_create", args=["acme", board.pk])
    said = _sent_message(client, url, {"question": "Why the store?", "segment": "in store", "addressee": ""})
    assert "Probe sent; 3 participants were notified." in said


def test_a_participant_cannot_send_a_probe(client, bob, community):
    board = DiscussionFactory(community=community)
    client.force_login(bob)
    response = client.post(reverse("probe_create", args=["acme", board.pk]), {"question": "Why?"})
    assert response.status_code == 404


def test_an_ended_live_session_shows_nobody_here(client, community, alice, bob):
    discussion, session = make_live(community)
    client.force_login(bob)
    room = reverse("live_session", args=["acme", discussion.pk])
    assert "Nobody: the session has ended." not in client.get(room).content.decode()
    session.state, session.ended_at = LiveState.ENDED, timezone.now()
    session.save()
    page = client.get(room).content.decode()
    assert "Nobody: the session has ended." in page and 'data-state="ended"' in page


def test_the_live_page_writes_the_start_like_the_rest_of_the_app(client, community, bob, settings):
    start = datetime(2026, 11, 26, 0, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
    discussion, session = make_live(community)
    session.scheduled_start = start
    session.save()
    client.force_login(bob)
    page = client.get(reverse("live_session", args=["acme", discussion.pk])).content.decode()
    assert ">26 Nov 00:00 UTC</time>" in page  # the site's zone, named, as on every page
    assert "Thursday" not in page and "November" not in page


def test_a_refused_request_is_logged_as_one_warning_line_without_a_traceback(client, bob, caplog):
    client.force_login(bob)
    with caplog.at_level(logging.INFO, logger="django.request"):
        response = client.get("/api/token/")
    assert response.status_code == 403
    refusals = [r for r in caplog.records if r.name == "django.request"]
    assert len(refusals) == 1
    assert refusals[0].levelno == logging.WARNING
    assert refusals[0].exc_info is None
    assert refusals[0].getMessage() == "Forbidden (Permission denied): /api/token/"
    assert "Traceback" not in caplog.text
