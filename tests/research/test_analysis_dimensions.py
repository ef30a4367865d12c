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


@pytest.mark.parametrize(
    "text, expected",
    [
        # Without a channel in the clause, "consistent" is said of the thing itself.
        ("Their sizing has been really consistent lately.", {"quality": "positive"}),
        ("The quality is inconsistent.", {"quality": "negative"}),
        ("Customer service is inconsistent.", {"service": "negative"}),
        # With channels, or a thing the brand keeps the same across them, it is consistency.
        ("Prices are consistent between the app and the shop.", {"consistency": "positive"}),
        ("Their prices online and in store are never consistent.", {"consistency": "negative"}),
        ("Their messaging feels consistent everywhere.", {"consistency": "positive"}),
    ],
)
def test_it_counts_consistency_across_channels_only_where_channels_are_named(dims, text, expected):
    assert dims(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # A label followed by a count or a score: the number is the verdict.
        ("Emails this week: 4. Relevant: 0.", {"personalization": "negative"}),
        ("Relevant: none.", {"personalization": "negative"}),
        ("Quality: 4/5.", {"quality": "positive"}),
        ("Value: 2 out of 10.", {"value": "negative"}),
        # A plain count of relevant ones says the dimension came up, not how it went.
        ("Emails today: 3. Relevant: 2.", {"personalization": "neutral"}),
    ],
)
def test_it_reads_a_labelled_rating_by_its_number(dims, text, expected):
    assert dims(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The offer was relevant but useless.", {"personalization": "negative"}),
        ("The staff are helpful but slow.", {"service": "negative"}),
    ],
)
def test_it_lets_the_part_after_but_decide(dims, text, expected):
    assert dims(text) == expected


def test_it_does_not_read_a_quoted_button_label_as_praise(dims):
    assert dims("There is a single 'accept all' button on the consent page.") == {"privacy": "neutral"}


@pytest.mark.parametrize(
    "text",
    ["They know me because their app watches me.", "The app remembers me by tracking everything I click."],
)
def test_it_counts_being_known_by_being_watched_as_a_privacy_complaint(dims, text):
    assert dims(text) == {"privacy": "negative"}


@pytest.mark.parametrize(
    "text, dimension",
    [
        ("A shop that remembers me would get all my money.", "personalization"),
        ("I want a store that listens to me.", "understanding_me"),
        ("Would anything win me back? Honestly, a brand that remembers my size.", "personalization"),
    ],
)
def test_it_leaves_a_wished_for_shop_in_a_relative_clause_neutral(dims, text, dimension):
    assert dims(text).get(dimension, "neutral") == "neutral"


def test_it_still_counts_a_real_shop_described_in_a_relative_clause(dims):
    assert dims("I found a shop that remembers my size.") == {"personalization": "positive"}


@pytest.mark.parametrize(
    "text, dimension",
    [
        ("Only if they are honest about it.", "trust"),
        ("Did the staff help at all?", "service"),
        ("It would feel like they remembered me.", "personalization"),
    ],
)
def test_it_leaves_conditions_questions_and_what_a_hypothesis_would_be_like_neutral(dims, text, dimension):
    assert dims(text).get(dimension, "neutral") == "neutral"


def test_it_does_not_read_talk_about_a_dimension_as_an_opinion_of_it(dims):
    assert dims("Value is a strange question for a shop like this.") == {}


@pytest.mark.parametrize(
    "text",
    [
        "I like a bargain.",
        "Who doesn't love a good deal?",
        "I'm a sucker for a discount, always have been.",
        "Everyone loves a bargain, me included.",
        "I like cheap stuff.",
        "I'm a bargain hunter.",
    ],
)
def test_a_taste_for_bargains_is_not_praise_of_the_brands_value(dims, text):
    assert "value" not in dims(text)


@pytest.mark.parametrize(
    "text",
    [
        "I love their deals.",
        "I loved the discount Acme gave me.",
        "The bargains at Acme are brilliant.",
        "I like their cheap stuff.",
    ],
)
def test_liking_the_brands_own_deals_is_still_praise_of_its_value(dims, text):
    assert dims(text).get("value") == "positive"


@pytest.mark.parametrize(
    "text, expected",
    [
        # One offer pushed through several message channels: bombarded, not joined up.
        (
            "Acme sent me the same offer by email, by text and as an app notification within an hour.",
            {"consistency": "negative"},
        ),
        (
            "They sent the text, then the email, then the app notification about the same sale.",
            {"consistency": "negative"},
        ),
        # The same message again is repetition, whatever channels it names.
        ("I got the same newsletter three times, once by email and again in the app.", {}),
        # The same prices in the shop and the app are still consistency.
        ("The app and the store show the same prices.", {"consistency": "positive"}),
    ],
)
def test_the_same_message_again_is_not_consistency_across_channels(dims, text, expected):
    assert dims(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # A fault of the app or the website is how the brand serves the customer, not its goods.
        ("The banking app crashes every time I open my statements.", {"service": "negative"}),
        ("Their website is glitchy on my phone.", {"service": "negative"}),
        ("The checkout page was broken all weekend.", {"service": "negative"}),
        ("It crashed twice while I was paying.", {"service": "negative"}),
        ("The app's quality is terrible.", {"service": "negative"}),
        # What the goods do is still quality.
        ("The handle broke off the kettle in a week.", {"quality": "negative"}),
        ("The stitching on the sofa is shoddy.", {"quality": "negative"}),
        ("The pages of the notebook tore within a week.", {"quality": "negative"}),
        ("We bought a buggy from them last spring.", {}),
    ],
)
def test_a_software_fault_is_not_product_quality(dims, text, expected):
    assert dims(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # "Relevant" granted and then overruled by what the message got wrong: a complaint about
        # its accuracy, not about how well it was aimed.
        "The reminder was relevant but wrong.",
        "The delivery update was timely and relevant but inaccurate.",
    ],
)
def test_a_relevant_message_that_was_wrong_is_not_a_personalization_complaint(dims, text):
    assert "personalization" not in dims(text)


@pytest.mark.parametrize(
    "text",
    [
        # Praise granted, then doubt raised after "but": the speaker's point is the doubt.
        "I respected the manager's honesty about the shortages, but it makes you wonder who runs the place.",
        "Their advice was honest, but I do wonder why the stock never arrives.",
    ],
)
def test_praise_followed_by_doubt_is_not_praise(dims, text):
    assert dims(text).get("trust") == "neutral"


def test_praise_beside_a_complaint_about_something_else_is_still_praise(dims):
    assert dims("Acme was honest about the delay, but the prices are awful.") == {
        "trust": "positive",
        "value": "negative",
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        # What the customer would come back for is a condition, not an experience of the brand.
        ("I would come back for a student discount.", {"value": "neutral"}),
        ("We'd happily switch back for a better price.", {"value": "neutral"}),
        ("The service would be better with more staff.", {"service": "neutral"}),
        # "Would be great if it worked" says it does not.
        ("Personalisation would be great if it actually worked.", {"personalization": "negative"}),
    ],
)
def test_praise_in_a_hypothesis_is_not_an_experience(dims, text, expected):
    assert dims(text) == expected
