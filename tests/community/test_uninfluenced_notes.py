"""An activity whose answers show only after posting speaks to each role as it is.

Participants are told they will see others' answers after posting theirs; a client or moderator
already sees every answer and is told how participants see them instead.
alice moderates acme, bob participates, carol is a client (tests/conftest.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.models import Role, Visibility
from tests.community.test_ui import visible_text
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory

PROMPT = "Which emails do you open?\n\n*You will see other people's answers after you post your own.*"


@pytest.fixture
def emails(community):
    board = DiscussionFactory(
        community=community, title="Your emails", prompt=PROMPT, visibility=Visibility.UNINFLUENCED
    )
    other = MembershipFactory(community=community, role=Role.PARTICIPANT, pseudonym="Amber Finch")
    PostFactory(discussion=board, author=other, body="Only the sale ones.")
    return board


def _text(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return visible_text(response.content.decode())


def test_a_client_reading_every_answer_is_not_told_they_will_see_them_after_posting(client, carol, emails):
    text = _text(client, carol, reverse("discussion_detail", args=["acme", emails.pk]))
    assert "Only the sale ones." in text
    assert "you see others' responses after posting your own" not in text
    assert "participants see others' responses only after posting their own" in text
    assert (
        "Participants see each other's responses only after posting their own; you see every published response."
        in text
    )
    guide = _text(client, carol, reverse("discussion_list", args=["acme"]))
    assert "participants see others' answers after posting theirs" in guide
    assert "you see others' answers after posting yours" not in guide


def test_a_moderator_is_told_how_participants_see_it(client, alice, emails):
    text = _text(client, alice, reverse("discussion_detail", args=["acme", emails.pk]))
    assert "Only the sale ones." in text
    assert "you see others' responses after posting your own" not in text
    assert "you see every response, as moderators always do" in text


def test_a_participant_who_has_not_posted_still_reads_the_promise_and_no_answers(client, bob, emails):
    text = _text(client, bob, reverse("discussion_detail", args=["acme", emails.pk]))
    assert "you see others' responses after posting your own" in text
    assert "Other participants' responses appear here once you have posted yours." in text
    assert "Only the sale ones." not in text
    assert "you see every" not in text
