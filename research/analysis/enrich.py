"""Per-post enrichment: text in, `PostEnrichment` out, no ORM.

Everything is rule-based on top of the spaCy parse and VADER's general lexicon,
so the same text with the same ANALYZER_VERSION always yields the same record.
Bump ANALYZER_VERSION whenever the output for some text can change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from research.analysis import sentiment as sa
from research.analysis.pipeline import DEFAULT_MODEL, get_nlp
from research.analysis.types import (
    AspectSentiment,
    BrandLexicon,
    BrandMention,
    DimensionSignal,
    PostEnrichment,
)

ANALYZER_VERSION = "1.3.0"
# spaCy entity labels for time expressions; their nouns never make aspects or themes.
TIME_ENTITY_TYPES = frozenset({"DATE", "TIME"})
DEFAULT_MAX_CHARS = 20_000
MIN_WORDS_FOR_LANGUAGE_CHECK = 6

# Nouns too general to be what a post is about.
GENERIC_NOUNS = frozenset(
    {
        "thing",
        "lot",
        "bit",
        "way",
        "time",
        "one",
        "kind",
        "sort",
        "type",
        "part",
        "stuff",
        "fact",
        "reason",
        "point",
        "something",
        "anything",
        "everything",
        "nothing",
        "someone",
        "anyone",
        "everyone",
        "nobody",
        "piece",
        "number",
        "couple",
        "end",
        "rest",
        "other",
        "%",
        "etc",
        "lol",
        "today",
        "yesterday",
        "tomorrow",
        "question",
        "answer",
        "example",
        "sense",
        "matter",
        "case",
    }
)
LIGHT_VERBS = frozenset(
    {"be", "have", "do", "get", "go", "make", "take", "come", "say", "let", "seem", "become"}
)
FIRST_SECOND_PERSON = frozenset({"i", "we", "you", "me", "us", "they", "he", "she", "it", "one"})

# Relevance stance: whether the brand's products and messages fit the customer.
RELEVANCE_POSITIVE = frozenset(
    {
        "relevant",
        "useful",
        "personalized",
        "personalised",
        "tailored",
        "suit",
        "suited",
        "interested",
        "interesting",
        "applicable",
        "appeal",
        "appealing",
        "matter",
        "fit",
        "perfect",
    }
)
RELEVANCE_NEGATIVE = frozenset(
    {
        "irrelevant",
        "useless",
        "pointless",
        "spam",
        "spammy",
        "junk",
        "generic",
        "random",
        "unsolicited",
        "inapplicable",
        "bombard",
        "pushy",
    }
)
# "perfect"/"fit"/"matter"/"suit" only speak to relevance when aimed at the customer ("for me").
RELEVANCE_NEEDS_ME = frozenset({"perfect", "fit", "matter", "suit", "suited", "appeal", "appealing"})

# Brand-perception dimensions (general brand-experience vocabulary, not any one trade).
DIMENSION_CUES: dict[str, frozenset[str]] = {
    "trust": frozenset(
        {
            "trust",
            "distrust",
            "mistrust",
            "trustworthy",
            "honest",
            "dishonest",
            "honesty",
            "transparent",
            "transparency",
            "scam",
            "lie",
            "liar",
            "mislead",
            "misleading",
            "reliable",
            "unreliable",
            "credible",
            "promise",
            "fraud",
            "shady",
            "reputation",
            "integrity",
            "genuine",
            "fake",
            "deceptive",
            "trick",
        }
    ),
    "value": frozenset(
        {
            "price",
            "cost",
            "value",
            "worth",
            "expensive",
            "cheap",
            "overpriced",
            "affordable",
            "inexpensive",
            "pricey",
            "pricy",
            "money",
            "fee",
            "charge",
            "deal",
            "discount",
            "bargain",
            "budget",
            "afford",
            "ripoff",
            "rip-off",
            "overcharge",
            "pay",
            "bill",
        }
    ),
    "quality": frozenset(
        {
            "quality",
            "durable",
            "flimsy",
            "defect",
            "defective",
            "broken",
            "sturdy",
            "craftsmanship",
            "well-made",
            "shoddy",
            "premium",
            "standard",
            "last",
            "fall",
            "tear",
            "rip",
            "break",
            "faulty",
            "buggy",
            "glitch",
            "glitchy",
            "crash",
        }
    ),
    "service": frozenset(
        {
            "service",
            "staff",
            "support",
            "employee",
            "agent",
            "representative",
            "rep",
            "assistant",
            "cashier",
            "clerk",
            "manager",
            "help",
            "helpful",
            "unhelpful",
            "rude",
            "attentive",
            "courteous",
            "queue",
            "respond",
            "response",
            "complaint",
            "refund",
        }
    ),
    "privacy": frozenset(
        {
            "privacy",
            "private",
            "data",
            "datum",
            "track",
            "tracking",
            "consent",
            "creepy",
            "intrusive",
            "cookie",
            "permission",
            "surveillance",
            "gdpr",
            "breach",
            "leak",
            "spy",
            "spam",
            "spammy",
        }
    ),
    "personalization": frozenset(
        {
            "personalize",
            "personalise",
            "personalized",
            "personalised",
            "personalization",
            "personalisation",
            "tailor",
            "tailored",
            "recommendation",
            "suggestion",
            "custom",
            "customize",
            "customise",
            "relevant",
            "irrelevant",
            "remember",
            "forget",
            "preference",
            "generic",
        }
    ),
    "understanding_me": frozenset(
        {"understand", "misunderstand", "understanding", "listen", "care", "ignore", "hear"}
    ),
    "consistency": frozenset(
        {
            "consistent",
            "inconsistent",
            "consistency",
            "inconsistency",
            "channel",
            "omnichannel",
            "sync",
            "mismatch",
            "seamless",
            "disconnect",
            "disconnected",
        }
    ),
}
CHANNEL_WORDS = frozenset(
    {"online", "website", "site", "app", "store", "shop", "branch", "phone", "email", "in-store"}
)
_CUE_TO_DIMENSIONS: dict[str, tuple[str, ...]] = {}
for _dim, _cues in DIMENSION_CUES.items():
    for _cue in _cues:
        _CUE_TO_DIMENSIONS[_cue] = (*_CUE_TO_DIMENSIONS.get(_cue, ()), _dim)

_WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)
ENGLISH_FUNCTION_WORDS = frozenset(
    [
        "the",
        "and",
        "is",
        "are",
        "was",
        "were",
        "to",
        "of",
        "i",
        "you",
        "it",
        "this",
        "that",
        "with",
        "for",
        "my",
        "we",
        "they",
        "have",
        "has",
        "not",
        "but",
        "be",
        "at",
        "on",
        "it's",
        "i'm",
        "so",
        "very",
        "our",
        "your",
        "their",
        "there",
        "what",
        "when",
        "would",
        "will",
        "can",
        "just",
        "from",
        "or",
        "an",
        "had",
        "been",
        "did",
        "do",
        "don't",
        "all",
        "if",
        "as",
        "by",
        "than",
        "too",
        "only",
        "also",
        "because",
        "about",
    ]
)
# Frequent function words of the languages customers most often switch to, minus English look-alikes.
FOREIGN_FUNCTION_WORDS = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "y",
        "que",
        "del",
        "es",
        "por",
        "con",
        "para",
        "una",
        "le",
        "les",
        "et",
        "est",
        "des",
        "une",
        "du",
        "pas",
        "je",
        "il",
        "nous",
        "vous",
        "der",
        "das",
        "und",
        "ist",
        "nicht",
        "ich",
        "mit",
        "sie",
        "ein",
        "eine",
        "che",
        "di",
        "non",
        "per",
        "sono",
        "è",
        "os",
        "não",
        "com",
        "uma",
        "het",
        "een",
        "niet",
        "ik",
        "zijn",
        "muy",
        "pero",
        "también",
        "mais",
        "avec",
        "dans",
        "sur",
        "wir",
        "auch",
        "aber",
        "muito",
        "mas",
        "ma",
        "anche",
        "questo",
    ]
)
_LETTER_RE = re.compile(r"[^\W\d_]", re.UNICODE)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS) | {"n't", "'s", "'m", "'re", "'ve", "'d", "'ll"}


def check_text(text: str, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Why a text cannot be analysed ("empty", "too_long", "not_english"), or "" if it can."""
    if not text or not text.strip():
        return "empty"
    if len(text) > max_chars:
        return "too_long"
    if not _LETTER_RE.search(text):
        return "empty"
    # Every letter of an ASCII text is Latin: only other texts need their letters counted.
    if not text.isascii():
        letters = _LETTER_RE.findall(text)
        latin = sum(1 for ch in letters if ch.isascii() or "\u00c0" <= ch <= "\u024f")
        if latin / len(letters) < 0.5:
            return "not_english"
    words = _WORD_RE.findall(text.lower())
    if len(words) >= MIN_WORDS_FOR_LANGUAGE_CHECK:
        # Terse English ("great prices, friendly staff") has few function words, so
        # only call a text foreign when other languages' function words outnumber English ones.
        english = sum(1 for w in words if w in ENGLISH_FUNCTION_WORDS)
        foreign = sum(1 for w in words if w in FOREIGN_FUNCTION_WORDS)
        if foreign >= 2 and foreign > english:
            return "not_english"
    return ""


