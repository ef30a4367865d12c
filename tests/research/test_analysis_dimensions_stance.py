"""Whose stance, and when: brand-perception dimensions and the relevance stance read what the
speaker holds now. A decline reads negative, what holds now wins over what held then, a wish, a
question or someone else's opinion is not the speaker's experience, and fit said as "good for me",
"works for me" or "suits me" is relevance. Retail, banking and app sentences written for these
tests, each beside contrasting sentences the rule must leave alone."""

from __future__ import annotations

import pytest

from research.analysis.enrich import enrich_texts
from research.analysis.pipeline import get_nlp
from research.analysis.types import BrandLexicon

LEXICON = BrandLexicon(brand_terms=("Acme",), competitor_terms=("Globex",))


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


@pytest.fixture(scope="module")
def dims(nlp):
    def run(text: str) -> dict[str, str]:
        (result,) = enrich_texts([text], lexicon=LEXICON, nlp=nlp)
        return {d.dimension: d.polarity for d in result.dimensions}

    return run


@pytest.fixture(scope="module")
def relevance(nlp):
    def run(text: str) -> str:
        (result,) = enrich_texts([text], lexicon=LEXICON, nlp=nlp)
        return result.relevance

    return run


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The quality has gone down since they changed supplier.", {"quality": "negative"}),
        ("The quality of their towels has gone downhill.", {"quality": "negative"}),
        ("Honestly the quality isn't what it was.", {"quality": "negative"}),
        ("The quality isn't what it used to be.", {"quality": "negative"}),
        ("The quality has slipped this year.", {"quality": "negative"}),
        ("Customer service at the bank has deteriorated.", {"service": "negative"}),
        ("Their app support has gone downhill.", {"service": "negative"}),
        ("The value has dropped since the fee came in.", {"value": "negative"}),
        # Contrasts: a denied decline, a rise, and a price falling, which is good news.
        ("The quality hasn't slipped at all.", {"quality": "positive"}),
        ("The quality has improved a lot.", {"quality": "positive"}),
        ("The service isn't what I expected.", {"service": "neutral"}),
        ("Prices have gone down.", {"value": "positive"}),
    ],
)
def test_a_decline_reads_negative(dims, text, expected):
    assert dims(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Used to be good value and things lasted. Now the prices have gone up and the quality has gone down.",
            {"quality": "negative", "value": "negative"},
        ),
        (
            "My old kettle from them lasted ten years. The new ones break within months.",
            {"quality": "negative"},
        ),
        (
            "I had jumpers from them that lasted for years. The last two pilled after a month.",
            {"quality": "negative"},
        ),
        ("The staff used to be helpful. Now nobody helps.", {"service": "negative"}),
        ("They used to listen. These days they ignore every complaint.", {"understanding_me": "negative"}),
        ("The handle broke on the first one. Now the replacement seems sturdy.", {"quality": "positive"}),
        ("Their savings account used to be good value.", {"value": "negative"}),
        # Contrasts: no time contrast, so the strongest reading stays; a cardigan that lasted and
        # then frayed is read by what it is doing now.
        ("The coat broke after a week. The boots are sturdy.", {"quality": "negative"}),
        ("Our kettle lasted eight years.", {"quality": "positive"}),
        ("The cardigan lasted two winters but it has started to fray.", {"quality": "negative"}),
    ],
)
def test_what_holds_now_wins_over_what_held_then(dims, text, expected):
    assert dims(text) == expected


@pytest.mark.parametrize(
    "text, dimension",
    [
        ("I want to know when a good quality classic is back in stock.", "quality"),
        ("I'd like to see whether the customer support is any better.", "service"),
        ("I asked if the overdraft fee was refundable.", "value"),
        ("I want to know when the overdraft fee is charged.", "value"),
        ("I need to know whether my data is safe with the app.", "privacy"),
        ("Let me know when the good quality ones are back.", "quality"),
    ],
)
def test_a_wish_or_a_question_is_not_an_experience(dims, text, dimension):
    assert dims(text).get(dimension, "neutral") == "neutral"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I wanted to say the staff were brilliant.", {"service": "positive"}),
        ("I know the quality is excellent.", {"quality": "positive"}),
        ("The staff were lovely when I asked about a refund.", {"service": "positive"}),
        # A "why" question takes what it asks about as fact.
        ("I'd love to know why the fees went up.", {"value": "negative"}),
    ],
)
def test_what_the_speaker_says_or_knows_is_still_said(dims, text, expected):
    assert dims(text) == expected


