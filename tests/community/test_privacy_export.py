"""A member's own data export (JSON download)."""

import json

from django.urls import reverse

from community.models import NotificationKind, PostRevision
from community.services.notifications import notification_create
from community.services.scorecards import scorecard_ensure, scorecard_submit
from tests.community.engagement_helpers import participant, scorecard_activity
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, PostFactory


def _download(client, user):
    client.force_login(user)
    response = client.get(reverse("my_data_export"))
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_it_exports_profile_memberships_posts_revisions_scorecards_and_notifications(bob, community, client):
    member = membership_of(bob, community)
    board = DiscussionFactory(community=community, title="Your last shop")
    post = PostFactory(discussion=board, author=member, body="Now with the right size.")
    PostRevision.objects.create(post=post, body="First version, wrong size.")
    activity = scorecard_activity(community)
    scorecard = scorecard_ensure(discussion=activity)
    scorecard_submit(
        scorecard=scorecard, member=member, ratings={d.pk: 11 for d in scorecard.dimensions.all()}
    )
    notification_create(membership=member, kind=NotificationKind.REMINDER, title="Please answer")

    response, data = _download(client, bob)
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"].startswith("application/json")
    assert data["profile"]["email"] == "bob@example.com"
    assert data["profile"]["first_name"] == "Bob"
    [acme] = data["memberships"]
    assert acme["community_slug"] == "acme" and acme["pseudonym"] == "Swift Heron"
    assert acme["segments"] == ["app users"]
    [exported] = acme["posts"]
    assert exported["body"] == "Now with the right size." and exported["activity"] == "Your last shop"
    assert [r["body"] for r in exported["revisions"]] == ["First version, wrong size."]
    [answers] = acme["scorecard_answers"]
    assert answers["answered_as"] == "participant" and answers["ratings"]["Privacy"] == 11
    assert [n["title"] for n in acme["notifications"]] == ["Please answer"]


def test_it_exports_nothing_of_other_people(bob, community, client):
    board = DiscussionFactory(community=community)
    PostFactory(discussion=board, author=participant(community, "someone"), body="Someone else's words")
    _, data = _download(client, bob)
    assert "Someone else's words" not in json.dumps(data)


def test_it_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("my_data_export"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_shows_the_my_data_page_with_what_erasure_will_do(bob, community, client):
    client.force_login(bob)
    page = client.get(reverse("my_data")).content.decode()
    assert "Download my data" in page and "anonymised" in page
    # The account page is also where a member finds the password change.
    assert reverse("password_change") in page


def test_it_exports_in_a_constant_number_of_queries(
    bob, community, other_community, client, django_assert_max_num_queries
):
    member = membership_of(bob, community)
    board = DiscussionFactory(community=community)
    PostFactory(discussion=board, author=member)
    client.force_login(bob)
    url = reverse("my_data_export")
    client.get(url)
    with django_assert_max_num_queries(15) as few:
        client.get(url)
    participant(other_community, "bob")
    for i in range(10):
        post = PostFactory(discussion=board, author=member, body=f"post {i}")
        PostRevision.objects.create(post=post, body=f"old {i}")
        notification_create(membership=member, kind=NotificationKind.GENERAL, title=f"n{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        data = json.loads(client.get(url).content)
    assert len(data["memberships"]) == 2
    assert sum(len(m["posts"]) for m in data["memberships"]) == 11


def test_it_exports_what_the_member_said_in_live_sessions_and_no_one_elses(alice, bob, community, client):
    import uuid

    from community.models import LiveStream
    from community.services.live import live_message_send, live_session_start
    from tests.community.live_helpers import make_live

    _, session = make_live(community)
    live_session_start(moderator=membership_of(alice, community), session=session)
    for author, body in (
        (membership_of(bob, community), "Mine: the rug faded"),
        (membership_of(alice, community), "Moderator line"),
    ):
        live_message_send(
            author=author, session=session, stream=LiveStream.ROOM, body=body, client_id=str(uuid.uuid4())
        )
    client.force_login(bob)
    data = json.loads(client.get(reverse("my_data_export")).content)
    lines = [line["body"] for m in data["memberships"] for line in m["live_session_lines"]]
    assert lines == ["Mine: the rug faded"]


def test_it_exports_probes_with_other_members_as_pseudonyms_and_an_erased_member_as_name(
    alice, bob, community, client
):
    from community.services.posts import post_create
    from community.services.privacy import user_erase
    from community.services.probes import probe_create

    participant(community, "kim", pseudonym="Brave Kite")
    lin = participant(community, "lin", pseudonym="Daring Reef")
    board = DiscussionFactory(community=community)
    member = membership_of(bob, community)
    post_create(author=member, discussion=board, body="Lin said it first.", rate_limit=False)
    probe_create(
        author=membership_of(alice, community),
        discussion=board,
        addressee=member,
        question="Bob, like Kim and Lin said: what went wrong?",
    )
    user_erase(user=lin.user, password="correct horse battery")

    _, data = _download(client, bob)
    [acme] = data["memberships"]
    [probe] = acme["probes_addressed_to_me"]
    # As the probe page shows it: the reader's own name stays, others' are pseudonyms, a former
    # member's is neither their name nor their old pseudonym.
    assert probe["question"] == "Bob, like Brave Kite and [NAME] said: what went wrong?"
    assert "Daring Reef" not in json.dumps(data)
    # Bob's own words are his: the export gives them back as he wrote them.
    assert [p["body"] for p in acme["posts"]] == ["Lin said it first."]
