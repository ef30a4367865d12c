"""Theme building from precomputed terms, on small communities written for these tests."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from research.analysis.theme_labels import (
    LABEL_MAX_CHARS,
    BrandNames,
    LabelCasing,
    quote_excerpt,
    theme_label,
)
from research.analysis.themes import _Corpus, assign_to_themes, build_themes
from research.analysis.types import CodeSpec, PreviousTheme, ThemeDoc

# Three things customers talk about, each with its own nouns and its own way of being described.
GROUPS = {
    "delivery": (
        ("parcel", "courier", "delivery", "package"),
        ("late", "arrive", "damaged", "track", "lose"),
    ),
    "app": (("app", "login", "screen", "update"), ("crash", "freeze", "slow", "buggy", "load")),
    "price": (("price", "fee", "cost", "charge"), ("high", "hidden", "expensive", "fair", "cheap")),
}
SENTIMENTS = ("positive", "negative", "neutral")


def make_docs(
    n_per_group: int = 40, *, start: int = 0, seed: int = 1
) -> tuple[list[ThemeDoc], dict[str, str]]:
    rng = random.Random(seed)
    docs: list[ThemeDoc] = []
    truth: dict[str, str] = {}
    for g, (nouns, contexts) in GROUPS.items():
        for n in range(start, start + n_per_group):
            picked = rng.sample(nouns, 2)
            terms = list(picked)
            for noun in picked:
                terms.extend(f"{noun}~{c}" for c in rng.sample(contexts, 2))
            key = f"{g}-{n:03d}"
            docs.append(
                ThemeDoc(
                    key=key,
                    participant=f"p{n % 7}",
                    text=f"Post {key}: the {picked[0]} and the {picked[1]} were {' and '.join(contexts[:2])} again.",
                    terms=tuple(terms),
                    sentiment=SENTIMENTS[n % 3],
                )
            )
            truth[key] = g
    return docs, truth


def majority(theme, truth):
    counts: dict[str, int] = {}
    for key in theme.doc_keys:
        counts[truth[key]] = counts.get(truth[key], 0) + 1
    group = max(counts, key=counts.get)
    return group, counts[group] / len(theme.doc_keys)


def test_it_groups_posts_that_talk_about_the_same_things():
    docs, truth = make_docs()
    themes = build_themes(docs)
    assert len(themes) == 3
    groups = set()
    for theme in themes:
        group, purity = majority(theme, truth)
        groups.add(group)
        assert purity >= 0.9
        assert len(theme.doc_keys) >= 35
    assert groups == set(GROUPS)


def test_it_labels_themes_with_readable_terms_from_the_posts():
    docs, truth = make_docs()
    for theme in build_themes(docs):
        group, _ = majority(theme, truth)
        nouns = GROUPS[group][0]
        assert theme.terms[0] in nouns
        assert any(noun in theme.label.lower() for noun in nouns)
    assert len({t.label for t in build_themes(docs)}) == 3


def test_it_counts_participants_and_the_sentiment_mix():
    docs, _ = make_docs()
    for theme in build_themes(docs):
        assert theme.participant_count == 7
        assert sum(theme.sentiment_mix.values()) == len(theme.doc_keys)
        assert set(theme.sentiment_mix) == set(SENTIMENTS)


def test_it_picks_three_to_five_diverse_quotes_from_the_theme():
    docs, _ = make_docs()
    by_key = {d.key: d for d in docs}
    for theme in build_themes(docs):
        assert 3 <= len(theme.quote_keys) <= 5
        assert len(set(theme.quote_keys)) == len(theme.quote_keys)
        assert set(theme.quote_keys) <= set(theme.doc_keys)
        assert len({by_key[k].participant for k in theme.quote_keys}) == len(theme.quote_keys)
        assert len({by_key[k].sentiment for k in theme.quote_keys}) >= 2


def test_it_lets_a_post_belong_to_several_themes():
    docs, truth = make_docs()
    both = ThemeDoc(
        key="mixed",
        participant="p1",
        text="The app froze and the fee was hidden.",
        terms=("app", "app~freeze", "fee", "fee~hidden"),
        sentiment="negative",
    )
    themes = build_themes([*docs, both])
    holding = [majority(t, {**truth, "mixed": "app"})[0] for t in themes if "mixed" in t.doc_keys]
    assert sorted(holding) == ["app", "price"]


def test_it_gives_the_same_themes_for_the_same_posts_in_any_order():
    docs, _ = make_docs()
    shuffled = list(docs)
    random.Random(7).shuffle(shuffled)
    first = [t.to_json() for t in build_themes(docs)]
    assert [t.to_json() for t in build_themes(shuffled)] == first
    assert [t.to_json() for t in build_themes(docs)] == first


def test_it_keeps_a_themes_identity_across_refreshes():
    docs, truth = make_docs()
    before = build_themes(docs)
    previous = [PreviousTheme(key=t.key, terms=tuple(t.terms), doc_keys=tuple(t.doc_keys)) for t in before]
    renamed = {majority(t, truth)[0]: t.key for t in before}

    more, more_truth = make_docs(15, start=100, seed=2)
    after = build_themes([*docs, *more], previous=previous)
    truth.update(more_truth)
    for theme in after:
        group, _ = majority(theme, truth)
        assert theme.key == renamed[group]
        assert theme.matched_previous == renamed[group]


def test_it_gives_a_new_theme_a_new_key():
    docs, truth = make_docs()
    app_only = [d for d in docs if truth[d.key] == "app"]
    previous = [
        PreviousTheme(key="old-app", terms=tuple(t.terms), doc_keys=tuple(t.doc_keys))
        for t in build_themes(app_only, max_themes=1)
    ]
    after = build_themes(docs, previous=previous)
    keys = {majority(t, truth)[0]: t.key for t in after}
    assert keys["app"] == "old-app"
    assert keys["price"] != "old-app" and keys["delivery"] != "old-app"
    assert len(set(keys.values())) == 3


# Nouns a community talks about, each usually described its own way but often not: no clear-cut
# groups, so which themes a fresh start lands on is fragile.
LOOSE_NOUNS = (
    "parcel",
    "courier",
    "app",
    "login",
    "screen",
    "price",
    "fee",
    "staff",
    "queue",
    "size",
    "fit",
    "email",
    "offer",
    "refund",
    "return",
    "quality",
    "fabric",
    "colour",
    "stock",
    "website",
    "sofa",
    "lamp",
)
LOOSE_WORDS = (
    "late",
    "slow",
    "crash",
    "high",
    "rude",
    "friendly",
    "small",
    "spam",
    "quick",
    "thin",
    "soft",
    "bright",
    "missing",
    "easy",
    "broken",
    "cheap",
    "long",
    "lovely",
)


def loose_docs(seed: int, n: int) -> list[ThemeDoc]:
    rng = random.Random(seed)
    usual = {a: rng.sample(LOOSE_WORDS, 3) for a in LOOSE_NOUNS}
    docs = []
    for i in range(n):
        picked = rng.sample(LOOSE_NOUNS, rng.choice((1, 2, 2, 3)))
        terms = set(picked)
        for a in picked:
            for _ in range(2):
                word = rng.choice(usual[a]) if rng.random() < 0.8 else rng.choice(LOOSE_WORDS)
                terms.add(f"{a}~{word}")
        docs.append(
            ThemeDoc(
                key=f"d{i:04d}",
                participant=f"p{i % 23}",
                text=f"The {' and '.join(picked)}.",
                terms=tuple(sorted(terms)),
                sentiment=SENTIMENTS[i % 3],
            )
        )
    return docs


def test_a_full_refresh_after_a_few_more_posts_finds_the_same_themes():
    for seed in (0, 6, 8):
        docs = loose_docs(seed, 244)
        before = build_themes(docs[:240])
        previous = [
            PreviousTheme(key=t.key, terms=tuple(t.terms), doc_keys=tuple(t.doc_keys), label=t.label)
            for t in before
        ]
        after = build_themes(docs, previous=previous)
        assert sorted((t.key, t.label, t.terms[0]) for t in after) == sorted(
            (t.key, t.label, t.terms[0]) for t in before
        ), seed
        joined = {k for t in after for k in t.doc_keys}
        assert {d.key for d in docs[240:]} <= joined
        # Same input, same output: the previous run is part of the input.
        assert [t.to_json() for t in build_themes(docs, previous=previous)] == [t.to_json() for t in after]


def _introductions(n: int = 24) -> list[ThemeDoc]:
    rng = random.Random(5)
    family = ("husband", "kid", "daughter", "sister", "dog", "job")
    said = ("live", "two", "young", "love", "work", "retired")
    towns = ("Leeds", "Hull", "Bath", "York", "Derby", "Luton")
    docs = []
    for i in range(n):
        picked = rng.sample(family, 2)
        terms = [*picked, *(f"{a}~{rng.choice(said)}" for a in picked)]
        text = f"Hi all, [NAME] here, from {towns[i % 6]}. I live with my {picked[0]} and my {picked[1]}."
        if i % 4 == 0:
            terms += ["app", "app~crash"]
            text += " The app keeps crashing on me."
        docs.append(
            ThemeDoc(
                key=f"intro-{i:03d}",
                participant=f"p{i}",
                text=text,
                terms=tuple(terms),
                sentiment="neutral",
                prompt="Welcome!\n\nSay hello to everyone.",
            )
        )
    return docs


def test_a_thread_of_self_introductions_does_not_make_themes_of_families():
    docs, truth = make_docs()
    docs = [replace(d, prompt=f"Discussion {i % 3}") for i, d in enumerate(docs)]
    intros = _introductions()
    themes = build_themes([*docs, *intros])
    heads = {t.terms[0] for t in themes}
    assert heads.isdisjoint({"husband", "kid", "daughter", "sister", "dog", "job"})
    truth.update({d.key: "introduction" for d in intros})
    assert sorted(majority(t, truth)[0] for t in themes) == ["app", "delivery", "price"]
    # What an introduction does say about the brand still counts in its theme.
    app = next(t for t in themes if t.terms[0] in GROUPS["app"][0])
    assert {d.key for d in intros if "app" in d.terms} <= set(app.doc_keys)


def test_a_post_opening_with_a_name_outside_an_introductions_thread_counts_in_full():
    docs, truth = make_docs()
    named = [replace(d, text=f"[NAME], {d.text}") if i % 9 == 0 else d for i, d in enumerate(docs)]
    assert [(t.terms, t.doc_keys) for t in build_themes(named)] == [
        (t.terms, t.doc_keys) for t in build_themes(docs)
    ]


def test_two_words_people_use_alike_are_one_theme():
    rng = random.Random(3)
    said_of_places = ("busy", "open", "close", "messy", "tidy")
    groups = {
        "shop": (("shop", "store"), ("staff", "till", "fitting"), said_of_places),
        **{g: ((nouns[0],), nouns[1:], ctx) for g, (nouns, ctx) in GROUPS.items()},
    }
    docs = []
    for g, (heads, nouns, ctx) in groups.items():
        for i in range(30):
            # "shop" and "store" alternate: each post says one of them, never both.
            head, other = heads[i % len(heads)], rng.choice(nouns)
            terms = [head, other, *(f"{head}~{c}" for c in rng.sample(ctx, 2)), f"{other}~{rng.choice(ctx)}"]
            docs.append(
                ThemeDoc(
                    key=f"{g}-{i:03d}",
                    participant=f"p{i % 9}",
                    text=f"The {head} and the {other} were {ctx[0]}.",
                    terms=tuple(terms),
                    sentiment="neutral",
                )
            )
    themes = build_themes(docs)
    with_shop = [t for t in themes if "shop" in t.terms]
    assert len(with_shop) == 1 and "store" in with_shop[0].terms
    assert {f"shop-{i:03d}" for i in range(30)} <= set(with_shop[0].doc_keys)


def test_a_codebook_code_draws_the_posts_that_match_it():
    docs, truth = make_docs()
    code = CodeSpec(
        key="c1",
        name="Hidden charges",
        description="Customers surprised by a fee or charge they did not expect",
        examples=("the fees were hidden", "an extra charge at checkout"),
    )
    themes = build_themes(docs, codes=[code])
    coded = [t for t in themes if t.code_key == "c1"]
    assert len(coded) == 1
    theme = coded[0]
    assert theme.label == "Hidden charges"
    group, purity = majority(theme, truth)
    assert group == "price" and purity >= 0.9
    # The code also pulls in the theme's other words, not only the ones it names.
    assert {"price", "cost"} & set(theme.terms)


def test_it_respects_max_themes():
    docs, _ = make_docs()
    assert len(build_themes(docs, max_themes=2)) <= 2


def test_it_returns_no_themes_without_posts_or_terms():
    assert build_themes([]) == []
    empty = [
        ThemeDoc(key=str(n), participant="p", text="hi", terms=(), sentiment="neutral") for n in range(5)
    ]
    assert build_themes(empty) == []


def test_new_posts_join_existing_themes_without_a_refit():
    docs, truth = make_docs()
    themes = build_themes(docs)
    group_of = {t.key: majority(t, truth)[0] for t in themes}
    new = [
        ThemeDoc(
            key="n1", participant="p9", text="", terms=("courier", "courier~late"), sentiment="negative"
        ),
        ThemeDoc(key="n2", participant="p9", text="", terms=("login", "screen"), sentiment="negative"),
        ThemeDoc(key="n3", participant="p9", text="", terms=("weather",), sentiment="neutral"),
    ]
    assigned = assign_to_themes(new, themes)
    assert [group_of[k] for k in assigned["n1"]] == ["delivery"]
    assert [group_of[k] for k in assigned["n2"]] == ["app"]
    assert assigned["n3"] == []


def test_a_code_named_by_what_people_say_finds_what_they_say_it_about():
    docs, truth = make_docs()
    code = CodeSpec(key="c2", name="Crashes and freezes", examples=("it crashed again", "keeps freezing"))
    coded = [t for t in build_themes(docs, codes=[code]) if t.code_key == "c2"]
    assert len(coded) == 1
    group, purity = majority(coded[0], truth)
    assert group == "app" and purity >= 0.9


# --- Labels and quotes, on a banking app's community ---

# Each topic: (aspect lemma, how posts write it), what is typically said of it (lemma, as written,
# sentiment) and a rarer opinion, so the typical one has to win on counts.
BANK = {
    "transfers": (("transfer", "transfers"), ("slow", "slow", "negative"), ("quick", "quick", "positive")),
    "support": (("advisor", "advisors"), ("helpful", "helpful", "positive"), ("rude", "rude", "negative")),
    "cards": (("card", "cards"), ("block", "blocked", "negative"), ("arrive", "arrived", "neutral")),
}
# Things people mention alongside, so posts are not all alike.
EXTRAS = ("weekend", "salary", "branch", "phone", "account", "holiday")
TEMPLATES = (
    "{Op} {asp} again this week, {extra} or not.",
    "Honestly the {asp} were {op} when I needed them around my {extra}.",
    "The {asp} were really {op}, nothing else to say about the {extra}.",
    "My {extra} aside, {op} {asp} every single time.",
)


def bank_docs(n_per_topic: int = 24) -> list[ThemeDoc]:
    docs = []
    for t, (topic, ((lemma, written), typical, rare)) in enumerate(BANK.items()):
        for n in range(n_per_topic):
            op_lemma, op_written, sentiment = rare if n % 6 == 5 else typical
            extra = EXTRAS[(n + t) % len(EXTRAS)]
            template = TEMPLATES[n % len(TEMPLATES)]
            text = template.format(Op=op_written.capitalize(), op=op_written, asp=written, extra=extra)
            docs.append(
                ThemeDoc(
                    key=f"{topic}-{n:02d}",
                    participant=f"m{(n * 5 + t) % 11}",
                    text=text,
                    terms=(lemma, f"{lemma}~{op_lemma}", extra),
                    sentiment=sentiment,
                )
            )
    return docs


def topic_of(theme) -> str:
    return Counter(k.split("-")[0] for k in theme.doc_keys).most_common(1)[0][0]


def label_for(topic_docs: list[ThemeDoc], head: str, used: set[str] | None = None) -> str:
    """The label of a theme made of `topic_docs`, among other posts of the community."""
    corpus = _Corpus([*topic_docs, *bank_docs(12)])
    keys = {d.key for d in topic_docs}
    members = [d for d, doc in enumerate(corpus.docs) if doc.key in keys]
    return theme_label([head], members, corpus, set() if used is None else used)


def test_a_label_names_the_aspect_with_what_is_typically_said_of_it():
    labels = {topic_of(t): t.label for t in build_themes(bank_docs())}
    assert labels == {"transfers": "Slow transfers", "support": "Helpful advisors", "cards": "Blocked cards"}


def test_labels_are_short_distinct_phrases_not_lists_of_terms():
    themes = build_themes(bank_docs())
    labels = [t.label for t in themes]
    assert len({label.lower() for label in labels}) == len(labels)
    for theme in themes:
        assert "," not in theme.label and len(theme.label) <= LABEL_MAX_CHARS
        assert theme.label[0].isupper()
        # The aspect as people wrote it, not its lemma.
        assert theme.terms[0] in theme.label.lower()


def test_a_label_is_only_the_aspect_when_no_opinion_dominates():
    docs = []
    for n, word in enumerate(["late", "early", "fine", "great", "odd", "busy"] * 4):
        docs.append(
            ThemeDoc(
                key=f"s-{n:02d}",
                participant=f"m{n}",
                text=f"The statements were {word} this month.",
                terms=("statement", f"statement~{word}"),
                sentiment="neutral",
            )
        )
    assert label_for(docs, "statement") == "Statements"


def test_an_opinion_that_takes_a_side_in_a_divided_theme_does_not_name_it():
    # "rude" is the word said most, but the theme is divided: 10 complaints, 14 words of praise.
    words = ["rude"] * 10 + ["helpful"] * 8 + ["clear"] * 6
    docs = [
        ThemeDoc(
            key=f"a-{n:02d}",
            participant=f"m{n % 9}",
            text=f"The advisors were {word} on the phone.",
            terms=("advisor", f"advisor~{word}", "phone"),
            sentiment="negative" if word == "rude" else "positive",
        )
        for n, word in enumerate(words)
    ]
    assert label_for(docs, "advisor") == "Advisors"
    # The same words in a theme that leans negative: now "rude" is what it is about.
    leaning = [replace(d, sentiment="negative" if "rude" in d.text else "neutral") for d in docs]
    assert label_for(leaning, "advisor") == "Rude advisors"


def test_a_negated_opinion_is_not_read_as_the_opinion():
    docs = [
        ThemeDoc(
            key=f"o-{n:02d}",
            participant=f"m{n}",
            text="The overdraft fees were not fair at all."
            if n % 2
            else "The overdraft fees were never fair.",
            terms=("fee", "overdraft fee", "fee~fair"),
            sentiment="negative",
        )
        for n in range(20)
    ]
    assert label_for(docs, "fee") == "Overdraft fees"


def test_a_word_always_written_before_the_aspect_becomes_part_of_its_name():
    docs = [
        ThemeDoc(
            key=f"l-{n:02d}",
            participant=f"m{n}",
            text=f"Opening {'the' if n % 3 else 'my'} savings pots {['takes ages', 'is easy', 'went fine'][n % 3]}.",
            terms=("pot", "pot~open"),
            sentiment="neutral",
        )
        for n in range(20)
    ]
    assert label_for(docs, "pot") == "Opening savings pots"


def test_a_label_never_shows_what_redaction_removed():
    # The parse took a name for part of the aspect ("Bob's mortgage team" -> "bob team");
    # the redacted text the label is read from has only the placeholder.
    docs = [
        ThemeDoc(
            key=f"r-{n:02d}",
            participant=f"m{n}",
            text=f"Spoke to [NAME] mortgage team, they were {'slow' if n % 2 else 'helpful'}.",
            terms=("team", "bob team", "team~slow" if n % 2 else "team~helpful"),
            sentiment="neutral",
        )
        for n in range(20)
    ]
    assert label_for(docs, "team") == "Mortgage team"


def test_a_label_taken_by_another_theme_or_code_is_not_reused():
    docs = bank_docs()
    code = CodeSpec(key="c9", name="slow transfers", description="", examples=("transfers were slow",))
    themes = build_themes(docs, codes=[code])
    labels = [t.label.lower() for t in themes]
    assert labels.count("slow transfers") == 1
    assert len(set(labels)) == len(labels)

    corpus = _Corpus(docs)
    members = [d for d, doc in enumerate(corpus.docs) if doc.key.startswith("transfers")]
    used = {"Slow transfers"}
    second = theme_label(["transfer"], members, corpus, used)
    assert second.lower() != "slow transfers" and "transfers" in second.lower()
    assert theme_label(["transfer"], members, corpus, used).lower() not in {"slow transfers", second.lower()}


def test_the_same_posts_give_the_same_labels():
    docs = bank_docs()
    shuffled = list(docs)
    random.Random(3).shuffle(shuffled)
    assert [t.label for t in build_themes(docs)] == [t.label for t in build_themes(shuffled)]


def test_quotes_skip_copies_long_rambles_and_repeat_authors():
    docs = []
    for n in range(16):
        docs.append(
            ThemeDoc(
                key=f"q-{n:02d}",
                participant="same" if n < 8 else f"m{n}",
                text="The transfers were slow again, two days for my rent." if n < 8 else bank_text(n),
                terms=("transfer", "transfer~slow"),
                sentiment="negative" if n % 3 else "positive",
            )
        )
    ramble = " ".join(["Let me tell you about my week."] * 20) + " Also the transfers were slow."
    docs.append(
        ThemeDoc(
            key="q-long",
            participant="m99",
            text=ramble,
            terms=("transfer", "transfer~slow", "week", "week~tell"),
            sentiment="negative",
        )
    )
    docs += [d for d in bank_docs(12) if not d.key.startswith("transfers")]
    theme = next(t for t in build_themes(docs) if topic_of(t) == "q")
    by_key = {d.key: d for d in docs}
    quotes = [by_key[k] for k in theme.quote_keys]
    assert len(quotes) == 5
    assert len({q.participant for q in quotes}) == 5
    assert len({q.text for q in quotes}) == 5
    assert "q-long" not in theme.quote_keys
    # The theme is two-thirds negative, one third positive: both sides are heard.
    assert {q.sentiment for q in quotes} == {"negative", "positive"}


def bank_text(n: int) -> str:
    return [
        "Paying my builder took three days because transfers are slow.",
        "Slow transfers again, so the school fees went in late.",
        "Why is a transfer between my own accounts slow on a Friday?",
        "Sent money to my sister on Monday; it arrived Thursday. So slow.",
        "International transfers are painfully slow compared with other apps.",
        "My deposit transfer sat pending all weekend, slow as usual.",
        "I gave up waiting and used another bank, transfers here are that slow.",
        "Transfers used to be instant, lately they are slow and nobody explains why.",
    ][n % 8]


def test_a_small_theme_quotes_every_post_it_has():
    docs = [d for d in bank_docs(12)]
    for theme in build_themes(docs):
        assert 3 <= len(theme.quote_keys) <= 5
        assert set(theme.quote_keys) <= set(theme.doc_keys)


def test_an_excerpt_keeps_the_sentence_about_the_theme():
    text = (
        "I have banked here for twenty years and mostly it has been fine. "
        "My partner handles the savings and I do the bills. "
        "Last month the transfer to my landlord took four days and I paid a late fee. "
        "The app itself looks nice enough. We will see how it goes next year, I suppose, fingers crossed."
    )
    excerpt = quote_excerpt(text, ["transfer", "fee"], max_chars=120)
    assert "the transfer to my landlord took four days" in excerpt
    assert len(excerpt) <= 122
    assert excerpt.startswith("…") and excerpt.endswith("…")
    assert quote_excerpt("Short and to the point.", ["transfer"]) == "Short and to the point."


def test_an_excerpt_of_one_long_sentence_is_cut_at_a_word():
    text = "The transfer " + "really " * 80 + "took forever."
    excerpt = quote_excerpt(text, ["transfer"], max_chars=100)
    assert excerpt.startswith("The transfer really") and excerpt.endswith("really…")
    assert len(excerpt) <= 101


# --- Labels across refreshes ---


def transfer_docs(opinions: Sequence[tuple[str, str]], *, start: int = 0) -> list[ThemeDoc]:
    """Posts about transfers, one per (opinion as written, sentiment)."""
    docs = []
    for n, (word, sentiment) in enumerate(opinions, start=start):
        lemma = {"delayed": "delay"}.get(word, word)
        extra = EXTRAS[n % len(EXTRAS)]
        text = TEMPLATES[n % len(TEMPLATES)].format(
            Op=word.capitalize(), op=word, asp="transfers", extra=extra
        )
        docs.append(
            ThemeDoc(
                key=f"transfers-{n:02d}",
                participant=f"m{n % 11}",
                text=text,
                terms=("transfer", f"transfer~{lemma}", extra),
                sentiment=sentiment,
            )
        )
    return docs


def others(n_per_topic: int = 24) -> list[ThemeDoc]:
    return [d for d in bank_docs(n_per_topic) if not d.key.startswith("transfers")]


def refreshed(before: list[ThemeDoc], after: list[ThemeDoc]) -> tuple[str, str, str]:
    """The transfers theme's label on `before`, then on `after` with and without that history."""
    first = build_themes(before)
    previous = [
        PreviousTheme(key=t.key, terms=tuple(t.terms), doc_keys=tuple(t.doc_keys), label=t.label)
        for t in first
    ]
    again = build_themes(after, previous=previous)
    old = next(t for t in first if topic_of(t) == "transfers")
    kept = next(t for t in again if topic_of(t) == "transfers")
    assert kept.key == old.key
    fresh = next(t for t in build_themes(after) if topic_of(t) == "transfers")
    return old.label, kept.label, fresh.label


