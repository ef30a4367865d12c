"""A participant who flagged without a reason (or with a vague one) can add it later: one flag, updated.

alice moderates acme, bob participates (tests/conftest.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.models import AuditEntry, Flag, Role
from community.services.moderation import post_flag, post_moderate
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory


@pytest.fixture
def theirs(community):
    board = DiscussionFactory(community=community, title="Checkout experience")
    other = MembershipFactory(community=community, role=Role.PARTICIPANT, pseudonym="Amber Finch")
    return PostFactory(discussion=board, author=other, body="Call me on 07700 900123")


def _flag(client, post, reason: str) -> str:
    response = client.post(reverse("post_flag", args=["acme", post.pk]), {"reason": reason}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def _queue(client) -> str:
    return client.get(reverse("moderation_queue", args=["acme"]), {"flagged": "on", "status": "published"})


def test_flagging_again_with_a_reason_updates_the_flag_the_moderator_reads(client, alice, bob, theirs):
    client.force_login(bob)
    assert "Thank you; a moderator will look at this post." in _flag(client, theirs, "")
    page = _flag(client, theirs, "It gives out a phone number")
    assert "Your flag was updated" in page
    assert "already flagged" not in page
    flag = Flag.objects.get(post=theirs)
    assert flag.reason == "It gives out a phone number"
    client.force_login(alice)
    queue = _queue(client).content.decode()
    assert "Flagged by Swift Heron: It gives out a phone number" in queue
    assert queue.count("Flagged by") == 1


def test_a_changed_reason_replaces_the_old_one_and_the_audit_log_keeps_both(alice, bob, community, theirs):
    bob_m = membership_of(bob, community)
    first = post_flag(flagger=bob_m, post=theirs, reason="Spam?")
    second = post_flag(flagger=bob_m, post=theirs, reason="A phone number")
    assert second.pk == first.pk and second.updated and not first.updated
    assert Flag.objects.filter(post=theirs).count() == 1
    update = AuditEntry.objects.get(action="post.flag_updated")
    assert update.reason == "A phone number"
    assert update.details["previous_reason"] == "Spam?"


def test_flagging_again_without_a_new_reason_says_it_is_already_flagged(client, bob, theirs):
    client.force_login(bob)
    _flag(client, theirs, "A phone number")
    for reason in ("", "A phone number"):
        assert "You have already flagged this post" in _flag(client, theirs, reason)
    assert Flag.objects.get(post=theirs).reason == "A phone number"


def test_once_a_moderator_has_decided_a_new_flag_starts_afresh(alice, bob, community, theirs):
    bob_m = membership_of(bob, community)
    post_flag(flagger=bob_m, post=theirs, reason="Spam?")
    post_moderate(moderator=membership_of(alice, community), post=theirs, action="approve", reason="Fine")
    again = post_flag(flagger=bob_m, post=theirs, reason="Now it names someone")
    assert not again.updated
    assert Flag.objects.filter(post=theirs).count() == 2
    assert Flag.objects.get(post=theirs, resolved_at__isnull=True).reason == "Now it names someone"


def test_someone_elses_flag_is_never_updated_by_mine(bob, community, theirs):
    carl = MembershipFactory(community=community, role=Role.PARTICIPANT)
    post_flag(flagger=carl, post=theirs, reason="Carl's reason")
    post_flag(flagger=membership_of(bob, community), post=theirs, reason="Bob's reason")
    assert sorted(Flag.objects.values_list("reason", flat=True)) == ["Bob's reason", "Carl's reason"]


def test_the_update_is_refused_over_the_reason_limit_and_keeps_the_old_reason(bob, community, theirs):
    from django.core.exceptions import ValidationError

    bob_m = membership_of(bob, community)
    post_flag(flagger=bob_m, post=theirs, reason="Short")
    with pytest.raises(ValidationError, match="the limit is 500"):
        post_flag(flagger=bob_m, post=theirs, reason="x" * 501)
    assert Flag.objects.get(post=theirs).reason == "Short"
