"""Real-time board updates: each socket gets exactly what the discussion page would show its member."""

from __future__ import annotations

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from community.models import DiscussionKind, Visibility
from community.services.moderation import post_moderate
from community.services.posts import post_create
from tests.community.live_helpers import application, make_participant
from tests.conftest import membership_of
from tests.factories import DiscussionFactory

pytestmark = pytest.mark.django_db(transaction=True)
TIMEOUT = 5


@pytest.fixture
def frank(community):
    return make_participant(community, "frank", "Brisk Finch")


async def board_socket(user, discussion_id: int):
    communicator = WebsocketCommunicator(application, f"/ws/discussions/{discussion_id}/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect(timeout=TIMEOUT)
    assert connected
    return communicator, await communicator.receive_output(timeout=TIMEOUT)


async def frames_within(communicator, wait: float = 2.0) -> list[dict]:
    """Every frame until none arrives for `wait` seconds (rendering runs in the one database thread)."""
    frames = []
    while not await communicator.receive_nothing(timeout=wait):
        frames.append(await communicator.receive_json_from(timeout=TIMEOUT))
        wait = 0.5
    return frames


def write(author, discussion, body):
    return post_create(author=author, discussion=discussion, body=body, rate_limit=False)


def test_it_refuses_anonymous_and_outsider_board_sockets(community, eve, bob):
    discussion = DiscussionFactory(community=community)

    async def scenario():
        _, anonymous = await board_socket(AnonymousUser(), discussion.pk)
        _, outsider = await board_socket(eve, discussion.pk)
        return anonymous, outsider

    anonymous, outsider = asyncio.run(scenario())
    assert anonymous == {"type": "websocket.close", "code": 4401}
    assert outsider == {"type": "websocket.close", "code": 4404}


def test_it_pushes_a_new_post_with_a_pseudonym_to_clients_and_the_real_name_to_moderators(
    community, alice, bob, carol, frank
):
    discussion = DiscussionFactory(community=community)
    author = membership_of(frank, community)

    async def scenario():
        sockets = {}
        for name, user in (("alice", alice), ("bob", bob), ("carol", carol)):
            sockets[name], _ = await board_socket(user, discussion.pk)
        await database_sync_to_async(write)(author, discussion, "Checkout keeps *failing*.")
        got = {name: await frames_within(s) for name, s in sockets.items()}
        for s in sockets.values():
            await s.disconnect()
        return got

    got = asyncio.run(scenario())
    for name in ("alice", "bob", "carol"):
        assert [f["type"] for f in got[name]] == ["post"], name
        assert "<em>failing</em>" in got[name][0]["html"]
    assert "Frank Participant" in got["alice"][0]["html"]
    assert "Brisk Finch" in got["carol"][0]["html"] and "Frank" not in got["carol"][0]["html"]
    assert "Frank" not in got["bob"][0]["html"]


def test_it_keeps_private_journal_posts_to_their_author_and_the_moderators(
    community, alice, bob, carol, frank
):
    journal = DiscussionFactory(community=community, kind=DiscussionKind.JOURNAL)
    author = membership_of(frank, community)

    async def scenario():
        mod, _ = await board_socket(alice, journal.pk)
        other, _ = await board_socket(bob, journal.pk)
        own, _ = await board_socket(frank, journal.pk)
        await database_sync_to_async(write)(author, journal, "Dear diary, the app logged me out again.")
        got = [await frames_within(s) for s in (mod, other, own)]
        for s in (mod, other, own):
            await s.disconnect()
        return got

    to_mod, to_other, to_author = asyncio.run(scenario())
    assert len(to_mod) == 1 and len(to_author) == 1
    assert to_other == []


def test_it_holds_back_others_posts_in_an_uninfluenced_activity_until_the_participant_responded(
    community, alice, bob, frank
):
    discussion = DiscussionFactory(community=community, visibility=Visibility.UNINFLUENCED)
    bob_member, frank_member = membership_of(bob, community), membership_of(frank, community)

    async def scenario():
        part, _ = await board_socket(bob, discussion.pk)
        await database_sync_to_async(write)(frank_member, discussion, "My honest first answer.")
        before = await frames_within(part)
        await database_sync_to_async(write)(bob_member, discussion, "Mine, unbiased.")
        await database_sync_to_async(write)(frank_member, discussion, "A later thought.")
        after = await frames_within(part)
        await part.disconnect()
        return before, after

    before, after = asyncio.run(scenario())
    assert before == []
    assert [f["type"] for f in after] == ["post", "post"]


def test_it_withdraws_a_hidden_post_from_participants_and_labels_it_for_moderators(
    community, alice, bob, frank
):
    discussion = DiscussionFactory(community=community)
    author, moderator = membership_of(frank, community), membership_of(alice, community)

    async def scenario():
        post = await database_sync_to_async(write)(author, discussion, "My phone number is 0123")
        mod, _ = await board_socket(alice, discussion.pk)
        part, _ = await board_socket(bob, discussion.pk)
        await database_sync_to_async(post_moderate)(
            moderator=moderator, post=post, action="hide", reason="Personal details"
        )
        got = (await frames_within(mod), await frames_within(part))
        for s in (mod, part):
            await s.disconnect()
        return post, got

    post, (to_mod, to_part) = asyncio.run(scenario())
    assert to_part == [{"type": "gone", "post_id": post.pk}]
    assert to_mod[0]["type"] == "post" and "Hidden" in to_mod[0]["html"]
