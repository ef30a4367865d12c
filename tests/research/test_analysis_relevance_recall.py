"""Relevance shown rather than said: offers and messages that miss the customer (things in a size
that won't fit, offers already over, every message the same, adverts for what they have bought,
messages dismissed as noise, nothing about them, what they have just bought offered again), beside words said to a person, which are no
stance on what a brand sends. And three perception readings: a brand reaching for the customer's
contacts is privacy, a service person doing something for them is good service, a request to make
something work says it does not. Retail, banking and app sentences written for these tests, each
beside contrasting sentences the rule must leave alone."""

from __future__ import annotations

import pytest

from research.analysis.types import BrandLexicon
from tests.research.analysis_helpers import analysis_reader

LEXICON = BrandLexicon(brand_terms=("Acme",), competitor_terms=("Globex",))


@pytest.fixture(scope="module")
def read():
    return analysis_reader(LEXICON)


@pytest.mark.parametrize(
    "text, phrase",
    [
        # Picks and offers that do not fit.
        ("The app keeps showing me dresses in a size that won't fit.", "size that won't fit"),
        ("The recommendations are always for clothes in the wrong size.", "wrong size"),
        ("Instead they use my history to show me more shoes that don't fit.", "don't fit"),
        # Offers over before they arrive.
        ("I got an email for a sale that had already ended.", "already ended"),
        ("They keep sending me offers for credit cards that have already expired.", "already expired"),
        ("The vouchers they send me are always out of date.", "out of date"),
        # Every message the same.
        ("The newsletters all look the same.", "all look the same"),
        ("The bank's offers all read the same, whoever you are.", "all read the same"),
        # Adverts for what the customer has bought.
        ("I keep seeing adverts for a sofa I have bought.", "adverts for a sofa"),
        # Messages dismissed as noise, and messages with nothing of the customer.
        ("The two texts about my order were useful. The rest were noise.", "The rest were noise"),
        ("The app notifications are just noise.", "just noise"),
        ("The personalisation is shallow. It's nothing about me as a person.", "nothing about me"),
        # A message that misses the customer's life, the messages named as "they".
        (
            "I like the bank's emails. But they always seem to be about mortgages and I'm not a homeowner.",
            "not a homeowner",
        ),
        # What the customer has just bought, put in front of them again.
        ("Bought another coat. The app then recommended me a coat.", "recommended me a coat"),
        (
            "I opened a savings account in March and the bank keeps recommending a savings account.",
            "recommending a savings account",
        ),
        # One fitting message among the rest says the rest were not.
        (
            "Honestly most of the app's notifications are irrelevant. The only relevant one was a price drop.",
            "irrelevant",
        ),
    ],
)
def test_a_message_that_misses_the_customer_is_irrelevant(read, text, phrase):
    result = read(text)
    assert result.relevance == "irrelevant"
    assert phrase in result.relevance_phrase


@pytest.mark.parametrize(
    "text",
    [
        # An assistant's help or an order gone wrong is not what a brand aims at the customer.
        "The assistant showed me some jeans that didn't fit.",
        "They sent me a coat in the wrong size, so I had to return it.",
        "The jacket I ordered doesn't fit.",
        # A sale that ended, or a voucher the customer let lapse, with no message about it.
        "The sale ended yesterday.",
        "I forgot to use my voucher and it expired.",
        # The same across channels, or the same as something else, is a comparison.
        "The prices are the same in the app and in store.",
        "The emails are the same as the ones my sister gets.",
        "The offers aren't all the same.",
        # Something to go with what was bought, or what someone else bought or the customer did not.
        "I bought a kettle last week and the app suggested a toaster to go with it.",
        "My sister bought a coat. The app then recommended me a coat.",
        "I didn't buy the coat. The app then recommended me a coat.",
        # An order update about what was bought is about it.
        "I got a confirmation email for the sofa I have bought.",
        # Noise that is not a message, and nothing about the customer in something else.
        "The traffic outside the branch was just noise.",
        "The notifications are great. There's nothing about me in the settings page.",
        "There was nothing about me in the file they sent.",
    ],
)
def test_what_does_not_miss_the_customer_is_left_alone(read, text):
    assert read(text).relevance == "neutral"


@pytest.mark.parametrize(
    "text, expected",
    [
        # Said to a person in the conversation, not of what the brand offers.
        ("Picky is exactly what we want, Sam!", "neutral"),
        ("The staff were exactly what we needed, Sam!", "neutral"),
        ("You're exactly what this group needs.", "neutral"),
        # Said of what the brand sends.
        ("That's exactly what I needed, a reminder that the sale ends tonight.", "relevant"),
        ("The savings alert was exactly what I needed.", "relevant"),
    ],
)
def test_words_said_to_a_person_are_no_stance_on_the_brand(read, text, expected):
    assert read(text).relevance == expected


def test_a_relevant_message_that_gets_the_facts_wrong_is_no_verdict_on_fit(read):
    # Granted, then overruled by what it got wrong: that is accuracy, not whether it fits.
    assert read("The collection text is relevant but wrong, which is worse.").relevance == "neutral"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "That's the personalisation I want. Instead they show me more things in a size that won't fit.",
            "negative",
        ),
        ("The recommendations are always for clothes in the wrong size.", "negative"),
        # Its own verdict stands.
        ("Emails today: 3. Relevant: 2.", "neutral"),
    ],
)
def test_a_stance_on_fit_reads_on_personalisation(read, text, expected):
    dims = {d.dimension: d.polarity for d in read(text).dimensions}
    assert dims["personalization"] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Less happy that the app asked to access my contacts.", {"privacy": "negative"}),
        ("The banking app wants my location all the time.", {"privacy": "negative"}),
        ("The app asked for access to my photos when I added a receipt.", {"privacy": "negative"}),
        # The customer's own act, or a contact who is a person.
        ("I shared my location with my partner.", {}),
        ("I added the branch to my contacts.", {}),
    ],
)
def test_a_brand_reaching_for_the_customers_phone_data_is_privacy(read, text, expected):
    dims = {d.dimension: d.polarity for d in read(text).dimensions}
    assert {k: v for k, v in dims.items() if k == "privacy"} == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("A staff member carried the pram up the stairs with me.", "positive"),
        ("A staff member carried the box to my car for me.", "positive"),
        ("The assistant found my size in the stockroom.", "positive"),
        ("The cashier phoned the other branch for us.", "positive"),
        # No act for the customer, or one refused.
        ("The staff member shouted at the queue.", "neutral"),
        ("A staff member carried boxes past the till.", "neutral"),
        ("The cashier didn't phone the other branch for me.", "negative"),
    ],
)
def test_a_service_person_doing_something_for_the_customer_is_good_service(read, text, expected):
    dims = {d.dimension: d.polarity for d in read(text).dimensions}
    assert dims["service"] == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("make the wishlist sync properly between phones pls", "negative"),
        ("Please make the basket sync properly between the app and the website.", "negative"),
        # Said as a fact, it is no complaint.
        ("The basket syncs between the app and the website.", "neutral"),
    ],
)
def test_a_request_to_make_it_work_says_it_does_not(read, text, expected):
    dims = {d.dimension: d.polarity for d in read(text).dimensions}
    assert dims["consistency"] == expected
