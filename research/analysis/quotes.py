"""Representative quotes of a theme: what a researcher would put on a slide to show it.

A quote speaks of the theme's subject: the part of the post a reader sees (the excerpt the pages
cut around the theme's terms) names one of the theme's lead terms as what a sentence is about (its
subject or object, not a word describing another noun as in "store events", nor an aside as in
"bought a lamp on the app after work"), in a sentence that is not mostly about other things, and
the post says it first or throughout, not in passing at the end of a post about something else.
It is typical of the theme: close to its centre (most of what the post names belongs to the theme,
weighted by how much each term counts in it), not a long post touching every theme. It reads on its
own: not a question put to the others, not a self-introduction, not a post that says it is off
topic, not a bare reply that only makes sense beside the post it answers ("Same here!", "That's why
I left"). Among such posts the set is diverse: different people, different discussions, different
things said, and each sentiment common in the theme heard; a sentiment rare in the theme is not
what shows it.

Posts that fall short of that are quoted only when a theme has too few others to show, and then no
more than QUOTE_MIN: fewer quotes rather than a poor one. Everything is deterministic: ties go to
the post key. Nothing is parsed again: a post's stored terms (its aspects, noun phrases and what is
said of each) and its text are all that is read.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from research.analysis.theme_labels import quote_excerpt, word_matches
from research.analysis.types import SENTIMENTS, ThemeDoc

QUOTE_LIMIT = 5
# A theme shows at least this many quotes when it has the posts, fitting or not.
QUOTE_MIN = 3
QUOTE_MIN_WORDS = 8
QUOTE_IDEAL_MAX_WORDS = 60
NEAR_DUPLICATE = 0.6
# A sentiment this common in a theme gets a quote of its own.
SENTIMENT_MIN_SHARE = 0.15
# Lead terms: the theme's terms weighing at least this share of its first one, at most this many.
LEAD_SHARE = 0.25
LEAD_MAX = 5
# How much of the theme's subject the shown text must name to speak to it (the first term is 1).
SUBJECT_MIN = LEAD_SHARE
# How much a mention of a lead term says its sentence is about it, by the term's place there: the
# noun a clause speaks of (subject, object, "the store closed", "I deleted the app") counts fully;
# one inside a prepositional phrase ("bought a mat on the app", "walked into the store") or a
# possessive ("the app's login") less; one describing another noun ("store events"), a word that is
# no noun in the post ("shop" in "I shopped there", when the post names no shop) or half of a
# two-word name said alone ("a loyal customer" in a customer service theme) least.
ROLE_HEAD = 1.0
ROLE_PREPOSITIONAL = 0.7
ROLE_MODIFIER = 0.4
# Words that may describe a noun between its determiner and it ("the new H&L store").
DESCRIBING_MAX = 2
# A mention after the post's opening sentence counts this much: what a post is about, it says first.
LATER_SENTENCE = 0.8
# What the shown text must say of the subject: a lead term as what a sentence is about.
ABOUT_MIN = 0.5
# In the sentence that says it, the theme's terms are at least this share of the things it names
# ("bath mat and shower curtain, on the app after a night shift" names the app among five things);
# a mention in a sentence crowded with other things counts this much.
SENTENCE_SHARE_MIN = 0.25
CROWDED = 0.7
# A post that does not name the subject in its opening sentence names it in at least this share of
# its sentences.
TOPICAL_COVERAGE = 0.5
# The opening of a post: its first sentence, or as many words ("Entry 4. The parcel came...").
OPENING_WORDS = 20
# Two lead terms written together in this share of the posts naming one make one name of it.
BOUND_SHARE = 0.5
# Candidates read per theme: the closest to its centre.
CANDIDATES_MIN = 60

_WORD_RE = re.compile(r"[a-z](?:[a-z'’\-]|&(?=[a-z]))*")
# The " (2)" that tells apart labels that would otherwise be the same.
_LABEL_NUMBER_RE = re.compile(r" \(\d+\)$")
_SENTENCE_RE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)]*|\n|$)")
# A post that says it is beside the point of the discussion.
_OFF_TOPIC_RE = re.compile(r"\boff[\s\-]?topic\b|\bunrelated\b", re.IGNORECASE)
# Words a reply opens with when it leans on the post it answers: agreement, a bare yes or no, or a
# "that"/"same"/"mine" whose meaning is in the other post. General English discourse, not a topic.
_LEANING_OPENERS = frozenset(
    {
        "same",
        "ditto",
        "agreed",
        "agree",
        "exactly",
        "that's",
        "thats",
        "yes",
        "yeah",
        "yep",
        "yup",
        "no",
        "nope",
        "true",
        "totally",
        "absolutely",
        "definitely",
        "probably",
        "maybe",
        "mine",
        "me",
        "oh",
        "ah",
        "aw",
        "wow",
        "ha",
        "haha",
        "lol",
        "also",
        "only",
        "depends",
    }
)
# "That" opening a sentence with one of these is about the post it answers ("That happened to me
# too"); "That store ..." or "This place is great" is not.
_DEMONSTRATIVES = frozenset({"this", "that", "these", "those"})
_POINTING_VERBS = frozenset({"happened", "happens", "exactly", "too", "same"})
# A first sentence ending on one of these points at something said before it.
_POINTING_BACK = frozenset({"this", "that", "it"})
# ... when the sentence is this short: "I was not aware of this." (not "X drove me off, as simple as that").
POINTING_BACK_MAX_WORDS = 6
# What may open a noun phrase before its noun ("my local store"): determiners and possessives.
_DETERMINERS = frozenset(
    {
        "the",
        "a",
        "an",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "its",
        "this",
        "that",
        "these",
        "those",
        "every",
        "each",
        "some",
        "any",
        "no",
        "another",
        "other",
        "all",
        "both",
        "same",
    }
)
# Prepositions: a noun phrase right after one is said in passing, beside what the clause is about.
_PREPOSITIONS = frozenset(
    {
        "in",
        "on",
        "at",
        "into",
        "onto",
        "to",
        "from",
        "by",
        "with",
        "via",
        "through",
        "for",
        "of",
        "about",
        "after",
        "before",
        "during",
        "over",
        "under",
        "past",
        "near",
        "off",
        "without",
        "across",
        "around",
        "inside",
        "outside",
        "within",
        "like",
        "than",
        "between",
        "behind",
        "towards",
        "toward",
        "per",
        "beside",
        "among",
        "until",
        "since",
    }
)
_POSSESSIVE_ENDINGS = ("'s", "s'", "'")


@dataclass(frozen=True)
class _Reading:
    """What a candidate post shows and how it fits as a quote."""

    subject: float  # 0..1: the largest share of the theme's subject the shown text names
    about: float  # 0..1: that share, as much as a sentence shown is about it (the term's role there)
    coverage: float  # 0..1: the share of the post's sentences naming a lead term
    opens: bool  # the post's opening (first sentence or OPENING_WORDS) names a lead term
    said: bool  # the post says something of a lead term it names (an attached opinion or verb)
    labelled: bool  # the shown text says every word the theme's label is made of
    question: bool  # every shown sentence naming the subject is a question
    introduction: bool
    off_topic: bool
    leaning: bool  # opens as a reply that needs the post it answers
    words: int  # words in the post (emoji and numbers are not words)

    @property
    def fits(self) -> bool:
        return (
            self.subject >= SUBJECT_MIN
            and self.about >= ABOUT_MIN
            # Said first or throughout: not a word in passing at the end of a post about other things.
            and (self.opens or self.coverage >= TOPICAL_COVERAGE)
            and not self.question
            and not self.introduction
            and not self.off_topic
            and not self.leaning
            and self.words >= QUOTE_MIN_WORDS
        )


def lead_terms(terms: Sequence[str], weights: Sequence[float]) -> list[tuple[tuple[str, ...], float]]:
    """The theme's lead terms as word sequences, each with its share of the first term's weight."""
    pairs = [(t, float(w)) for t, w in zip(terms, weights, strict=False) if "~" not in t]
    if not pairs:
        return []
    top = max(w for _, w in pairs) or 1.0
    out = [(tuple(t.split()), w / top) for t, w in pairs if w / top >= LEAD_SHARE]
    return out[:LEAD_MAX] or [(tuple(pairs[0][0].split()), 1.0)]


def term_shares(terms: Sequence[str], weights: Sequence[float]) -> dict[str, float]:
    """Each of the theme's terms with its weight as a share of the heaviest one (0..1)."""
    pairs = [(t, float(w)) for t, w in zip(terms, weights, strict=False) if "~" not in t]
    top = max((w for _, w in pairs), default=0.0) or 1.0
    return {t: max(w, 0.0) / top for t, w in pairs}


