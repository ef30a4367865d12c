"""Post sentiment on general English constructions of a verdict (retail, banking and app sentences
written for these tests), each beside contrasting sentences the rule must leave alone."""

from __future__ import annotations

import pytest

from research.analysis.enrich import enrich_texts
from research.analysis.pipeline import get_nlp
from research.analysis.types import BrandLexicon


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def sentiments(nlp, texts: list[str]) -> list[str]:
    return [r.sentiment for r in enrich_texts(texts, lexicon=BrandLexicon(), nlp=nlp)]


def check(nlp, cases: list[tuple[str, str]]) -> None:
    got = sentiments(nlp, [text for text, _ in cases])
    wrong = [(text, want, have) for (text, want), have in zip(cases, got, strict=True) if want != have]
    assert not wrong, wrong


def test_not_worth_the_price_it_names(nlp):
    check(
        nlp,
        [
            ("However, it's not worth a special trip to the outlet.", "negative"),
            ("The premium account is not worth the extra fee.", "negative"),
            ("The update is not worth the hassle.", "negative"),
            # Unchanged: worth it, whatever the object says.
            ("The jacket is worth every penny.", "positive"),
            ("The new app was well worth the wait.", "positive"),
            ("Switching banks was worth the hassle.", "positive"),
        ],
    )


def test_frames_that_deny_an_adjective(nlp):
    check(
        nlp,
        [
            ("The branch manager was less than helpful.", "negative"),
            ("The checkout flow is far from perfect.", "negative"),
            ("The call centre staff were anything but friendly.", "negative"),
            # Unchanged: "less than" a quantity, "not only ... but".
            ("The transfer took less than a minute and was easy.", "positive"),
            ("The card is not only good but cheap.", "positive"),
        ],
    )


def test_too_adjective_to_verb(nlp):
    check(
        nlp,
        [
            ("The app was too slow to be useful.", "negative"),
            ("The statement font is too small to be readable.", "negative"),
            # Praise too strong to pass up stays praise.
            ("The sale is too good to miss.", "positive"),
            ("The savings rate is too good to ignore.", "positive"),
            ("The fees are not too bad.", "positive"),
        ],
    )


def test_too_bad_is_regret(nlp):
    check(
        nlp,
        [
            ("Too bad the delivery wasn't as quick.", "negative"),
            ("Too bad the app doesn't remember my login.", "negative"),
            ("It's too bad they closed the branch.", "negative"),
            ("The queues at the branch are not too bad.", "positive"),
        ],
    )


def test_least_reverses_the_scale(nlp):
    check(
        nlp,
        [
            ("This is my least favorite store in town.", "negative"),
            ("He was the least helpful adviser I have spoken to.", "negative"),
            ("This is the least expensive account they offer.", "positive"),
            ("At least the app works.", "neutral"),
        ],
    )


def test_general_evaluative_adjectives_vader_lacks(nlp):
    check(
        nlp,
        [
            ("The queue at the till was unbearable.", "negative"),
            ("The checkout process is tedious.", "negative"),
            ("The changing rooms were spotless.", "positive"),
            ("I am totally smitten with the new app.", "positive"),
            # A negative subject denies the praise.
            ("Nothing about the store was memorable.", "negative"),
            ("None of the advisers were polite.", "negative"),
        ],
    )


def test_imperative_warnings(nlp):
    check(
        nlp,
        [
            ("Just don't do it.", "negative"),
            ("Do not get the premium account, no matter what the adverts say.", "negative"),
            ("Never buy from this seller.", "negative"),
            ("Don't download this app.", "negative"),
            ("Do not get the Go Go Premium Plus, no matter what the reviews say.", "negative"),
            ("Skip the extended warranty.", "negative"),
            # Unchanged: urging on, a turn of phrase, a nuisance skipped, a plain description.
            ("Don't miss it.", "positive"),
            ("Don't get me wrong, I love the new app.", "positive"),
            ("Skip the queue with the app.", "neutral"),
            ("You never buy the first model of a phone.", "neutral"),
            ("Never download apps from unknown sites.", "neutral"),
            ("I'd skip the extended warranty.", "negative"),
        ],
    )


