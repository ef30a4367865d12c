"""A theme's quotes are about the theme: its lead term is what they speak of, not a word in passing."""

from __future__ import annotations

import numpy as np

from research.analysis import quotes as quotes_module
from research.analysis.quotes import QUOTE_MIN, pick_theme_quotes
from research.analysis.types import ThemeDoc


def _doc(key: str, text: str, terms: tuple[str, ...], *, participant: str = "", sentiment: str = "neutral"):
    return ThemeDoc(
        key=key,
        participant=participant or f"author-{key}",
        text=text,
        terms=terms,
        sentiment=sentiment,
        prompt=f"thread-{key}",
    )


def _pick(docs: list[ThemeDoc], own: list[float], *, terms: list[str], weights: list[float], **kwargs):
    scores = np.array(own, dtype=float)
    return pick_theme_quotes(
        list(range(len(docs))),
        scores,
        kwargs.pop("total", scores),
        docs,
        terms=terms,
        weights=weights,
        doc_pairs=[
            [tuple(t.split("~")) for t in d.terms if "~" in t and not t.startswith("~")] for d in docs
        ],
        doc_scale=[1.0] * len(docs),
        introductions=[False] * len(docs),
        **kwargs,
    )


# A banking app theme: posts that speak of the app.
APP_POSTS = [
    (
        "The app logs me out every time I switch to another screen, which is maddening.",
        ("app", "app~log", "screen"),
    ),
    ("The app finally shows pending payments, so I know where my money is.", ("app", "app~show", "payment")),
    (
        "Since the update the app opens in a second and the balance is right there.",
        ("app", "app~open", "update"),
    ),
    (
        "I pay everything in the app now, it is quicker than queuing at the counter.",
        ("app", "counter", "~quick"),
    ),
    (
        "The app froze while I was sending rent and I had no idea if it went through.",
        ("app", "app~freeze", "rent"),
    ),
    ("Love that the app lets me freeze my card in two taps when I lose it.", ("app", "app~let", "card")),
]
APP_TERMS = ["app", "payment", "screen", "card", "rent", "update", "counter"]
APP_WEIGHTS = [10.0, 1.0, 0.9, 0.8, 0.6, 0.5, 0.4]


def _app_docs() -> list[ThemeDoc]:
    sentiments = ["negative", "positive", "positive", "positive", "negative", "positive"]
    return [
        _doc(f"app-{n}", text, terms, sentiment=sentiments[n]) for n, (text, terms) in enumerate(APP_POSTS)
    ]


def test_a_post_naming_the_app_in_passing_among_other_things_is_not_quoted():
    aside = _doc(
        "aside",
        "Gas bill, phone bill and a birthday card for my niece, on the app after a night shift, all fine.",
        ("bill", "gas", "gas bill", "phone", "phone bill", "card", "niece", "app", "app~bill", "shift"),
        sentiment="positive",
    )
    docs = [aside, *_app_docs()]
    # The aside scores highest for the theme: its terms are all the theme's.
    quotes = _pick(docs, [4.0] + [2.0] * len(APP_POSTS), terms=APP_TERMS, weights=APP_WEIGHTS)
    assert "aside" not in quotes
    # A post saying where it pays ("in the app") still speaks of the app: it is quoted.
    docs = [aside, *_app_docs()[2:5]]
    quotes = _pick(docs, [4.0, 2.0, 2.0, 2.0], terms=APP_TERMS, weights=APP_WEIGHTS)
    assert sorted(quotes) == ["app-2", "app-3", "app-4"]


def test_a_post_whose_lead_term_only_describes_another_noun_is_not_quoted():
    # A branch theme; "branch events" are events, and the post is about the emails advertising them.
    events = _doc(
        "events",
        "Still get emails about branch events. My old branch closed two years ago, so not very useful.",
        ("email", "branch", "event", "branch event", "branch~close"),
    )
    branch = [
        (
            "The branch in town shut at lunch again, so I queued outside for forty minutes.",
            ("branch", "branch~shut", "queue"),
        ),
        (
            "Our branch keeps one cashier on a Saturday and the line goes out the door.",
            ("branch", "cashier", "line"),
        ),
        (
            "The branch staff sorted my mortgage paperwork in one visit, brilliant help.",
            ("branch", "staff", "mortgage"),
        ),
        (
            "I miss the branch: the new one is two buses away and has no counter at all.",
            ("branch", "bus", "counter"),
        ),
        ("The branch on the high street is the only reason I have stayed with them.", ("branch", "street")),
    ]
    docs = [events] + [_doc(f"b-{n}", text, terms) for n, (text, terms) in enumerate(branch)]
    quotes = _pick(
        docs,
        [4.0] + [2.0] * len(branch),
        terms=["branch", "counter", "queue", "cashier", "staff"],
        weights=[10.0, 1.5, 1.2, 1.0, 0.8],
    )
    assert "events" not in quotes
    assert len(quotes) == 5


