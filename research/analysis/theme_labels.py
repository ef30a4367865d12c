"""Readable theme labels and quote excerpts, from what a theme's posts actually say.

A label is the theme's main aspect as people write it ("changing rooms", "clothes",
not the parse's lemmas "room" and "clothe"), with the opinion most typically attached
to it when one dominates and agrees with how the theme leans ("slow delivery",
"app keeps crashing"). Short of that, with what its posts most distinctively say of
it, when one thing stands out ("marketing emails", "wait for a table"): a bare noun
tells a reader little, and a generic one ("problem") never names a theme alone.
Every word of a label is read from the redacted text of the theme's posts, so a
label never shows what redaction removed.

A quote is shown as the excerpt of its post that names the theme (`quote_excerpt`);
which posts are quoted is decided in `research/analysis/quotes.py`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

from research.analysis.types import ThemeDoc

LABEL_MAX_CHARS = 40
# An opinion names the theme only when it is said of the aspect often, and mostly of it.
OPINION_MIN_SHARE = 0.3
OPINION_MIN_POSTS = 3
OPINION_MIN_PRECISION = 0.2
# At most this many words between an aspect and what is said of it, for the phrase to be quoted.
SPAN_GAP = 3
SECOND_ASPECT_SHARE = 0.5
KEPT_SECOND_ASPECT_SHARE = 0.35
NAME_PREFIX_SHARE = 0.6
# Posts read per word to find how it is written: enough to see the usual forms, bounded for big themes.
SCAN_MAX_POSTS = 300
# Share of a theme's positive and negative posts that makes it lean one way.
OPINION_LEAN = 0.6
# A word kept before the aspect in an earlier label stays while it is still written there this often:
# half the share that makes it part of the name, so a label does not flip at the threshold.
NAME_PREFIX_KEEP_SHARE = NAME_PREFIX_SHARE / 2
# A word is written with capitals ("iPhone", "IKEA") when this share of its uses inside a sentence
# (where ordinary words are lower case) have them.
CAPITALISED_SHARE = 2 / 3

EXCERPT_MAX_CHARS = 280

# Nouns that say nothing on their own; a theme is named by what it is about.
VAGUE_NOUNS = frozenset(
    {"thing", "stuff", "way", "lot", "bit", "kind", "sort", "one", "day", "week", "month", "year", "moment"}
)
# English nouns that stand for whatever the sentence fills them with ("the problem is ...", "an issue
# with ..."): a theme may be about them, but "Problem" alone tells a reader nothing, so one names a
# theme only together with what its posts say of it.
SHELL_NOUNS = frozenset(
    {"problem", "issue", "time", "reason", "question", "point", "part", "fact", "idea", "matter", "situation"}
)
# A description (what a theme's posts say of its aspect, short of a dominant opinion) is said in at
# least this many of its posts, by more than one person, and scores this much above the next one:
# when several things are said about equally, none of them is what the theme is about.
DESCRIPTION_MIN_POSTS = 2
# ... and in at least one in twelve of the theme's posts naming the aspect: a couple of posts in a
# hundred are an anecdote, not what the theme is about.
DESCRIPTION_MIN_SHARE = 1 / 12
DESCRIPTION_LEAD = 1.25
# A kept description holds while it still scores this share of the best one (hysteresis).
DESCRIPTION_KEEP_SHARE = 0.5
# At most this many words in a label.
LABEL_MAX_WORDS = 6
# Words between an aspect and an adjective that make the adjective describe it ("staff were rude").
_LINKING = frozenset(
    {
        "is",
        "was",
        "are",
        "were",
        "be",
        "been",
        "being",
        "'s",
        "seems",
        "seemed",
        "feels",
        "felt",
        "looks",
        "looked",
        "became",
        "gets",
        "got",
        "very",
        "really",
        "so",
        "too",
        "quite",
        "pretty",
        "always",
        "often",
        "extremely",
        "incredibly",
        "super",
        "fairly",
    }
)
_NEGATIONS = frozenset({"not", "never", "no", "hardly", "barely", "nothing", "nobody"})
_SUFFIXES = ("s", "es", "ed", "d", "ing", "er", "est", "'s", "s'")

# Redaction placeholders ("[NAME]"), words (with "&" inside, as in "H&L"), numbers and other
# characters, in that order.
_TOKEN_RE = re.compile(r"\[[A-Z_]+\]|[A-Za-z](?:[A-Za-z'’\-]|&(?=[A-Za-z]))*|\d[\d.,:]*|\S")
# What may open a sentence or a quoted phrase, after which a capital says nothing about the word.
_OPENERS = frozenset(".!?:;\"“”‘'(…•*-–—")
# A word as a label writes it.
_WORD_RE = re.compile(r"[A-Za-z](?:[A-Za-z'\-]|&(?=[A-Za-z]))*")
# The " (2)" that tells apart labels that would otherwise be the same.
_LABEL_NUMBER_RE = re.compile(r" \(\d+\)$")
_SENTENCE_RE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|\n|$)")


class LabelCorpus(Protocol):
    """What labels and quotes read from the theme builder's corpus."""

    docs: list[ThemeDoc]
    doc_aspects: list[list[str]]
    doc_phrases: list[list[str]]
    doc_pairs: list[list[tuple[str, str]]]
    context_totals: Counter[str]
    df: Counter[str]
    docs_with: dict[str, set[int]]
    pairs: Counter[tuple[str, str]]
    casing: LabelCasing


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    # scikit-learn's list: the theme builder loads scikit-learn anyway, spaCy it does not need.
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS)