SLOW, DELAYED = ("slow", "negative"), ("delayed", "negative")


def test_more_posts_of_the_same_kind_keep_a_themes_label():
    before = transfer_docs([SLOW] * 14 + [DELAYED] * 10)
    # 20 more complaints, most of them "delayed": on their own they would rename the theme,
    # but "slow" is still said in half its posts, so clients keep reading the same label.
    more = transfer_docs([DELAYED] * 14 + [SLOW] * 6, start=24)
    old, kept, fresh = refreshed([*before, *others()], [*before, *more, *others()])
    assert (old, fresh) == ("Slow transfers", "Delayed transfers")
    assert kept == "Slow transfers"


def test_a_theme_whose_content_moved_gets_a_new_label():
    before = transfer_docs([SLOW] * 20 + [("quick", "positive")] * 4)
    # The bank fixed transfers: people now praise them, and "slow" goes against how the theme leans.
    more = transfer_docs([("quick", "positive")] * 40, start=24)
    old, kept, fresh = refreshed([*before, *others(36)], [*before, *more, *others(36)])
    assert old == "Slow transfers"
    assert kept == fresh == "Quick transfers"


def test_a_label_whose_aspect_is_no_longer_what_the_theme_is_about_is_replaced():
    docs = [*transfer_docs([SLOW] * 24), *others()]
    first = build_themes(docs)
    theme = next(t for t in first if topic_of(t) == "transfers")
    # The label a theme had when it was mostly about cards: cards are not among its aspects now.
    previous = [
        PreviousTheme(key=theme.key, terms=("card",), doc_keys=tuple(theme.doc_keys), label="Blocked cards")
    ]
    again = next(t for t in build_themes(docs, previous=previous) if t.key == theme.key)
    assert again.label == "Slow transfers"


