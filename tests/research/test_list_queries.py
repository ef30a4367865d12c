"""List pages of the insights with no query-count check before: a theme's page of posts (for
researchers and clients) and the exports page's list of discussions. Each takes as many queries
for three times the rows as for a few."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Role
from tests.factories import DiscussionFactory, MembershipFactory
from tests.research.insights_data import analysed_post, seed

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("persona", ["alice", "carol"])
def test_a_themes_page_of_posts_takes_the_same_queries_for_three_times_the_posts(
    request, client, community, persona, django_assert_num_queries
):
    from research.models import Theme, ThemePost

    discussion, posts, t = seed(community, n=3)
    Theme.objects.create(community=community, key="other", label="another theme")  # a merge target
    client.force_login(request.getfixturevalue(persona))
    url = reverse("research:theme_detail", args=["acme", t.pk])
    few = _queries(client, url)
    for _ in range(6):
        post = analysed_post(
            discussion=discussion, author=MembershipFactory(community=community, role=Role.PARTICIPANT)
        )
        ThemePost.objects.create(theme=t, post=post)
    with django_assert_num_queries(few):
        html = client.get(url).content.decode()
    assert html.count("it was slow and rude") >= 9  # every post is on the page


def test_the_exports_page_takes_the_same_queries_for_three_times_the_discussions(
    client, community, carol, django_assert_num_queries
):
    seed(community, n=2)
    client.force_login(carol)
    url = reverse("research:exports", args=["acme"])
    few = _queries(client, url)
    for i in range(3):
        DiscussionFactory(community=community, title=f"Week {i}")
    with django_assert_num_queries(few):
        html = client.get(url).content.decode()
    assert "Week 2" in html