@lru_cache(maxsize=8192)
def _segments(text: str) -> tuple[tuple[str, ...], ...]:
    """Runs of lower-cased words with no punctuation, number or redaction placeholder inside."""
    out: list[tuple[str, ...]] = []
    current: list[str] = []
    for tok in _TOKEN_RE.findall(text.lower()):
        if tok[0].isalpha():
            tok = tok.replace("’", "'")
            # A closing quote ("a 'different system'") is no part of the word; a plural's
            # possessive ("kids'") is.
            current.append(tok[:-1] if tok.endswith("'") and not tok.endswith("s'") else tok)
            continue
        if current:
            out.append(tuple(current))
        current = []
    if current:
        out.append(tuple(current))
    return tuple(out)


def word_matches(word: str, lemma: str) -> bool:
    """Whether a written word is an inflection of `lemma` ("deliveries" of "delivery", "crashing" of "crash")."""
    w = word.lower()
    if w == lemma:
        return True
    if w.startswith(lemma) and w[len(lemma) :] in (*_SUFFIXES, lemma[-1:] + "ed", lemma[-1:] + "ing"):
        return True
    stem, last = lemma[:-1], lemma[-1:]
    if len(stem) >= 2 and w.startswith(stem):
        rest = w[len(stem) :]
        if last == "e" and rest in ("ing", "ed", "er", "est"):
            return True
        if last == "y" and rest in ("ies", "ied", "ier", "iest"):
            return True
    return False


