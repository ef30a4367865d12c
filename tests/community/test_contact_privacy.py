"""Participants' contact details: hidden from other participants, told to the author.

A participant who writes "My email is ... and phone ..." shares it with the research team;
the other participants read the post with [EMAIL] and [PHONE] in their place (clients already
read the redacted copy). Also the regex half of redaction for extensions and house numbers.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from community.models import Role
from community.pii import find_contact_spans, redact_contact_details
from community.selectors import post_html_for, post_text_for
from community.services.posts import post_create
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, MembershipFactory, PostFactory, UserFactory

CONTACT_POST = "Happy to chat more: my email is jo.test@example.org and my phone is 07700 900456."


# --- the regex half ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ring the shop, her extension was 3392, she knows it all.", "her extension was [PHONE], she"),
        ("Customer line, ext. 218 for returns.", "ext. [PHONE] for returns"),
        ("The extension number: 55120 works.", "The extension number: [PHONE] works."),
    ],
)
def test_it_hides_an_extension_number_as_a_phone_number(text, expected):
    assert expected in redact_contact_details(text)


@pytest.mark.parametrize(
    "text",
    [
        "We had a 3 m extension lead and 2 metres of cable.",
        "The extension in 2019 cost us 4000 pounds.",
        "Our kitchen extension 4 metres long needs blinds.",
        "Extension 4471 mm wide, so the rug was too small.",
    ],
)
def test_it_keeps_lengths_years_and_prices_near_the_word_extension(text):
    assert redact_contact_details(text) == text


def test_it_takes_the_word_number_with_a_house_number_into_the_address():
    text = "The parcel went to number 14 Laburnum Grove Close instead of 41, the driver said 14."
    out = redact_contact_details(text)
    assert "number [ADDRESS]" not in out
    assert "went to [ADDRESS] instead of 41" in out
    # A house number alone, without its street, names nobody: the story stays readable.
    assert out.endswith("the driver said 14.")


def test_an_authors_everyday_word_name_is_hidden_only_when_written_as_a_name():
    text = "I will bring the Stone dish, and a stone plate; Will Stone signing off."
    out = redact_contact_details(text, names=("Will", "Stone"))
    assert out == "I will bring the [NAME] dish, and a stone plate; [NAME] [NAME] signing off."


def test_contact_spans_hold_ways_to_reach_or_find_the_writer_but_not_links():
    text = (
        "Mail a.b@example.com, ring +44 20 7946 0958, see www.example.com, "
        "or come to 12 Acacia Avenue, LE1 5AB."
    )
    assert [label for _, _, label in find_contact_spans(text)] == ["EMAIL", "PHONE", "ADDRESS", "POSTCODE"]
    assert find_contact_spans("") == []


# --- participants reading each other ---


@pytest.fixture
def board(community):
    return DiscussionFactory(community=community)


@pytest.fixture
def frank(community):
    """A second participant, who reads bob's posts."""
    user = UserFactory(username="frank", first_name="Frankie", last_name="Reader")
    MembershipFactory(user=user, community=community, role=Role.PARTICIPANT, pseudonym="Keen Otter")
    return user


def test_another_participant_reads_a_post_without_its_email_and_phone(community, bob, frank, board):
    post = PostFactory(discussion=board, author=membership_of(bob, community), body=CONTACT_POST)
    reader = membership_of(frank, community)
    html = post_html_for(post, reader)
    assert "jo.test@example.org" not in html and "07700 900456" not in html
    assert "my email is [EMAIL] and my phone is [PHONE]" in html
    assert post_text_for(post, reader) == "Happy to chat more: my email is [EMAIL] and my phone is [PHONE]."


def test_the_author_and_the_moderators_read_the_post_as_written(community, alice, bob, board):
    post = PostFactory(discussion=board, author=membership_of(bob, community), body=CONTACT_POST)
    for viewer in (bob, alice):
        html = post_html_for(post, membership_of(viewer, community))
        assert "jo.test@example.org" in html and "07700 900456" in html
        assert "[EMAIL]" not in html


