"""Which posts quote a theme: ones a researcher would show, about the theme and readable alone."""

from __future__ import annotations

import numpy as np

from research.analysis.quotes import pick_theme_quotes
from research.analysis.themes import build_themes
from research.analysis.types import ThemeDoc

# A delivery theme's own posts: each says something of the parcel, courier or delivery.
ON_TOPIC = [
    ("My parcel arrived damaged and the courier just left it on the wet step.", "negative"),
    ("The parcel delivery was two days late and nobody answered the tracking chat.", "negative"),
    ("The courier was friendly and my parcel came an hour early, which was great.", "positive"),
    ("Every parcel this year turned up crushed, the packaging is far too thin.", "negative"),
    ("Next-day delivery brought the parcel the next day, first time in ages, very pleased.", "positive"),
    ("The courier rang ahead, waited while I came down, and the parcel was fine.", "positive"),
    ("My parcel went to a neighbour three streets away and I only found it by luck.", "negative"),
    ("The parcel locker option is brilliant, I collect the delivery on my way home.", "positive"),
]
# Posts that name the theme's terms as often, but that no researcher would put on a slide.
QUESTION = "Does anyone know why the courier never brings the parcel and the delivery note to the door?"
OFF_TOPIC = "Bit off topic, but the courier parcel delivery van outside has a funny slogan on it today."
SAME_HERE = "Same here, the courier and the parcel delivery were exactly like that for me as well."
INTRODUCTION = (
    "Hi all, [NAME] here, from Leeds, mum of two; every parcel delivery comes by courier to my work."
)


def _doc(key: str, text: str, *, participant: str, sentiment: str = "neutral", prompt: str = "") -> ThemeDoc:
    nouns = [n for n in ("parcel", "courier", "delivery") if n in text.lower()]
    return ThemeDoc(
        key=key,
        participant=participant,
        text=text,
        terms=(*nouns, *(f"{n}~arrive" for n in nouns)),
        sentiment=sentiment,
        prompt=prompt,
    )


def _pick(docs: list[ThemeDoc], own: list[float], **kwargs) -> list[str]:
    scores = np.array(own, dtype=float)
    return pick_theme_quotes(
        list(range(len(docs))),
        scores,
        scores,
        docs,
        terms=kwargs.pop("terms", ["delivery", "parcel", "courier"]),
        weights=kwargs.pop("weights", [10.0, 8.0, 6.0]),
        doc_pairs=[[tuple(t.split("~")) for t in d.terms if "~" in t] for d in docs],
        doc_scale=[1.0] * len(docs),
        introductions=kwargs.pop("introductions", [False] * len(docs)),
        **kwargs,
    )


def _on_topic_docs() -> list[ThemeDoc]:
    return [_doc(f"good-{n}", text, participant=f"p{n}", sentiment=s) for n, (text, s) in enumerate(ON_TOPIC)]


def test_a_question_to_others_an_off_topic_post_and_a_bare_reply_are_not_quoted():
    bad = [
        _doc("question", QUESTION, participant="q"),
        _doc("off-topic", OFF_TOPIC, participant="o"),
        _doc("same-here", SAME_HERE, participant="s"),
    ]
    docs = bad + _on_topic_docs()
    # The bad posts score highest for the theme: they name all three of its terms.
    own = [3.0] * len(bad) + [2.0] * len(ON_TOPIC)
    quotes = _pick(docs, own)
    assert len(quotes) == 5
    assert all(k.startswith("good-") for k in quotes)


def test_an_introduction_is_not_quoted_over_posts_about_the_theme():
    docs = [_doc("intro", INTRODUCTION, participant="i"), *_on_topic_docs()]
    quotes = _pick(docs, [3.0] + [2.0] * len(ON_TOPIC), introductions=[True] + [False] * len(ON_TOPIC))
    assert "intro" not in quotes


def test_a_post_naming_only_a_minor_term_of_the_theme_is_not_quoted():
    aside = _doc(
        "aside",
        "My sister had the same thing with a mirror, in the end her husband drove it back.",
        participant="x",
        sentiment="neutral",
    )
    aside = ThemeDoc(**{**aside.__dict__, "terms": ("husband", "mirror", "husband~drive")})
    docs = [aside, *_on_topic_docs()]
    quotes = _pick(
        docs,
        [3.0] + [2.0] * len(ON_TOPIC),
        # "husband" is among the theme's first terms, but weighs little beside its lead ones.
        terms=["delivery", "parcel", "husband", "courier"],
        weights=[10.0, 8.0, 1.5, 1.2],
    )
    assert "aside" not in quotes


def test_quotes_come_from_different_people_and_both_sides_of_a_mixed_theme():
    docs = _on_topic_docs()
    # One prolific participant wrote half of the posts.
    docs = [
        ThemeDoc(**{**d.__dict__, "participant": "loud" if n % 2 == 0 else d.participant})
        for n, d in enumerate(docs)
    ]
    quotes = _pick(docs, [2.0] * len(docs))
    by_key = {d.key: d for d in docs}
    authors = [by_key[k].participant for k in quotes]
    assert len(authors) == len(set(authors))
    assert {by_key[k].sentiment for k in quotes} == {"positive", "negative"}