def _find_unit(words: Sequence[str], unit: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) of each run of `words` that writes the lemma sequence `unit`."""
    n = len(unit)
    # Every inflection starts with the lemma less its last letter: a cheap test before the full one.
    first = unit[0][:-1] or unit[0]
    hits = []
    for i in range(len(words) - n + 1):
        if words[i].startswith(first) and all(word_matches(words[i + k], unit[k]) for k in range(n)):
            hits.append((i, i + n))
    return hits


def _is_negated(words: Sequence[str], start: int, end: int) -> bool:
    window = words[max(0, start - 1) : end]
    return any(w.lower() in _NEGATIONS or w.lower().endswith("n't") for w in window)


def _opinion_phrase(
    words: Sequence[str], head: tuple[int, int], ctx: int, *, articles: bool = False
) -> str | None:
    """The aspect and what is said of it as one phrase, or None if they are not close enough."""
    start, end = head
    if start <= ctx < end:
        return None
    head_text = " ".join(words[start:end])
    if ctx < start:
        if start - ctx > SPAN_GAP + 1 or _is_negated(words, ctx, start):
            return None
        # "slow delivery"; "cancelled my order" keeps its words but articles.
        return " ".join([words[ctx], *_between(words[ctx + 1 : start], articles), head_text])
    if ctx - end > SPAN_GAP or _is_negated(words, start, ctx + 1):
        return None
    between = [w.lower() for w in words[end:ctx]]
    if between and all(w in _LINKING for w in between) and not words[ctx].lower().endswith("ing"):
        # "the staff were really rude" -> "rude staff"
        return f"{words[ctx]} {head_text}"
    # "app forgets my size", "app keeps crashing"
    return " ".join([head_text, *_between(words[end:ctx], articles), words[ctx]])


def _without_articles(words: Sequence[str]) -> list[str]:
    return [w for w in words if w.lower() not in ("the", "a", "an")]


def _between(words: Sequence[str], articles: bool) -> list[str]:
    """The words between an aspect and what is said of it, as a label writes them: without
    articles ("opening savings pots"), but for those after a preposition ("sat at the bar")."""
    if not articles:
        return _without_articles(words)
    return [w for i, w in enumerate(words) if i > 0 or w.lower() not in ("the", "a", "an")]


def _surface(counts: Counter[str], fallback: str) -> str:
    if not counts:
        return fallback
    return min(counts, key=lambda s: (-counts[s], len(s), s))


def _evenly(items: Sequence[int], limit: int) -> Sequence[int]:
    """At most `limit` of `items`, spread evenly: how a theme writes a word shows in a sample."""
    if len(items) <= limit:
        return items
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


class _Head:
    """A theme's main aspect and how its posts write it."""

    def __init__(self, unit: tuple[str, ...], members: Sequence[int], corpus: LabelCorpus) -> None:
        self.unit = self.base = unit
        self.term = " ".join(unit)
        forms: Counter[str] = Counter()
        before: Counter[str] = Counter()
        naming = corpus.docs_with.get(self.term, set())
        having = [d for d in members if d in naming]
        self.posts = len(having)
        for d in _evenly(having, SCAN_MAX_POSTS):
            for seg in _segments(corpus.docs[d].text):
                for s, e in _find_unit(seg, unit):
                    forms[" ".join(seg[s:e]).lower()] += 1
                    if s > 0:
                        before[seg[s - 1].lower()] += 1
        self.written = _surface(forms, "")
        # A word nearly always written before the aspect is part of its name ("changing rooms"),
        # unless it is something said of it ("slow delivery") or a function word.
        word, n = _surface(before, ""), before.most_common(1)[0][1] if before else 0
        self.prefix, self.prefix_share = "", 0.0
        self.prefix_posts = n
        if (
            word
            and word.isalpha()
            and word not in _stop_words()
            and not any(word_matches(word, c) for a, c in corpus.pairs if a == unit[-1])
        ):
            self.prefix, self.prefix_share = word, n / max(1, sum(forms.values()))
            if n >= max(3, NAME_PREFIX_SHARE * sum(forms.values())):
                self.unit = (word, *unit)
                self.written = f"{word} {self.written}"

    @property
    def shell(self) -> bool:
        """Whether the aspect is a noun like "problem" that says nothing until something fills it."""
        return len(self.unit) == 1 and self.unit[0] in SHELL_NOUNS

    def names(self, words: Sequence[str]) -> bool:
        """Whether `words` (lower case) are this aspect's name, with or without the word usually
        written before it, as long as that word still is (not every time) written before it."""
        # "Service" still names a theme now about "customer service".
        if _writes(words, self.base) or len(self.base) > 1 and _writes(words, self.base[-1:]):
            return True
        return (
            len(words) == len(self.base) + 1
            and words[0] == self.prefix
            and self.prefix_posts >= 2
            and self.prefix_share >= NAME_PREFIX_KEEP_SHARE
            and _writes(words[1:], self.base)
        )


def _writes(words: Sequence[str], unit: Sequence[str]) -> bool:
    return len(words) == len(unit) and bool(_find_unit(words, unit))


def _head_units(terms: Sequence[str], members: Sequence[int], corpus: LabelCorpus) -> list[tuple[str, ...]]:
    """The theme's main aspects, most characteristic first, each as its most used multi-word form."""
    phrase_counts: Counter[str] = Counter()
    aspect_counts: Counter[str] = Counter()
    for d in members:
        phrase_counts.update(corpus.doc_phrases[d])
        aspect_counts.update(corpus.doc_aspects[d])
    units: list[tuple[str, ...]] = []
    for term in terms[:5]:
        if term in VAGUE_NOUNS or "~" in term:
            continue
        best = term
        for phrase, n in sorted(phrase_counts.items(), key=lambda kv: (-kv[1], kv[0])):
            # "customer service" rather than "service" when most mentions say it that way.
            if phrase.endswith(" " + term) and n >= max(3, aspect_counts[term] * 0.3):
                best = phrase
                break
        unit = tuple(best.split())
        if unit not in units:
            units.append(unit)
    return units


def _lean(mix: Counter[str]) -> str:
    """ "positive" or "negative" when one clearly outweighs the other, else ""."""
    pos, neg = mix["positive"], mix["negative"]
    if pos + neg == 0:
        return ""
    if pos >= OPINION_LEAN * (pos + neg):
        return "positive"
    if neg >= OPINION_LEAN * (pos + neg):
        return "negative"
    return ""