def is_compound_part(tok: Any) -> bool:
    return tok.dep_ == "compound" and tok.head.pos_ in ("NOUN", "PROPN")


def is_aspect_token(tok: Any, pii_chars: set[int]) -> bool:
    if tok.pos_ != "NOUN" or tok.is_stop or tok.like_num or tok.idx in pii_chars:
        return False
    if tok.ent_type_ in TIME_ENTITY_TYPES:
        return False  # "last week", "this year": when something happened is never what it is about
    lemma = tok.lemma_.lower()
    if lemma in GENERIC_NOUNS and not any(c.dep_ == "compound" for c in tok.lefts):
        return False  # "points" alone says nothing, "loyalty points" does
    return len(lemma) > 1 and lemma.isascii() and any(c.isalpha() for c in lemma)


def aspect_phrase(tok: Any) -> str:
    """Lemma of a noun with its compound modifiers: "wait staff", "customer service"."""
    parts = [c for c in tok.lefts if c.dep_ == "compound" and c.pos_ in ("NOUN", "PROPN") and not c.is_stop]
    # Keep only the contiguous run directly before the head.
    run: list[Any] = []
    for c in reversed(parts):
        if c.i == (run[0].i if run else tok.i) - 1:
            run.insert(0, c)
    words = [c.lemma_.lower() for c in run] + [tok.lemma_.lower()]
    return " ".join("data" if w == "datum" else w for w in words)


