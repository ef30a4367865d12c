"""Theme building from precomputed terms, on small communities written for these tests."""

from __future__ import annotations

import random

from research.analysis.themes import assign_to_themes, build_themes
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
        assert any(noun in theme.label for noun in nouns)
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