def _opinions(head: _Head, members: Sequence[int], corpus: LabelCorpus) -> list[str]:
    """What is typically said of the head aspect in this theme (lemmas), most typical first."""
    last = head.unit[-1]
    naming = corpus.docs_with.get(last, set())
    with_head = [d for d in members if d in naming]
    said: Counter[str] = Counter()
    for d in with_head:
        said.update({c for a, c in corpus.doc_pairs[d] if a == last and c not in head.unit})
    needed = max(OPINION_MIN_POSTS, OPINION_MIN_SHARE * len(with_head))
    ranked = []
    theme_lean = _lean(Counter(corpus.docs[d].sentiment for d in members))
    for ctx, n in said.items():
        # Nouns linked to the aspect ("rooms at peak time") are other aspects, not opinions of it.
        if n < needed or not ctx.isalpha() or corpus.df[ctx]:
            continue
        lean = _lean(
            Counter(corpus.docs[d].sentiment for d in with_head if (last, ctx) in corpus.doc_pairs[d])
        )
        # An opinion that goes against how the theme leans, or takes a side in a divided theme,
        # would misname it.
        if lean and lean != theme_lean:
            continue
        # Said of this aspect rather than of everything ("good", "great" are said of all).
        precision = corpus.pairs[(last, ctx)] / max(1, corpus.context_totals[ctx])
        if precision >= OPINION_MIN_PRECISION:
            ranked.append((-n * precision, ctx))
    return [ctx for _, ctx in sorted(ranked)]


def _opinion_phrases(
    head: _Head,
    ctx: str,
    members: Sequence[int],
    corpus: LabelCorpus,
    unit: tuple[str, ...] | None = None,
    *,
    posts: Sequence[int] | None = None,
    articles: bool = False,
) -> Counter[str]:
    """How often the posts saying `ctx` of the head (or `posts`) write each phrase of the two (lower
    case), with the articles between them when `articles`."""
    last = head.unit[-1]
    phrases: Counter[str] = Counter()
    saying = posts if posts is not None else [d for d in members if (last, ctx) in corpus.doc_pairs[d]]
    for d in _evenly(saying, SCAN_MAX_POSTS):
        for seg in _segments(corpus.docs[d].text):
            spots = [i for i, w in enumerate(seg) if word_matches(w, ctx)]
            for hit in _find_unit(seg, unit or head.unit):
                for k in spots:
                    phrase = _opinion_phrase(seg, hit, k, articles=articles)
                    if phrase:
                        phrases[phrase.lower()] += 1
    return phrases


def _article_free(phrase: str) -> str:
    return " ".join(_without_articles(phrase.split()))


def _by_saying(phrases: Counter[str]) -> Counter[str]:
    """Phrases counted without their articles: "sat at the bar" and "sat at a bar" say one thing."""
    out: Counter[str] = Counter()
    for phrase, n in phrases.items():
        out[_article_free(phrase)] += n
    return out


def _opinion_label(head: _Head, members: Sequence[int], corpus: LabelCorpus) -> str | None:
    """The head aspect with what is most typically said of it in this theme, as written."""
    for ctx in _opinions(head, members, corpus):
        best = _readable(_opinion_phrases(head, ctx, members, corpus, articles=True), head, corpus.casing)
        if best and best[1] >= 2:
            return best[0]
    return None


def _descriptions(
    head: _Head, members: Sequence[int], corpus: LabelCorpus
) -> list[tuple[float, str, list[int]]]:
    """What the theme's posts say of the head aspect when no opinion dominates: each word attached to
    it (an adjective, a verb, a noun it is linked to, a word naming its kind) in several of its
    posts, by more than one person, with the score it is ranked by and those posts, best first.

    The score is as for opinions, posts saying it times the share of its uses said of this aspect:
    "deleted the app" beats "bought from the app", as people buy everything. A word that takes a
    side the theme does not take would misname it, as for opinions.
    """
    last = head.unit[-1]
    naming = corpus.docs_with.get(last, set())
    saying: dict[str, set[int]] = {}
    with_head = [d for d in members if d in naming]
    needed = max(DESCRIPTION_MIN_POSTS, DESCRIPTION_MIN_SHARE * len(with_head))
    for d in with_head:
        for aspect, ctx in corpus.doc_pairs[d]:
            if aspect == last and ctx not in head.unit and ctx.isalpha():
                saying.setdefault(ctx, set()).add(d)
    precision = {ctx: corpus.pairs[(last, ctx)] / max(1, corpus.context_totals[ctx]) for ctx in saying}
    # A word written before the aspect as part of its name in some posts ("marketing emails"): which
    # kind of the aspect they talk about. Not a name ("Oxford store"): that says which one, not what.
    n = len(head.unit) + 1
    kinds = {p for d in with_head for p in corpus.doc_phrases[d] if p.endswith(" " + head.term)}
    for phrase in sorted(p for p in kinds if len(p.split()) == n):
        word = phrase.split()[0]
        if not word.isalpha() or word in head.unit or corpus.casing.is_capitalised(word):
            continue
        with_phrase = corpus.docs_with[phrase]
        posts = {d for d in members if d in with_phrase}
        if posts:
            saying.setdefault(word, set()).update(posts)
            as_kind = len(with_phrase) / len(with_phrase | corpus.docs_with.get(word, set()))
            precision[word] = max(precision.get(word, 0.0), as_kind)
    theme_lean = _lean(Counter(corpus.docs[d].sentiment for d in members))
    ranked = []
    for ctx, posts in saying.items():
        if len(posts) < needed or len({corpus.docs[d].participant for d in posts}) < 2:
            continue
        lean = _lean(Counter(corpus.docs[d].sentiment for d in posts))
        if lean and lean != theme_lean:
            continue
        if precision[ctx] >= OPINION_MIN_PRECISION:
            ranked.append((len(posts) * precision[ctx], ctx, sorted(posts)))
    return sorted(ranked, key=lambda r: (-r[0], r[1]))