def test_the_same_posts_and_history_give_the_same_labels():
    before = transfer_docs([SLOW] * 14 + [DELAYED] * 10)
    after = [*before, *transfer_docs([DELAYED] * 14 + [SLOW] * 6, start=24), *others()]
    previous = [
        PreviousTheme(key=t.key, terms=tuple(t.terms), doc_keys=tuple(t.doc_keys), label=t.label)
        for t in build_themes([*before, *others()])
    ]
    shuffled = list(after)
    random.Random(5).shuffle(shuffled)
    runs = [build_themes(after, previous=previous), build_themes(shuffled, previous=previous[::-1])]
    assert [t.label for t in runs[0]] == [t.label for t in runs[1]]
    assert [t.label for t in build_themes(after)] == [t.label for t in build_themes(shuffled)]


def test_a_kept_label_is_not_given_to_two_themes():
    docs = bank_docs()
    first = build_themes(docs)
    # Both themes were once called "Slow transfers" (a label a researcher imported, say).
    previous = [
        PreviousTheme(key=t.key, terms=tuple(t.terms), doc_keys=tuple(t.doc_keys), label="Slow transfers")
        for t in first
    ]
    labels = [t.label.lower() for t in build_themes(docs, previous=previous)]
    assert labels.count("slow transfers") == 1 and len(set(labels)) == len(labels)


