"""A participant edits their own posts with the history kept, and can read that history themselves.

alice moderates acme, bob participates, carol is a client (tests/conftest.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.models import Role
from community.realtime_boards import board_frame_for
from community.services.posts import post_create, post_edit
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory


@pytest.fixture
def board(community):
    return DiscussionFactory(community=community, title="Checkout")


@pytest.fixture
def edited(bob, community, board):
    post = post_create(author=membership_of(bob, community), discussion=board, body="Version one")
    return post_edit(editor=membership_of(bob, community), post=post, body="Version two")


def _history_url(post) -> str:
    return reverse("post_history", args=["acme", post.pk])


def test_the_author_reads_every_earlier_version_of_their_post(client, bob, edited):
    client.force_login(bob)
    page = client.get(_history_url(edited))
    assert page.status_code == 200
    text = page.content.decode()
    assert "History of your post" in text
    assert text.index("Version two") < text.index("Version one")  # now first, then before


def test_the_author_reaches_the_history_from_their_own_edited_label(client, bob, board, edited):
    client.force_login(bob)
    page = client.get(reverse("discussion_detail", args=["acme", board.pk])).content.decode()
    label = page[page.index(f'id="post-{edited.pk}"') :]
    label = label[label.index("edited") : label.index("</span>")]
    assert f'href="{_history_url(edited)}"' in label


def test_other_participants_and_clients_get_not_found_and_no_link(client, carol, community, board, edited):
    carl = MembershipFactory(community=community, role=Role.PARTICIPANT)
    for user in (carl.user, carol):
        client.force_login(user)
        assert client.get(_history_url(edited)).status_code == 404
        page = client.get(reverse("discussion_detail", args=["acme", board.pk])).content.decode()
        assert "Version two" in page and "edited" in page
        assert _history_url(edited) not in page


def test_moderators_still_read_every_post_history(client, alice, edited):
    client.force_login(alice)
    page = client.get(_history_url(edited))
    assert page.status_code == 200
    assert "Version one" in page.content.decode()


def test_a_post_pushed_live_links_its_history_edit_and_images_like_the_page(bob, community, board, edited):
    bob_m = membership_of(bob, community)
    frame, _ = board_frame_for(member_id=bob_m.pk, discussion=board, post_id=edited.pk, kind="edited")
    assert f'href="{_history_url(edited)}"' in frame["html"]
    assert f'href="{reverse("post_edit", args=["acme", edited.pk])}"' in frame["html"]
    carl = MembershipFactory(community=community, role=Role.PARTICIPANT)
    frame, _ = board_frame_for(member_id=carl.pk, discussion=board, post_id=edited.pk, kind="edited")
    assert _history_url(edited) not in frame["html"]
    assert f'action="{reverse("post_flag", args=["acme", edited.pk])}"' in frame["html"]