def _readable(phrases: Counter[str], head: _Head, casing: LabelCasing) -> tuple[str, int] | None:
    """The phrase most often written, shortest on a tie, among those that read as a label: short,
    about the aspect ("the rest of the menu" is about the rest), and naming no one on the way
    ("walked past the [brand] store" says which store, not what is said of stores), with how
    often it is said."""
    k = len(head.unit)
    # Counted without articles ("sit at the bar", "sit at a bar" say one thing), written as most often.
    said: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for phrase, n in phrases.items():
        words = phrase.split()
        if len(phrase) > LABEL_MAX_CHARS or len(words) > LABEL_MAX_WORDS:
            continue
        ends_with_head = _writes(words[-k:], head.unit)
        inner = words[1:-k] if ends_with_head else words[k:-1]
        if ends_with_head and "of" in inner or any(casing.is_capitalised(w) for w in inner):
            continue
        key = _article_free(phrase)
        said[key] += n
        forms.setdefault(key, Counter())[phrase] += n
    best = _surface(said, "")
    return (_surface(forms[best], ""), said[best]) if best else None


def _description_label(head: _Head, members: Sequence[int], corpus: LabelCorpus) -> str | None:
    """The head aspect with what its posts most distinctively say of it ("app remembers my size"),
    when one thing stands out from the rest; None when nothing does. Only what the posts write
    readably competes: a word never written near the aspect cannot name it."""
    written = []
    for score, ctx, posts in _descriptions(head, members, corpus):
        best = _readable(
            _opinion_phrases(head, ctx, posts, corpus, posts=posts, articles=True), head, corpus.casing
        )
        if best:
            written.append((score, best[0]))
    if not written or len(written) > 1 and written[0][0] < DESCRIPTION_LEAD * written[1][0]:
        return None
    return written[0][1]


def _theme_heads(terms: Sequence[str], members: Sequence[int], corpus: LabelCorpus) -> list[_Head]:
    heads: list[_Head] = []
    for unit in _head_units(terms, members, corpus):
        head = _Head(unit, members, corpus)
        if not head.written and len(unit) > 1:
            # The parse joined words the redacted text does not have side by side (a removed name).
            head = _Head(unit[-1:], members, corpus)
        # A head already said by a longer one ("customer" beside "customer service") adds nothing.
        words = set(head.written.lower().split())
        if head.written and not any(words <= set(h.written.lower().split()) for h in heads):
            heads.append(head)
    return heads


