"""Probes: who may ask, who is told, who may answer, and who sees them."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from community.models import (
    AuditEntry,
    DiscussionKind,
    Notification,
    NotificationKind,
    Post,
    PostStatus,
    Probe,
    Visibility,
)
from community.selectors_engagement import probes_for_discussion
from community.services.probes import probe_answer, probe_create
from tests.community.engagement_helpers import participant
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, PostFactory


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def board(community):
    return DiscussionFactory(community=community, title="Your last shop")


@pytest.fixture
def journal(community):
    return DiscussionFactory(community=community, title="Week diary", kind=DiscussionKind.JOURNAL)


@pytest.fixture
def uninfluenced(community):
    return DiscussionFactory(community=community, title="First thoughts", visibility=Visibility.UNINFLUENCED)


@pytest.fixture
def carl(community):
    return participant(community, "carl", segments=["in store"])


def _probe(alice, community, discussion, bob, **extra):
    post = PostFactory(discussion=discussion, author=membership_of(bob, community))
    return probe_create(
        author=membership_of(alice, community),
        discussion=discussion,
        question="What did the app forget exactly?",
        post=post,
        **extra,
    )


def test_it_lets_a_moderator_probe_a_participant_who_is_told_in_app_and_by_email(
    alice, bob, community, board, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        probe = _probe(alice, community, board, bob)
    assert probe.addressee == membership_of(bob, community)
    notification = Notification.objects.get(membership__user=bob)
    assert notification.kind == NotificationKind.PROBE
    assert notification.url == reverse("probe_detail", args=["acme", probe.pk])
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [bob.email]
    assert notification.url in mailoutbox[0].body
    assert AuditEntry.objects.filter(action="probe.created", target_id=probe.pk).exists()


def test_it_sends_no_email_when_the_probe_is_rolled_back(alice, bob, community, board, mailoutbox):
    # Without running on-commit callbacks (the transaction never commits), nothing is emailed.
    _probe(alice, community, board, bob)
    assert mailoutbox == []


def test_it_refuses_probes_from_participants(bob, carl, community, board):
    post = PostFactory(discussion=board, author=carl)
    with pytest.raises(PermissionDenied):
        probe_create(author=membership_of(bob, community), discussion=board, question="Why?", post=post)
    assert not Probe.objects.exists()


def test_it_answers_not_found_to_participants_and_clients_opening_the_probe_form(
    bob, carol, community, board, client
):
    url = reverse("probe_create", args=["acme", board.pk])
    for user in (bob, carol):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.post(url, {"question": "Why?", "segment": "app users"}).status_code == 404
    assert not Probe.objects.exists()


def test_it_lets_a_moderator_ask_from_the_page(alice, bob, community, board, client):
    post = PostFactory(discussion=board, author=membership_of(bob, community))
    client.force_login(alice)
    url = reverse("probe_create", args=["acme", board.pk])
    assert client.get(url, {"post": post.pk}).status_code == 200
    response = client.post(url, {"post": post.pk, "question": "Which size did it forget?", "addressee": ""})
    probe = Probe.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("probe_detail", args=["acme", probe.pk])
    assert probe.addressee == membership_of(bob, community)


def test_it_names_the_field_when_a_probe_is_incomplete(alice, bob, community, board):
    moderator = membership_of(alice, community)
    with pytest.raises(ValidationError) as exc:
        probe_create(
            author=moderator, discussion=board, question="  ", addressee=membership_of(bob, community)
        )
    assert "question" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        probe_create(author=moderator, discussion=board, question="Why?")
    assert "addressee" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        probe_create(
            author=moderator,
            discussion=board,
            question="Why?",
            addressee=membership_of(bob, community),
            segment="app users",
        )
    assert "segment" in exc.value.message_dict
    assert not Probe.objects.exists()


def test_it_refuses_to_probe_a_client_or_in_a_closed_or_draft_activity(alice, bob, carol, community):
    moderator = membership_of(alice, community)
    board = DiscussionFactory(community=community)
    with pytest.raises(ValidationError) as exc:
        probe_create(
            author=moderator, discussion=board, question="Why?", addressee=membership_of(carol, community)
        )
    assert "addressee" in exc.value.message_dict
    closed = DiscussionFactory(community=community, closes_at=timezone.now() - timezone.timedelta(hours=1))
    draft = DiscussionFactory(community=community, is_draft=True)
    for discussion in (closed, draft):
        with pytest.raises(ValidationError) as exc:
            probe_create(
                author=moderator,
                discussion=discussion,
                question="Why?",
                addressee=membership_of(bob, community),
            )
        assert "discussion" in exc.value.message_dict
    assert not Probe.objects.exists()


def test_it_lets_the_addressee_answer_in_place(alice, bob, community, board, client):
    probe = _probe(alice, community, board, bob)
    client.force_login(bob)
    url = reverse("probe_detail", args=["acme", probe.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "What did the app forget exactly?" in page.content.decode()
    response = client.post(url, {"body": "My shoe size, every single time."})
    assert response.status_code == 302
    answer = Post.objects.get(probe=probe)
    assert answer.author == membership_of(bob, community)
    assert answer.parent == probe.post  # threaded under the response it follows up on
    assert answer.status == PostStatus.PUBLISHED
    assert not Notification.objects.filter(membership__user=bob, read_at__isnull=True).exists()


def test_it_refuses_an_answer_from_a_participant_the_probe_does_not_ask(
    alice, bob, carl, community, board, client
):
    probe = _probe(alice, community, board, bob)
    with pytest.raises(PermissionDenied):
        probe_answer(probe=probe, member=carl, body="I'll answer for Bob.")
    client.force_login(carl.user)
    # In an open board Carl may read the probe, but the form is not his to post.
    assert client.get(reverse("probe_detail", args=["acme", probe.pk])).status_code == 200
    assert client.post(reverse("probe_detail", args=["acme", probe.pk]), {"body": "Me!"}).status_code == 404
    assert not Post.objects.filter(probe=probe).exists()


def test_it_refuses_a_client_answering_a_probe(alice, bob, carol, community, board, client):
    probe = _probe(alice, community, board, bob)
    with pytest.raises(PermissionDenied):
        probe_answer(probe=probe, member=membership_of(carol, community), body="As the brand…")
    client.force_login(carol)
    assert client.post(reverse("probe_detail", args=["acme", probe.pk]), {"body": "x"}).status_code == 403
    assert not Post.objects.filter(probe=probe).exists()


def test_it_answers_not_found_to_outsiders(alice, bob, eve, community, board, client):
    probe = _probe(alice, community, board, bob)
    client.force_login(eve)
    assert client.get(reverse("probe_detail", args=["acme", probe.pk])).status_code == 404
    assert client.get(reverse("probe_list", args=["acme", board.pk])).status_code == 404


@pytest.mark.parametrize("activity", ["journal", "uninfluenced"])
def test_it_shows_a_probe_in_a_private_activity_only_to_the_addressee_and_moderators(
    activity, request, alice, bob, carol, carl, community, client
):
    discussion = request.getfixturevalue(activity)
    probe = _probe(alice, community, discussion, bob)
    # Carl has responded, so in the uninfluenced activity he sees others' posts; still not the probe.
    PostFactory(discussion=discussion, author=carl)
    url = reverse("probe_detail", args=["acme", probe.pk])
    for user, expected in ((alice, 200), (bob, 200), (carl.user, 404), (carol, 404)):
        client.force_login(user)
        assert client.get(url).status_code == expected, user.username
    assert probes_for_discussion(discussion=discussion, membership=carl) == []
    assert probes_for_discussion(discussion=discussion, membership=membership_of(carol, community)) == []
    assert probes_for_discussion(discussion=discussion, membership=membership_of(bob, community)) == [probe]
    assert probes_for_discussion(discussion=discussion, membership=membership_of(alice, community)) == [probe]


def test_it_shows_a_probe_in_an_open_board_to_everyone_who_sees_the_post(
    alice, bob, carol, carl, community, board
):
    probe = _probe(alice, community, board, bob)
    assert probes_for_discussion(discussion=board, membership=carl) == [probe]
    assert probes_for_discussion(discussion=board, membership=membership_of(carol, community)) == [probe]
    probe.post.status = PostStatus.HIDDEN
    probe.post.save(update_fields=["status"])
    # The probed post was hidden: the probe goes with it, except for the addressee and moderators.
    assert probes_for_discussion(discussion=board, membership=carl) == []
    assert probes_for_discussion(discussion=board, membership=membership_of(bob, community)) == [probe]


def test_it_asks_a_whole_segment_and_lets_only_its_members_answer(
    alice, bob, carl, community, journal, django_capture_on_commit_callbacks, mailoutbox
):
    other_app_user = participant(community, "fran", segments=["app users"])
    participant(community, "gil", segments=["app users"], consented=False)
    with django_capture_on_commit_callbacks(execute=True):
        probe = probe_create(
            author=membership_of(alice, community),
            discussion=journal,
            question="How often?",
            segment="app users",
        )
    notified = set(
        Notification.objects.filter(probe=probe).values_list("membership__user__username", flat=True)
    )
    assert notified == {"bob", "fran"}  # not Carl (other segment), not Gil (no consent yet)
    assert sorted(m.to[0] for m in mailoutbox) == ["bob@example.com", "fran@example.com"]
    answer = probe_answer(probe=probe, member=other_app_user, body="Twice a week.")
    assert answer.probe == probe and answer.parent is None
    with pytest.raises(PermissionDenied):
        probe_answer(probe=probe, member=carl, body="Me too")


def test_it_lists_probes_in_a_constant_number_of_queries(
    alice, bob, community, board, client, django_assert_max_num_queries
):
    client.force_login(alice)
    url = reverse("probe_list", args=["acme", board.pk])
    _probe(alice, community, board, bob)
    client.get(url)  # warm up the session and caches
    with django_assert_max_num_queries(6) as few:
        assert client.get(url).status_code == 200
    for _ in range(8):
        _probe(alice, community, board, bob)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count("What did the app forget exactly?") == 9


def test_it_shows_probes_in_place_on_the_discussion_page_only_to_those_allowed(
    alice, bob, carl, community, journal, client
):
    probe = _probe(alice, community, journal, bob)
    url = reverse("discussion_detail", args=["acme", journal.pk])
    client.force_login(bob)
    assert "for you: answer it here" in client.get(url).content.decode()
    client.force_login(alice)
    page = client.get(url).content.decode()
    assert probe.question in page and "Ask a probe" in page
    client.force_login(carl.user)
    assert probe.question not in client.get(url).content.decode()
