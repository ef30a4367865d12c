"""Representative quotes of a theme: what a researcher would put on a slide to show it.

A quote speaks of the theme's subject: the part of the post a reader sees (the excerpt the pages
cut around the theme's terms) names one of the theme's lead terms, ideally where the post says
something of it. It is typical of the theme (close to its centre, not a long post touching every
theme) and reads on its own: not a question put to the others, not a self-introduction, not a
post that says it is off topic, not a bare reply that only makes sense beside the post it
answers ("Same here!", "That's why I left"). Among such posts the set is diverse: different people,
different things said, and each sentiment common in the theme heard.

Posts that fall short of that are quoted only when a theme has too few others to show.
Everything is deterministic: ties go to the post key.
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class _Reading:
    """What a candidate post shows and how it fits as a quote."""

    subject: float  # 0..1: the largest share of the theme's subject the shown text names
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


def _label_words(label: str) -> list[str]:
    """The content words of a label ("Wait for a table" -> wait, table), lower-cased."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = _words(_LABEL_NUMBER_RE.sub("", label))
    return [w for w in words if w not in ENGLISH_STOP_WORDS and len(w) > 1]


def _words(text: str) -> list[str]:
    return [w.replace("’", "'") for w in _WORD_RE.findall(text.lower())]


def _names(words: Sequence[str], unit: Sequence[str]) -> bool:
    n = len(unit)
    return any(all(word_matches(words[i + k], unit[k]) for k in range(n)) for i in range(len(words) - n + 1))


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


def read_candidate(
    doc: ThemeDoc,
    *,
    terms: Sequence[str],
    lead: Sequence[tuple[tuple[str, ...], float]],
    label: str = "",
    pairs: Sequence[tuple[str, str]] = (),
    introduction: bool = False,
) -> _Reading:
    """How `doc` reads as a quote of a theme with these `terms` and `lead` terms."""
    shown = quote_excerpt(doc.text, terms)
    sentences = [m.group(0).strip() for m in _SENTENCE_RE.finditer(shown) if m.group(0).strip()]
    subject = 0.0
    naming: list[str] = []
    named: set[str] = set()
    for sentence in sentences:
        words = _words(sentence)
        hits = [(unit, share) for unit, share in lead if _names(words, unit)]
        if hits:
            naming.append(sentence)
            subject = max(subject, *(share for _, share in hits))
            named.update(" ".join(unit) for unit, _ in hits)
    said = any(left in named for left, _ in pairs)
    shown_words = _words(shown)
    label_words = _label_words(label)
    labelled = bool(label_words) and all(
        any(word_matches(w, lw) or word_matches(lw, w) for w in shown_words) for lw in label_words
    )
    question = bool(naming) and all(s.rstrip("\"'”’) ").endswith("?") for s in naming)
    return _Reading(
        subject=subject,
        said=said,
        labelled=labelled,
        question=question,
        introduction=introduction,
        off_topic=bool(_OFF_TOPIC_RE.search(doc.text)),
        leaning=_leans_on_another_post(doc.text),
        words=len(_words(doc.text)),
    )


def _value(reading: _Reading, strength: float, focus: float) -> float:
    """How good a quote the post makes on its own, before the set's diversity."""
    val = strength + 0.5 * focus + 1.5 * reading.subject
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
    ref = float(np.percentile([own[d] for d in members], 75)) or 1.0
    mix = Counter(docs[d].sentiment for d in members)
    wanted = {s for s in SENTIMENTS if mix[s] >= SENTIMENT_MIN_SHARE * len(members)}
    cands = sorted(members, key=lambda d: (-own[d], docs[d].key))[: max(CANDIDATES_MIN, limit * 12)]
    base: dict[int, float] = {}
    fits: set[int] = set()
    for d in cands:
        reading = read_candidate(
            docs[d], terms=terms, lead=lead, label=label, pairs=doc_pairs[d], introduction=introductions[d]
        )
        strength = min(1.0, float(own[d]) / ref)
        focus = float(own[d]) / float(total[d]) if total[d] > 0 else 0.0
        val = _value(reading, strength, focus)
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
