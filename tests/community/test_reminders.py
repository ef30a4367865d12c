"""Reminders to non-responders of required open activities, capped per person per day."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from community.models import DiscussionKind, Notification, NotificationKind, PostStatus, Reminder
from community.services.engagement import reminders_send_due
from community.services.scorecards import scorecard_ensure, scorecard_submit
from community.tasks import send_reminders
from tests.community.engagement_helpers import participant
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, PostFactory


@pytest.fixture
def required(community):
    return DiscussionFactory(community=community, title="Your morning routine", is_required=True)


@pytest.fixture
def cap(settings):
    def set_cap(n):
        settings.VERBATIM = {**settings.VERBATIM, "REMINDERS_PER_DAY": n}

    return set_cap


def _send(captured, now=None):
    with captured(execute=True):
        return reminders_send_due(now=now)


def test_it_reminds_only_participants_who_have_not_responded(
    bob, community, required, mailoutbox, django_capture_on_commit_callbacks
):
    responder = participant(community, "ros")
    PostFactory(discussion=required, author=responder)
    sent = _send(django_capture_on_commit_callbacks)
    assert sent == 1
    assert [m.to for m in mailoutbox] == [[bob.email]]
    assert "Your morning routine" in mailoutbox[0].body
    reminder = Reminder.objects.get()
    assert reminder.membership == membership_of(bob, community)
    assert list(reminder.discussions.all()) == [required]
    assert Notification.objects.get(membership__user=bob).kind == NotificationKind.REMINDER


def test_it_skips_optional_closed_draft_unopened_and_untargeted_activities(
    bob, community, mailoutbox, django_capture_on_commit_callbacks
):
    now = timezone.now()
    DiscussionFactory(community=community, is_required=False)
    DiscussionFactory(community=community, is_required=True, closes_at=now - timedelta(hours=1))
    DiscussionFactory(community=community, is_required=True, is_draft=True)
    DiscussionFactory(community=community, is_required=True, opens_at=now + timedelta(hours=1))
    DiscussionFactory(community=community, is_required=True, target_segments=["in store"])
    DiscussionFactory(community=community, is_required=True, kind=DiscussionKind.LIVE)
    assert _send(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_it_skips_participants_without_consent_staff_and_imported_members(
    alice, carol, dave, community, required, mailoutbox, django_capture_on_commit_callbacks
):
    participant(community, "imported", is_imported=True)
    assert _send(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_it_counts_a_pending_post_as_a_response_but_not_a_deleted_one(
    bob, community, required, django_capture_on_commit_callbacks
):
    pending = participant(community, "pat")
    PostFactory(discussion=required, author=pending, status=PostStatus.PENDING)
    deleted = participant(community, "del")
    PostFactory(discussion=required, author=deleted, status=PostStatus.DELETED)
    _send(django_capture_on_commit_callbacks)
    reminded = set(Reminder.objects.values_list("membership__user__username", flat=True))
    assert reminded == {"bob", "del"}


def test_it_counts_a_scorecard_answer_as_a_response(bob, community, django_capture_on_commit_callbacks):
    activity = DiscussionFactory(community=community, kind=DiscussionKind.SCORECARD, is_required=True)
    scorecard = scorecard_ensure(discussion=activity)
    other = participant(community, "sam")
    scorecard_submit(scorecard=scorecard, member=other, ratings={d.pk: 7 for d in scorecard.dimensions.all()})
    _send(django_capture_on_commit_callbacks)
    assert set(Reminder.objects.values_list("membership__user__username", flat=True)) == {"bob"}


def test_it_sends_no_more_than_the_daily_cap_however_often_it_runs(
    bob, community, required, cap, mailoutbox, django_capture_on_commit_callbacks
):
    cap(1)
    assert _send(django_capture_on_commit_callbacks) == 1
    assert _send(django_capture_on_commit_callbacks) == 0
    assert len(mailoutbox) == 1
    cap(2)
    assert _send(django_capture_on_commit_callbacks) == 1
    assert _send(django_capture_on_commit_callbacks) == 0
    assert len(mailoutbox) == 2


def test_it_reminds_again_the_next_day(bob, community, required, cap, django_capture_on_commit_callbacks):
    cap(1)
    today = timezone.now()
    assert _send(django_capture_on_commit_callbacks, now=today) == 1
    assert _send(django_capture_on_commit_callbacks, now=today + timedelta(days=1)) == 1
    assert Reminder.objects.count() == 2


def test_it_caps_a_person_across_all_their_communities(
    bob, community, other_community, required, cap, django_capture_on_commit_callbacks
):
    cap(1)
    participant(other_community, "bob")  # the same person, also in another community
    DiscussionFactory(community=other_community, is_required=True)
    assert _send(django_capture_on_commit_callbacks) == 1
    assert Reminder.objects.filter(membership__user=bob).count() == 1


def test_it_sends_nothing_when_reminders_are_switched_off(
    bob, community, required, cap, mailoutbox, django_capture_on_commit_callbacks
):
    cap(0)
    assert _send(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_it_lists_every_due_activity_in_one_reminder(
    bob, community, required, mailoutbox, django_capture_on_commit_callbacks
):
    DiscussionFactory(community=community, title="Your evening routine", is_required=True)
    assert _send(django_capture_on_commit_callbacks) == 1
    assert "Your morning routine" in mailoutbox[0].body and "Your evening routine" in mailoutbox[0].body


def test_it_is_scheduled_by_celery_beat_and_the_task_sends(
    bob, community, required, mailoutbox, django_capture_on_commit_callbacks
):
    entry = settings.CELERY_BEAT_SCHEDULE["community-send-reminders"]
    assert entry["task"] == send_reminders.name == "community.tasks.send_reminders"
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders.apply().get() == 1
    assert len(mailoutbox) == 1


def test_it_finds_non_responders_in_a_constant_number_of_queries(
    community, required, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    from community.selectors_engagement import non_responders_due

    participant(community, "p0")
    with django_assert_max_num_queries(4) as few:
        assert len(non_responders_due()) == 1
    for i in range(1, 20):
        member = participant(community, f"p{i}")
        if i % 3 == 0:
            PostFactory(discussion=required, author=member)
    DiscussionFactory(community=community, is_required=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(non_responders_due()) == 20