def _label_words(label: str) -> list[str]:
    """The content words of a label ("Wait for a table" -> wait, table), lower-cased."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = _words(_LABEL_NUMBER_RE.sub("", label))
    return [w for w in words if w not in ENGLISH_STOP_WORDS and len(w) > 1]


def _words(text: str) -> list[str]:
    return [w.replace("’", "'") for w in _WORD_RE.findall(text.lower())]


def _spans(words: Sequence[str], unit: Sequence[str]) -> list[tuple[int, int]]:
    n = len(unit)
    return [
        (i, i + n)
        for i in range(len(words) - n + 1)
        if all(word_matches(words[i + k], unit[k]) for k in range(n))
    ]


def _names(words: Sequence[str], unit: Sequence[str]) -> bool:
    return bool(_spans(words, unit))


@dataclass(frozen=True)
class _Parts:
    """What a post's stored terms tell of how it writes its nouns."""

    nouns: frozenset[str]  # aspects and noun phrases: what the post's parse saw as nouns
    phrases: tuple[tuple[str, ...], ...]  # noun phrases of several words ("store event")

    @classmethod
    def of(cls, doc: ThemeDoc) -> _Parts:
        nouns: set[str] = set()
        phrases: list[tuple[str, ...]] = []
        for term in doc.terms:
            if "~" in term:
                continue
            nouns.add(term)
            if " " in term:
                phrases.append(tuple(term.split()))
        return cls(frozenset(nouns), tuple(phrases))