def theme_label(
    terms: Sequence[str],
    members: Sequence[int],
    corpus: LabelCorpus,
    used: set[str],
    casing: LabelCasing | None = None,
) -> str:
    """A short readable phrase for a theme, distinct (ignoring case) from the labels in `used`."""
    casing = casing or LabelCasing(corpus)
    heads = _theme_heads(terms, members, corpus)
    candidates: list[str] = []
    if heads and heads[0].shell:
        # "Problem" leads a label only with what is said of it. Without it, what is said of the
        # theme's other aspects tells what the problems are better than their bare names do.
        for head in heads:
            candidates.extend(_said_of(head, members, corpus))
        heads = [h for h in heads if not h.shell]
    if heads:
        main = heads[0]
        opinion = _opinion_label(main, members, corpus)
        if opinion:
            candidates.append(opinion)
        main_words = set(main.written.lower().split())
        # A second aspect that holds the first ("customer service" after "customer") names the
        # pair alone: "Customer service", not "Customer and customer service".
        pairs = [
            other.written
            if main_words <= set(other.written.lower().split())
            else f"{main.written} and {other.written}"
            for other in heads[1:]
        ]
        # A second aspect nearly as common as the first is half of what the theme is about.
        if len(heads) > 1 and heads[1].posts >= SECOND_ASPECT_SHARE * main.posts:
            candidates.append(pairs.pop(0))
        # Short of a dominant opinion, what the posts say of the aspect tells more than its name.
        description = _description_label(main, members, corpus)
        if description:
            candidates.append(description)
        candidates.append(main.written)
        candidates.extend(pairs)
        for head in heads[1:]:
            candidates.extend(_said_of(head, members, corpus))
    # A theme whose words never appear as written (or only vague ones) is still named by its terms;
    # single words only, as a parse's compound may hold a name redaction removed from the text.
    singles = [t for t in terms[:3] if "~" not in t and " " not in t]
    candidates.extend(sorted(singles, key=lambda t: t in SHELL_NOUNS))
    taken = {u.lower() for u in used}
    for candidate in candidates:
        # A plural possessive written before its noun ("kids' basics") names the theme without
        # its apostrophe: "Kids", not "Kids'".
        label = casing.apply(candidate.rstrip("'’") or candidate)
        if len(label) <= LABEL_MAX_CHARS and label.lower() not in taken:
            used.add(label)
            return label
    base = casing.apply(candidates[0] if candidates else "other")[: LABEL_MAX_CHARS - 4]
    label, n = base, 2
    while label.lower() in taken:
        label = f"{base} ({n})"
        n += 1
    used.add(label)
    return label


def _said_of(head: _Head, members: Sequence[int], corpus: LabelCorpus) -> list[str]:
    """The labels that say something of `head`: its dominant opinion, then its distinctive description."""
    found = [_opinion_label(head, members, corpus), _description_label(head, members, corpus)]
    return [f for f in found if f]


def label_fits(label: str, terms: Sequence[str], members: Sequence[int], corpus: LabelCorpus) -> bool:
    """Whether an earlier label still describes the theme, so a refresh can keep it.

    It does while it names one of the theme's main aspects (one of its top terms, in at least
    half as many of its posts as the first), both of them for "A and B", and anything it says of
    the aspect is still what the theme typically says of it (the rule a new label is chosen by),
    or for a description, still among the things most said of it. A bare aspect gives way once
    the posts say something of the main aspect. A theme whose content moved fails this and is
    named afresh.
    """
    text = _LABEL_NUMBER_RE.sub("", label.strip()).lower()
    words = tuple(w for seg in _segments(text) for w in seg)
    if not words:
        return False
    heads = _theme_heads(terms, members, corpus)
    if not heads:
        return " ".join(words) in {t for t in terms[:3] if "~" not in t and " " not in t}
    main = [h for h in heads if h.posts >= SECOND_ASPECT_SHARE * heads[0].posts]
    named = [h for h in main if not h.shell]
    # A label that only names an aspect holds until the posts say something of the theme's main
    # one: then a reader is better told what that is (and the label saying it holds in turn).
    if any(h.names(words) for h in named) and not (named and _said_of(named[0], members, corpus)):
        return True
    # A kept "A and B" may let B sink a little below the share a new label needs: a few more
    # posts tipping B just under it should not rename the theme (and tip it back next time).
    kept = [h for h in heads if h.posts >= KEPT_SECOND_ASPECT_SHARE * heads[0].posts and not h.shell]
    for i, word in enumerate(words):
        if word == "and" and any(
            a is not b and a.names(words[:i]) and b.names(words[i + 1 :]) for a in named for b in kept
        ):
            return True
    for head in main:
        # The aspect as the label writes it: with or without the word usually written before it.
        units = [u for u in {head.unit, head.base} if _find_unit(words, u)]
        if not units:
            continue
        for ctx in _opinions(head, members, corpus):
            for unit in units:
                said = _by_saying(_opinion_phrases(head, ctx, members, corpus, unit, articles=True))
                if said[_article_free(text)] >= 2:
                    return True
        # A description holds while it is still among the things most said of the aspect, even
        # when another has edged ahead of it.
        ranked = _descriptions(head, members, corpus)
        for score, ctx, posts in ranked:
            if score < DESCRIPTION_KEEP_SHARE * ranked[0][0]:
                break
            if any(
                _by_saying(_opinion_phrases(head, ctx, posts, corpus, unit, posts=posts, articles=True))[
                    _article_free(text)
                ]
                for unit in units
            ):
                return True
    return False


