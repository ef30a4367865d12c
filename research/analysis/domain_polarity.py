"""Polarity of a community's own evaluative words, learned from its posts without labels.

VADER's lexicon is general: it knows "delicious" and "rude" but not "soggy",
"laggy" or "overdrafted", whose polarity depends on what the community talks
about. Two kinds of evidence from the parse tie an unknown adjective to words
the lexicon already scores (Hatzivassiloglou and McKeown, 1997; Turney, 2002):

- conjunction: "slow and unhelpful" shares polarity, "cheap but flimsy" has
  opposite polarities (negation on either side flips it);
- co-occurrence: an adjective said predicatively ("the queue was endless") in
  a sentence whose known words lean one way.

A word is kept only when its evidence is significantly one-sided after allowing
for the community's base rate (most communities lean positive, so "mostly seen
with praise" alone proves nothing): the log-odds of positive over negative
evidence, minus the base log-odds, must be at least `min_z` standard errors
from zero (1.96: the usual 5% two-sided level). Everything is a pure function of
the posts' text, so the same posts always give the same lexicon.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from research.analysis import sentiment as sa

# One conjunction is stronger evidence than one shared sentence: the two words
# describe the same thing in the same breath.
CONJUNCTION_WEIGHT = 3.0
# Learned words never outweigh the lexicon's strongest words (VADER's scale is -4..4;
# "good" is 1.9, "bad" -2.5).
MAX_VALENCE = 2.0
# Adjectives that carry the sentence's opinion rather than classify a noun.
PREDICATIVE_DEPS = frozenset({"acomp", "attr", "conj", "ROOT", "oprd", "xcomp"})
CONTRAST_CC = frozenset({"but", "yet"})


@dataclass(frozen=True)
class DomainLexicon:
    """Learned valences (VADER's scale) of words the general lexicon lacks."""

    words: Mapping[str, float] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """Changes whenever a learned valence does: store it beside records scored with it."""
        payload = json.dumps(sorted((w, round(v, 4)) for w, v in self.words.items()))
        return hashlib.sha1(payload.encode()).hexdigest()[:12]

    def get(self, word: str) -> float | None:
        return self.words.get(word)

    def to_json(self) -> dict[str, float]:
        return {w: round(v, 4) for w, v in sorted(self.words.items())}

    @classmethod
    def from_json(cls, data: Mapping[str, float]) -> DomainLexicon:
        """Rebuild a stored lexicon; anything but word -> finite number is refused by name."""
        words: dict[str, float] = {}
        for word, value in data.items():
            if not isinstance(word, str) or not word or isinstance(value, bool):
                raise ValueError(f"domain lexicon: bad entry {word!r}")
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"domain lexicon: {word!r} has a non-numeric valence {value!r}")
            words[word] = float(value)
        return cls(words)

    def __len__(self) -> int:
        return len(self.words)


EMPTY = DomainLexicon()


def is_candidate(tok: Any) -> bool:
    """An adjective the general lexicon does not score, worth learning."""
    word = tok.lower_
    lex, _ = sa.lexicon()
    return (
        tok.pos_ == "ADJ"
        and word.isascii()
        and word.isalpha()
        and len(word) > 2
        and not tok.is_stop
        and not tok.ent_type_
        and word not in lex
        and tok.lemma_.lower() not in lex
        and word not in sa.IGNORED
        and word not in sa.NEGATORS
        and not (sa.is_misspelling(tok) and sa.typo_lookup(word))
    )


def _conjuncts(tok: Any) -> list[tuple[Any, Any]]:
    """(other conjunct, the head whose "cc" joins them) for every adjective conjoined with `tok`."""
    pairs = []
    if tok.dep_ == "conj" and tok.head.lemma_ == "be":
        # "the phone is cheap but grainy": the parser may hang the second adjective off the copula.
        pairs.extend((c, tok.head) for c in tok.head.children if c.dep_ == "acomp" and c.i < tok.i)
    elif tok.dep_ == "conj":
        pairs.append((tok.head, tok.head))
    for child in tok.children:
        if child.dep_ == "conj":
            pairs.append((child, tok))
    return pairs


def polarity_evidence(doc: Any, *, learned: Mapping[str, float] | None = None) -> Counter[tuple[str, int]]:
    """Weighted votes (word, +1 or -1) for the candidate adjectives of one parsed post.

    Words already `learned` count as known words, not as candidates.
    """
    learned = learned or {}
    votes: Counter[tuple[str, int]] = Counter()
    for sent in doc.sents:
        candidates = [tok for tok in sent if tok.lower_ not in learned and is_candidate(tok)]
        if not candidates:
            continue
        known = {v.token_i: v.value for v in sa.sentence_valences(sent, domain=learned)}
        total = sum(known.values())
        for tok in candidates:
            if sa._too_excess(tok) is not None or sa._comparative(tok):
                # "too large", "more appealing than…": a degree, not the word's own polarity.
                continue
            own = -1 if sa.is_negated(tok) else 1
            for other, joint in _conjuncts(tok):
                value = known.get(other.i)
                if not value:
                    continue
                contrast = any(c.dep_ == "cc" and c.lower_ in CONTRAST_CC for c in joint.children)
                sign = (1 if value > 0 else -1) * (-1 if contrast else 1) * own
                votes[(tok.lower_, sign)] += CONJUNCTION_WEIGHT
            if tok.dep_ in PREDICATIVE_DEPS and total:
                sign = (1 if total > 0 else -1) * own
                votes[(tok.lower_, sign)] += 1.0
    return votes


def learn_from_votes(votes: Counter[tuple[str, int]], *, min_z: float = 1.96) -> DomainLexicon:
    """Keep the words whose votes lean significantly away from the community's base rate."""
    pos_total = sum(n for (_, sign), n in votes.items() if sign > 0)
    neg_total = sum(n for (_, sign), n in votes.items() if sign < 0)
    if not pos_total or not neg_total:
        return EMPTY  # no contrast to learn from (a tiny or one-sided community)
    base = math.log(pos_total / neg_total)
    learned: dict[str, float] = {}
    for word in sorted({w for w, _ in votes}):
        # Half a vote each way keeps one-sided counts finite (the usual continuity correction).
        pos = votes[(word, 1)] + 0.5
        neg = votes[(word, -1)] + 0.5
        lean = math.log(pos / neg) - base
        if abs(lean) / math.sqrt(1 / pos + 1 / neg) >= min_z:
            learned[word] = math.copysign(min(MAX_VALENCE, abs(lean)), lean)
    return DomainLexicon(learned)


def learn_domain_lexicon(docs: Iterable[Any], *, min_z: float = 1.96, rounds: int = 2) -> DomainLexicon:
    """The learned lexicon of a community from its parsed posts (order does not matter).

    Learning propagates: words learned in one round are known words in the next, so
    "soggy" conjoined only with a learned "cold" is found in round two. Each hop away
    from the general lexicon compounds the error of the last, so by default it goes one
    hop beyond the seeds; it stops early when a round learns nothing new.
    """
    docs = list(docs)
    learned: dict[str, float] = {}
    for _ in range(rounds):
        votes: Counter[tuple[str, int]] = Counter()
        for doc in docs:
            votes.update(polarity_evidence(doc, learned=learned))
        found = learn_from_votes(votes, min_z=min_z).words
        if not found:
            break
        learned.update(found)
    return DomainLexicon(learned)
