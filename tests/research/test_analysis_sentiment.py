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