class LabelCasing:
    """Writes a label's words as the community does: brand and competitor names as the community's
    lexicon spells them ("Hearth & Loom"), other words as the posts most often write them inside a
    sentence ("iPhone", "IKEA", "Wi-Fi"), so ordinary words stay lower case. The label starts with
    a capital unless its first word is written otherwise ("iPhone")."""

    def __init__(self, corpus: LabelCorpus, brands: Sequence[str] = ()) -> None:
        self._corpus = corpus
        names = {b.strip() for b in brands if b and b.strip()}
        # Longest first, so "Hearth & Loom" wins over a shorter alias inside it.
        self._brands = [
            (re.compile(rf"(?<![\w&'’]){re.escape(b.lower())}(?![\w&]|['’]\w)"), b)
            for b in sorted(names, key=lambda b: (-len(b), b))
        ]
        self._forms: dict[str, Counter[str]] | None = None

    def _written(self) -> dict[str, Counter[str]]:
        """For each word (lower case), how the posts write it where a capital is not just a
        sentence's or quote's start."""
        if self._forms is None:
            forms: dict[str, Counter[str]] = {}
            for doc in self._corpus.docs:
                text = doc.text.replace("’", "'")
                opening, end = True, 0
                for m in _TOKEN_RE.finditer(text):
                    tok = m.group(0)
                    if "\n" in text[end : m.start()]:
                        opening = True
                    end = m.end()
                    if tok[0].isalpha():
                        if not opening:
                            forms.setdefault(tok.lower(), Counter())[tok] += 1
                        opening = False
                    else:
                        opening = tok in _OPENERS
            self._forms = forms
        return self._forms

    def is_capitalised(self, word: str) -> bool:
        """Whether the posts write `word` with a capital inside a sentence, as a name is written."""
        return self.word(word) != word.lower()

    def word(self, word: str) -> str:
        counts = self._written().get(word.lower())
        if not counts:
            return word
        capitalised = sum(n for form, n in counts.items() if form != form.lower())
        if capitalised < CAPITALISED_SHARE * sum(counts.values()):
            return word
        form = min((f for f in counts if f != f.lower()), key=lambda f: (-counts[f], f))
        # A capital inside a word ("iPhone", "QR") is deliberate; a title's capital ("the Weekend
        # Edit" email) is not, so a word capitalised only at its start needs more evidence.
        return form if capitalised >= (2 if form[1:] != form[1:].lower() else 3) else word

    def apply(self, text: str) -> str:
        low = text.lower()
        spans: list[tuple[int, int, str]] = []
        for pattern, brand in self._brands:
            for m in pattern.finditer(low):
                if all(m.end() <= s or m.start() >= e for s, e, _ in spans):
                    spans.append((m.start(), m.end(), brand))
        parts: list[str] = []
        pos = 0
        for start, end, brand in sorted(spans):
            parts.append(_WORD_RE.sub(lambda m: self.word(m.group(0)), low[pos:start]))
            parts.append(brand)
            pos = end
        parts.append(_WORD_RE.sub(lambda m: self.word(m.group(0)), low[pos:]))
        out = "".join(parts)
        first = _WORD_RE.search(out)
        if first and first.group(0) != first.group(0).lower():
            return out  # "iPhone", "IKEA", "Hearth & Loom" as they are
        return out[:1].upper() + out[1:]


# --- Brand programmes ---

# Words that join a name's parts ("Hearth & Loom", "Hearth and Loom") and are no part of its words.
_NAME_JOINERS = frozenset({"&", "and", "+"})
_POSSESSIVE_RE = re.compile(r"['’]s?$")


def _name_words(name: str) -> tuple[str, ...]:
    """A name's words, lower case, without joiners or a possessive ending ("Marlowe's" -> marlowe)."""
    words = []
    for tok in _TOKEN_RE.findall(name.lower()):
        tok = _POSSESSIVE_RE.sub("", tok.replace("’", "'"))
        if tok and tok[0].isalnum() and tok not in _NAME_JOINERS:
            words.append(tok)
    return tuple(words)


def _holds(name: tuple[str, ...], part: tuple[str, ...]) -> bool:
    return any(name[i : i + len(part)] == part for i in range(len(name) - len(part) + 1))


