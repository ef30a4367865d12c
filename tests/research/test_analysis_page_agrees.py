"""The Analysis page agrees with itself and with insights: a post waiting for analysis because
its activity was just ticked in or out of the analysis counts as awaiting only, not also as
"not analysable" under its old record; and the participants' posts insights count are named
beside all the participants' posts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from community.models import Role
from community.services.discussions import discussion_update
from research import services
from research.dashboard_selectors import DashboardFilters, dashboard_overview
from research.models import WARM_UP_REASON, PostAnalysis
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory
from tests.research import fakes

pytestmark = pytest.mark.django_db
fake_nlp = fakes.fake_nlp


@pytest.fixture
def activities(community, alice, fake_nlp):
    """A warm-up left out of analysis (three introductions) and an analysed activity (two posts,
    one with no words, and a moderator's question), all analysed."""
    intro = DiscussionFactory(community=community, title="Introduce yourself", in_analysis=False)
    visits = DiscussionFactory(community=community, title="Branch visits")
    people = [MembershipFactory(community=community, role=Role.PARTICIPANT) for _ in range(3)]
    posts = [
        PostFactory(discussion=intro, author=people[0], body="Hi, I bank online and the app is great."),
        PostFactory(discussion=intro, author=people[1], body="Hello, I mostly shop on the app."),
        PostFactory(discussion=intro, author=people[2], body="Hey, new here, I use the price checker."),
        PostFactory(discussion=visits, author=people[0], body="The teller was rude to me."),
        PostFactory(discussion=visits, author=people[1], body="12345"),
        PostFactory(
            discussion=visits, author=membership_of(alice, community), body="What did the staff say?"
        ),
    ]
    services.posts_analyze(post_ids=[p.pk for p in posts])
    assert PostAnalysis.objects.filter(reason=WARM_UP_REASON).count() == 3
    return {"intro": intro, "visits": visits}


def _stats(client) -> dict[str, int]:
    response = client.get(reverse("research:analysis", args=["acme"]))
    assert response.status_code == 200
    page = response.content.decode()
    stats = {
        label: int(value)
        for value, label in re.findall(r'stat-value">(\d+)</span><span class="stat-label">([a-z ]+)', page)
    }
    stats["page"] = page
    return stats


def _tick(alice, discussion, value, capture) -> None:
    """The moderator's edit, before its after-commit announcement has been acted on (a broker's
    queue, or a refresh still to run): the stored records still say what they said."""
    with capture(execute=False):
        discussion_update(
            moderator=membership_of(alice, discussion.community), discussion=discussion, in_analysis=value
        )


def test_a_warm_up_just_ticked_back_in_awaits_analysis_and_is_not_also_left_out(
    client, community, alice, activities, fake_nlp, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    before = _stats(client)
    assert (before["awaiting analysis"], before["not analysable"]) == (0, 4)
    assert "Warm-up activity: left out of analysis: 3" in before["page"]

    _tick(alice, activities["intro"], True, django_capture_on_commit_callbacks)

    after = _stats(client)
    assert (after["awaiting analysis"], after["not analysable"]) == (3, 1)
    assert "Warm-up activity" not in after["page"] and "No words to analyse: 1" in after["page"]

    services.analysis_run_for_posts(
        community=community,
        post_ids=list(PostAnalysis.objects.filter(reason=WARM_UP_REASON).values_list("post_id", flat=True)),
    )
    done = _stats(client)
    assert (done["awaiting analysis"], done["not analysable"]) == (0, 1)


def test_an_activity_just_left_out_awaits_analysis_and_its_empty_post_is_not_counted_twice(
    client, community, alice, activities, django_capture_on_commit_callbacks
):
    client.force_login(alice)

    _tick(alice, activities["visits"], False, django_capture_on_commit_callbacks)

    stats = _stats(client)
    # Its three posts (the moderator's too) await; the post with no words is not also listed.
    assert (stats["awaiting analysis"], stats["not analysable"]) == (3, 3)
    # Counted over every published post, as the label beside it says (insights count participants').
    assert f"of all {stats['published posts']} published, moderators' posts included" in stats["page"]
    assert "No words to analyse" not in stats["page"]
    assert "Warm-up activity: left out of analysis: 3" in stats["page"]


def test_the_page_names_the_posts_insights_count_as_insights_count_them(
    client, community, alice, carol, activities
):
    client.force_login(alice)

    page = _stats(client)["page"]

    # Five participants' posts; the three introductions and the post with no words are left out.
    overview = dashboard_overview(community=community, filters=DashboardFilters())
    assert overview["posts"] == 1
    assert "5 by participants; 1 analysed, the posts insights count" in page
    client.force_login(carol)
    insights = client.get(reverse("research:dashboard", args=["acme"])).content.decode()
    assert "1 participant, 1 post." in insights


def test_participants_and_clients_cannot_open_the_analysis_page(client, bob, carol, activities):
    for user in (bob, carol):
        client.force_login(user)
        assert client.get(reverse("research:analysis", args=["acme"])).status_code == 404
