"""Readable theme labels and quote excerpts, from what a theme's posts actually say.

A label is the theme's main aspect as people write it ("changing rooms", "clothes",
not the parse's lemmas "room" and "clothe"), with the opinion most typically attached
to it when one dominates and agrees with how the theme leans ("slow delivery",
"app keeps crashing"). Short of that, with what its posts most distinctively say of
it, when one thing stands out ("marketing emails", "wait for a table"): a bare noun
tells a reader little, and a generic one ("problem") never names a theme alone.
Every word of a label is read from the redacted text of the theme's posts, so a
label never shows what redaction removed.

A label reads as a phrase a researcher would write. Two aspects are named together only as the
posts write them together ("fees and charges", not "price and item" because both share posts). A
verb acting on the aspect is named as the activity ("Waiting for a table", not "Wait for a
table"). A phrase names a theme only when several people write it, not because the parse linked
its words in posts one person wrote that way; and a word that only sets a thing apart ("a
different system") says nothing of it. Short of anything said of the aspect, the noun phrase many
of the theme's people write it in ("click and collect orders"), judged by how many write it and
how specific it is to the theme, tells more than the bare noun, which is the last resort.

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
# A description names a theme only as the posts write it: its words side by side in the posts of at
# least this many people. A phrase one person wrote ("kids grow!") is their remark, however many
# posts the parse linked its two words in.
DESCRIPTION_MIN_AUTHORS = 2
# Two aspects are one topic ("fees and charges") when the posts write them joined by "and" or "or"
# in at least this share of the posts naming both, by at least this many people. Two nouns that
# merely share posts ("price" and "item") are two things, and a label naming both says neither.
PAIR_MIN_SHARE = 0.1
PAIR_MIN_AUTHORS = 3
# English adjectives that set a thing apart from others without saying anything of it ("a different
# system", "the main branch"): a label made of one of them and a noun names nothing.
NON_QUALIFYING = frozenset(
    {
        "different",
        "similar",
        "certain",
        "various",
        "main",
        "usual",
        "entire",
        "particular",
        "actual",
        "specific",
        "general",
        "separate",
        "additional",
        "previous",
        "current",
        "real",
        "exact",
        "overall",
    }
)
# Words between a word and the aspect after it that make the word a verb acting on the aspect ("wait
# for a table", "deleted the app"): a label writes it as a gerund ("Waiting for a table"), which
# names an activity, where the bare verb reads as an order or a fragment.
_VERB_LINKS = frozenset(
    {
        "at",
        "in",
        "on",
        "for",
        "to",
        "from",
        "with",
        "into",
        "onto",
        "about",
        "through",
        "by",
        "the",
        "a",
        "an",
        "my",
        "our",
        "your",
        "their",
        "his",
        "her",
        "its",
    }
)
_JOINERS = frozenset({"and", "or"})
# A noun phrase naming a theme's aspect (`_chunk_label`): at most this many words, written by at
# least this many people in this share of the theme's posts naming the aspect; a longer phrase
# holding a shorter one wins while this share of the shorter one's posts write it whole.
CHUNK_MAX_WORDS = 4
CHUNK_MIN_AUTHORS = 3
CHUNK_MIN_SHARE = 0.1
CHUNK_KEEP_LONGER = 0.6
_DETERMINERS = frozenset({"the", "a", "an", "my", "our", "your", "their", "his", "her", "its"})
_VOWELS = frozenset("aeiou")
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


def gerund(lemma: str) -> str:
    """The -ing form of an English verb: "wait" -> "waiting", "sit" -> "sitting", "queue" -> "queuing",
    "lie" -> "lying". A one-syllable verb ending in a short vowel and a consonant doubles it."""
    if lemma.endswith("ing") or not lemma.isalpha():
        return lemma
    if lemma.endswith("ie"):
        return lemma[:-2] + "ying"
    if lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")) and len(lemma) > 2:
        return lemma[:-1] + "ing"
    groups = len(re.findall(r"[aeiou]+", lemma))
    if (
        groups == 1
        and len(lemma) >= 3
        and lemma[-1] not in _VOWELS
        and lemma[-1] not in "wxy"
        and lemma[-2] in _VOWELS
        and lemma[-3] not in _VOWELS
    ):
        return lemma + lemma[-1] + "ing"
    # British spelling doubles a final "l" after a single vowel: "cancelling", "travelling".
    if len(lemma) >= 4 and lemma[-1] == "l" and lemma[-2] in _VOWELS and lemma[-3] not in _VOWELS:
        return lemma + "ling"
    return lemma + "ing"


def _verbal(ctx: str, corpus: LabelCorpus) -> bool:
    """Whether the posts use `ctx` more as something said of things (a verb, an adjective) than as a
    thing talked about: "wait" said of tables, not "the wait" as an aspect."""
    return corpus.context_totals[ctx] > corpus.df[ctx]


def _as_activity(phrase: str, ctx: str, head: _Head, corpus: LabelCorpus) -> str:
    """A phrase led by a verb acting on the aspect ("wait for a table", "queued at the branch"), as the
    activity it names ("waiting for a table"); any other phrase as it is."""
    words = phrase.split()
    k = len(head.unit)
    if len(words) < k + 2 or not word_matches(words[0], ctx) or not _writes(words[-k:], head.unit):
        return phrase
    between = [w.lower() for w in words[1:-k]]
    if not any(w in _VERB_LINKS for w in between) or not _verbal(ctx, corpus):
        return phrase
    return " ".join([gerund(ctx), *words[1:]])


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
        if n < needed or not ctx.isalpha() or corpus.df[ctx] or ctx in NON_QUALIFYING:
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
    writers: dict[str, set[int]] | None = None,
) -> Counter[str]:
    """How often the posts saying `ctx` of the head (or `posts`) write each phrase of the two (lower
    case), with the articles between them when `articles`; the posts writing each (without its
    articles; of at most SCAN_MAX_POSTS read) go into `writers` when given."""
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
                        if writers is not None:
                            writers.setdefault(_article_free(phrase.lower()), set()).add(d)
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
            return _as_activity(best[0], ctx, head, corpus)
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
            if aspect == last and ctx not in head.unit and ctx.isalpha() and ctx not in NON_QUALIFYING:
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
        writers: dict[str, set[int]] = {}
        best = _readable(
            _opinion_phrases(head, ctx, posts, corpus, posts=posts, articles=True, writers=writers),
            head,
            corpus.casing,
        )
        if not best:
            continue
        # Only a phrase enough people write side by side names the theme.
        writing = writers.get(_article_free(best[0]), set())
        if len({corpus.docs[d].participant for d in writing}) >= DESCRIPTION_MIN_AUTHORS:
            written.append((score, _as_activity(best[0], ctx, head, corpus)))
    if not written or len(written) > 1 and written[0][0] < DESCRIPTION_LEAD * written[1][0]:
        return None
    return written[0][1]


def _joined(a: _Head, b: _Head, members: Sequence[int], corpus: LabelCorpus, *, keep: bool = False) -> str:
    """ "A and B" when the theme's posts write the two aspects joined as one topic ("fees and charges",
    "the fees or the charges") often enough, in the order they mostly write them; else "".

    `keep` asks whether an earlier such label still holds: it does while a couple of people still
    write the two together, so a few posts more do not rename the theme and back."""
    both = corpus.docs_with.get(a.term, set()) & corpus.docs_with.get(b.term, set())
    posts = [d for d in members if d in both]
    if not posts:
        return ""
    order: Counter[bool] = Counter()
    authors: set[str] = set()
    saying = 0
    sample = _evenly(posts, SCAN_MAX_POSTS)
    for d in sample:
        found = False
        for seg in _segments(corpus.docs[d].text):
            for first, second, flipped in ((a, b, False), (b, a, True)):
                for _, end in _find_unit(seg, first.unit):
                    rest = seg[end + 1 :] if end < len(seg) and seg[end] in _JOINERS else ()
                    if rest and rest[0] in _DETERMINERS:
                        rest = rest[1:]
                    if rest and _find_unit(rest[: len(second.unit)], second.unit):
                        order[flipped] += 1
                        found = True
        if found:
            saying += 1
            authors.add(corpus.docs[d].participant)
    if keep:
        enough = len(authors) >= 2
    else:
        enough = len(authors) >= PAIR_MIN_AUTHORS and saying >= PAIR_MIN_SHARE * len(sample)
    if not enough:
        return ""
    first, second = (b, a) if order[True] > order[False] else (a, b)
    return f"{first.written} and {second.written}"


def _chunk_label(head: _Head, members: Sequence[int], corpus: LabelCorpus) -> str | None:
    """The head aspect with the words its theme's posts most distinctively write before it, as one
    noun phrase ("click and collect orders", "school uniform"), or None when no such phrase stands out.

    A phrase competes when at least CHUNK_MIN_AUTHORS people and CHUNK_MIN_SHARE of the theme's posts
    naming the aspect write it, and is scored by the people writing it times how specific it is to
    the theme: the share of the posts writing it anywhere that are the theme's. A describing word
    said of everything ("great", "new") must be said mostly of this aspect, as for opinions; a name
    ("the Leeds branch") or a word that only sets the thing apart ("different") never leads one.
    A longer phrase holding a shorter one is preferred while most of its writers write it whole.
    """
    naming = corpus.docs_with.get(head.term, set())
    having = [d for d in members if d in naming]
    if not having:
        return None
    in_theme = set(members)
    stops = _stop_words()
    k = len(head.unit)

    def chunks(d: int) -> set[tuple[str, ...]]:
        found: set[tuple[str, ...]] = set()
        for seg in _segments(corpus.docs[d].text):
            for start, _ in _find_unit(seg, head.unit):
                for m in range(1, CHUNK_MAX_WORDS - k + 1):
                    if start - m < 0:
                        break
                    left = seg[start - m : start]
                    # A name ("the Leeds branch") says which one: no phrase reaches past it.
                    if corpus.casing.is_capitalised(left[0]):
                        break
                    # Joined words stay inside ("click and collect"), never at the phrase's edge.
                    if (
                        left[0] in stops
                        or not left[0].isalpha()
                        or left[0] in NON_QUALIFYING
                        or left[-1] in _JOINERS
                        or any(w in stops and w not in _JOINERS for w in left[1:])
                    ):
                        continue
                    found.add(tuple(left))
        return found

    theme_sample = _evenly(having, SCAN_MAX_POSTS)
    writers: dict[tuple[str, ...], set[int]] = {}
    for d in theme_sample:
        for left in chunks(d):
            writers.setdefault(left, set()).add(d)
    scale = len(having) / len(theme_sample)
    needed = CHUNK_MIN_SHARE * len(having)
    candidates = {
        left: posts
        for left, posts in writers.items()
        if len(posts) * scale >= needed
        and len({corpus.docs[d].participant for d in posts}) >= CHUNK_MIN_AUTHORS
        and _names_a_kind(left, head, corpus)
    }
    if not candidates:
        return None
    # How many posts anywhere write each phrase: the theme's, and the others naming the aspect.
    outside = sorted(d for d in naming if d not in in_theme)
    elsewhere: Counter[tuple[str, ...]] = Counter()
    other_sample = _evenly(outside, SCAN_MAX_POSTS)
    for d in other_sample:
        elsewhere.update(left for left in chunks(d) if left in candidates)
    other_scale = len(outside) / len(other_sample) if other_sample else 0.0

    def score(left: tuple[str, ...]) -> float:
        here = len(candidates[left]) * scale
        people = len({corpus.docs[d].participant for d in candidates[left]})
        return people * here / (here + elsewhere[left] * other_scale)

    best = min(candidates, key=lambda left: (-score(left), len(left), left))
    while True:
        longer = [
            left
            for left in candidates
            if len(left) > len(best)
            and left[-len(best) :] == best
            and len(candidates[left]) >= CHUNK_KEEP_LONGER * len(candidates[best])
        ]
        if not longer:
            break
        best = min(longer, key=lambda left: (-len(candidates[left]), len(left), left))
    forms: Counter[str] = Counter()
    for d in candidates[best]:
        for seg in _segments(corpus.docs[d].text):
            for start, end in _find_unit(seg, head.unit):
                if tuple(seg[start - len(best) : start]) == best and start >= len(best):
                    forms[" ".join(seg[start - len(best) : end])] += 1
    return _surface(forms, "") or None


def _names_a_kind(left: tuple[str, ...], head: _Head, corpus: LabelCorpus) -> bool:
    """Whether words written before the aspect can say which kind of it a theme is about: a describing
    word said of everything ("great") must be said mostly of this aspect, as for opinions."""
    return bool(
        len(left) > 1
        or corpus.df[left[0]]
        or corpus.pairs[(head.unit[-1], left[0])] >= OPINION_MIN_PRECISION * corpus.context_totals[left[0]]
    )


def _writes_chunk(words: Sequence[str], head: _Head, members: Sequence[int], corpus: LabelCorpus) -> bool:
    """Whether `words` are the head aspect with words before it that at least CHUNK_MIN_AUTHORS of the
    theme's people write before it (an earlier `_chunk_label`, held without its share of posts)."""
    k = len(head.unit)
    left = tuple(words[:-k])
    if not left or len(words) > CHUNK_MAX_WORDS or not _writes(words[-k:], head.unit):
        return False
    stops = _stop_words()
    if (
        left[0] in stops
        or left[0] in NON_QUALIFYING
        or left[-1] in _JOINERS
        or any(w in stops and w not in _JOINERS for w in left[1:])
        or not _names_a_kind(left, head, corpus)
    ):
        return False
    naming = corpus.docs_with.get(head.term, set())
    people: set[str] = set()
    for d in _evenly([d for d in members if d in naming], SCAN_MAX_POSTS):
        for seg in _segments(corpus.docs[d].text):
            if any(s >= len(left) and seg[s - len(left) : s] == left for s, _ in _find_unit(seg, head.unit)):
                people.add(corpus.docs[d].participant)
                break
    return len(people) >= CHUNK_MIN_AUTHORS


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
        # pair alone: "Customer service", not "Customer and customer service". Two aspects are
        # named together only as the posts write them together.
        pairs = [
            other.written
            if main_words <= set(other.written.lower().split())
            else _joined(main, other, members, corpus)
            for other in heads[1:]
        ]
        # A second aspect nearly as common as the first is half of what the theme is about.
        if len(heads) > 1 and heads[1].posts >= SECOND_ASPECT_SHARE * main.posts and pairs[0]:
            candidates.append(pairs.pop(0))
        pairs = [p for p in pairs if p]
        # Short of a dominant opinion, what the posts say of the aspect tells more than its name.
        description = _description_label(main, members, corpus)
        if description:
            candidates.append(description)
        # Short of anything said of it, the aspect as the noun phrase its posts write it in, when
        # many people write one ("click and collect orders"), tells more than the bare noun.
        chunk = _chunk_label(main, members, corpus) if not description else None
        if chunk:
            candidates.append(chunk)
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
    said = bool(named and _said_of(named[0], members, corpus))
    if any(h.names(words) for h in named) and not said:
        return True
    # So does the noun phrase the posts write the main aspect in, while enough people still write it.
    if named and not said and _writes_chunk(words, named[0], members, corpus):
        return True
    # A kept "A and B" may let B sink a little below the share a new label needs: a few more
    # posts tipping B just under it should not rename the theme (and tip it back next time).
    kept = [h for h in heads if h.posts >= KEPT_SECOND_ASPECT_SHARE * heads[0].posts and not h.shell]
    for i, word in enumerate(words):
        if word == "and" and any(
            a is not b
            and a.names(words[:i])
            and b.names(words[i + 1 :])
            and _joined(a, b, members, corpus, keep=True)
            for a in named
            for b in kept
        ):
            return True
    for head in main:
        # The aspect as the label writes it: with or without the word usually written before it.
        units = [u for u in {head.unit, head.base} if _find_unit(words, u)]
        if not units:
            continue

        # What the posts say, as a label writes it ("waiting for a table" for "wait for a table"):
        # a label written otherwise (an earlier "Wait for a table") is named afresh.
        def as_labelled(phrases: Counter[str], ctx: str, head: _Head = head) -> Counter[str]:
            return _by_saying(Counter({_as_activity(p, ctx, head, corpus): n for p, n in phrases.items()}))

        for ctx in _opinions(head, members, corpus):
            for unit in units:
                said = as_labelled(_opinion_phrases(head, ctx, members, corpus, unit, articles=True), ctx)
                if said[_article_free(text)] >= 2:
                    return True
        # A description holds while it is still among the things most said of the aspect, even
        # when another has edged ahead of it, and as long as enough people still write it.
        ranked = _descriptions(head, members, corpus)
        for score, ctx, posts in ranked:
            if score < DESCRIPTION_KEEP_SHARE * ranked[0][0]:
                break
            for unit in units:
                writers: dict[str, set[int]] = {}
                said = _opinion_phrases(
                    head, ctx, posts, corpus, unit, posts=posts, articles=True, writers=writers
                )
                people: dict[str, set[str]] = {}
                for phrase in said:
                    key = _article_free(_as_activity(phrase, ctx, head, corpus))
                    people.setdefault(key, set()).update(
                        corpus.docs[d].participant for d in writers.get(_article_free(phrase), ())
                    )
                if len(people.get(_article_free(text), ())) >= DESCRIPTION_MIN_AUTHORS:
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
