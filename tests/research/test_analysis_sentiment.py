"""Post sentiment on constructions any customer conversation has (sentences written for these tests)."""

from __future__ import annotations

import pytest

from research.analysis import sentiment as sa
from research.analysis.enrich import enrich_texts
from research.analysis.pipeline import get_nlp
from research.analysis.types import BrandLexicon


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def sentiment_of(nlp, text: str) -> str:
    (result,) = enrich_texts([text], lexicon=BrandLexicon(), nlp=nlp)
    return result.sentiment


@pytest.mark.parametrize(
    "text, expected",
    [
        # A denied improvement is top praise; a denied shortfall stays a complaint.
        ("The advisor couldn't have been nicer.", "positive"),
        ("I couldn't be happier with my new account.", "positive"),
        ("The new app is no better than the old one.", "negative"),
        # Negation of the verb reaches an adjective on its object.
        ("I never had a bad experience with the branch.", "positive"),
        ("We didn't get a good answer from the call centre.", "negative"),
        # A limit denied is emphasis, not negation.
        ("I can't say enough good things about the claims team.", "positive"),
        # Faint praise and shortfalls.
        ("Could be worse.", "positive"),
        ("I have used better banking apps.", "negative"),
        ("The app used to be good.", "negative"),
        ("It would be great if the branch opened on Saturdays.", "negative"),
        ("It would be nice to get a reply within a week.", "negative"),
        # Advice to leave.
        ("If you want a mortgage, look elsewhere.", "negative"),
        ("We took our business somewhere else.", "negative"),
        # Plain statements stay neutral.
        ("I opened a savings account last week.", "neutral"),
    ],
)
def test_it_reads_everyday_constructions(nlp, text, expected):
    assert sentiment_of(nlp, text) == expected


def test_it_still_praises_a_plain_future_would(nlp):
    # "would" alone is not a wish: only with an "if" clause or an infinitive after it.
    assert sentiment_of(nlp, "I would recommend this bank to my family.") == "positive"


@pytest.mark.parametrize("word", ["eating", "reading", "started", "sitting", "priced"])
def test_real_words_are_never_corrected_into_other_words(nlp, word):
    (doc,) = nlp.pipe([f"We were {word} near the counter."])
    tok = next(t for t in doc if t.lower_ == word)
    assert not sa.is_misspelling(tok)
    assert all(doc[v.token_i].lower_ != word for v in sa.doc_valences(doc))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The support agent was very knowledgable.", "positive"),
        ("Totaly disapointed with the new fees.", "negative"),
    ],
)
def test_misspelt_opinion_words_still_count(nlp, text, expected):
    assert sentiment_of(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Refund arrived \U0001f44d", "positive"),
        ("The update broke my login again \U0001f621", "negative"),
        ("Still waiting for a reply :(", "negative"),
        ("Card came in two days :)", "positive"),
        ("Fees went up again \U0001f622", "negative"),
    ],
)
def test_it_reads_emoji_and_emoticons(nlp, text, expected):
    assert sentiment_of(nlp, text) == expected


def test_numbers_that_look_like_vader_slang_stay_numbers():
    # VADER lists "143" ("I love you") and "187"; in a post they are amounts.
    assert sa.symbol_valence("143") is None
    assert sa.symbol_valence("...") is None
    assert sa.symbol_valence(":-(") is not None and sa.symbol_valence(":-(") < 0