def _mention_role(
    words: Sequence[str],
    start: int,
    end: int,
    unit: Sequence[str],
    parts: _Parts,
    lead_words: frozenset[str],
    bound: dict[str, tuple[str, ...]] | None = None,
) -> float:
    """How much the lead term written at words[start:end] is what its sentence speaks of.

    Read from the surface and the post's stored noun phrases, no parse: a word the post never uses
    as a noun, a noun describing the next one ("store events", a stored phrase it does not end), a
    possessive ("the app's login") or a noun phrase opening on a preposition ("on the app", "into the
    Oxford store"), or else the noun the clause is about. A lead term the theme's posts write as
    part of a longer name (`bound`: "customer" in "customer service") means something else alone
    ("a loyal customer").
    """
    name = " ".join(unit)
    whole = (bound or {}).get(name)
    if whole is not None and not any(a <= start and end <= b for a, b in _spans(words, whole)):
        return ROLE_MODIFIER
    if len(unit) == 1 and name not in parts.nouns:
        return ROLE_MODIFIER
    if end < len(words) and words[end - 1].endswith(_POSSESSIVE_ENDINGS):
        # "the kids' coats", "the app's login": said of the term, as "coats for kids" is.
        return ROLE_PREPOSITIONAL
    premodifiers: set[str] = set()
    for phrase in parts.phrases:
        n = len(unit)
        for k in range(len(phrase) - n + 1):
            if phrase[k : k + n] != tuple(unit):
                continue
            if k + n < len(phrase) and not all(w in lead_words for w in phrase[k + n :]):
                # The term opens a longer noun phrase the post writes here and describes its head
                # ("store events"), unless that head is the theme's too ("customer service").
                lo, hi = start - k, start - k + len(phrase)
                if (
                    lo >= 0
                    and hi <= len(words)
                    and all(word_matches(words[lo + i], phrase[i]) for i in range(len(phrase)))
                ):
                    return ROLE_MODIFIER
            elif k + n == len(phrase):
                premodifiers.update(phrase[:k])
    # Back to where the noun phrase opens: its describing words, then a determiner, which may stand
    # a few describing words before the noun ("to the specialist baby shops").
    i = start
    while i > 0 and words[i - 1] in premodifiers and words[i - 1] not in _PREPOSITIONS:
        i -= 1
    for j in range(i, max(0, i - DESCRIBING_MAX) - 1, -1):
        if j > 0 and words[j - 1] in _DETERMINERS:
            i = j - 1
            break
        if j > 0 and words[j - 1] in _PREPOSITIONS:
            break
    if i > 0 and words[i - 1] in _PREPOSITIONS:
        return ROLE_PREPOSITIONAL
    return ROLE_HEAD