def _with_conjuncts(tok: Any) -> list[Any]:
    out = [tok]
    for c in tok.conjuncts:
        out.append(c)
    return out


CLAUSE_DEPS = frozenset({"ROOT", "conj", "advcl", "ccomp", "relcl", "parataxis"})


def clause_root(tok: Any) -> Any:
    memo = tok.doc.user_data.setdefault("vb_clause_root", {})
    hit = memo.get(tok.i)
    if hit is not None:
        return hit
    cur = tok
    path = []
    for _ in range(30):
        if cur.i in memo:
            cur = memo[cur.i]
            break
        path.append(cur.i)
        if cur.dep_ in CLAUSE_DEPS and cur.pos_ in ("VERB", "AUX"):
            break
        head = cur.head
        # Tokens are new objects on every access, so compare positions: the root is its own head.
        if head.i == cur.i:
            break
        cur = head
    # Every token on the way up has the same clause root.
    for i in path:
        memo[i] = cur
    return cur


def _sentence_bounds(length: int, sents: Iterable[Any]) -> list[tuple[int, int]]:
    """(start, end) of the sentence around each token, by token index."""
    bounds: list[tuple[int, int]] = [(0, 0)] * length
    for sent in sents:
        bounds[sent.start : sent.end] = [(sent.start, sent.end)] * (sent.end - sent.start)
    return bounds