# --- How labels are written ---


def cased_docs(texts: Sequence[str], terms: Sequence[str], topic: str) -> list[ThemeDoc]:
    return [
        ThemeDoc(
            key=f"{topic}-{n:02d}",
            participant=f"m{n % 9}",
            text=text,
            terms=tuple(terms),
            sentiment="neutral",
        )
        for n, text in enumerate(texts)
    ]


def test_a_label_writes_brand_names_as_the_community_spells_them():
    # People type the brand in lower case; the community's lexicon says how it is spelled.
    docs = cased_docs(
        [
            f"I opened the h&l app {when} and it was {mood}."
            for when in ("today", "again", "twice")
            for mood in ("fine", "ok", "odd", "busy")
        ],
        ("app", "h&l app"),
        "app",
    )
    corpus = _Corpus([*docs, *bank_docs(12)])
    members = [d for d, doc in enumerate(corpus.docs) if doc.key.startswith("app")]
    brands = ("Hearth & Loom", "H&L")
    assert theme_label(["app"], members, corpus, set(), LabelCasing(corpus, brands)) == "H&L app"
    assert theme_label(["app"], members, corpus, set()) == "H&l app"  # no lexicon: as typed, capitalised
    assert LabelCasing(corpus, brands).apply("hearth & loom app") == "Hearth & Loom app"