def test_done_with_a_provider(nlp):
    check(
        nlp,
        [
            ("I'm done with this bank.", "negative"),
            ("We are done with them.", "negative"),
            ("I'm done with the form now.", "neutral"),
        ],
    )


def test_ironic_good_luck(nlp):
    check(
        nlp,
        [
            ("Good luck getting through to the helpline.", "negative"),
            ("Good luck trying to get a refund.", "negative"),
        ],
    )


def test_comparisons_with_rivals(nlp):
    check(
        nlp,
        [
            ("The app doesn't compare with Monzo.", "negative"),
            ("Their customer service does not compare to the old bank's.", "negative"),
            ("Nothing compares to this store.", "positive"),
            ("I compared the fees with two other banks.", "neutral"),
        ],
    )


def test_a_misspelt_word_with_a_letter_too_many(nlp):
    check(nlp, [("The parcel was actually aweful.", "negative")])


def test_set_phrases_of_praise(nlp):
    check(
        nlp,
        [
            ("I highly recommend to anyone to give this a try.", "positive"),
            ("A hearty two thumbs up for the new app!", "positive"),
            ("Thumbs down from me.", "negative"),
            ("I look forward to shopping here again", "positive"),
            ("Never fails to please.", "positive"),
            ("Their app rocks.", "positive"),
            ("You rock!", "positive"),
            ("I plan on banking here more often.", "positive"),
            ("Make sure you try the loyalty app.", "positive"),
            ("The new budgeting tool hits the nail on the head every time.", "positive"),
            # Unchanged: advice and polite formulas are not praise.
            ("I recommend booking a slot ahead.", "neutral"),
            ("I look forward to your reply.", "neutral"),
        ],
    )


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Overall I give it a 10", "positive"),
        ("I'd give the app five stars.", "positive"),
        ("I would give them 2 out of 10.", "negative"),
        ("They gave us 500 points for signing up.", "neutral"),
    ],
)
def test_ratings_out_of_a_scale(nlp, text, expected):
    assert sentiments(nlp, [text]) == [expected]


def test_expectations_and_reservations_are_not_verdicts(nlp):
    check(
        nlp,
        [
            ("We also ordered two chargers thinking they would be pretty good.", "neutral"),
            ("Will give it another chance before I write it off.", "neutral"),
            ("Based on the reviews, it appears the branch is overwhelmed after 7", "neutral"),
            # A strong impression survives the hedge.
            ("It seems the staff don't care at all.", "negative"),
        ],
    )


def test_hyphenated_and_set_phrases(nlp):
    check(
        nlp,
        [
            ("The cards are over-priced.", "negative"),
            ("The new app is sub-par.", "negative"),
            ("Their fraud team is first-class.", "positive"),
            ("This is my go-to shop for shoes.", "positive"),
            ("Their advice on the mortgage was spot on.", "positive"),
            ("The new budgeting feature is on point.", "positive"),
            ("The adviser went above and beyond.", "positive"),
            ("The app is second to none.", "positive"),
            ("I was blown away by the new app.", "positive"),
            # Unchanged: the same words in their literal sense.
            ("We found a spot on the shelf for it.", "neutral"),
            ("Point two on the statement was a transfer.", "neutral"),
        ],
    )


def test_complaints_in_set_phrases(nlp):
    check(
        nlp,
        [
            ("Their complaints process is a joke.", "negative"),
            ("The refund took forever.", "negative"),
            ("The store has gone downhill since the refit.", "negative"),
            ("They should have told us about the fee.", "negative"),
            ("They shouldn't have charged us twice.", "negative"),
            ("The app is not fast enough.", "negative"),
            # Unchanged: a first-person regret, a plain sufficiency.
            ("I should have switched sooner.", "neutral"),
            ("The app is fast enough for me.", "neutral"),
        ],
    )


def test_star_ratings_on_their_own(nlp):
    check(
        nlp,
        [
            ("Five stars!", "positive"),
            ("Two stars from me.", "negative"),
            ("One star.", "negative"),
            ("We stayed in a five star hotel near the branch.", "neutral"),
        ],
    )


