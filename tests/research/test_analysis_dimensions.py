"""Brand-perception dimensions on sentences written for these tests: a dimension word counts only
when it is said of the brand or its service, its polarity is what is said about it, and one phrase
counts for one dimension."""

from __future__ import annotations

import pytest

from research.analysis.enrich import enrich_texts
from research.analysis.pipeline import get_nlp
from research.analysis.types import BrandLexicon

LEXICON = BrandLexicon(brand_terms=("Acme",), competitor_terms=("Globex",))


@pytest.fixture(scope="module")
def dims():
    nlp = get_nlp()

    def run(text: str) -> dict[str, str]:
        (result,) = enrich_texts([text], lexicon=LEXICON, nlp=nlp)
        return {d.dimension: d.polarity for d in result.dimensions}

    return run


@pytest.mark.parametrize(
    "text",
    [
        "To be honest, I mostly shop there on Saturdays.",
        "I'll be honest, I hadn't thought about it before.",
        "Nobody has ever asked me that, if I'm honest.",
        "My honest opinion is that I go wherever is nearest.",
        "Genuine question: does anyone else get the newsletter twice?",
        "I can't promise I'll fill in the next diary.",
        "I promise I'll post the photos tomorrow.",
        "That is good to hear.",
        "Don't care, as long as it arrives.",
        "I couldn't remember my password on the train.",
        "I don't understand why my sister likes that colour.",
        "The ones I ignore are mostly about gardening.",
        "Last year we moved house twice.",
        "I fell asleep before the film ended.",
        "The rug took a week to lie flat.",
        "The tracking link came straight away.",
        "For what it's worth, my cousin works there.",
        "I paid at the till and left.",
        "I was paying attention to the kids, not the shelves.",
        "My budget spreadsheet has a tab for everything.",
        "A parcel tracking number would be handy.",
    ],
)
def test_it_does_not_count_figures_of_speech_or_the_speakers_own_doings(dims, text):
    assert dims(text) == {}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("They are not honest about their delivery charges.", {"trust": "negative"}),
        ("I don't trust their reviews any more.", {"trust": "negative"}),
        ("The staff were rude and never apologised.", {"service": "negative"}),
        ("The lady at the desk was really helpful.", {"service": "positive"}),
        ("There was no queue at the tills.", {"service": "positive"}),
        ("Our kettle lasted eight years.", {"quality": "positive"}),
        ("The handle broke after a week.", {"quality": "negative"}),
        ("The quality has gone down since last winter.", {"quality": "negative"}),
        ("Prices have gone up again.", {"value": "negative"}),
        ("The towels are good value for the money.", {"value": "positive"}),
        ("Returns are free, no fee at all.", {"value": "positive"}),
        ("They never listen to what customers say.", {"understanding_me": "negative"}),
        ("I don't think they understand me at all.", {"understanding_me": "negative"}),
        ("I was ignored at the counter for ten minutes.", {"understanding_me": "negative"}),
        ("They really know me after all these years.", {"understanding_me": "positive"}),
        ("The app remembered my shoe size.", {"personalization": "positive"}),
        ("The suggestions are generic and boring.", {"personalization": "negative"}),
        ("It is creepy how they follow me around the web with adverts.", {"privacy": "negative"}),
        ("The price online was different from the price in the store.", {"consistency": "negative"}),
        ("The website and the app show the same stock.", {"consistency": "positive"}),
        # Sizes that vary are the product's quality, not consistency across channels.
        ("Their jeans have really inconsistent sizing.", {"quality": "negative"}),
    ],
)
def test_it_takes_the_polarity_from_what_is_said_about_the_dimension(dims, text, expected):
    assert dims(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # "worth" describes the service: the phrase is about service, not price.
        ("Support like theirs is worth a lot to me.", {"service": "positive"}),
        # Their handling of the customer's data is the narrower concept than trust in general.
        ("I don't trust them with my data.", {"privacy": "negative"}),
        # A sentence adverb is the speaker's stance, not praise of the prices.
        ("Honestly, the prices are far too high.", {"value": "negative"}),
    ],
)
def test_it_counts_one_phrase_for_its_most_specific_dimension(dims, text, expected):
    assert dims(text) == expected


def test_it_leaves_wishes_and_competitors_out_of_the_brands_polarity(dims):
    # A request or a hypothetical is not an experience of the brand.
    assert dims("I wish the app would just remember my size.").get("personalization", "neutral") == "neutral"
    assert dims("A student discount would be relevant.").get("personalization", "neutral") == "neutral"
    assert dims("Maybe the zip will break one day.").get("quality", "neutral") == "neutral"
    # Praise of a competitor is not praise of the brand.
    assert dims("Globex's recommendations are brilliant.") == {}
    assert dims("These days I go to Globex because the staff are friendlier.") == {}
    assert dims("Other shops remember my size without being asked.") == {}