def test_a_label_writes_words_as_people_usually_do_without_capitalising_ordinary_words():
    texts = [
        "The Wi-Fi is slow upstairs.",
        "Slow Wi-Fi again in the cafe.",
        "Honestly the Wi-Fi was slow all day.",
        "Wi-Fi is slow, my iPhone keeps dropping it.",
        "The Wi-Fi was slow and the iPhone app froze.",
        "Slow wifi, slow Wi-Fi, whatever you call it.",
    ] * 2
    docs = cased_docs(texts, ("wi-fi", "wi-fi~slow"), "wifi")
    corpus = _Corpus([*docs, *bank_docs(12)])
    members = [d for d, doc in enumerate(corpus.docs) if doc.key.startswith("wifi")]
    casing = LabelCasing(corpus)
    assert theme_label(["wi-fi"], members, corpus, set(), casing) == "Slow Wi-Fi"
    assert casing.apply("iphone app") == "iPhone app"
    # "Slow" opens sentences but is lower case inside them: an ordinary word, not a name.
    assert casing.apply("app is slow") == "App is slow"


def test_a_few_title_capitals_do_not_make_a_word_a_name():
    texts = ["Loved the 'Weekend Edit' email, the Weekend Edit is my favourite.", "My weekend was quiet."]
    corpus = _Corpus(cased_docs(texts, ("email",), "mail"))
    assert LabelCasing(corpus).apply("weekend emails") == "Weekend emails"
    assert LabelCasing(corpus).apply("emails at the weekend") == "Emails at the weekend"


GYM = {
    "rooms": [
        "The changing rooms are dirty again.",
        "Dirty changing rooms every evening, the bins overflow.",
        "Honestly the changing rooms were dirty and smelly.",
        "Changing rooms are cramped and dirty at peak time.",
        "I love the sauna but the changing rooms are dirty.",
        "The changing rooms were dirty when I came in after work.",
    ],
    "instructors": [
        "The instructors are friendly and know their stuff.",
        "Friendly instructors, especially on Mondays.",
        "My instructor was friendly and patient with my bad knee.",
        "The yoga instructor is brilliant and very friendly.",
        "The instructors are friendly even when it is packed.",
        "Spin is fun because the instructors are friendly.",
    ],
    "app": [
        "The booking app crashes when I try to reserve a class.",
        "App crashes every time I open the timetable.",
        "The app keeps crashing on my phone since the update.",
        "Booking a class in the app is slow and it crashes.",
        "Since the update the app crashes at checkout.",
        "I cannot book anything, the app crashes constantly.",
    ],
}