def _leans_on_another_post(text: str) -> bool:
    """The post opens as a reply whose sense is in the post it answers: "Same here!", "Oh that's
    clever", or a first sentence whose object is the other post ("I was not aware of this.")."""
    first = next((m.group(0) for m in _SENTENCE_RE.finditer(text.strip()) if _words(m.group(0))), "")
    words = _words(first)
    if not words:
        return False
    if words[0] in _LEANING_OPENERS:
        return True
    if words[0] in _DEMONSTRATIVES and (len(words) == 1 or words[1] in _POINTING_VERBS):
        return True
    return len(words) <= POINTING_BACK_MAX_WORDS and words[-1] in _POINTING_BACK


def _sentence_share(
    words: Sequence[str],
    parts: _Parts,
    lead: Sequence[tuple[tuple[str, ...], float]],
    shares: dict[str, float],
) -> float:
    """The share of the things a sentence names that are the theme's, each theme term counting as
    much as its weight (a lead term fully)."""
    things: dict[str, float] = {}
    for unit, _ in lead:
        if _names(words, unit):
            things[" ".join(unit)] = 1.0
    for noun in parts.nouns:
        if " " in noun or noun in things or any(noun in name.split() for name in things):
            continue
        if any(word_matches(w, noun) for w in words):
            things[noun] = min(1.0, shares.get(noun, 0.0) / LEAD_SHARE)
    return sum(things.values()) / len(things) if things else 0.0