def test_candour_formulas_are_not_praise(nlp):
    check(
        nlp,
        [
            ("To be honest, the app is slow.", "negative"),
            ("To be fair, the branch was busy.", "neutral"),
            # High fees are a complaint; "in all honesty" adds no praise to soften it.
            ("In all honesty the fees are high.", "negative"),
            # Unchanged: honesty and fairness as qualities.
            ("The staff were honest with us.", "positive"),
            ("The prices are fair.", "positive"),
        ],
    )


def test_product_names_are_not_praise(nlp):
    check(
        nlp,
        [
            ("I applied for a credit card.", "neutral"),
            ("The interest rate went up.", "neutral"),
            ("They sent me a gift card.", "neutral"),
            ("I called the customer care team.", "neutral"),
            ("The help desk was useless.", "negative"),
        ],
    )


def test_yes_no_questions_ask_rather_than_judge(nlp):
    check(
        nlp,
        [
            ("Is the new app any good?", "neutral"),
            ("Why is the app so slow?", "negative"),
        ],
    )


def test_shortfalls_said_of_the_thing(nlp):
    check(
        nlp,
        [
            ("The app needs improvement.", "negative"),
            ("There is room for improvement at the branch.", "negative"),
            ("The website needs work.", "negative"),
            ("The app could use some work.", "negative"),
            ("I wanted to like this bank.", "negative"),
            ("The new store is nothing to write home about.", "negative"),
            ("The app freezes every time I log in.", "negative"),
            ("The balance shown was incorrect.", "negative"),
            # Unchanged: a need of one's own, an improvement seen.
            ("I need work done on my kitchen.", "neutral"),
            ("I could use the app abroad.", "neutral"),
            ("I have seen a real improvement in the app.", "positive"),
        ],
    )


def test_advice_to_choose_something(nlp):
    check(
        nlp,
        [
            ("You can't beat the prices.", "positive"),
            ("Definitely order the new phone.", "positive"),
            ("Get the premium account, you won't regret it.", "positive"),
            # Unchanged: instructions.
            ("Pick a branch and book a slot.", "neutral"),
            ("Book your appointment online.", "neutral"),
            ("Download the app and log in.", "neutral"),
        ],
    )


def test_idioms_of_praise_and_complaint(nlp):
    check(
        nlp,
        [
            ("This bank is the way to go.", "positive"),
            ("Great bang for the buck.", "positive"),
            ("The new app made my day.", "positive"),
            ("The adviser went out of her way to sort it.", "positive"),
            ("They bent over backwards for us.", "positive"),
            ("Keep it up!", "positive"),
            ("The advisers know what they are doing.", "positive"),
            ("The staff don't know what they're doing.", "negative"),
            ("The update fell short of expectations.", "negative"),
            ("The packaging was not up to scratch.", "negative"),
            ("They gave me the runaround.", "negative"),
            ("Thanks for nothing.", "negative"),
            ("I was on hold for an hour.", "negative"),
            # Unchanged: the literal senses.
            ("The branch is a bit out of the way.", "neutral"),
            ("The packaging was up to standard.", "neutral"),
            ("I don't know what I'm doing with the app.", "neutral"),
        ],
    )


def test_a_summing_up_outweighs_the_details(nlp):
    check(
        nlp,
        [
            ("The queue was long, overall a great experience.", "positive"),
            ("The app crashed twice. Overall, a great bank.", "positive"),
        ],
    )


def test_stretched_words_read_as_the_word(nlp):
    check(
        nlp,
        [
            ("Loooove this bank.", "positive"),
            ("The new app is amazinggg.", "positive"),
            ("The fees are baaaad.", "negative"),
            ("Zzzz.", "neutral"),
        ],
    )


def test_lexicon_words_in_senses_that_judge_nothing(nlp):
    check(
        nlp,
        [
            ("Feel free to contact the branch.", "neutral"),
            ("On top of that, the app crashed.", "negative"),
            ("I got a fine for returning the hire car late.", "neutral"),
            ("I asked for help with my account.", "neutral"),
            ("I need help with the app.", "neutral"),
            # Unchanged: the evaluative senses.
            ("They were a big help.", "positive"),
            ("No help at all.", "negative"),
            ("The staff were patient and kind.", "positive"),
            ("The app works fine.", "positive"),
        ],
    )