def test_labels_read_well_from_real_enrichment_of_a_gyms_posts():
    from research.analysis.enrich import enrich_texts
    from research.analysis.pipeline import get_nlp
    from research.analysis.types import BrandLexicon

    texts = [
        (topic, f"{prefix}{line}")
        for prefix in ("", "Again: ", "Week two. ")
        for topic, lines in GYM.items()
        for line in lines
    ]
    enriched = enrich_texts([t for _, t in texts], lexicon=BrandLexicon(), nlp=get_nlp())
    docs = [
        ThemeDoc(
            key=f"{topic}-{n:02d}",
            participant=f"m{n % 13}",
            text=e.redacted_text,
            terms=tuple(e.terms),
            sentiment=e.sentiment,
        )
        for n, ((topic, _), e) in enumerate(zip(texts, enriched, strict=True))
    ]
    themes = build_themes(docs)
    assert len({t.label.lower() for t in themes}) == len(themes)
    assert all("," not in t.label and len(t.label) <= LABEL_MAX_CHARS for t in themes)
    labels: dict[str, str] = {}
    for theme in themes:  # largest first: the main theme of each topic
        labels.setdefault(topic_of(theme), theme.label)
    assert labels["rooms"] == "Dirty changing rooms"
    assert labels["instructors"] == "Friendly instructors"
    assert "app" in labels["app"].lower() and "crash" in labels["app"].lower()


TRIP_PROMPT = "Introduce yourself\n\nTell us about your last shopping trips: what did you go for?"


def _with_a_prompted_discussion(*, prompt: str) -> list[ThemeDoc]:
    """The three groups' posts, a third of them answering a question about their last trip, which
    nearly all of those answers name ("on my last trip...") and nobody else mentions."""
    docs, _ = make_docs()
    out = []
    for n, doc in enumerate(docs):
        if n % 3 == 0:
            terms = (*doc.terms, "trip", "trip~last", "trip~weekly") if n % 9 else doc.terms
            out.append(replace(doc, terms=terms, prompt=prompt))
        else:
            out.append(replace(doc, prompt="Anything else\n\nWhat else is on your mind?"))
    return out


def test_a_word_only_said_because_the_question_asked_it_is_no_theme():
    unprompted = build_themes(_with_a_prompted_discussion(prompt=""))
    # Without knowing the question, "trip" is a theme of its own (the failure being fixed).
    assert any(t.terms[:1] == ["trip"] for t in unprompted)

    _, truth = make_docs()
    themes = build_themes(_with_a_prompted_discussion(prompt=TRIP_PROMPT))
    assert themes
    assert not any("trip" in t.terms for t in themes)
    # What people said about the trips still makes the themes.
    assert sorted(majority(t, truth)[0] for t in themes) == ["app", "delivery", "price"]
    assert all(majority(t, truth)[1] >= 0.9 for t in themes)


def _prompt_corpus(here: int, elsewhere: int) -> _Corpus:
    """Ten answers to a question about refunds, `here` of them naming refunds; ten posts
    elsewhere, `elsewhere` of them naming refunds unprompted."""
    docs = [
        ThemeDoc(
            key=f"a{n:02d}",
            participant=f"p{n}",
            text="",
            terms=("refund", "shop") if n < here else ("shop",),
            sentiment="neutral",
            prompt="Refunds\n\nHave you ever asked for a refund?",
        )
        for n in range(10)
    ]
    docs += [
        ThemeDoc(
            key=f"b{n:02d}",
            participant=f"p{n}",
            text="",
            terms=("refund", "shop") if n < elsewhere else ("shop",),
            sentiment="neutral",
            prompt="Shops\n\nWhere do you shop?",
        )
        for n in range(10)
    ]
    return _Corpus(docs)


def test_a_prompted_word_counts_only_beyond_how_often_it_is_said_unprompted():
    asked_about = _prompt_corpus(here=8, elsewhere=0)
    assert asked_about.weight(0, "refund") == 0.0
    assert asked_about.wdf["refund"] == 0.0

    said_more_when_asked = _prompt_corpus(here=8, elsewhere=2)
    assert said_more_when_asked.weight(0, "refund") == 0.25  # 2 in 10 unprompted, 8 in 10 asked
    assert said_more_when_asked.wdf["refund"] == 8 * 0.25 + 2

    said_as_often = _prompt_corpus(here=3, elsewhere=4)
    assert said_as_often.weight(0, "refund") == 1.0
    assert said_as_often.wdf["refund"] == 7
    # The posts that were not asked about refunds count them fully; a word the other question
    # asks ("shop") but everybody says anyway keeps its weight there too.
    assert said_more_when_asked.weight(10, "refund") == 1.0
    assert said_more_when_asked.weight(0, "shop") == 1.0
    assert said_more_when_asked.weight(10, "shop") == 1.0


def test_prompt_words_are_matched_as_the_posts_write_them():
    corpus = _Corpus(
        [
            ThemeDoc(
                key=f"d{n}",
                participant="p",
                text="",
                terms=("email", "shop", "trip"),
                sentiment="neutral",
                prompt="The emails we send\n\nYour last **shopping** trip?",
            )
            for n in range(3)
        ]
    )
    # One discussion only: nothing unprompted to compare with, so what it asks counts for nothing.
    assert [corpus.weight(0, t) for t in ("email", "shop", "trip")] == [0.0, 0.0, 0.0]


def test_small_community_groups_thinly_described_aspects_by_the_posts_they_share():
    # Each noun is described by one or two words, and those words cut across the real topics:
    # "parcel" and "lamp" are both "nice", "courier" and "towel" both "bad". Only the posts
    # they share tell that parcels go with couriers and lamps with towels.
    docs: list[ThemeDoc] = []
    rows = (
        ("parcel", "courier", "parcel~nice", "courier~bad"),
        ("lamp", "towel", "lamp~nice", "towel~bad"),
    )
    for n in range(6):
        for r, terms in enumerate(rows):
            docs.append(
                ThemeDoc(
                    key=f"p{r}-{n}",
                    participant=f"u{n}",
                    text=f"Post {n} about {terms[0]} and {terms[1]}.",
                    terms=terms[:2] + terms[2 + n % 2 : 3 + n % 2],
                    sentiment="neutral",
                )
            )
    themes = build_themes(docs, max_themes=2)
    groups = sorted(sorted(t.terms) for t in themes)
    assert groups == [["courier", "parcel"], ["lamp", "towel"]]
    for t in themes:
        assert len({k.split("-")[0] for k in t.doc_keys}) == 1


def test_a_plural_possessive_names_a_theme_without_its_apostrophe():
    docs = [
        ThemeDoc(
            key=f"a-{n:02d}",
            participant=f"m{n}",
            text=f"The kids' {word} were fine this term.",
            terms=("kid", f"kid~{word}"),
            sentiment="neutral",
        )
        for n, word in enumerate(["socks", "coats", "shoes", "hats", "vests", "shorts"] * 4)
    ]
    label = label_for(docs, "kid")
    assert not label.endswith(("'", "’")), label