def read_candidate(
    doc: ThemeDoc,
    *,
    terms: Sequence[str],
    lead: Sequence[tuple[tuple[str, ...], float]],
    label: str = "",
    pairs: Sequence[tuple[str, str]] = (),
    introduction: bool = False,
    shares: dict[str, float] | None = None,
    bound: dict[str, tuple[str, ...]] | None = None,
) -> _Reading:
    """How `doc` reads as a quote of a theme with these `terms` (their `shares` of the first one's
    weight) and `lead` terms."""
    if shares is None:
        shares = {" ".join(unit): share for unit, share in lead}
    shown = quote_excerpt(doc.text, terms)
    parts = _Parts.of(doc)
    lead_words = frozenset(w for unit, _ in lead for w in unit)
    sentences = [m.group(0).strip() for m in _SENTENCE_RE.finditer(doc.text) if _words(m.group(0))]
    subject = about = 0.0
    naming: list[str] = []
    named: set[str] = set()
    covered = seen = 0
    opens = False
    for index, sentence in enumerate(sentences):
        words = _words(sentence)
        before, seen = seen, seen + len(words)
        hits = [(unit, share) for unit, share in lead if _names(words, unit)]
        if not hits:
            continue
        covered += 1
        first = min(a for unit, _ in hits for a, _ in _spans(words, unit))
        opens = opens or index == 0 or before + first < OPENING_WORDS
        if sentence not in shown and sentence[:60] not in shown:
            continue
        naming.append(sentence)
        subject = max(subject, *(share for _, share in hits))
        place = 1.0 if index == 0 else LATER_SENTENCE
        crowded = _sentence_share(words, parts, lead, shares) < SENTENCE_SHARE_MIN
        for unit, share in hits:
            name = " ".join(unit)
            if name in named:
                continue
            # How the post first brings a term up tells whether it is what the post is about:
            # "emails about store events. The store closed." is about the emails.
            named.add(name)
            role = max(
                _mention_role(words, a, b, unit, parts, lead_words, bound) for a, b in _spans(words, unit)
            )
            about = max(about, share * role * place * (CROWDED if crowded else 1.0))
    said = any(left in named for left, _ in pairs)
    shown_words = _words(shown)
    label_words = _label_words(label)
    labelled = bool(label_words) and all(
        any(word_matches(w, lw) or word_matches(lw, w) for w in shown_words) for lw in label_words
    )
    question = bool(naming) and all(s.rstrip("\"'”’) ").endswith("?") for s in naming)
    return _Reading(
        subject=subject,
        about=about,
        coverage=covered / len(sentences) if sentences else 0.0,
        opens=opens,
        said=said,
        labelled=labelled,
        question=question,
        introduction=introduction,
        off_topic=bool(_OFF_TOPIC_RE.search(doc.text)),
        leaning=_leans_on_another_post(doc.text),
        words=len(_words(doc.text)),
    )


def _centrality(
    doc: ThemeDoc, lead: Sequence[tuple[tuple[str, ...], float]], shares: dict[str, float]
) -> float:
    """How close the post's terms sit to the theme's: the weight of the theme's terms among what it
    names, over the square root of how many things it names (cosine-like; not yet scaled to 0..1)."""
    nouns = {t for t in doc.terms if "~" not in t and " " not in t}
    weight = sum(shares.get(n, 0.0) for n in nouns)
    text = _words(doc.text)
    for unit, share in lead:
        if len(unit) > 1 and _names(text, unit):
            weight += share
            nouns.add(" ".join(unit))
    return weight / math.sqrt(len(nouns)) if nouns else 0.0


def _bound_terms(
    lead: Sequence[tuple[tuple[str, ...], float]], docs: Sequence[ThemeDoc]
) -> dict[str, tuple[str, ...]]:
    """Lead terms the theme's posts mostly write as one name with another lead term ("customer" and
    "service" in "customer service"): each with that name. Alone, such a word is something else."""
    singles = [unit[0] for unit, _ in lead if len(unit) == 1]
    texts = [_words(doc.text) for doc in docs]
    bound: dict[str, tuple[str, ...]] = {}
    for a in singles:
        for b in singles:
            if a == b:
                continue
            pair = (a, b)
            together = sum(1 for words in texts if _names(words, pair))
            if together < 2:
                continue
            for word in pair:
                alone = sum(1 for words in texts if _names(words, (word,)))
                if together >= BOUND_SHARE * alone and word not in bound:
                    bound[word] = pair
    return bound


def _value(reading: _Reading, strength: float, focus: float, central: float) -> float:
    """How good a quote the post makes on its own, before the set's diversity."""
    val = strength + 0.5 * focus + central + reading.coverage + 0.5 * reading.subject + 1.5 * reading.about
    if reading.said:
        val += 0.5
    if reading.labelled:
        val += 0.5
    if reading.question:
        val -= 1.5
    if reading.introduction:
        val -= 2.0
    if reading.off_topic:
        val -= 2.0
    if reading.leaning:
        val -= 1.0
    if reading.words < QUOTE_MIN_WORDS:
        val -= 1.0
    elif reading.words > QUOTE_IDEAL_MAX_WORDS:
        val -= min(1.0, (reading.words - QUOTE_IDEAL_MAX_WORDS) / QUOTE_IDEAL_MAX_WORDS)
    return val


