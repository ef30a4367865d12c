"""Post sentiment on constructions where the words say one thing and the sentence another: declines,
lapsed customers, rhetorical questions, hedges and problems put right. Retail, banking and app
sentences written for these tests, each group beside contrasting sentences that must not change."""

from __future__ import annotations

import pytest

from research.analysis.enrich import enrich_texts
from research.analysis.pipeline import get_nlp
from research.analysis.types import BrandLexicon


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def sentiment(nlp, text: str) -> str:
    return enrich_texts([text], lexicon=BrandLexicon(), nlp=nlp)[0].sentiment


CASES = [
    # A rise in what you pay or a fall in what you get is a complaint; the reverse is good news.
    ("The fees have gone up and nothing else has changed.", "negative"),
    ("Since the redesign the quality has gone down.", "negative"),
    ("The standard of the app has dropped this year.", "negative"),
    ("Prices have come down since the spring.", "positive"),
    ("The quality of the fabric has gone up a lot.", "positive"),
    ("We went up to the counter and asked.", "neutral"),
    # "don't (even) think about / use X any more": a customer who has moved on.
    ("I don't even think about that bank any more.", "negative"),
    ("We don't use their app anymore.", "negative"),
    ("I don't have to queue at the branch any more.", "positive"),
    ("Don't even think about the paperwork, they handle it.", "neutral"),
    # Damage on arrival and effort counted out.
    ("The lamp arrived with a crack in the base.", "negative"),
    ("It took six emails to close my old account.", "negative"),
    ("The sofa arrived with a spare set of legs.", "neutral"),
    ("Two calls a year from my adviser is about right.", "neutral"),
    # "less happy", "not fine with": a denied degree of acceptance is an objection.
    ("Less happy that the bank shares my address with partners.", "negative"),
    ("I'm not fine with the app reading my messages.", "negative"),
    ("Less expensive than the high street, which is nice.", "positive"),
    ("I'm fine with them emailing me once a week.", "positive"),
    # Rhetorical questions complain by asking.
    ("Why would a torch app need my location?", "negative"),
    ("Who carries a chequebook now?", "negative"),
    ("Why not try the new savings account?", "positive"),
    ("Who handles mortgage questions now?", "neutral"),
    ("Who uses cheques these days?", "negative"),
    ("Who has the best savings rates now?", "positive"),
    # A problem sorted is service that worked; "rather than" denies what follows.
    ("When my card was cloned it was sorted the same day.", "positive"),
    ("It's small delays that annoy me rather than one disaster.", "negative"),
    ("The bug still needs to be fixed.", "neutral"),
    # Hedges and set phrases: not praise, not complaint.
    ("I can't promise it's every branch.", "neutral"),
    ("Good value for a current account, to be honest.", "positive"),
    ("Habit now, to be honest.", "neutral"),
    ("They promised a refund within five days.", "positive"),
    # "X doesn't make it right", "drove me off", "can't be bothered", "too dear", "undoes".
    ("'Everyone charges for it' doesn't make it right.", "negative"),
    ("They made it right with a full refund.", "positive"),
    ("The constant notifications drove me away.", "negative"),
    ("The long wait put me off.", "negative"),
    ("Can't be bothered with the app now.", "negative"),
    ("Too dear now for a basic kettle.", "negative"),
    ("It's a dear little shop.", "positive"),
    ("It's amazing how one rude call undoes years of loyalty.", "negative"),
    ("It's amazing how quickly the refund came through.", "positive"),
    ("The outage ruined a lovely weekend away.", "negative"),
    ("They fixed the lovely old clock.", "positive"),
    # "You'd think X would", "Surprised they haven't", "So, not very X", "a bit X".
    ("You'd think a bank would answer its phone.", "negative"),
    ("Surprised they haven't added a dark mode.", "negative"),
    ("So, not very useful, no.", "negative"),
    ("The search is a bit literal.", "negative"),
    ("I was surprised how good the app was.", "positive"),
    # Praise of rivals ("in other shops", "other banks have...") is not praise of this one.
    ("Other banks have great budgeting tools. Shame ours doesn't.", "negative"),
    ("Instant refunds are a well-solved problem at other shops. Odd they still take a week.", "negative"),
    ("The app is better than other banking apps.", "positive"),
    ("My sister loves it and so do other people in the office.", "positive"),
    ("Other customers loved the new card design.", "positive"),
    ("Lovely other colours in the range as well.", "positive"),
    ("The loan rate was fixed at four percent.", "neutral"),
    ("So good, the new card reader.", "positive"),
]


@pytest.mark.parametrize(("text", "want"), CASES)
def test_reading(nlp, text, want):
    assert sentiment(nlp, text) == want