# --- Brand programmes and the brand's own name ---

BRANDS = ("Hearth & Loom", "Hearth and Loom", "H&L", "Loom Points", "Tandem", "Nook Home", "Marlowe's")


def _with_loyalty_posts(n: int = 30) -> list[ThemeDoc]:
    """The three usual groups, and posts about the brand's loyalty scheme whose parse (as spaCy
    tags "Loom Points" a proper noun) gives no aspect for it; every post also names the brand."""
    docs, _ = make_docs()
    docs = [replace(d, terms=(*d.terms, "h&l", "tandem")) for d in docs]
    said = ("missing", "collect", "expire", "vanish")
    for i in range(n):
        docs.append(
            ThemeDoc(
                key=f"points-{i:03d}",
                participant=f"q{i % 5}",
                text=f"My Loom Points from H&L went {said[i % 4]} again, I keep checking the balance.",
                terms=("h&l", f"~{said[i % 4]}", f"~{said[(i + 1) % 4]}"),
                sentiment="negative",
            )
        )
    return docs


def test_a_brands_named_programme_forms_a_theme_named_as_the_brand_spells_it():
    docs = _with_loyalty_posts()
    themes = build_themes(docs, brands=BRANDS)
    loyalty = [t for t in themes if t.terms[:1] == ["loom points"]]
    assert len(loyalty) == 1
    assert loyalty[0].label == "Loom Points"
    held = {k for k in loyalty[0].doc_keys if k.startswith("points-")}
    assert len(held) == 30
    # Only the people who talk about the scheme hold it: it tells a client who cares.
    assert loyalty[0].participant_count == 5


def test_the_brands_own_name_is_never_a_theme_or_a_themes_term():
    themes = build_themes(_with_loyalty_posts(), brands=BRANDS)
    assert themes
    for theme in themes:
        assert not {"h&l", "tandem"} & set(theme.terms)
        assert theme.label.lower() not in {"h&l", "hearth & loom", "tandem"}
    # Without the lexicon the builder cannot tell: "h&l", in every post, is no theme either way,
    # but nothing finds the loyalty scheme.
    assert not any("loom points" in t.terms for t in build_themes(_with_loyalty_posts()))


def test_brand_names_tell_the_brand_from_what_it_names():
    posts = [
        ThemeDoc(
            key=f"d{n}",
            participant="p",
            text=f"I went to H&L and joined H&L Plus, and I think H&L I guess is fine. Hearth & Loom Rewards {n}.",
            terms=(),
            sentiment="neutral",
        )
        for n in range(4)
    ]
    names = BrandNames(BRANDS, LabelCasing(_Corpus(posts)))
    # "Loom Points" puts a brand word before a word of its own: a programme. "Hearth & Loom" ends
    # in a word another name shares, "Nook Home" is a whole name of its own: the brands themselves.
    assert names.listed == [("loom", "points")]
    assert {"hearth loom", "h&l", "tandem", "nook home", "marlowe"} <= names.bare
    assert names.programmes("Paid with loom points at Hearth & Loom.") == {"loom points"}
    assert names.programmes("Hearth & Loom, Hearth and Loom, H&L, Tandem, Nook Home.") == set()
    # Unlisted, found as written: capitalised words after a brand word people capitalise.
    assert names.programmes(posts[0].text) == {"h&l plus", "loom rewards"}
    assert names.programmes("Tandem Club") == set()  # nobody here writes "Tandem": not known as a name
    # A name holding the brand's whole name is the brand styling itself, not something it offers.
    assert BrandNames(("Acme", "ACME Stores"), LabelCasing(_Corpus(posts))).bare == {"acme", "acme stores"}


# --- How many themes ---


def test_posts_that_each_talk_about_several_things_hold_more_themes():
    # Six topics, each post naming two of its topic's nouns and three passing nouns (long answers
    # and diaries do that); as many posts as a community where one line says one thing.
    topics = [(f"n{t}a", f"n{t}b", f"n{t}c") for t in range(6)]
    passing = [f"x{i}" for i in range(40)]
    rng = random.Random(3)
    docs, truth = [], {}
    for t, nouns in enumerate(topics):
        for n in range(20):
            picked = rng.sample(nouns, 2)
            terms = [*picked, *(f"{noun}~say{t}{j}" for noun in picked for j in rng.sample(range(3), 2))]
            terms += rng.sample(passing, 3)
            key = f"t{t}-{n:02d}"
            docs.append(
                ThemeDoc(
                    key=key, participant=f"u{t}-{n % 4}", text=key, terms=tuple(terms), sentiment="neutral"
                )
            )
            truth[key] = str(t)
    themes = build_themes(docs)
    found = {majority(t, truth)[0] for t in themes if majority(t, truth)[1] >= 0.8 and len(t.doc_keys) >= 15}
    assert found == {str(t) for t in range(6)}
    assert len(themes) <= 12


def test_a_new_post_naming_a_brand_programme_joins_its_theme_without_a_refit():
    themes = build_themes(_with_loyalty_posts(), brands=BRANDS)
    loyalty = next(t for t in themes if t.terms[:1] == ["loom points"])
    new = ThemeDoc(
        key="new",
        participant="q9",
        text="Still no Loom  Points from my last shop.",
        terms=("shop",),
        sentiment="negative",
    )
    assert loyalty.key in assign_to_themes([new], themes)["new"]
    # Without the name it has nothing of the theme's.
    assert (
        loyalty.key
        not in assign_to_themes([replace(new, text="Still nothing from my last shop.")], themes)["new"]
    )


def test_a_label_does_not_repeat_an_aspect_inside_a_longer_one():
    docs = [
        ThemeDoc(
            key=f"c-{n:02d}",
            participant=f"m{n}",
            text=f"Customer service kept this customer waiting on day {n}.",
            terms=("customer service", "customer"),
            sentiment="neutral",
        )
        for n in range(8)
    ]
    corpus = _Corpus([*docs, *bank_docs(12)])
    members = list(range(len(docs)))
    label = theme_label(["customer service", "customer"], members, corpus, set())
    assert label == "Customer service"


def test_a_label_names_a_longer_aspect_alone_when_it_holds_the_first():
    both = [
        ThemeDoc(
            key=f"a-{n:02d}",
            participant=f"m{n}",
            text=f"Customer service kept this customer waiting on day {n}.",
            terms=("customer", "customer service"),
            sentiment="neutral",
        )
        for n in range(8)
    ]
    alone = [
        ThemeDoc(
            key=f"b-{n:02d}",
            participant=f"p{n}",
            text=f"Every customer queued outside on day {n}.",
            terms=("customer",),
            sentiment="neutral",
        )
        for n in range(4)
    ]
    corpus = _Corpus([*both, *alone, *bank_docs(12)])
    members = list(range(len(both) + len(alone)))
    label = theme_label(["customer", "customer service"], members, corpus, set())
    assert label == "Customer service"


