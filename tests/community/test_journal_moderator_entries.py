"""A private journal: each participant sees only their own entries and the moderators' replies
under them, so a moderator is offered no "New journal entry" box (no participant would read the
entry) and a new entry they send anyway is refused with the reason; they still reply under
entries, and in a board they still post as before."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from community.models import DiscussionKind, Post
from community.services.posts import post_create
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, PostFactory

pytestmark = pytest.mark.django_db

REFUSAL = "Moderators don&#x27;t write entries in a private journal"


@pytest.fixture
def journal(community):
    return DiscussionFactory(community=community, title="Banking diary", kind=DiscussionKind.JOURNAL)


@pytest.fixture
def entry(journal, bob):
    return PostFactory(
        discussion=journal, author=membership_of(bob, journal.community), body="Paid my card bill in the app."
    )


def _page(client, discussion):
    response = client.get(reverse("discussion_detail", args=["acme", discussion.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_moderator_gets_no_entry_box_in_a_private_journal_but_is_told_how_to_ask(
    client, alice, journal, entry
):
    client.force_login(alice)

    page = _page(client, journal)

    assert "New journal entry" not in page and 'id="respond"' not in page
    assert "each seen only by its author and the research team" in page
    assert "each participant sees only their own entries" in page
    assert "not open for posting" not in page
    # Replying under a participant's entry is still offered.
    assert f'name="parent" value="{entry.pk}"' in page


def test_a_participant_still_gets_the_entry_box(client, bob, journal):
    client.force_login(bob)

    page = _page(client, journal)

    assert "New journal entry" in page and "journal-moderator-note" not in page


def test_a_moderators_new_entry_is_refused_with_the_reason_and_nothing_is_posted(
    client, alice, journal, entry
):
    client.force_login(alice)

    response = client.post(
        reverse("post_create", args=["acme", journal.pk]), {"body": "Today's question: fees?"}
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert REFUSAL in page and "send a probe" in page
    assert list(Post.objects.filter(discussion=journal)) == [entry]
    with pytest.raises(PermissionDenied, match="private journal"):
        post_create(author=membership_of(alice, journal.community), discussion=journal, body="Hello all")


def test_a_moderators_reply_under_an_entry_is_posted_and_its_author_reads_it(
    client, alice, bob, journal, entry
):
    client.force_login(alice)

    response = client.post(
        reverse("post_create", args=["acme", journal.pk]),
        {"body": "Which fee surprised you?", "parent": entry.pk},
    )

    assert response.status_code == 302
    assert Post.objects.get(parent=entry).body == "Which fee surprised you?"
    client.force_login(bob)
    assert "Which fee surprised you?" in _page(client, journal)


def test_a_moderator_still_posts_in_a_board(client, alice, community):
    board = DiscussionFactory(community=community, kind=DiscussionKind.BOARD)
    client.force_login(alice)

    assert 'id="respond"' in _page(client, board)
    response = client.post(reverse("post_create", args=["acme", board.pk]), {"body": "Welcome, everyone!"})

    assert response.status_code == 302
    assert Post.objects.filter(discussion=board).count() == 1