def clause_span(tok: Any) -> Any:
    """The clause around a token, without the coordinated clauses hanging off it."""
    root = clause_root(tok)
    doc = tok.doc
    memo = doc.user_data.setdefault("vb_clause_span", {})
    hit = memo.get(root.i)
    if hit is not None:
        return hit
    bounds = doc.user_data.get("vb_sent_bounds")
    if bounds is None:
        bounds = doc.user_data["vb_sent_bounds"] = _sentence_bounds(len(doc), doc.sents)
    sent_start, sent_end = bounds[tok.i]
    lo = max(root.left_edge.i, sent_start)
    hi = min(root.right_edge.i, sent_end - 1)
    # Coordinated clauses ("..., but the app forgets my size") hang off the root to its right.
    for child in root.rights:
        if child.dep_ == "cc" or child.dep_ == "conj" and child.pos_ in ("VERB", "AUX"):
            hi = min(hi, child.left_edge.i - 1)
            break
    hi = max(hi, min(root.i, sent_end - 1))
    while lo < hi and doc[lo].is_punct:
        lo += 1
    while hi > lo and doc[hi].is_punct:
        hi -= 1
    span = doc[lo : hi + 1]
    memo[root.i] = span
    return span


def opinion_targets(tok: Any, aspects: dict[int, str]) -> list[int]:
    """The aspect tokens a sentiment word is said about, from the parse."""

    def expand(t: Any) -> list[int]:
        return [c.i for c in _with_conjuncts(t) if c.i in aspects]

    if tok.i in aspects:
        return [tok.i]
    head = tok.head
    if tok.dep_ in ("amod", "compound", "nmod") and head.i in aspects:
        return expand(head)
    if (
        tok.dep_ in ("acomp", "attr", "oprd", "xcomp")
        or tok.pos_ in ("ADV",)
        and head.pos_ in ("AUX", "VERB")
    ):
        subj = [c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")]
        found = [i for s in subj for i in expand(s)]
        if found:
            return found
        if tok.pos_ == "ADV":
            return opinion_targets(head, aspects) if head.pos_ == "VERB" and head is not tok else []
    if tok.pos_ == "VERB":
        subj = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        objs = [c for c in tok.children if c.dep_ in ("dobj", "attr")]
        for prep in (c for c in tok.children if c.dep_ == "prep"):
            objs.extend(c for c in prep.children if c.dep_ == "pobj")
        personal = any(s.lower_ in FIRST_SECOND_PERSON for s in subj)
        order = (objs, subj) if personal or not subj else (subj, objs)
        for group in order:
            found = [i for g in group for i in expand(g)]
            if found:
                return found
    # No fallback to "the nearest aspect in the same clause": the one this code had compared
    # Token objects by identity, which never holds (spaCy makes a new Token on every access), so
    # it never matched. Restoring it by position changes results and needs the eval gate first.
    return []


def _context_words(tok: Any) -> list[str]:
    """Words that describe or govern an aspect noun: its adjectives, verbs and linked nouns."""
    out: list[str] = []
    for c in tok.children:
        if c.dep_ == "amod" and c.pos_ == "ADJ":
            out.append(c.lemma_.lower())
        elif c.dep_ == "prep":
            out.extend(p.lemma_.lower() for p in c.children if p.dep_ == "pobj" and p.pos_ == "NOUN")
    head = tok.head
    if tok.dep_ in ("nsubj", "nsubjpass"):
        if head.lemma_ not in LIGHT_VERBS and head.pos_ == "VERB":
            out.append(head.lemma_.lower())
        for c in head.children:
            if c.dep_ in ("acomp", "attr", "oprd") and c.pos_ in ("ADJ", "NOUN") and c is not tok:
                out.append(c.lemma_.lower())
    elif tok.dep_ in ("dobj", "attr") and head.pos_ == "VERB" and head.lemma_ not in LIGHT_VERBS:
        out.append(head.lemma_.lower())
    elif tok.dep_ == "pobj" and head.dep_ == "prep":
        gov = head.head
        if gov.pos_ == "VERB" and gov.lemma_ not in LIGHT_VERBS or gov.pos_ == "NOUN" or gov.pos_ == "ADJ":
            out.append(gov.lemma_.lower())
    stops = _stop_words()
    return [w for w in out if w.isascii() and w.replace("-", "").isalpha() and w not in stops and len(w) > 1]


@lru_cache(maxsize=64)
def _lexicon_patterns(lexicon: BrandLexicon) -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """(name to report, lower-case words to find, is a competitor) for each term of the lexicon.

    The brand's aliases ("H&L", "Hearth and Loom") report the brand's own name (its first term),
    so every way of naming it counts as one brand. A possessive ending is no part of the words
    looked for: spaCy splits "Marlowe's" into "Marlowe" + "'s", and "Marlowe" alone is the same shop.
    """
    out = []
    brand_name = lexicon.brand_terms[0] if lexicon.brand_terms else ""
    for terms, competitor in ((lexicon.brand_terms, False), (lexicon.competitor_terms, True)):
        for term in terms:
            words = [w for w in re.findall(r"[\w'’&\-]+", term.lower()) if w]
            if words and len(words[-1]) > 2 and words[-1][-2:] in ("'s", "’s"):
                words[-1] = words[-1][:-2]
            if words:
                out.append((term if competitor else brand_name, tuple(words), competitor))
    # Longest first so "ACME Stores" wins over "ACME".
    return tuple(sorted(out, key=lambda p: -len(p[1])))


def _find_mentions(doc: Any, lexicon: BrandLexicon) -> list[tuple[str, bool, Any]]:
    patterns = _lexicon_patterns(lexicon)
    if not patterns:
        return []
    lowers = sa._doc_strings(doc).lowers
    if any(len(w) > 1 and w[-1] == "." for w in lowers):
        # spaCy leaves a sentence's full stop on a short name it takes for an abbreviation ("HnL.").
        lowers = [w[:-1] if len(w) > 1 and w[-1] == "." else w for w in lowers]
    # Where each term's first word occurs, so a term is only compared where it can start.
    firsts = {words[0] for _, words, _ in patterns}
    positions: dict[str, list[int]] = {}
    for i, word in enumerate(lowers):
        if word in firsts:
            positions.setdefault(word, []).append(i)
    taken: set[int] = set()
    found: list[tuple[str, bool, Any]] = []
    for term, words, competitor in patterns:
        n = len(words)
        for i in positions.get(words[0], ()):
            if tuple(lowers[i : i + n]) == words and not taken.intersection(range(i, i + n)):
                taken.update(range(i, i + n))
                found.append((term, competitor, doc[i : i + n]))
    found.sort(key=lambda f: f[2].start)
    return found


def _redact(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    out: list[str] = []
    last = 0
    for start, end, label in sorted(spans):
        out.append(text[last:start])
        out.append(f"[{label}]")
        last = end
    out.append(text[last:])
    return "".join(out)


def _redacted_range(text: str, start: int, end: int, pii: list[tuple[int, int, str]]) -> str:
    """text[start:end] with any personal data inside it replaced by its placeholder."""
    inside = [(max(s, start), min(e, end), label) for s, e, label in pii if s < end and e > start]
    return _redact_slice(text, start, end, inside)


def _redact_slice(text: str, start: int, end: int, spans: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    last = start
    for s, e, label in sorted(spans):
        out.append(text[last:s])
        out.append(f"[{label}]")
        last = e
    out.append(text[last:end])
    return "".join(out)


def _span_score(span: Any, by_token: dict[int, float]) -> float:
    return sum(v for i, v in by_token.items() if span.start <= i < span.end)


def _clean_chunk(chunk: Any, pii_chars: set[int], strings: Any) -> str:
    """A noun chunk without determiners, pronouns, punctuation or a leading stop word ("" if none is left)."""
    pos, lowers = strings.pos, strings.lowers
    doc = chunk.doc
    toks = []
    for i in range(chunk.start, chunk.end):
        if pos[i] in ("DET", "PRON"):
            continue
        t = doc[i]
        if not (t.is_punct or t.is_stop and i == chunk.start):
            toks.append(t)
    if not toks or any(t.idx in pii_chars for t in toks) or pos[toks[-1].i] not in ("NOUN", "PROPN"):
        return ""
    return " ".join(lowers[t.i] for t in toks)


def enrich_doc(
    doc: Any, *, lexicon: BrandLexicon, domain: Mapping[str, float] | None = None, text: str | None = None
) -> PostEnrichment:
    """Everything we derive from one parsed post (`domain`: a community's learned word valences).

    `text`, the text the Doc was parsed from, spares re-joining it from the tokens.
    """
    # Doc.text re-joins every token on each access, so it is read once, with the tokens' strings.
    strings = sa._doc_strings(doc, text)
    text = strings.text
    found_mentions = _find_mentions(doc, lexicon)
    # Brand and competitor names are what clients need to read, not personal data.
    brand_chars = {c for _, _, span in found_mentions for c in range(span.start_char, span.end_char)}
    pii = [
        (start, end, label)
        for start, end, label in (doc._.pii_spans or [])
        if not (label == "NAME" and brand_chars.intersection(range(start, end)))
    ]
    pii_chars: set[int] = set()
    for start, end, _ in pii:
        pii_chars.update(range(start, end))

    def phrase(span: Any) -> str:
        # Phrases are shown to clients, so they are cut from the redacted text.
        return _redacted_range(text, span.start_char, span.end_char, pii)

    toks = list(doc)
    lemmas, lowers, pos = strings.lemmas_lower, strings.lowers, strings.pos
    sents = list(doc.sents)
    doc.user_data["vb_sent_bounds"] = _sentence_bounds(len(toks), sents)
    valences = sa.doc_valences(doc, sents=sents, domain=domain)
    if found_mentions:
        # A name is not an opinion: "Loom" in "Hearth & Loom" or "Tandem" score nothing.
        named = {i for _, _, span in found_mentions for i in range(span.start, span.end)}
        valences = [v for v in valences if v.token_i not in named]
    by_token = {v.token_i: v.value for v in valences}
    post_score = sa.score_valences(valences, text)

    # Every noun counts for theming ("wine" in "wine list" says what the post is about),
    # but a compound's modifier is not an aspect of its own in the sentiment read-out.
    nouns: dict[int, str] = {
        i: aspect_phrase(toks[i])
        for i, p in enumerate(pos)
        if p == "NOUN" and is_aspect_token(toks[i], pii_chars)
    }
    aspects: dict[int, str] = {i: name for i, name in nouns.items() if not is_compound_part(toks[i])}

    # Attribute each sentiment word to what it is about.
    aspect_sum: dict[int, float] = {i: 0.0 for i in aspects}
    aspect_cue: dict[int, int] = {}
    targets = {v.token_i: opinion_targets(toks[v.token_i], aspects) for v in valences}
    for v in valences:
        for i in targets[v.token_i]:
            aspect_sum[i] += v.value
            if i not in aspect_cue or abs(by_token[aspect_cue[i]]) < abs(v.value):
                aspect_cue[i] = v.token_i
    merged: dict[str, tuple[float, str]] = {}
    for i, name in aspects.items():
        score = sa.normalize(aspect_sum[i])
        said = phrase(clause_span(toks[aspect_cue[i]] if i in aspect_cue else toks[i]))
        prev = merged.get(name)
        if prev is None or abs(score) > abs(prev[0]):
            merged[name] = (score, said)
    aspect_results = [
        AspectSentiment(aspect=name, sentiment=sa.label_for(score), score=round(score, 4), phrase=said)
        for name, (score, said) in merged.items()
    ]

    # Relevance stance.
    rel_cues: list[tuple[float, Any]] = []
    for i, lemma in enumerate(lemmas):
        if lemma in RELEVANCE_POSITIVE:
            polarity = 1.0
        elif lemma in RELEVANCE_NEGATIVE:
            polarity = -1.0
        else:
            continue
        tok = toks[i]
        if lemma in RELEVANCE_NEEDS_ME and not _aimed_at_me(tok):
            continue
        if sa.is_negated(tok):
            polarity = -polarity
        rel_cues.append((polarity, tok))
    rel_score = sum(p for p, _ in rel_cues)
    relevance = "relevant" if rel_score > 0 else "irrelevant" if rel_score < 0 else "neutral"
    relevance_phrase = next(
        (phrase(clause_span(tok)) for p, tok in rel_cues if (p > 0) == (rel_score > 0) and rel_score), ""
    )

    # Brand-perception dimensions, one signal per dimension, from its strongest cue.
    dims: dict[str, tuple[float, str, float]] = {}
    for i, lemma in enumerate(lemmas):
        names = _CUE_TO_DIMENSIONS.get(lemma, ())
        if not names and lemma in ("know", "get") and any(c.lower_ in ("me", "us") for c in toks[i].children):
            names = ("understanding_me",)
        if not names and lowers[i] == "need" and pos[i] == "NOUN":
            names = ("understanding_me",)
        if not names:
            continue
        tok = toks[i]
        clause = clause_span(tok)
        score = _span_score(clause, by_token)
        for name in names:
            prev = dims.get(name)
            if prev is None or abs(score) > abs(prev[0]):
                dims[name] = (score, phrase(clause), 0.0)
    for sent in sents:
        channels = {lemmas[i] for i in range(sent.start, sent.end) if lemmas[i] in CHANNEL_WORDS}
        if len(channels) >= 2 and "consistency" not in dims:
            dims["consistency"] = (_span_score(sent, by_token), phrase(sent).strip(), 0.0)
    dimensions = [
        DimensionSignal(
            dimension=name,
            polarity=sa.label_for(sa.normalize(score)),
            score=round(sa.normalize(score), 4),
            phrase=said,
        )
        for name, (score, said, _) in sorted(dims.items())
    ]

    mentions = []
    for term, competitor, span in found_mentions:
        clause = clause_span(span.root)
        score = sa.normalize(_span_score(clause, by_token))
        mentions.append(
            BrandMention(
                brand=term, is_competitor=competitor, sentiment=sa.label_for(score), phrase=phrase(clause)
            )
        )

    noun_phrases: list[str] = []
    for chunk in doc.noun_chunks:
        cleaned = _clean_chunk(chunk, pii_chars, strings)
        if cleaned and cleaned not in noun_phrases:
            noun_phrases.append(cleaned)
    # Key phrases: the noun phrases that carry an opinion first, then multi-word ones.
    opinionated = {aspects[i] for i in aspect_cue}
    key_phrases = sorted(
        noun_phrases,
        key=lambda p: (
            -(any(p.endswith(a) for a in opinionated)),
            -len(p.split()),
            noun_phrases.index(p),
        ),
    )[:8]

    terms: list[str] = []
    seen: set[str] = set()

    def add(term: str) -> None:
        if term and term not in seen:
            seen.add(term)
            terms.append(term)

    attached: set[int] = set()
    noun_targets = (
        targets
        if len(nouns) == len(aspects)
        else {v.token_i: opinion_targets(toks[v.token_i], nouns) for v in valences}
    )
    # The sentiment words said about each noun, in text order (one pass, not nouns x valences).
    said_about: dict[int, list[int]] = {}
    for v in valences:
        for i in noun_targets[v.token_i]:
            said_about.setdefault(i, []).append(v.token_i)
    for i, name in nouns.items():
        tok = toks[i]
        head_lemma = name.split()[-1]
        add(head_lemma)
        if name != head_lemma:
            add(name)
        for ctx in _context_words(tok):
            if ctx != head_lemma:
                add(f"{head_lemma}~{ctx}")
        for token_i in said_about.get(i, ()):
            attached.add(token_i)
            w = lemmas[token_i]
            if w != head_lemma and w.isalpha():
                add(f"{head_lemma}~{w}")
    stops = _stop_words()
    for i, w in enumerate(lemmas):
        if pos[i] not in ("ADJ", "VERB") or i in nouns or i in attached:
            continue
        tok = toks[i]
        if tok.idx in pii_chars:
            continue
        if (
            not tok.is_stop
            and w not in LIGHT_VERBS
            and w.isascii()
            and w.isalpha()
            and len(w) > 2
            and w not in stops
        ):
            add(f"~{w}")

    entities = [
        {"text": ent.text, "label": ent.label_}
        for ent in doc.ents
        if ent.label_ not in ("PERSON", "CARDINAL", "ORDINAL", "QUANTITY", "PERCENT")
        and not any(ch in pii_chars for ch in range(ent.start_char, ent.end_char))
    ]

    return PostEnrichment(
        analysable=True,
        sentiment=sa.label_for(post_score),
        sentiment_score=round(post_score, 4),
        aspects=aspect_results,
        relevance=relevance,
        relevance_phrase=relevance_phrase,
        dimensions=dimensions,
        mentions=mentions,
        key_phrases=key_phrases,
        terms=terms,
        redacted_text=_redact(text, pii),
        sentence_count=len(sents),
        entities=entities,
        noun_phrases=noun_phrases,
    )


def _aimed_at_me(tok: Any) -> bool:
    """ "perfect for me", "it matters to me", "suits my needs": relevance words aimed at the customer."""
    for t in tok.subtree:
        if t.lower_ in ("me", "my", "us", "our", "myself", "mine"):
            return True
    return any(t.lower_ in ("me", "us") for t in tok.head.children) if tok.dep_ == "acomp" else False


def enrich_texts(
    texts: Sequence[str],
    *,
    lexicon: BrandLexicon,
    nlp: Any = None,
    batch_size: int = 64,
    max_chars: int = DEFAULT_MAX_CHARS,
    model_name: str = DEFAULT_MODEL,
    domain: Mapping[str, float] | None = None,
) -> list[PostEnrichment]:
    """One `PostEnrichment` per text, in order; unanalysable texts get `analysable=False` and a reason."""
    if nlp is None:
        nlp = get_nlp(model_name)
    results: list[PostEnrichment | None] = [None] * len(texts)
    todo: list[int] = []
    for n, text in enumerate(texts):
        reason = check_text(text if isinstance(text, str) else "", max_chars=max_chars)
        if reason:
            results[n] = PostEnrichment(analysable=False, reason=reason)
        else:
            todo.append(n)
    docs = nlp.pipe((texts[n] for n in todo), batch_size=batch_size)
    for n, doc in zip(todo, docs, strict=True):
        results[n] = enrich_doc(doc, lexicon=lexicon, domain=domain, text=texts[n])
    return [r for r in results if r is not None]