def test_a_theme_with_few_fitting_posts_still_shows_three_quotes():
    docs = [
        _doc("question", QUESTION, participant="q"),
        _doc("same-here", SAME_HERE, participant="s"),
        _doc("good-0", ON_TOPIC[0][0], participant="g"),
    ]
    quotes = _pick(docs, [3.0, 3.0, 2.0])
    assert quotes[0] == "good-0"
    assert sorted(quotes) == ["good-0", "question", "same-here"]


def _community() -> list[ThemeDoc]:
    """Threads of opinions on deliveries, the app and prices, and a thread of introductions."""
    docs = []
    for n, (text, sentiment) in enumerate(ON_TOPIC):
        docs.append(_doc(f"d-{n}", text, participant=f"p{n}", sentiment=sentiment, prompt="Deliveries"))
    app = [
        ("The app crashed twice at checkout and I lost my whole basket.", "negative"),
        ("The new app update is quick and the login finally remembers me.", "positive"),
        ("The app keeps logging me out, so I gave up and used the website.", "negative"),
        ("The app screen for returns is clear and easy, nice work.", "positive"),
        ("The app froze on the payment screen and charged me twice.", "negative"),
        ("Since the update the app loads in a second, much better than before.", "positive"),
    ]
    for n, (text, sentiment) in enumerate(app):
        nouns = [w for w in ("app", "screen", "update", "login") if w in text.lower()]
        docs.append(
            ThemeDoc(
                key=f"a-{n}",
                participant=f"p{n + 2}",
                text=text,
                terms=(*nouns, *(f"{w}~crash" for w in nouns)),
                sentiment=sentiment,
                prompt="The app",
            )
        )
    prices = [
        ("The prices went up again this spring and the fees on returns are new.", "negative"),
        ("Fair prices for the quality, the fee for next-day is worth it.", "positive"),
        ("A hidden fee at checkout is the fastest way to lose me.", "negative"),
        ("The cost of the basics is fine, the prices of the coats are not.", "negative"),
        ("Good value overall, the charge for gift wrap is the only silly cost.", "positive"),
        ("Prices are higher than the market stall but the fee-free returns help.", "positive"),
    ]
    for n, (text, sentiment) in enumerate(prices):
        nouns = [w for w in ("price", "fee", "cost", "charge") if w in text.lower()]
        docs.append(
            ThemeDoc(
                key=f"c-{n}",
                participant=f"p{n + 4}",
                text=text,
                terms=(*nouns, *(f"{w}~high" for w in nouns)),
                sentiment=sentiment,
                prompt="Prices",
            )
        )
    bad = [("question", QUESTION), ("off-topic", OFF_TOPIC), ("same-here", SAME_HERE)]
    for key, text in bad:
        docs.append(_doc(key, text, participant=f"x-{key}", prompt="Deliveries"))
    intros = [
        INTRODUCTION,
        "Hello, [NAME] from Leeds, I work in a school and shop on my phone at lunch.",
        "[NAME], Bristol, two cats, I mostly order homeware for the flat.",
        "Hi, I'm [NAME] from York, retired, I like to see things before I buy them.",
    ]
    for n, text in enumerate(intros):
        docs.append(_doc(f"intro-{n}", text, participant=f"i{n}", prompt="Introduce yourself"))
    return docs


def test_built_themes_quote_posts_about_the_theme_not_questions_replies_or_introductions():
    docs = _community()
    themes = build_themes(docs)
    delivery = next(t for t in themes if "d-0" in t.doc_keys)
    for key in ("question", "off-topic", "same-here", "intro-0"):
        assert key in delivery.doc_keys  # members of the theme, counted in it ...
        assert key not in delivery.quote_keys  # ... but not what it is shown by
    assert len(delivery.quote_keys) == 5
    assert all(k.startswith("d-") for k in delivery.quote_keys)
    # Same posts, same quotes, whatever order they come in.
    assert build_themes(list(reversed(docs)))[themes.index(delivery)].quote_keys == delivery.quote_keys


def test_a_post_saying_what_the_label_says_leads_the_quotes():
    docs = [
        _doc(
            "a-desk",
            "The customer desk took the jug back without a receipt, which I did not expect.",
            participant="a",
        ),
        _doc(
            "b-service",
            "Customer service sorted my missing points in one phone call, very impressed.",
            participant="b",
        ),
    ]
    docs = [ThemeDoc(**{**d.__dict__, "terms": ("customer", "service", "customer~take")}) for d in docs]
    quotes = _pick(
        docs, [2.0, 1.8], terms=["customer", "service"], weights=[10.0, 9.0], label="Customer service"
    )
    assert quotes[0] == "b-service"


def test_a_reply_pointing_back_is_not_quoted_but_a_post_opening_on_this_or_that_thing_is():
    pointing = _doc(
        "pointing",
        "That happened to me too, the parcel sat at the depot for a week and the courier shrugged.",
        participant="r",
    )
    naming = _doc(
        "naming",
        "This parcel locker by the station is the best thing about the delivery service.",
        participant="n",
    )
    docs = [pointing, naming, *_on_topic_docs()]
    quotes = _pick(docs, [3.0, 2.5] + [2.0] * len(ON_TOPIC))
    assert "pointing" not in quotes
    assert "naming" in quotes
