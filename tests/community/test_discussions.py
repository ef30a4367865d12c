"""The discussion guide (moderators build it) and the discussion page's cost."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.models import AuditEntry, Discussion, DiscussionKind, PostImage, Role, Visibility
from community.selectors import DISCUSSION_PAGE_SIZE
from community.services.discussions import discussion_create, discussion_reorder, discussion_update
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory


def test_it_lets_a_moderator_add_an_activity_as_a_draft_at_the_end_of_the_guide(alice, bob, community):
    MembershipFactory(community=community, segments=["store shoppers"])
    first = DiscussionFactory(community=community, position=0)
    created = discussion_create(
        moderator=membership_of(alice, community),
        community=community,
        title="  Your morning routine ",
        prompt="Tell us **everything**",
        kind=DiscussionKind.JOURNAL,
        target_segments="app users, , store shoppers",
    )
    assert created.is_draft
    assert created.title == "Your morning routine"
    assert created.position > first.position
    assert created.target_segments == ["app users", "store shoppers"]
    assert AuditEntry.objects.filter(action="discussion.create", target_id=created.pk).exists()


def test_it_refuses_a_participant_who_tries_to_change_the_guide(bob, community):
    with pytest.raises(PermissionDenied):
        discussion_create(moderator=membership_of(bob, community), community=community, title="Mine now")


def test_it_refuses_a_closing_time_before_the_opening_time(alice, community):
    now = timezone.now()
    with pytest.raises(ValidationError) as caught:
        discussion_create(
            moderator=membership_of(alice, community),
            community=community,
            title="Backwards",
            opens_at=now,
            closes_at=now - timedelta(hours=1),
        )
    assert "closes_at" in caught.value.message_dict
    assert not Discussion.objects.exists()


def test_it_records_which_fields_an_edit_changed(alice, community):
    discussion = DiscussionFactory(community=community)
    discussion_update(
        moderator=membership_of(alice, community), discussion=discussion, visibility="uninfluenced"
    )
    discussion.refresh_from_db()
    assert discussion.visibility == Visibility.UNINFLUENCED
    assert AuditEntry.objects.get(action="discussion.update").details == {"changed": ["visibility"]}


def test_it_reorders_the_guide(alice, community):
    a, b, c = (DiscussionFactory(community=community, position=i) for i in range(3))
    discussion_reorder(
        moderator=membership_of(alice, community), community=community, ordered_ids=[c.pk, a.pk, b.pk]
    )
    assert list(Discussion.objects.filter(community=community).values_list("pk", flat=True)) == [
        c.pk,
        a.pk,
        b.pk,
    ]


def test_it_refuses_an_order_that_leaves_out_an_activity(alice, community):
    a, b = (DiscussionFactory(community=community, position=i) for i in range(2))
    with pytest.raises(ValidationError):
        discussion_reorder(moderator=membership_of(alice, community), community=community, ordered_ids=[b.pk])


def test_it_creates_an_activity_from_the_form(client, alice, bob, community):
    client.force_login(alice)
    response = client.post(
        reverse("discussion_create", args=["acme"]),
        {
            "title": "First impressions",
            "prompt": "What did you notice?",
            "kind": "board",
            "visibility": "uninfluenced",
            "target_segments": "app users",
            "media_allowed": "on",
        },
    )
    assert response.status_code == 302
    created = Discussion.objects.get(title="First impressions")
    assert (created.visibility, created.media_allowed, created.is_draft) == ("uninfluenced", True, False)
    assert created.target_segments == ["app users"]


def test_it_shows_the_field_error_when_the_title_is_missing(client, alice, community):
    client.force_login(alice)
    response = client.post(
        reverse("discussion_create", args=["acme"]), {"title": "", "kind": "board", "visibility": "open"}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


def test_it_answers_not_found_to_participants_and_clients_on_guide_editing_pages(
    client, bob, carol, community
):
    discussion = DiscussionFactory(community=community)
    for user in (bob, carol):
        client.force_login(user)
        assert client.get(reverse("discussion_create", args=["acme"])).status_code == 404
        assert client.get(reverse("discussion_edit", args=["acme", discussion.pk])).status_code == 404
        assert (
            client.post(
                reverse("discussion_move", args=["acme", discussion.pk]), {"direction": "up"}
            ).status_code
            == 404
        )


def test_it_moves_an_activity_up_from_the_guide_page(client, alice, community):
    a = DiscussionFactory(community=community, position=0)
    b = DiscussionFactory(community=community, position=1)
    client.force_login(alice)
    client.post(reverse("discussion_move", args=["acme", b.pk]), {"direction": "up"})
    assert list(Discussion.objects.values_list("pk", flat=True)) == [b.pk, a.pk]


def test_it_renders_the_prompt_as_sanitised_markdown(client, bob, community):
    discussion = DiscussionFactory(community=community, prompt="**Be honest** <script>alert(1)</script>")
    client.force_login(bob)
    page = client.get(reverse("discussion_detail", args=["acme", discussion.pk])).content.decode()
    assert "<strong>Be honest</strong>" in page
    assert "<script>alert(1)" not in page


def test_it_paginates_a_long_discussion(client, bob, community):
    discussion = DiscussionFactory(community=community)
    author = membership_of(bob, community)
    for i in range(DISCUSSION_PAGE_SIZE + 3):
        PostFactory(discussion=discussion, author=author, body=f"Response number {i:03d}")
    client.force_login(bob)
    first = client.get(reverse("discussion_detail", args=["acme", discussion.pk])).content.decode()
    last = client.get(reverse("discussion_detail", args=["acme", discussion.pk]) + "?page=2").content.decode()
    assert "Response number 000" in first and "Response number 022" not in first
    assert "Response number 022" in last and "Page 2 of 2" in last


# --- query counts: constant as the discussion grows ---


def _grow(discussion, members, moderator, count: int) -> None:
    """`count` responses spread over members, each with two replies (one by the moderator) and an image."""
    for i in range(count):
        author = members[i % len(members)]
        root = PostFactory(discussion=discussion, author=author, body=f"Response {i} with **markdown**")
        PostFactory(discussion=discussion, author=moderator, parent=root, body="Tell me more?")
        PostFactory(
            discussion=discussion, author=members[(i + 1) % len(members)], parent=root, body="Same here"
        )
        PostImage.objects.create(
            post=root, file=f"posts/x{i}.jpg", width=10, height=10, content_type="image/jpeg"
        )


def _count_queries(client, url) -> int:
    # Warm caches first (the member-name roster is read once, then cached): steady-state counts.
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("viewer", ["alice", "bob", "carol"])
@pytest.mark.parametrize(
    "kind,visibility", [("board", "open"), ("board", "uninfluenced"), ("journal", "open")]
)
def test_it_renders_the_discussion_page_in_the_same_number_of_queries_for_5_and_50_responses(
    request, client, alice, bob, carol, community, viewer, kind, visibility
):
    discussion = DiscussionFactory(community=community, kind=kind, visibility=visibility, media_allowed=True)
    others = [
        MembershipFactory(community=community, role=Role.PARTICIPANT, pseudonym=f"Other {i}")
        for i in range(3)
    ]
    members = [membership_of(bob, community), *others]
    moderator = membership_of(alice, community)
    client.force_login(request.getfixturevalue(viewer))
    url = reverse("discussion_detail", args=["acme", discussion.pk])

    _grow(discussion, members, moderator, 5)
    small = _count_queries(client, url)
    _grow(discussion, members, moderator, 45)
    large = _count_queries(client, url)
    assert small == large
    # session, user, navigation, membership, discussion, count, responses, replies, images,
    # the probes panel (engagement), +1 "has responded" for a participant in an uninfluenced activity.
    assert large <= 12


@pytest.mark.parametrize("viewer", ["alice", "bob", "carol"])
def test_it_lists_the_guide_in_the_same_number_of_queries_as_it_grows(request, client, community, viewer):
    client.force_login(request.getfixturevalue(viewer))
    url = reverse("discussion_list", args=["acme"])

    def grow(n):
        for i in range(n):
            DiscussionFactory(community=community, target_segments=["app users"] if i % 2 else [])
            DiscussionFactory(community=community, is_draft=True)

    grow(2)
    small = _count_queries(client, url)
    grow(15)
    large = _count_queries(client, url)
    assert small == large


@pytest.mark.parametrize("kind", [DiscussionKind.SCORECARD, DiscussionKind.LIVE])
def test_it_offers_no_response_box_on_scorecard_and_live_activities(client, bob, community, kind):
    discussion = DiscussionFactory(community=community, kind=kind)
    client.force_login(bob)
    page = client.get(reverse("discussion_detail", args=["acme", discussion.pk])).content.decode()
    assert 'name="body"' not in page
    assert "not open for posting" not in page


def test_it_links_each_post_to_its_own_pages(client, alice, bob, community):
    discussion = DiscussionFactory(community=community, media_allowed=True)
    post = PostFactory(discussion=discussion, author=membership_of(bob, community), edited_at=timezone.now())
    image = PostImage.objects.create(
        post=post, file="posts/x.jpg", width=1, height=1, content_type="image/jpeg"
    )
    client.force_login(alice)
    page = client.get(reverse("discussion_detail", args=["acme", discussion.pk])).content.decode()
    for name in ("post_history", "post_moderate"):
        assert f'"{reverse(name, args=["acme", post.pk])}' in page, name
    assert f'src="{reverse("post_image", args=["acme", image.pk])}"' in page
    client.force_login(bob)
    page = client.get(reverse("discussion_detail", args=["acme", discussion.pk])).content.decode()
    for name in ("post_edit", "post_delete"):
        assert f'href="{reverse(name, args=["acme", post.pk])}"' in page, name
    other = PostFactory(
        discussion=discussion, author=MembershipFactory(community=community, role=Role.PARTICIPANT)
    )
    page = client.get(reverse("discussion_detail", args=["acme", discussion.pk])).content.decode()
    assert f'action="{reverse("post_flag", args=["acme", other.pk])}"' in page