def pick_theme_quotes(
    members: Sequence[int],
    own: np.ndarray,
    total: np.ndarray,
    docs: Sequence[ThemeDoc],
    *,
    terms: Sequence[str],
    weights: Sequence[float],
    label: str = "",
    doc_pairs: Sequence[Sequence[tuple[str, str]]],
    doc_scale: Sequence[float],
    introductions: Sequence[bool],
    limit: int = QUOTE_LIMIT,
) -> list[str]:
    """Up to `limit` quotes of a theme, best first, as post keys.

    `members` index `docs`; `own` is each post's score for this theme and `total` its score over all
    themes (a post about this theme alone is more typical of it than one touching every theme);
    `terms` are the theme's terms, most characteristic first, with their `weights`, and `label` its
    name (a post saying what the name says is preferred). `doc_pairs` are
    each post's (aspect, what is said of it) pairs, `doc_scale` how much each post counts in building
    themes (little in a thread of introductions) and `introductions` whether it introduces its author.
    """
    if not members:
        return []
    lead = lead_terms(terms, weights)
    shares = term_shares(terms, weights)
    ref = float(np.percentile([own[d] for d in members], 75)) or 1.0
    mix = Counter(docs[d].sentiment for d in members)
    wanted = {s for s in SENTIMENTS if mix[s] >= SENTIMENT_MIN_SHARE * len(members)}
    cands = sorted(members, key=lambda d: (-own[d], docs[d].key))[: max(CANDIDATES_MIN, limit * 12)]
    central = {d: _centrality(docs[d], lead, shares) for d in cands}
    bound = _bound_terms(lead, [docs[d] for d in cands])
    central_ref = max(central.values()) or 1.0
    base: dict[int, float] = {}
    fits: set[int] = set()
    for d in cands:
        reading = read_candidate(
            docs[d],
            terms=terms,
            lead=lead,
            label=label,
            pairs=doc_pairs[d],
            introduction=introductions[d],
            shares=shares,
            bound=bound,
        )
        strength = min(1.0, float(own[d]) / ref)
        focus = float(own[d]) / float(total[d]) if total[d] > 0 else 0.0
        val = _value(reading, strength, focus, central[d] / central_ref)
        if docs[d].sentiment not in wanted:
            # Heard from few in the theme: not what shows it.
            val -= 0.3
        if doc_scale[d] < 1.0:
            # Said where people introduce themselves: who they are more than what they think.
            val -= 1.0
        elif reading.fits:
            fits.add(d)
        base[d] = val
    words = {d: set(_words(docs[d].text)) for d in cands}
    chosen: list[int] = []
    people: set[str] = set()
    shown: set[str] = set()
    threads: set[str] = set()
    while cands and len(chosen) < limit:
        pool = [d for d in cands if d in fits]
        if not pool:
            if len(chosen) >= QUOTE_MIN:
                break
            pool = cands
        best, best_val = None, -1e9
        for d in pool:
            doc = docs[d]
            val = base[d]
            if doc.participant in people:
                val -= 2.0
            if doc.sentiment in wanted and doc.sentiment not in shown:
                val += 0.6
            if doc.prompt not in threads:
                val += 0.2
            for c in chosen:
                overlap = len(words[d] & words[c]) / max(1, len(words[d] | words[c]))
                # A copy of a chosen quote (pasted twice, a template answer) is the last resort.
                val -= 3.0 if overlap >= NEAR_DUPLICATE else overlap
            if val > best_val:
                best, best_val = d, val
        assert best is not None
        chosen.append(best)
        cands.remove(best)
        people.add(docs[best].participant)
        shown.add(docs[best].sentiment)
        threads.add(docs[best].prompt)
    return [docs[d].key for d in chosen]