class BrandNames:
    """Tells a brand's own name from the things it names ("Loom Points", "H&L Plus").

    A name is the brand itself when it has one word ("H&L", "Tandem"), ends in a word another
    listed name shares ("Hearth & Loom" beside "Hearth and Loom") or holds another whole ("ACME
    Stores" beside "Acme"): such a name is said of the whole company, so a theme about it says
    nothing. A name that puts part of the brand's name before a word of its own ("Loom Points":
    English names the thing last) is a programme, product or feature of the brand and can be a
    theme like any other aspect. Programmes are found as listed, in any case,
    and in the posts as runs of capitalised words led by a brand word people write capitalised.
    """

    def __init__(self, brands: Sequence[str], casing: LabelCasing) -> None:
        names = sorted({w for b in brands if b and (w := _name_words(b))})
        shared = Counter(w for n in names for w in set(n))
        self.listed: list[tuple[str, ...]] = []
        self.bare: set[str] = set()
        for n in names:
            # A name that holds another whole ("ACME Stores" beside "Acme") is how the brand styles itself.
            longer = any(m != n and _holds(n, m) for m in names)
            if len(n) > 1 and not longer and shared[n[-1]] == 1 and any(shared[w] > 1 for w in n[:-1]):
                self.listed.append(n)
            else:
                self.bare.add(" ".join(n))
        # Words of the brand's own names that posts write as names (not "home" in "Nook Home").
        self._lead = {w for n in self.bare for w in n.split() if casing.is_capitalised(w)}
        self._listed_re = [
            re.compile(r"(?<![\w&])" + r"\s+".join(re.escape(w) for w in n) + r"(?![\w&])")
            for n in self.listed
        ]

    def __bool__(self) -> bool:
        return bool(self.bare or self.listed)

    def programmes(self, text: str) -> set[str]:
        """The brand programmes `text` names, as lower-case terms ("loom points")."""
        found: set[str] = set()
        low = text.lower().replace("’", "'")
        for n, pattern in zip(self.listed, self._listed_re, strict=True):
            if pattern.search(low):
                found.add(" ".join(n))
        if not self._lead:
            return found
        run: list[str] = []
        for tok in _TOKEN_RE.findall(text.replace("’", "'")):
            if tok[0].isalpha() and tok[0].isupper() or run and tok.lower() in _NAME_JOINERS:
                run.append(tok)
                continue
            self._add_run(run, found)
            run = []
        self._add_run(run, found)
        return found

    def _add_run(self, run: list[str], found: set[str]) -> None:
        """Each brand word of a run of capitalised words with the words of its own after it."""
        words = [_POSSESSIVE_RE.sub("", w.lower()) for w in run]
        for i, w in enumerate(words):
            if w not in self._lead:
                continue
            j = i + 1
            while j < len(words) and words[j] not in self._lead and words[j] not in _NAME_JOINERS:
                j += 1
            term = " ".join(words[i:j])
            # Each word of its own a word of a name: not "I" or "I'd" after it.
            own = words[i + 1 : j]
            if own and term not in self.bare and all(o.isalpha() and o not in _stop_words() for o in own):
                found.add(term)


# --- Quote excerpts (which posts are quoted: research/analysis/quotes.py) ---


def quote_excerpt(text: str, terms: Sequence[str], *, max_chars: int = EXCERPT_MAX_CHARS) -> str:
    """The part of a (redacted) post that speaks of a theme: the sentence naming most of the theme's
    `terms`, with its neighbours while they fit in `max_chars`. Cuts are marked with "…"."""
    text = text.strip()
    if len(text) <= max_chars:
        return text
    sentences = [m.group(0).strip() for m in _SENTENCE_RE.finditer(text) if m.group(0).strip()]
    if not sentences:
        return _cut(text, max_chars)
    units = [tuple(t.split()) for t in terms[:10] if "~" not in t]

    def mentions(sentence: str) -> float:
        segs = _segments(sentence)
        return sum(1.0 / (1 + rank) for rank, u in enumerate(units) if any(_find_unit(s, u) for s in segs))

    scores = [mentions(s) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (scores[i], -i))
    lo = hi = best
    length = len(sentences[best])
    while True:
        grew = False
        for nxt in (hi + 1, lo - 1):
            if 0 <= nxt < len(sentences) and length + 1 + len(sentences[nxt]) <= max_chars:
                length += 1 + len(sentences[nxt])
                lo, hi = min(lo, nxt), max(hi, nxt)
                grew = True
        if not grew:
            break
    excerpt = " ".join(sentences[lo : hi + 1])
    if len(excerpt) > max_chars:
        excerpt = _cut(excerpt, max_chars - 1)
    return ("…" if lo > 0 else "") + excerpt + ("…" if hi < len(sentences) - 1 else "")


def _cut(text: str, max_chars: int) -> str:
    cut = text[:max_chars].rsplit(" ", 1)[0].rstrip(",;: ")
    return cut + "…"