# --- Labels that say what the posts say, short of a dominant opinion ---

# Words said once each of an aspect: nothing typical, each on its own an anecdote.
ONE_OFFS = (
    "late", "early", "fine", "odd", "busy", "clear", "long", "short", "new", "old", "plain", "thin",
    "blue", "white", "wrong", "tidy", "brief", "dense", "dull", "quiet", "messy", "bright", "rare", "full",
)  # fmt: skip


def statement_docs(n: int, *, start: int = 0, kind: str = "", people: int = 9) -> list[ThemeDoc]:
    """Posts about statements: of a `kind` ("paper statements") when given, else saying one of
    eight things of them, none more than the others."""
    docs = []
    for i in range(start, start + n):
        word = ONE_OFFS[i % 8]
        text = f"My {kind} statements came on day {i}." if kind else f"The statements were {word} this month."
        terms = ("statement", f"{kind} statement") if kind else ("statement", f"statement~{word}")
        docs.append(
            ThemeDoc(
                key=f"statements-{i:03d}",
                participant=f"s{i % people}",
                text=text,
                terms=terms,
                sentiment="neutral",
            )
        )
    return docs


def test_a_label_names_the_kind_of_thing_a_theme_talks_about_when_no_opinion_dominates():
    # A quarter of the posts are about paper statements; the rest say one thing each.
    docs = [*statement_docs(18), *statement_docs(6, start=18, kind="paper")]
    assert label_for(docs, "statement") == "Paper statements"
    # The same words from one person are that person's story, not the theme's.
    one_person = [*statement_docs(18), *statement_docs(6, start=18, kind="paper", people=1)]
    assert label_for(one_person, "statement") == "Statements"


def branch_docs(texts: Sequence[tuple[str, str]], nouns: Sequence[str] = ()) -> list[ThemeDoc]:
    """Posts about a bank's branch, each with what it says of it (a noun of `nouns` is an aspect too)."""
    return [
        ThemeDoc(
            key=f"b-{n:02d}",
            participant=f"m{n % 7}",
            text=text,
            terms=("branch", f"branch~{ctx}", *([ctx] if ctx in nouns else [])),
            sentiment="neutral",
        )
        for n, (text, ctx) in enumerate(texts)
    ]


def test_a_label_says_what_people_do_with_the_aspect_as_they_write_it():
    docs = branch_docs(
        [(f"I queued at the branch for {n} minutes.", "queue") for n in range(5, 11)]
        + [(f"The branch was {word} on Monday.", word) for word in ONE_OFFS[:14]]
    )
    assert label_for(docs, "branch") == "Queuing at the branch"


def test_a_label_is_about_the_aspect_itself_not_a_part_of_it():
    # More posts speak of the branch's opening hours, but a label "Hours of the branch" is about
    # hours; what people do at the branch is what they say of it.
    docs = branch_docs(
        [(f"The opening hours of the branch are {word}.", "hour") for word in ONE_OFFS[:8]]
        + [(f"I queued at the branch for {n} minutes.", "queue") for n in range(5, 10)]
        + [(f"The branch was {word} on Monday.", word) for word in ONE_OFFS[8:20]],
        nouns=("hour",),
    )
    assert label_for(docs, "branch") == "Queuing at the branch"


def test_a_generic_noun_names_a_theme_only_with_what_is_said_of_it():
    login = [
        ThemeDoc(
            key=f"p-{n:02d}",
            participant=f"m{n % 7}",
            text=f"I had a problem with the login on day {n}.",
            terms=("problem", "login", "problem~login"),
            sentiment="negative",
        )
        for n in range(12)
    ]
    corpus = _Corpus([*login, *bank_docs(12)])
    members = [d for d, doc in enumerate(corpus.docs) if doc.key.startswith("p-")]
    assert theme_label(["problem", "login"], members, corpus, set()) == "Problem with the login"

    vague = [
        replace(
            d, text=f"There was a problem, the login was {word}.", terms=("problem", "login", f"login~{word}")
        )
        for d, word in zip(login, ONE_OFFS, strict=False)
    ]
    corpus = _Corpus([*vague, *bank_docs(12)])
    assert theme_label(["problem", "login"], members, corpus, set()) == "Login"


def test_a_phrase_in_quotes_names_a_theme_without_its_quote_marks():
    docs = [
        ThemeDoc(
            key=f"q-{n:02d}",
            participant=f"m{n % 7}",
            text=f"Staff said the app is a 'clunky system' on day {n}.",
            terms=("system", "system~clunky"),
            sentiment="neutral",
        )
        for n in range(12)
    ]
    assert label_for(docs, "system") == "Clunky system"


def statements_theme(docs: Sequence[ThemeDoc], previous: Sequence[PreviousTheme] = ()):
    return next(t for t in build_themes(docs, previous=previous) if topic_of(t) == "statements")


def as_previous(themes) -> list[PreviousTheme]:
    return [
        PreviousTheme(key=t.key, terms=tuple(t.terms), doc_keys=tuple(t.doc_keys), label=t.label)
        for t in themes
    ]


def test_a_bare_label_gives_way_to_what_posts_now_say_and_the_new_label_then_holds():
    first = [*statement_docs(24), *others()]
    bare = build_themes(first)
    assert next(t for t in bare if topic_of(t) == "statements").label == "Statements"

    # Paper statements come up: clients now read what the theme is about.
    second = [*first, *statement_docs(8, start=24, kind="paper")]
    named = build_themes(second, previous=as_previous(bare))
    assert next(t for t in named if topic_of(t) == "statements").label == "Paper statements"

    # Then more about online statements: fresh, they would name the theme, but paper statements
    # are still much talked of, so the label clients know holds.
    third = [*second, *statement_docs(12, start=32, kind="online")]
    assert statements_theme(third).label == "Online statements"
    assert statements_theme(third, previous=as_previous(named)).label == "Paper statements"


def test_a_label_does_not_say_which_one_on_the_way():
    # Most posts say they walked past one branch, by its town's name: that says which branch,
    # and the label would carry a place's name. What people do at branches names the theme.
    docs = branch_docs(
        [(f"I walked past the Leeds branch on day {n}.", "walk") for n in range(8)]
        + [(f"I queued at the branch for {n} minutes.", "queue") for n in range(5, 10)]
        + [(f"The branch was {word} on Monday.", word) for word in ONE_OFFS[8:20]]
    )
    assert label_for(docs, "branch") == "Queuing at the branch"
