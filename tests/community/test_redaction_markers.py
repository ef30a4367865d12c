"""Redacted copies keep every line: a marker such as [PHONE] at the start of a line is text,
not a Markdown link reference (which would drop the line for clients)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from community.markdown import render_markdown
from tests.factories import DiscussionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

# A bank customer's post: each of these lines would read as a link reference once redacted.
BODY = (
    "Opened a savings account last week.\n"
    "07700 900123: weekdays (after six)\n"
    "Nadia: thanks!\n"
    "Ask **Nadia Okafor** about the overdraft fees."
)


@pytest.fixture
def nadia(community):
    user = UserFactory(username="nadia", first_name="Nadia", last_name="Okafor")
    MembershipFactory(user=user, community=community, pseudonym="Amber Wren")
    return user


def _page(client, user, board) -> str:
    client.force_login(user)
    response = client.get(reverse("discussion_detail", args=["acme", board.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_client_reads_every_line_of_a_redacted_post_and_a_moderator_the_original(
    client, community, alice, carol, nadia
):
    board = DiscussionFactory(community=community)
    client.force_login(nadia)
    posted = client.post(reverse("post_create", args=["acme", board.pk]), {"body": BODY})
    assert posted.status_code == 302

    page = _page(client, carol, board)
    assert "Opened a savings account last week." in page
    assert "[PHONE]: weekdays (after six)" in page
    assert "[NAME]: thanks!" in page
    assert "Ask <strong>[NAME] [NAME]</strong> about the overdraft fees." in page
    assert "07700 900123" not in page and "Okafor" not in page and "Nadia" not in page

    page = _page(client, alice, board)
    assert "07700 900123: weekdays (after six)" in page
    assert "Nadia: thanks!" in page
    assert "Ask <strong>Nadia Okafor</strong> about the overdraft fees." in page


def test_a_client_reads_a_redacted_post_whole_when_no_copy_was_stored(client, community, carol, nadia):
    """Posts from before client copies were stored are redacted when read."""
    board = DiscussionFactory(community=community)
    client.force_login(nadia)
    client.post(reverse("post_create", args=["acme", board.pk]), {"body": BODY})
    board.posts.update(client_body_html="")

    page = _page(client, carol, board)
    assert "[PHONE]: weekdays (after six)" in page
    assert "[NAME]: thanks!" in page and "Nadia" not in page


def test_a_participant_reads_another_participants_line_with_only_the_phone_number_hidden(
    client, community, bob, nadia
):
    board = DiscussionFactory(community=community)
    client.force_login(nadia)
    client.post(reverse("post_create", args=["acme", board.pk]), {"body": BODY})

    page = _page(client, bob, board)
    assert "[PHONE]: weekdays (after six)" in page and "07700 900123" not in page


@pytest.mark.parametrize(
    "text,expected",
    [
        ("[PHONE]: evenings", "<p>[PHONE]: evenings</p>"),
        ('[EMAIL]: "anytime"', '<p>[EMAIL]: "anytime"</p>'),
        ("Card ending\n[CARD]: (expired)", "<p>Card ending<br>\n[CARD]: (expired)</p>"),
        ("[NAME](https://example.com) helped", "<p>[NAME](https://example.com) helped</p>"),
        ("`[NAME]` in code", "<p><code>[NAME]</code> in code</p>"),
        ("[see my [NAME] page](https://example.com)", '<p><a href="https://example.com"'),
    ],
)
def test_it_keeps_redaction_markers_as_text(text, expected):
    assert render_markdown(text).startswith(expected)


def test_it_still_reads_link_references_that_are_not_markers():
    html = render_markdown("See [the fees page][fees].\n\n[fees]: https://example.com/fees")
    assert '<a href="https://example.com/fees"' in html and "[fees]" not in html


def test_a_private_use_character_typed_by_a_member_stays_as_typed():
    assert render_markdown("odd \ue000NAME here") == "<p>odd \ue000NAME here</p>"