def test_a_post_that_names_the_theme_only_at_the_end_of_other_things_is_not_quoted():
    late = _doc(
        "late",
        "I think the bank is fair overall. The savings rate is decent and the overdraft fees are lower than "
        "most, which matters to me with two kids. My brother says the app is awful but he never updates it.",
        ("bank", "rate", "savings rate", "overdraft", "fee", "kid", "brother", "app", "app~awful"),
    )
    docs = [late, *_app_docs()]
    quotes = _pick(docs, [4.0] + [2.0] * len(APP_POSTS), terms=APP_TERMS, weights=APP_WEIGHTS)
    assert "late" not in quotes


def test_a_word_of_a_two_word_theme_said_alone_means_something_else():
    service = [
        ("Customer service answered in two minutes and fixed the double charge.", "positive"),
        ("Customer service kept me on hold for an hour about a frozen card.", "negative"),
        ("I rang customer service twice and got two different answers on the fee.", "negative"),
        ("Customer service in the chat was polite and quick, no complaints.", "positive"),
        ("The customer service team refunded the late fee without any fuss.", "positive"),
    ]
    docs = [
        _doc(
            f"cs-{n}",
            text,
            ("customer", "service", "customer service", "service~answer"),
            sentiment=sentiment,
        )
        for n, (text, sentiment) in enumerate(service)
    ]
    loyal = _doc(
        "loyal",
        "I have been a loyal customer for twelve years and the savings rates just keep getting worse.",
        ("customer", "customer~loyal", "rate", "savings rate"),
        sentiment="negative",
    )
    quotes = _pick(
        [loyal, *docs],
        [4.0] + [2.0] * len(service),
        terms=["customer", "service", "fee", "chat"],
        weights=[10.0, 9.5, 1.0, 0.8],
    )
    assert "loyal" not in quotes
    assert len(quotes) == 5


def test_a_possessive_naming_the_theme_is_quoted():
    # A kids' clothing theme, where people write "kids' coats" as often as "coats for the kids".
    kids = [
        ("The kids' coats are warm and the zips survive the playground.", ("kid", "coat", "zip")),
        ("Kids grow so fast that the cheap shoes are the only ones worth buying.", ("kid", "shoe")),
        ("My kids wear the school jumpers until the elbows go, they last.", ("kid", "jumper", "school")),
    ]
    asides = [
        _doc(
            f"aside-{n}",
            f"Towels, a {item}, bath mats and bin bags from the sale, with the kids, all fine.",
            ("towel", item, "bath", "mat", "bath mat", "bag", "bin bag", "sale", "kid"),
        )
        for n, item in enumerate(["lamp", "rug", "kettle"])
    ]
    docs = [_doc(f"k-{n}", text, terms) for n, (text, terms) in enumerate(kids)] + asides
    quotes = _pick(
        docs, [2.0, 1.9, 1.8, 3.0, 3.0, 3.0], terms=["kid", "school", "coat"], weights=[10.0, 3.0, 2.0]
    )
    assert sorted(quotes) == ["k-0", "k-1", "k-2"]


def test_fewer_quotes_rather_than_a_poor_one_but_never_fewer_than_three():
    good = _app_docs()[:3]
    poor = [
        _doc(
            f"poor-{n}",
            f"Bread, milk and a {item} for the flat, on the app after the late shift, nothing to report.",
            ("bread", "milk", item, "flat", "app", "app~bread", "shift"),
        )
        for n, item in enumerate(["lamp", "rug", "kettle", "mop"])
    ]
    docs = good + poor
    quotes = _pick(docs, [2.0] * 3 + [3.0] * 4, terms=APP_TERMS, weights=APP_WEIGHTS)
    assert sorted(quotes) == ["app-0", "app-1", "app-2"]
    # With fewer than three fitting posts, the theme still shows three quotes, the fitting one first.
    quotes = _pick(good[:1] + poor, [2.0] + [3.0] * 4, terms=APP_TERMS, weights=APP_WEIGHTS)
    assert len(quotes) == QUOTE_MIN
    assert quotes[0] == "app-0"
    # A theme of two posts shows both.
    assert sorted(_pick(poor[:2], [1.0, 1.0], terms=APP_TERMS, weights=APP_WEIGHTS)) == ["poor-0", "poor-1"]


def test_picking_quotes_of_a_large_theme_reads_a_bounded_number_of_posts(monkeypatch):
    # Cheap by construction: however large the theme, only its strongest candidates are read
    # closely (the time itself is measured by bench/analysis_throughput.py's theme refresh).
    read = []
    real_read = quotes_module.read_candidate

    def counting_read(doc, **kwargs):
        read.append(doc.key)
        return real_read(doc, **kwargs)

    monkeypatch.setattr(quotes_module, "read_candidate", counting_read)
    docs = []
    for n in range(20_000):
        text, terms = APP_POSTS[n % len(APP_POSTS)]
        docs.append(_doc(f"{n:05d}", f"{text} Week {n}.", terms, participant=f"p{n % 900}"))
    own = [1.0 + (n % 97) / 100 for n in range(len(docs))]
    quotes = _pick(docs, own, terms=APP_TERMS, weights=APP_WEIGHTS)
    assert 0 < len(read) <= quotes_module.CANDIDATES_MIN
    assert len(quotes) == 5
    assert len({docs[int(k)].participant for k in quotes}) == 5
