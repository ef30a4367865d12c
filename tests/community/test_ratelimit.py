"""Posts per minute per member, kept in the cache."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.urls import reverse

from community import ratelimit
from community.ratelimit import RateLimited, posts_limit_take
from community.services.posts import post_create
from tests.conftest import membership_of
from tests.factories import DiscussionFactory


@pytest.fixture(autouse=True)
def _isolated(settings, monkeypatch):
    # One fixed minute, so a test never straddles a window boundary.
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: 1_000_020.0))
    settings.VERBATIM = {**settings.VERBATIM, "POSTS_PER_MINUTE": 3}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def board(community):
    return DiscussionFactory(community=community)


def test_it_refuses_the_post_after_the_limit_with_a_clear_message(bob, board):
    author = membership_of(bob, board.community)
    for i in range(3):
        post_create(author=author, discussion=board, body=f"Message {i}")
    with pytest.raises(RateLimited) as caught:
        post_create(author=author, discussion=board, body="One too many")
    assert caught.value.message_dict["body"] == [
        "You can post at most 3 times a minute; please wait a moment and try again."
    ]
    assert board.posts.count() == 3


def test_it_counts_each_member_separately(bob, alice, board):
    for i in range(3):
        post_create(author=membership_of(bob, board.community), discussion=board, body=f"Bob {i}")
    post_create(
        author=membership_of(alice, board.community), discussion=board, body="Alice is not limited by Bob"
    )
    assert board.posts.count() == 4


def test_it_does_not_count_a_refused_post(bob, board):
    author = membership_of(bob, board.community)
    for _ in range(5):
        with pytest.raises(Exception):  # noqa: B017 - any refusal; the point is what it leaves behind
            post_create(author=author, discussion=board, body="")
    for i in range(3):
        post_create(author=author, discussion=board, body=f"Fine {i}")
    assert board.posts.count() == 3


def test_it_starts_a_fresh_count_in_the_next_minute():
    for _ in range(3):
        posts_limit_take(member_id=42, now=600.0)
    with pytest.raises(RateLimited):
        posts_limit_take(member_id=42, now=659.0)
    posts_limit_take(member_id=42, now=660.0)


def test_it_answers_too_many_requests_on_the_page(client, bob, board):
    client.force_login(bob)
    url = reverse("post_create", args=["acme", board.pk])
    for i in range(3):
        assert client.post(url, {"body": f"Quick {i}"}).status_code == 302
    response = client.post(url, {"body": "Quicker"})
    assert response.status_code == 429
    assert "at most 3 times a minute" in response.content.decode()
    assert board.posts.count() == 3
