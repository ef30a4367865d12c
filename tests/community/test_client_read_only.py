"""Clients are read-only observers: every participant-only POST refuses them and stores nothing.

alice moderates acme, bob participates, carol is the brand's client (tests/conftest.py).
"""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from community.models import AuditEntry, DiscussionKind, Flag, Post, PostImage
from community.services.moderation import post_flag
from community.services.probes import probe_create
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, PostFactory


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


@pytest.fixture
def board(community):
    return DiscussionFactory(community=community, title="Your last shop", media_allowed=True)


@pytest.fixture
def bobs_post(bob, community, board):
    return PostFactory(discussion=board, author=membership_of(bob, community), body="The app forgot my size.")


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(out, format="JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


def _request(name: str, *, alice, community, board, bobs_post):
    """(url, data) of each participant-only POST a client might try."""
    if name == "flag":
        return reverse("post_flag", args=["acme", bobs_post.pk]), {"reason": "Off topic"}
    if name == "response":
        return reverse("post_create", args=["acme", board.pk]), {"body": "As the brand, we love it."}
    if name == "reply":
        return reverse("post_create", args=["acme", board.pk]), {"body": "Thanks!", "parent": bobs_post.pk}
    if name == "journal entry":
        journal = DiscussionFactory(community=community, title="Week diary", kind=DiscussionKind.JOURNAL)
        return reverse("post_create", args=["acme", journal.pk]), {"body": "Dear diary"}
    if name == "upload":
        return reverse("post_create", args=["acme", board.pk]), {"body": "Our shop", "image": _photo()}
    if name == "probe answer":
        probe = probe_create(
            author=membership_of(alice, community), discussion=board, question="Which size?", post=bobs_post
        )
        return reverse("probe_detail", args=["acme", probe.pk]), {"body": "Size 9, says the brand."}
    raise AssertionError(name)


@pytest.mark.parametrize("name", ["flag", "response", "reply", "journal entry", "upload", "probe answer"])
def test_a_client_is_refused_every_participant_only_action_and_nothing_is_stored(
    client, alice, bob, carol, community, board, bobs_post, name
):
    url, data = _request(name, alice=alice, community=community, board=board, bobs_post=bobs_post)
    posts, audit = Post.objects.count(), AuditEntry.objects.count()
    client.force_login(carol)
    response = client.post(url, data)
    assert response.status_code == 403, name
    # The refusal says why, in words, as a client's post attempt does.
    assert "Client members read" in response.content.decode(), name
    assert Post.objects.count() == posts
    assert not Flag.objects.exists()
    assert not PostImage.objects.exists()
    assert AuditEntry.objects.count() == audit


def test_the_moderation_queue_never_shows_a_clients_flag(client, alice, carol, community, bobs_post):
    client.force_login(carol)
    client.post(reverse("post_flag", args=["acme", bobs_post.pk]), {"reason": "Off topic"})
    client.force_login(alice)
    queue = client.get(reverse("moderation_queue", args=["acme"]), {"flagged": "on", "status": "published"})
    assert "Flagged by" not in queue.content.decode()
    assert "Client Carol" not in queue.content.decode()


def test_a_client_sees_no_flag_control_on_a_discussion(client, carol, board, bobs_post):
    client.force_login(carol)
    page = client.get(reverse("discussion_detail", args=["acme", board.pk])).content.decode()
    assert "The app forgot my size." in page
    assert "/flag/" not in page


def test_moderators_decide_on_posts_rather_than_flag_them(alice, community, bobs_post):
    with pytest.raises(PermissionDenied, match="moderation queue"):
        post_flag(flagger=membership_of(alice, community), post=bobs_post, reason="Hmm")
    assert not Flag.objects.exists()


def test_a_participant_still_flags_someone_elses_post(client, bob, community, board, bobs_post):
    from tests.factories import MembershipFactory

    other = MembershipFactory(community=community)
    theirs = PostFactory(discussion=board, author=other, body="Flag me")
    client.force_login(bob)
    response = client.post(reverse("post_flag", args=["acme", theirs.pk]), {"reason": "Rude"})
    assert response.status_code == 302
    assert Flag.objects.get().flagged_by == membership_of(bob, community)
