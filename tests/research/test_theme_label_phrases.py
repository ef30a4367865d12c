"""Theme labels read as phrases a researcher would write: two things are named together only as
people write them together, what people do is named as an activity, words that only set one thing
apart from another say nothing, and one person's remark does not name a theme."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from research.analysis.theme_labels import gerund, label_fits, theme_label
from research.analysis.themes import _Corpus, build_themes
from research.analysis.types import PreviousTheme, ThemeDoc

# Other things a shop's and a bank's customers talk about, so a theme's words are judged among others.
BACKGROUND = (
    ("The delivery was late again, the parcel came on day {n}.", ("delivery", "parcel", "delivery~late")),
    ("The login screen froze when I opened the banking app on day {n}.", ("login", "screen", "app")),
    ("Changing rooms were dirty on day {n}, towels on the floor.", ("room", "changing room", "towel")),
    ("My savings account paid interest on day {n}.", ("account", "savings account", "interest")),
)


def background(n: int = 24) -> list[ThemeDoc]:
    return [
        ThemeDoc(
            key=f"z-{i:03d}",
            participant=f"z{i % 13}",
            text=BACKGROUND[i % len(BACKGROUND)][0].format(n=i),
            terms=BACKGROUND[i % len(BACKGROUND)][1],
            sentiment="neutral",
        )
        for i in range(n)
    ]


def posts(texts: Sequence[str], terms: Sequence[str], *, people: int = 7, sentiment: str = "neutral"):
    return [
        ThemeDoc(
            key=f"t-{i:03d}",
            participant=f"m{i % people}",
            text=text,
            terms=tuple(terms),
            sentiment=sentiment,
        )
        for i, text in enumerate(texts)
    ]


def label_of(docs: list[ThemeDoc], terms: Sequence[str], used: set[str] | None = None) -> str:
    corpus = _Corpus([*docs, *background()])
    members = [d for d, doc in enumerate(corpus.docs) if doc.key.startswith("t-")]
    return theme_label(list(terms), members, corpus, set() if used is None else used)


def fits(label: str, docs: list[ThemeDoc], terms: Sequence[str]) -> bool:
    corpus = _Corpus([*docs, *background()])
    members = [d for d, doc in enumerate(corpus.docs) if doc.key.startswith("t-")]
    return label_fits(label, list(terms), members, corpus)


# --- Two aspects in one label only as people write them together ---


def test_two_nouns_that_merely_share_posts_are_not_glued_into_one_label():
    docs = posts(
        [f"The price of the item I wanted went up on day {n}." for n in range(12)]
        + [f"Price matched online on day {n}, good." for n in range(12, 16)],
        ("price", "item"),
    )
    label = label_of(docs, ["price", "item"])
    assert " and " not in label.lower()
    assert label.lower().startswith("price")


def test_two_nouns_written_together_name_the_theme_in_the_order_people_write_them():
    docs = posts(
        [f"Charges and fees on my current account went up on day {n}." for n in range(10)]
        + [f"The fees on the card were sneaky on day {n}." for n in range(10, 14)],
        ("fee", "charge"),
    )
    # "fee" leads the theme's terms, but people write "charges and fees".
    assert label_of(docs, ["fee", "charge"]) == "Charges and fees"


def test_an_earlier_label_naming_two_things_gives_way_once_they_are_not_written_together():
    apart = posts(
        [f"The price of the item I wanted went up on day {n}." for n in range(14)], ("price", "item")
    )
    assert not fits("Prices and items", apart, ["price", "item"])
    together = posts(
        [f"Charges and fees on my current account went up on day {n}." for n in range(10)], ("fee", "charge")
    )
    assert fits("Charges and fees", together, ["fee", "charge"])


def test_a_refresh_renames_a_theme_whose_earlier_label_glued_two_unrelated_nouns():
    docs = [
        *posts([f"The price of the item I wanted went up on day {n}." for n in range(14)], ("price", "item")),
        *background(),
    ]
    first = build_themes(docs)
    theme = next(t for t in first if "price" in t.terms[:2])
    previous = [
        PreviousTheme(key=t.key, terms=tuple(t.terms), doc_keys=tuple(t.doc_keys), label=t.label)
        for t in first
        if t is not theme
    ]
    previous.append(
        PreviousTheme(
            key=theme.key, terms=tuple(theme.terms), doc_keys=tuple(theme.doc_keys), label="Price and item"
        )
    )
    again = next(t for t in build_themes(docs, previous=previous) if t.key == theme.key)
    assert again.label != "Price and item" and " and " not in again.label


# --- What people do, as an activity ---


def test_a_verb_acting_on_the_aspect_is_named_as_an_activity():
    docs = posts(
        [f"I had to wait for a refund for {n} days." for n in range(3, 13)], ("refund", "refund~wait")
    )
    assert label_of(docs, ["refund"]) == "Waiting for a refund"


def test_a_past_tense_is_named_as_the_activity_too():
    docs = posts(
        [f"I cancelled my order on day {n}, nothing had shipped." for n in range(10)],
        ("order", "order~cancel"),
    )
    assert label_of(docs, ["order"]) == "Cancelling my order"


def test_a_thing_placed_by_the_aspect_stays_a_thing():
    # "queue" is something people talk about here, not something they do: no "Queuing at the till".
    docs = posts(
        [f"The queue at the till was {n} people deep." for n in range(5, 15)],
        ("queue", "till", "till~queue"),
    )
    assert label_of(docs, ["till"]) == "Queue at the till"


@pytest.mark.parametrize(
    ("verb", "written"),
    [
        ("wait", "waiting"),
        ("sit", "sitting"),
        ("shop", "shopping"),
        ("queue", "queuing"),
        ("close", "closing"),
        ("lie", "lying"),
        ("agree", "agreeing"),
        ("open", "opening"),
        ("cancel", "cancelling"),
        ("fix", "fixing"),
        ("pay", "paying"),
        ("log", "logging"),
    ],
)
def test_gerunds_are_spelled_as_english_spells_them(verb, written):
    assert gerund(verb) == written


# --- Words that say nothing of a thing, and remarks of one person ---


def test_an_adjective_that_only_sets_a_thing_apart_does_not_name_a_theme():
    docs = posts(
        [f"Staff told me the app is a different system from the tills, day {n}." for n in range(12)],
        ("system", "system~different"),
    )
    assert label_of(docs, ["system"]) == "System"


def test_a_phrase_one_person_wrote_does_not_name_a_theme_however_often_the_parse_linked_it():
    # Eight people's posts link "expire" to their cards, but only one writes the two side by side.
    texts = ["Cards expire! Nobody tells you in advance."] + [
        f"The card I have had for years with them finally expired on day {n}." for n in range(1, 8)
    ]
    docs = posts(texts, ("card", "card~expire"), people=8)
    assert label_of(docs, ["card"]) == "Card"
    # Written side by side by several people, it does.
    docs = posts(
        [f"My card expired on day {n}, no warning at all." for n in range(8)], ("card", "card~expire")
    )
    assert label_of(docs, ["card"]) == "Card expired"


def test_labels_stay_distinct_when_two_themes_would_read_the_same():
    docs = posts(
        [f"Charges and fees on my current account went up on day {n}." for n in range(10)], ("fee", "charge")
    )
    first = label_of(docs, ["fee", "charge"])
    second = label_of(docs, ["fee", "charge"], used={first})
    assert second.lower() != first.lower()


# --- The aspect as the noun phrase people write it in ---


def test_the_noun_phrase_many_people_write_the_aspect_in_names_the_theme():
    docs = posts(
        [f"My click and collect order was not ready on day {n}." for n in range(6)]
        + [f"Placed an order on day {n}, it came in two boxes." for n in range(6, 14)],
        ("order",),
    )
    assert label_of(docs, ["order"]) == "Click and collect order"


def test_a_word_said_of_everything_does_not_make_the_aspect_a_kind():
    # "great" is said of the orders, the app, the tills and all else alike: "Great order" names nothing.
    things = ("order", "app", "till", "staff", "price", "range")
    docs = posts(
        [
            f"Great order, great app, great tills, great staff, great prices, great range, day {n}."
            for n in range(8)
        ]
        + [f"Placed an order on day {n}, it came in two boxes." for n in range(8, 14)],
        (*things, *(f"{t}~great" for t in things)),
    )
    assert label_of(docs, ["order"]) == "Order"


def test_a_phrase_one_person_keeps_writing_does_not_name_the_theme():
    docs = posts(
        [f"My click and collect order was not ready on day {n}." for n in range(6)]
        + [f"Placed an order on day {n}, it came in two boxes." for n in range(6, 14)],
        ("order",),
        people=1,
    )
    assert label_of(docs, ["order"]) == "Order"


# --- Earlier labels hold only as a new label would be written ---


def test_an_activity_label_holds_and_an_earlier_bare_verb_label_gives_way_to_it():
    docs = posts(
        [f"I had to wait for a refund for {n} days." for n in range(3, 13)], ("refund", "refund~wait")
    )
    assert fits("Waiting for a refund", docs, ["refund"])
    assert not fits("Wait for a refund", docs, ["refund"])


def test_an_earlier_label_only_one_person_wrote_does_not_hold():
    texts = ["Cards expire! Nobody tells you in advance."] + [
        f"The card I have had for years with them finally expired on day {n}." for n in range(1, 8)
    ]
    docs = posts(texts, ("card", "card~expire"), people=8)
    assert not fits("Cards expire", docs, ["card"])
    assert fits("Card", docs, ["card"])


def test_an_earlier_label_with_a_word_that_only_sets_the_thing_apart_does_not_hold():
    docs = posts(
        [f"Staff told me the app is a different system from the tills, day {n}." for n in range(12)],
        ("system", "system~different"),
    )
    assert not fits("Different system", docs, ["system"])


def test_a_noun_phrase_label_holds_while_enough_people_write_it():
    docs = posts(
        [f"My click and collect order was not ready on day {n}." for n in range(6)]
        + [f"Placed an order on day {n}, it came in two boxes." for n in range(6, 14)],
        ("order",),
    )
    assert fits("Click and collect order", docs, ["order"])
    assert not fits("Boxed order", docs, ["order"])
