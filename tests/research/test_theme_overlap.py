"""Themes a reader sees as one thing, or as nothing in particular, on small communities written for these tests."""

from __future__ import annotations

import random

from research.analysis.themes import build_themes
from research.analysis.types import PreviousTheme, ThemeDoc

# A retailer's community: what people talk about, and what they say of it.
TOPICS = {
    "delivery": (("parcel", "courier", "delivery"), ("late", "damaged", "track", "arrive")),
    "app": (("app", "login", "basket"), ("crash", "freeze", "slow", "update")),
    "fitting": (("cubicle", "fitting", "mirror"), ("queue", "tiny", "dirty", "wait")),
    "price": (("price", "fee", "discount"), ("high", "hidden", "fair", "cheap")),
}


def _community(n_per_topic: int = 30, *, seed: int = 5) -> list[ThemeDoc]:
    """Posts on four topics; in two in five of them the customer also calls something "the
    problem" ("the problem is the courier", "same problem with the app"), on every topic alike."""
    rng = random.Random(seed)
    docs: list[ThemeDoc] = []
    for topic, (nouns, said) in TOPICS.items():
        for i in range(n_per_topic):
            noun = nouns[i % len(nouns)]
            terms = [noun, *(f"{noun}~{c}" for c in rng.sample(said, 2))]
            text = f"The {noun} was {said[0]} again."
            if i % 5 < 2:
                terms += ["problem", f"problem~{rng.choice(('same', 'real', 'big', 'fix'))}"]
                text += " The real problem is nobody fixes it."
            docs.append(
                ThemeDoc(
                    key=f"{topic}-{i:03d}",
                    participant=f"p{i % 11}",
                    text=text,
                    terms=tuple(terms),
                    sentiment="negative" if i % 2 else "neutral",
                )
            )
    return docs


def test_a_noun_said_of_every_topic_neither_leads_nor_names_a_theme():
    themes = build_themes(_community())
    assert themes
    for theme in themes:
        assert theme.terms[0] != "problem"
        assert "problem" not in theme.label.lower()
    # The posts saying "problem" are found under what their problem is about, and only there.
    for theme in themes:
        topics = {key.split("-")[0] for key in theme.doc_keys}
        assert len(topics) == 1, f"{theme.label} mixes {sorted(topics)}"
    themed = {key for theme in themes for key in theme.doc_keys}
    assert {f"delivery-{i:03d}" for i in range(30) if i % 5 < 2} <= themed


def test_each_topic_keeps_a_theme_of_its_own_beside_a_noun_said_of_all_of_them():
    themes = build_themes(_community())
    leads = {theme.terms[0] for theme in themes}
    for nouns, _ in TOPICS.values():
        assert leads & set(nouns), f"no theme led by any of {nouns}: {[t.terms[:3] for t in themes]}"


def test_a_grab_bag_an_earlier_run_led_by_such_a_noun_is_not_found_again():
    docs = _community()
    first = build_themes(docs)
    grab_bag = PreviousTheme(
        key="t-grab-bag",
        terms=("problem", "mirror", "basket", "fee", "courier"),
        doc_keys=tuple(sorted(d.key for d in docs if "problem" in d.terms)),
        label="Problem",
    )
    previous = [
        PreviousTheme(key=t.key, terms=tuple(t.terms), doc_keys=tuple(t.doc_keys), label=t.label)
        for t in first
    ]
    again = build_themes(docs, previous=[*previous, grab_bag])
    assert all(t.key != "t-grab-bag" and t.matched_previous != "t-grab-bag" for t in again)
    assert all(t.terms[0] != "problem" and "problem" not in t.label.lower() for t in again)
    # The real themes keep who they are (and whatever a researcher attached to them).
    assert {t.key for t in again} == {t.key for t in first}