def test_clients_keep_reading_the_redacted_copy(community, bob, carol, board):
    author = membership_of(bob, community)
    post = post_create(author=author, discussion=board, body=CONTACT_POST, rate_limit=False)
    html = post_html_for(post, membership_of(carol, community))
    assert "jo.test@example.org" not in html and "07700 900456" not in html


def test_participants_still_read_a_moderators_contact_details(community, alice, bob, board):
    post = PostFactory(
        discussion=board,
        author=membership_of(alice, community),
        body="Any trouble, write to research@example.org or ring 0161 496 0000.",
    )
    html = post_html_for(post, membership_of(bob, community))
    assert "research@example.org" in html and "0161 496 0000" in html


def test_the_discussion_page_shows_others_contact_details_hidden(client, community, bob, frank, board):
    PostFactory(discussion=board, author=membership_of(bob, community), body=CONTACT_POST)
    url = reverse("discussion_detail", kwargs={"slug": community.slug, "discussion_id": board.pk})
    client.force_login(frank)
    page = client.get(url).content.decode()
    assert "jo.test@example.org" not in page and "07700 900456" not in page
    assert "[EMAIL]" in page and "[PHONE]" in page
    client.force_login(bob)
    assert "jo.test@example.org" in client.get(url).content.decode()


def test_an_outsider_gets_404_not_the_hidden_post(client, community, bob, board, eve):
    PostFactory(discussion=board, author=membership_of(bob, community), body=CONTACT_POST)
    client.force_login(eve)
    url = reverse("discussion_detail", kwargs={"slug": community.slug, "discussion_id": board.pk})
    assert client.get(url).status_code == 404


def _page_queries(client, url) -> int:
    client.get(url)  # warm the roster cache: steady-state counts
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_hiding_contact_details_costs_no_query_per_post(client, community, bob, frank, board):
    author = membership_of(bob, community)
    url = reverse("discussion_detail", kwargs={"slug": community.slug, "discussion_id": board.pk})
    client.force_login(frank)
    for _ in range(3):
        PostFactory(discussion=board, author=author, body=CONTACT_POST)
    few = _page_queries(client, url)
    for _ in range(12):
        PostFactory(discussion=board, author=author, body=CONTACT_POST)
    assert _page_queries(client, url) == few


# --- telling the author ---


def _post(client, community, board, body):
    url = reverse("post_create", kwargs={"slug": community.slug, "discussion_id": board.pk})
    response = client.post(url, {"body": body})
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_participant_posting_contact_details_is_told_who_sees_them_hidden(client, community, bob, board):
    client.force_login(bob)
    notes = _post(client, community, board, CONTACT_POST)
    assert (
        "Your post includes an email address and a phone number; other participants and clients "
        "see them hidden." in notes
    )


@pytest.mark.parametrize(
    ("body", "note"),
    [
        ("Write to me at sam.r@example.net.", "Your post includes an email address; "),
        ("Call 07700 900111 or 07700 900222.", "Your post includes 2 phone numbers; "),
        (
            "I live at 12 Acacia Avenue, LE1 5AB.",
            "Your post includes a street address and a postcode; other participants and clients see them hidden.",
        ),
    ],
)
def test_the_note_names_what_the_post_holds(client, community, bob, board, body, note):
    client.force_login(bob)
    assert any(n.startswith(note) for n in _post(client, community, board, body))


def test_no_note_for_a_post_without_contact_details_nor_for_a_moderator(client, community, alice, bob, board):
    client.force_login(bob)
    assert not any(
        "Your post includes" in n for n in _post(client, community, board, "Size 12 fits, 3 stars.")
    )
    client.force_login(alice)
    notes = _post(client, community, board, "Questions? research@example.org")
    assert not any("Your post includes" in n for n in notes)


def test_editing_in_a_phone_number_tells_the_author_too(client, community, bob, board):
    post = post_create(
        author=membership_of(bob, community),
        discussion=board,
        body="Will post my number later.",
        rate_limit=False,
    )
    client.force_login(bob)
    url = reverse("post_edit", kwargs={"slug": community.slug, "post_id": post.pk})
    response = client.post(url, {"body": "My number is 07700 900789."})
    assert response.status_code == 302
    notes = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Your post includes a phone number; other participants and clients see it hidden." in notes
