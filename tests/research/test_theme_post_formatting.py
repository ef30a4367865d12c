"""Posts on a theme's page read as they do in the discussion: moderators see the formatted original
(no Markdown markers, nothing a participant typed as HTML runs), clients the formatted redaction;
redaction markers at the start of a line stay in the text."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.markdown import render_markdown
from community.models import Post, Role
from research import services
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory, UserFactory
from tests.research import fakes
from tests.research.insights_data import analysed_post, theme

pytestmark = pytest.mark.django_db

fake_nlp = fakes.fake_nlp

BODY = (
    "The **mobile banking app** logs me out every time I switch apps.\n\n"
    "- slow transfers\n"
    "- no card freeze\n\n"
    'Call me on 07700 900123 <script>alert(1)</script><img src=x onerror="alert(2)">'
)
REDACTED = BODY.replace("07700 900123", "[PHONE]")


def _seed(community, n=1, key="app"):
    discussion = DiscussionFactory(community=community, title="Your bank's app")
    posts = []
    for _ in range(n):
        author = MembershipFactory(community=community, role=Role.PARTICIPANT)
        post = analysed_post(discussion=discussion, author=author, body=BODY, redacted=REDACTED)
        # As posting stores it (community.services.posts.post_create).
        Post.objects.filter(pk=post.pk).update(body_html=render_markdown(BODY))
        posts.append(post)
    return posts, theme(community, key, f"the {key}", posts)


def _detail(client, user, t):
    client.force_login(user)
    return client.get(reverse("research:theme_detail", args=["acme", t.pk]))


def _cards(html: str) -> str:
    start = html.index("<h2>Posts</h2>")
    return html[start : html.index("</form>", start) if "</form>" in html[start:] else len(html)]


def test_a_moderator_reads_a_themes_posts_formatted_with_nothing_typed_as_html_running(
    client, community, alice
):
    _, t = _seed(community)

    html = _detail(client, alice, t).content.decode()
    cards = _cards(html)

    assert "<strong>mobile banking app</strong>" in cards
    assert "<li>slow transfers</li>" in cards and "<li>no card freeze</li>" in cards
    assert "**" not in cards and "- slow transfers" not in cards
    assert "07700 900123" in cards  # the original, not the redaction
    assert "<script>alert" not in html and not re.search(r"<img[^>]*onerror", html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in cards  # shown as the words typed


def test_a_moderator_confirming_a_split_reads_the_posts_formatted(client, community, alice):
    posts, t = _seed(community, n=2)
    client.force_login(alice)

    response = client.post(
        reverse("research:theme_action", args=["acme", t.pk]),
        {"action": "split", "label": "Logged out", "posts": [posts[0].pk]},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>mobile banking app</strong>" in html and "**" not in html
    assert not re.search(r"<img[^>]*onerror", html) and "&lt;script&gt;" in html


def test_a_client_still_reads_the_formatted_redaction_on_a_theme(client, community, carol):
    _, t = _seed(community)

    cards = _cards(_detail(client, carol, t).content.decode())

    assert "<strong>mobile banking app</strong>" in cards and "**" not in cards
    assert "[PHONE]" in cards and "07700 900123" not in cards


def test_a_participant_or_outsider_gets_no_theme_page(client, community, bob, eve):
    _, t = _seed(community)
    assert _detail(client, bob, t).status_code == 404
    assert _detail(client, eve, t).status_code == 404


def test_a_moderator_reads_a_theme_in_the_same_queries_whatever_its_size(client, community, alice):
    _, small = _seed(community, n=2)
    client.force_login(alice)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("research:theme_detail", args=["acme", small.pk])).status_code == 200
    _, large = _seed(community, n=8, key="login")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("research:theme_detail", args=["acme", large.pk])).content.decode()
    assert page.count("<strong>mobile banking app</strong>") == 8
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_client_reads_a_line_opening_with_a_redacted_name_after_analysis(
    client, community, alice, carol, fake_nlp
):
    """The analysis' redaction (which also finds names) is what clients read once a post is analysed."""
    author = MembershipFactory(community=community, user=UserFactory(username="ravi", first_name="Ravi"))
    board = DiscussionFactory(community=community)
    post = PostFactory(discussion=board, author=author, body="Switched banks last month.\nBob: thanks!")

    services.posts_analyze(post_ids=[post.pk])

    post.refresh_from_db()
    assert "[NAME]: thanks!" in post.client_body_html
    client.force_login(carol)
    page = client.get(reverse("discussion_detail", args=["acme", board.pk])).content.decode()
    assert "[NAME]: thanks!" in page and "Bob:" not in page
    client.force_login(alice)
    page = client.get(reverse("discussion_detail", args=["acme", board.pk])).content.decode()
    assert "Bob: thanks!" in page
