"""What clients read of personal details in the forms participants write them (the real pipeline:
the regex patterns, the model's people and places, and the community's brand names).

A missed name, email, phone number, web address, street address or card number leaks a person; a
town, brand, order number, price or date hidden as one makes the quote unreadable.
"""

from __future__ import annotations

import pytest

from community.demo import threads
from community.models import Role
from community.services.posts import post_create
from research import services
from research.analysis.types import BrandLexicon
from research.models import PostAnalysis
from tests.factories import CommunityFactory, DiscussionFactory, MembershipFactory, UserFactory
from tests.research.redaction_helpers import client_reader

LEXICON = BrandLexicon(brand_terms=("Larkspur", "Hope & Ivy"), competitor_terms=("Nook Home", "Marlowe's"))


@pytest.fixture(scope="module")
def client_text():
    return client_reader(LEXICON)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Phone numbers, UK and US.
        ("Ring me on +44 7700 900123 about the card.", "Ring me on [PHONE] about the card."),
        ("Ring me on 07700 900 123 about the card.", "Ring me on [PHONE] about the card."),
        ("My US number is (555) 123-4567 for the bank.", "My US number is [PHONE] for the bank."),
        ("My US number is 555.123.4567 for the bank.", "My US number is [PHONE] for the bank."),
        ("Ring +1 (555) 123-4567 ext. 204 after six.", "Ring [PHONE] after six."),
        # Emails and web addresses.
        ("Email me at jo.bloggs+shop@example.co.uk about it.", "Email me at [EMAIL] about it."),
        ("See example.co.uk/path and www.x.com for the deal.", "See [URL] and [URL] for the deal."),
        # Postcodes and street addresses.
        ("Send the card to SW1A 1AA please.", "Send the card to [POSTCODE] please."),
        (
            "I live at 221B Baker Street and the courier never finds it.",
            "I live at [ADDRESS] and the courier never finds it.",
        ),
        ("Deliver to 12 High St. by Friday.", "Deliver to [ADDRESS] by Friday."),
        (
            "The branch is at 1600 Pennsylvania Avenue NW, apparently.",
            "The branch is at [ADDRESS], apparently.",
        ),
        # Names: lower case, possessive, everyday words as people.
        ("me and sarah went to the sale", "me and [NAME] went to the sale"),
        ("I asked Tom's wife about the return.", "I asked [NAME]'s wife about the return."),
        ("Rose helped me find the right size.", "[NAME] helped me find the right size."),
        ("Will sorted the refund in minutes.", "[NAME] sorted the refund in minutes."),
        # Card, account and sort code numbers.
        (
            "My sort code 12-34-56 and account 12345678 were on the form.",
            "My sort code [ACCOUNT] and account [ACCOUNT] were on the form.",
        ),
        ("My card ending 4242 was charged twice.", "My card ending [CARD] was charged twice."),
        ("My card 4242 4242 4242 4242 was charged twice.", "My card [CARD] was charged twice."),
    ],
)
def test_personal_details_are_hidden_from_clients(client_text, text, expected):
    assert client_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "My order 123456789 still has not shipped.",
        "It was £12.99 and now it is £14.50 in the app.",
        "I ordered on 2024-03-01 and it came on 01.03.2024 anyway.",
        "They had sizes 10 12 14 16 in stock.",
        "Hope this helps anyone with the same login issue.",
        "Mark my words, the app will crash again.",
        "Rose gold phones sold out in a day.",
        "Hope & Ivy had the same dress cheaper than Larkspur.",
        "Nook Home and Marlowe's both had it, but Marlowe's app crashed.",
    ],
)
def test_brands_numbers_and_everyday_words_stay_readable(client_text, text):
    assert client_text(text) == text


def _demo_body(start: str) -> str:
    """A post of the demo community's introductions, by how it opens."""
    (body,) = [msg.body for msg in threads.INTRO if msg.body.startswith(start)]
    return body


@pytest.mark.django_db
def test_the_demo_introductions_keep_the_towns_members_say_they_live_in():
    community = CommunityFactory(
        slug="demo-like", brand_name="Hearth & Loom", competitor_brands=["Nook Home"]
    )
    authors = {}
    for username, first, last, pseudonym in (
        ("ben", "Ben", "Adeyemi", "Nimble Pine"),
        ("chloe", "Chloe", "Whitfield", "Coral Finch"),
    ):
        user = UserFactory(username=username, first_name=first, last_name=last)
        authors[username] = MembershipFactory(
            user=user, community=community, role=Role.PARTICIPANT, pseudonym=pseudonym
        )
    discussion = DiscussionFactory(community=community)
    bodies = {"ben": _demo_body("Ben, Croydon, dad of three."), "chloe": _demo_body("Hiya! I'm Chloe, 27,")}
    posts = {
        who: post_create(author=authors[who], discussion=discussion, body=body, rate_limit=False)
        for who, body in bodies.items()
    }

    services.posts_analyze(post_ids=[p.pk for p in posts.values()])

    ben = PostAnalysis.objects.get(post=posts["ben"]).redacted_text
    chloe = PostAnalysis.objects.get(post=posts["chloe"]).redacted_text
    assert ben.startswith("[NAME], Croydon, dad of three.")
    assert chloe.startswith("Hiya! I'm [NAME], 27, Manchester, and I am")
    for who, town in (("ben", "Croydon"), ("chloe", "Manchester")):
        posts[who].refresh_from_db()
        html = posts[who].client_body_html
        assert town in html
        assert ("Ben" if who == "ben" else "Chloe") not in html
