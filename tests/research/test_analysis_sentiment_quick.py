"""Post sentiment on four lamenting constructions ("bring back X", "should be X by now",
"to many" for "too many", "I don't miss it"), in retail, banking and app sentences written for
these tests, each beside contrasting sentences the rule must leave alone."""

from __future__ import annotations

import pytest

from research.analysis.enrich import enrich_texts
from research.analysis.pipeline import get_nlp
from research.analysis.types import BrandLexicon


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def check(nlp, cases: list[tuple[str, str]]) -> None:
    texts = [text for text, _ in cases]
    got = [r.sentiment for r in enrich_texts(texts, lexicon=BrandLexicon(), nlp=nlp)]
    wrong = [(text, want, have) for (text, want), have in zip(cases, got, strict=True) if want != have]
    assert not wrong, wrong


def test_bring_back_wishes_for_something_taken_away(nlp):
    check(
        nlp,
        [
            ("Bring back the old layout.", "negative"),
            ("Please bring back paper statements.", "negative"),
            ("Please bring back the old app icon.", "negative"),
            # Unchanged: an instruction with a deadline, and a report of what staff do.
            ("Bring the item back within 30 days for a refund.", "neutral"),
            ("They bring back your change at the till.", "neutral"),
        ],
    )


def test_should_be_by_now_means_it_still_is_not(nlp):
    check(
        nlp,
        [
            ("Free transfers should be standard by now.", "negative"),
            ("The app should be fixed by now.", "negative"),
            ("Contactless should work at every till by now.", "negative"),
            # Unchanged: a date to expect, not a delay.
            ("The refund should be in your account by Friday.", "neutral"),
            ("Free delivery is standard now.", "positive"),
        ],
    )


def test_to_many_misspelt_for_too_many(nlp):
    check(
        nlp,
        [
            ("There are to many fees on this account.", "negative"),
            ("To many pop-ups.", "negative"),
            ("The monthly fee is to much.", "negative"),
            ("There are too many ads in the app.", "negative"),
            # Unchanged: "to" as the preposition it is.
            ("I talked to many people at the branch.", "neutral"),
            ("I recommended the shop to many friends.", "positive"),
            ("I have been to many branches of this bank.", "neutral"),
        ],
    )


def test_i_dont_miss_it_is_relief_that_it_is_gone(nlp):
    check(
        nlp,
        [
            ("I closed my account and I don't miss it at all.", "negative"),
            ("I switched the notifications off and I do not miss them.", "negative"),
            ("We cancelled the store card and we don't miss it.", "negative"),
            # Unchanged: advice not to miss out, a habit, and missing something lost.
            ("Don't miss the sale this weekend!", "positive"),
            ("I never miss their Friday deals.", "positive"),
            ("I miss the old checkout page.", "negative"),
        ],
    )
