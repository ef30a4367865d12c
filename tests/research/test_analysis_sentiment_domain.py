"""Learning a community's own evaluative words, on a small phone-app community written for these tests."""

from __future__ import annotations

import json
import random

import pytest

from research.analysis import sentiment as sa
from research.analysis.domain_polarity import (
    EMPTY,
    DomainLexicon,
    is_candidate,
    learn_domain_lexicon,
    learn_from_votes,
    polarity_evidence,
)
from research.analysis.enrich import enrich_texts
from research.analysis.pipeline import get_nlp
from research.analysis.types import BrandLexicon

# "choppy", "grainy", "fiddly", "snappy" and "zippy" are in neither VADER's lexicon nor ours:
# their polarity has to come from how this community uses them.
PHONE_APP_POSTS = [
    "The video calls are choppy and frustrating.",
    "Playback was choppy and annoying all week.",
    "Calls from the train are choppy and awful.",
    "The camera is grainy and disappointing.",
    "Night photos look grainy and ugly.",
    "Zoomed shots are grainy and terrible.",
    "The settings menu is fiddly and confusing.",
    "Sharing a file is fiddly and annoying.",
    "Pairing the watch is fiddly and frustrating.",
    "The new interface is snappy and great.",
    "Search feels snappy and helpful.",
    "Scrolling is snappy and lovely now.",
    "The map is zippy and useful.",
    "Loading is zippy and wonderful.",
    "Checkout was zippy and easy.",
    "The widgets are blue and great.",
    "The icons are blue and ugly.",
    "I love the dark mode.",
    "The battery life is excellent.",
    "Support was helpful and kind to me.",
    "The update is terrible.",
    "Notifications are annoying.",
    "I hate the new login screen.",
    "My sister uses the app every day.",
]


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


@pytest.fixture(scope="module")
def community(nlp):
    return list(nlp.pipe(PHONE_APP_POSTS))


@pytest.fixture(scope="module")
def learned(community):
    return learn_domain_lexicon(community)


def test_it_learns_complaint_words_from_conjunctions_with_known_words(learned):
    for word in ("choppy", "grainy", "fiddly"):
        assert learned.get(word) is not None and learned.get(word) < 0, word


def test_it_learns_praise_words_from_conjunctions_with_known_words(learned):
    for word in ("snappy", "zippy"):
        assert learned.get(word) is not None and learned.get(word) > 0, word


def test_it_does_not_learn_a_word_used_both_ways(learned):
    # "blue" sits beside "great" once and "ugly" once: no evidence it is an opinion.
    assert learned.get("blue") is None


def test_it_never_relearns_words_the_general_lexicon_knows(learned):
    lex, _ = sa.lexicon()
    assert not set(learned.words) & set(lex)
    assert all(abs(v) <= 2.0 for v in learned.words.values())


def test_learned_words_change_the_sentiment_of_new_posts(nlp, learned):
    texts = ["The call quality was choppy today.", "The new version is really snappy."]
    before = enrich_texts(texts, lexicon=BrandLexicon(), nlp=nlp)
    after = enrich_texts(texts, lexicon=BrandLexicon(), nlp=nlp, domain=learned.words)
    assert [r.sentiment for r in before] == ["neutral", "neutral"]
    assert [r.sentiment for r in after] == ["negative", "positive"]


def test_learned_words_follow_negation_like_any_other(nlp, learned):
    (result,) = enrich_texts(
        ["The video was not choppy at all."], lexicon=BrandLexicon(), nlp=nlp, domain=learned.words
    )
    assert result.sentiment == "positive"


def test_but_gives_the_conjuncts_opposite_votes(nlp):
    (doc,) = nlp.pipe(["The camera is great but grainy."])
    votes = polarity_evidence(doc)
    # The conjunction's vote outweighs sharing a sentence that leans positive.
    assert votes[("grainy", -1)] > votes[("grainy", 1)]


def test_negation_flips_the_vote_of_the_negated_word(nlp):
    (doc,) = nlp.pipe(["The app is not snappy and it is awful."])
    votes = polarity_evidence(doc)
    assert votes[("snappy", 1)] > 0 and votes[("snappy", -1)] == 0


def test_it_is_deterministic_and_order_free(community):
    shuffled = community[:]
    random.Random(3).shuffle(shuffled)
    first, second = learn_domain_lexicon(community), learn_domain_lexicon(shuffled)
    assert dict(first.words) == dict(second.words)
    assert first.fingerprint == second.fingerprint
    assert first.fingerprint != DomainLexicon({"choppy": -1.0}).fingerprint


def test_a_community_with_no_contrast_learns_nothing(nlp):
    docs = list(nlp.pipe(["The calls are choppy and awful.", "Photos are grainy and terrible."]))
    assert learn_domain_lexicon(docs) == EMPTY
    assert learn_from_votes({}) == EMPTY  # type: ignore[arg-type]


def test_a_single_mention_is_not_enough_evidence(nlp):
    docs = list(nlp.pipe(["The calls are choppy and awful.", "The screen is great.", "I love it."]))
    assert learn_domain_lexicon(docs).get("choppy") is None


def test_only_unknown_adjectives_are_candidates(nlp):
    (doc,) = nlp.pipe(["The grainy photos from Berlin were terrible and disapointing."])
    candidates = {t.lower_ for t in doc if is_candidate(t)}
    # A known word, a misspelling of a known word, a noun and a place are not learned.
    assert candidates == {"grainy"}


def test_a_stored_lexicon_round_trips_and_bad_entries_are_named(learned):
    restored = DomainLexicon.from_json(json.loads(json.dumps(learned.to_json())))
    assert restored.fingerprint == learned.fingerprint
    with pytest.raises(ValueError, match="'choppy' has a non-numeric valence"):
        DomainLexicon.from_json({"choppy": "bad"})
    with pytest.raises(ValueError, match="bad entry"):
        DomainLexicon.from_json({"": -1.0})


def test_degrees_are_not_evidence_of_a_words_own_polarity(nlp):
    # "too large" complains about an amount and "more appealing than" compares; neither says
    # whether "large" or "appealing" is praise or complaint.
    (doc,) = nlp.pipe(
        ["The portions were too large and awful. The desserts are more appealing than stuffy cafes."]
    )
    votes = polarity_evidence(doc)
    assert not any(word in ("large", "appealing") for word, _ in votes)