def test_support_the_department_is_not_praise(nlp):
    assert sentiment_of(nlp, "I contacted support about my statement.") == "neutral"
    assert sentiment_of(nlp, "They really support small businesses.") == "positive"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The premium plan is over priced.", "negative"),
        ("The premium plan is reasonably priced.", "positive"),
        ("We went over the statement together.", "neutral"),
    ],
)
def test_it_reads_split_prefixes_and_adverbs_of_lexicon_adjectives(nlp, text, expected):
    assert sentiment_of(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # Something owed that never came, answered or worked: a complaint with no opinion word.
        ("The parcel never arrived.", "negative"),
        ("Nobody answered the phone at the branch.", "negative"),
        ("The app doesn't load on my tablet.", "negative"),
        ("I never received a refund for the cancelled flight.", "negative"),
        # ...but a missed chance, the customer's own doing or a plain delivery is no complaint.
        ("We didn't get to try the new feature.", "neutral"),
        ("I didn't call the branch.", "neutral"),
        ("The courier arrived on Tuesday.", "neutral"),
        # What came fell short of what was asked for or expected.
        ("This is not what I ordered.", "negative"),
        ("The sofa is nothing like the pictures on the website.", "negative"),
        ("I expected more from a premium card.", "negative"),
        ("There's nothing like a hot shower after a long flight.", "neutral"),
        # A denied limit of wanting is praise.
        ("I can't get enough of this app.", "positive"),
        # Something missing, in a sentence or on its own; a missing problem is still no problem.
        ("They had no record of my booking.", "negative"),
        ("No reply, no refund, no apology.", "negative"),
        ("No problem at all!", "positive"),
        # Incidents that did not happen are not a complaint.
        ("We had no issues with the app this year.", "not negative"),
        ("No fees, no bugs, it just works.", "not negative"),
    ],
)
def test_it_reads_what_a_customer_did_not_get(nlp, text, expected):
    if expected == "not negative":
        assert sentiment_of(nlp, text) != "negative"
    else:
        assert sentiment_of(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # "Not only" adds to what follows; it denies nothing.
        ("Not only is the app fast, it is also free.", "positive"),
        ("Not only did they lose my parcel, they charged me twice.", "negative"),
        # Advice not to do a bad thing, in the first person, stays a warning.
        ("I wouldn't waste your money on this phone.", "negative"),
        ("We wouldn't bother with their helpdesk.", "negative"),
        # A denied worsening is as bad as it gets; a denied improvement of the thing is top praise.
        ("The app couldn't be slower.", "negative"),
        ("The check-in could not have been worse.", "negative"),
        ("I cannot imagine a friendlier support team.", "positive"),
        ("I couldn't find a better price anywhere.", "positive"),
        # An idiom of praise that is all "negative" words.
        ("The new jacket is to die for.", "positive"),
    ],
)
def test_it_reads_negation_idioms_of_praise_and_warning(nlp, text, expected):
    assert sentiment_of(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # Words in capitals for emphasis, which the small model takes for names.
        ("The new version is absolutely FANTASTIC.", "positive"),
        ("This bank has got to be the WORST.", "negative"),
        # A letter wrong or out of place in a long word.
        ("The customer servise was very dissapointing.", "negative"),
        ("I would highly recommand this bank.", "positive"),
        ("I have to say I have never had a dissapointing order from them.", "positive"),
    ],
)
def test_it_reads_shouted_and_misspelt_words(nlp, text, expected):
    assert sentiment_of(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # What one cannot wait to do is wanted; what one doubts is denied.
        ("I can't wait to order from them again.", "positive"),
        ("I doubt they will ever be helpful.", "negative"),
        ("I doubt the new app will be reliable.", "negative"),
        # "I don't think" denies what is thought.
        ("I don't think I would use them again.", "negative"),
        ("I don't think the fees are bad.", "positive"),
        # "failed to" denies what failed; "never failed to" is praise.
        ("The shop never failed to impress us.", "positive"),
        ("The app failed to impress.", "negative"),
        # "no one" denies like "nobody".
        ("No one was helpful on the phone.", "negative"),
        ("There was no one to help us at the desk.", "negative"),
        # "never" and "nothing" before a comparison deny every rival: top praise or the worst.
        ("I have never had a better experience with an airline.", "positive"),
        ("I've never felt more ignored by a company.", "negative"),
        ("Nothing better than a quick refund.", "positive"),
        ("There is nothing better.", "positive"),
        ("It is no better than the old app.", "negative"),
        ("You won't find better prices anywhere.", "positive"),
    ],
)
def test_it_scopes_negation_through_verbs_of_opinion_and_comparison(nlp, text, expected):
    assert sentiment_of(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # Better ones elsewhere praise the rivals.
        ("There are much better banks in town.", "negative"),
        ("You could get a much better deal at the other store.", "negative"),
        ("This is a better phone.", "positive"),
        # What was wanted is not what came.
        ("I wanted an excellent phone and got a mediocre one.", "negative"),
        ("We wanted a great day out and got a slow, rude service.", "negative"),
        # Idioms of praise and complaint.
        ("The courier app is average at best.", "negative"),
        ("The online banking leaves a lot to be desired.", "negative"),
        ("Do yourself a favor and avoid this store.", "negative"),
        ("I couldn't recommend them any higher.", "positive"),
        ("At that price the jacket is a steal.", "positive"),
        # Advice on going there, and a customer who will not go back.
        ("Don't go to this branch!", "negative"),
        ("Don't go there.", "negative"),
        ("Would NEVER go back there.", "negative"),
        # Instructions are not advice about the brand.
        ("Go to Settings and tap Privacy.", "neutral"),
    ],
)
def test_it_reads_comparisons_wishes_and_idioms(nlp, text, expected):
    assert sentiment_of(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The sofa I ordered arrived scratched.", "negative"),
        ("The mug was chipped and the box was dented.", "negative"),
        ("The new jumper shrank in the wash.", "negative"),
        ("The last two pilled after a month.", "negative"),
        # Describing a kind of thing, or a person acting, is no complaint.
        ("I bought the ripped jeans in blue.", "neutral"),
        ("We chipped in for a present.", "neutral"),
        ("They cracked the problem in a day and were lovely about it.", "positive"),
    ],
)
def test_damage_said_of_a_thing_is_a_complaint(nlp, text, expected):
    assert sentiment_of(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I can never tell which is the best offer.", "neutral"),
        ("I wonder whether the new range is any good.", "neutral"),
        ("I asked if the coat was warm enough.", "neutral"),
        # Said, not asked: the opinion counts.
        ("I know the new range is good.", "positive"),
        ("I can tell the staff are lovely.", "positive"),
    ],
)
def test_an_opinion_inside_a_question_someone_asks_is_not_asserted(nlp, text, expected):
    assert sentiment_of(nlp, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("They weren't paying attention to me at all.", "negative"),
        ("They really pay attention to what I buy.", "positive"),
        ("When the app stops being reliable, I shop elsewhere.", "negative"),
        ("It was mortifying.", "negative"),
    ],
)
def test_attention_paid_or_not_and_qualities_that_stopped(nlp, text, expected):
    assert sentiment_of(nlp, text) == expected