@pytest.mark.parametrize(
    "text, dimension",
    [
        ("I know some people find it creepy, but I like the suggestions.", "privacy"),
        ("My friend thinks the bank is dishonest about its fees.", "trust"),
        ("Reviews say the handles break after a month.", "quality"),
        ("Other customers say the staff are rude.", "service"),
        ("My husband says the app keeps crashing.", "service"),
    ],
)
def test_someone_elses_opinion_is_not_the_speakers_stance(dims, text, dimension):
    assert dims(text)[dimension] == "neutral"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Some people find the tracking creepy, and I agree.", {"privacy": "negative"}),
        ("Some people find it creepy. I do too.", {"privacy": "negative"}),
        ("I find the tracking creepy.", {"privacy": "negative"}),
        ("The staff were rude to some people.", {"service": "negative"}),
        ("People at the counter were rude.", {"service": "negative"}),
        ("They say the tracking is for my safety, but it is creepy.", {"privacy": "negative"}),
        ("My wife loves the app but I find it glitchy.", {"service": "negative"}),
    ],
)
def test_the_speakers_own_or_shared_opinion_still_counts(dims, text, expected):
    assert dims(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The bank I trusted for twenty years has let me down.",
        "The brand I trusted sold my data.",
    ],
)
def test_what_the_speaker_trusted_then_is_not_trust_now(dims, text):
    assert dims(text)["trust"] == "neutral"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("When the thing you trusted them for stops being reliable, why stay?", {"trust": "negative"}),
        ("They are the only bank I trust.", {"trust": "positive"}),
        ("I trusted them for years.", {"trust": "positive"}),
        ("The staff who helped me were great.", {"service": "positive"}),
    ],
)
def test_trust_said_now_or_in_a_main_clause_still_counts(dims, text, expected):
    assert dims(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("It's too dear now.", {"value": "negative"}),
        ("to dear now. Globex does the same for less", {"value": "negative"}),
        ("The coats are a bit dear.", {"value": "negative"}),
        ("Their account fees are dearer than the others.", {"value": "negative"}),
        ("The coats are not too dear.", {"value": "positive"}),
        ("The prices are a bit out of reach for students.", {"value": "negative"}),
        ("The fabric feels cheap.", {"quality": "negative"}),
        ("The towels look cheaply made.", {"quality": "negative"}),
        ("All the notifications made the app feel cheap.", {"quality": "negative"}),
        # Contrasts: "dear" that is no price, "cheap" of a price.
        ("Dear customer, your order is ready.", {}),
        ("Oh dear, I left my card at home.", {}),
        ("The prices feel cheap for what you get.", {"value": "neutral"}),
    ],
)
def test_dear_and_cheap_by_their_sense(dims, text, expected):
    assert dims(text) == expected


@pytest.mark.parametrize(
    "text, stance",
    [
        ("The Picked for you row in the app is usually pretty good for me.", "relevant"),
        ("The recommendations are great for me.", "relevant"),
        ("The savings account works for me.", "relevant"),
        ("The offers don't really work for me.", "irrelevant"),
        ("The app's weekly offers suit me.", "relevant"),
        ("The new account suits me well.", "relevant"),
        ("They deliver on Saturdays, which suits me.", "relevant"),
        ("The new range is right for someone like me.", "relevant"),
        ("The mortgage deal was not right for someone like me.", "irrelevant"),
        ("The emails are not good for me.", "irrelevant"),
        # Contrasts: a time that suits, staff who were good to the speaker, an app that fails to
        # work, a garment that suits, and "good for me to".
        ("Tuesday is good for me.", "neutral"),
        ("Saturday mornings are good for me.", "neutral"),
        ("The staff were great for me.", "neutral"),
        ("The app doesn't work for me, it crashes every time.", "neutral"),
        ("The discount code didn't work for me.", "neutral"),
        ("This dress suits me.", "neutral"),
        ("It was good for me to get out of the house.", "neutral"),
    ],
)
def test_fit_said_as_good_for_me_works_for_me_or_suits_me_is_relevance(relevance, text, stance):
    assert relevance(text) == stance
