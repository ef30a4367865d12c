"""Token-level sentiment over a spaCy parse, using VADER's general-purpose lexicon.

VADER scores a flat string: it negates within a three-word window, treats every
"like" as praise and cannot tell which noun an adjective describes. Here each
sentiment word is scored on the parse instead: negation comes from the word's
own dependents and those of the verb it hangs off ("was never relevant"),
contrast from the clause structure ("lovely but forgets my size"), requests and
conditionals are damped, and every score is attributed to the thing it is said
about, which gives aspect-level sentiment for free.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Generic customer-experience words VADER's social-media lexicon lacks. They are
# about products, prices, service and software in general, not any one trade.
EXTRA_LEXICON: dict[str, float] = {
    "overpriced": -2.0,
    "expensive": -1.0,
    "pricey": -1.0,
    "pricy": -1.0,
    "affordable": 1.5,
    "inexpensive": 1.0,
    "slow": -1.2,
    "sluggish": -1.5,
    "attentive": 1.8,
    "inattentive": -1.8,
    "unhelpful": -1.8,
    "knowledgeable": 1.5,
    "professional": 1.2,
    "unprofessional": -2.0,
    "unresponsive": -1.5,
    "intuitive": 1.5,
    "seamless": 1.5,
    "reliable": 1.5,
    "unreliable": -1.8,
    "buggy": -1.8,
    "glitchy": -1.8,
    "laggy": -1.5,
    "clunky": -1.5,
    "outdated": -1.2,
    "overrated": -1.5,
    "underwhelming": -1.5,
    "mediocre": -1.5,
    "crowded": -1.0,
    "cramped": -1.2,
    "loud": -0.8,
    "creepy": -1.8,
    "intrusive": -1.5,
    "spammy": -1.8,
    "irrelevant": -1.2,
    "relevant": 1.0,
    "personalized": 1.0,
    "personalised": 1.0,
    "tailored": 1.0,
    "convenient": 1.5,
    "inconvenient": -1.5,
    "prompt": 1.0,
    "courteous": 2.0,
    "accommodating": 1.8,
    "impeccable": 2.5,
    "flawless": 2.5,
    "subpar": -1.8,
    "lousy": -2.0,
    "rip-off": -2.0,
    "ripoff": -2.0,
    "hassle": -1.2,
    # General evaluative words missing from VADER (or listed there only as intensifiers).
    "phenomenal": 3.0,
    "exceptional": 2.8,
    "incredible": 2.8,
    "stellar": 2.5,
    "top-notch": 2.5,
    "notch": 2.0,
    "authentic": 1.2,
    "patient": 1.2,
    "impatient": -1.2,
    "decent": 1.0,
    "reasonable": 1.0,
    "average": -0.5,
    "favourite": 2.0,
    "gem": 2.0,
    "rave": 1.5,
    "sloppy": -1.5,
    "rushed": -1.0,
    "filthy": -2.5,
    "smelly": -1.8,
    "spacious": 1.2,
    "cozy": 1.5,
    "extraordinary": 2.5,
    "underrated": 1.5,
    "cosy": 1.5,
    "mortifying": -2.0,
    "mortified": -2.0,
    "stale": -1.5,
    "mouldy": -2.0,
    "moldy": -2.0,
    "flimsy": -1.5,
    "wobbly": -1.2,
    "rusty": -1.2,
    # Evaluative in any trade, and missing from VADER.
    "unbearable": -2.2,
    "intolerable": -2.2,
    "abysmal": -2.5,
    "atrocious": -2.5,
    "shoddy": -1.8,
    "lackluster": -1.5,
    "lacklustre": -1.5,
    "dingy": -1.5,
    "shabby": -1.5,
    "tedious": -1.5,
    "cumbersome": -1.5,
    "pointless": -1.5,
    "inefficient": -1.5,
    "disorganised": -1.2,
    "unorganized": -1.2,
    "unorganised": -1.2,
    "untrustworthy": -2.0,
    "unwelcoming": -1.8,
    "dismissive": -1.8,
    "condescending": -1.8,
    "patronizing": -1.8,
    "patronising": -1.8,
    "snooty": -1.5,
    "unhygienic": -2.0,
    "forgettable": -1.2,
    "unmemorable": -1.2,
    "nightmare": -2.0,
    "memorable": 1.5,
    "polite": 1.5,
    "spotless": 2.0,
    "immaculate": 2.0,
    "pristine": 1.5,
    "smitten": 2.0,
    "overcharged": -1.8,
    "disrespectful": -2.0,
    "negligent": -2.0,
    "soulless": -1.5,
    "gimmicky": -1.2,
    "measly": -1.2,
    "paltry": -1.2,
    "deteriorated": -1.5,
    "bravo": 2.0,
    "unbeatable": 2.5,
    "runaround": -1.8,
    "incorrect": -1.5,
    "glitch": -1.5,
    "glitches": -1.5,
    "outage": -1.5,
    "outages": -1.5,
    # VADER reads "freezes" as mild praise or none; said of a device or an app it is a fault.
    "freezes": -1.2,
    # Hyphenated (spaCy splits them; `_base_valence` joins them again).
    "sub-par": -1.8,
    "second-rate": -1.8,
    "first-rate": 2.5,
    "first-class": 2.5,
    "world-class": 2.5,
    "spot-on": 2.0,
    "go-to": 1.8,
    "must-have": 1.8,
    # Customer verdicts in any trade that VADER lacks.
    "overhyped": -1.5,
    "inconsistent": -1.2,
    "consistent": 1.0,
    "unnecessary": -1.0,
    "unavailable": -1.0,
    "drawback": -1.0,
    "lacking": -1.2,
    "economical": 1.2,
    # "OK" in a review is faint praise, not VADER's enthusiastic 1.2.
    "ok": 0.1,
    "okay": 0.1,
}
# Damage and wear that befall a thing ("arrived scratched", "the jumper pilled", "it shrank in the
# wash"): a complaint when said of the thing, but a plain description when the participle classifies
# a noun ("cracked pepper", "stained glass") or a person acts ("we cracked on", "they leaked it"),
# so `_damage` scores them only in those first uses. Keyed by lemma; VADER's scale.
DAMAGE_LEMMAS: dict[str, float] = {
    "scratch": -1.5,
    "dent": -1.5,
    "chip": -1.5,
    "crack": -1.5,
    "stain": -1.2,
    "fade": -1.0,
    "shrink": -1.5,
    "pill": -1.5,
    "bobble": -1.2,
    "fray": -1.5,
    "rip": -1.2,
    "tear": -1.2,
    "leak": -1.5,
    "rust": -1.2,
    "warp": -1.2,
    "snap": -1.0,
}
# Irregular forms of those verbs; regular ones are derived in `_damage_forms`.
DAMAGE_IRREGULAR = {
    "shrank": "shrink",
    "shrunk": "shrink",
    "shrunken": "shrink",
    "tore": "tear",
    "torn": "tear",
}
# Verbs that report knowing or choosing; a wh-clause under them asks rather than asserts
# ("I can never tell which is the best one").
WONDERING_VERBS = frozenset(
    {"tell", "know", "wonder", "decide", "ask", "choose", "guess", "figure", "work", "understand", "check"}
    | {"remember", "see", "say", "sure", "idea", "clue"}
)
WH_WORDS = frozenset({"which", "what", "whether", "if", "who", "whom", "how"})
CEASE_VERBS = frozenset({"stop", "cease", "quit"})
# Emoji common in customer chat whose Unicode names say nothing VADER can score
# ("thumbs up", "pouting face", "face with rolling eyes"); VADER's scale.
EMOJI_VALENCE: dict[str, float] = {
    "\U0001f44d": 1.5,  # thumbs up
    "\U0001f44e": -1.5,  # thumbs down
    "\U0001f44f": 1.5,  # clapping hands
    "\U0001f64c": 1.5,  # raising hands
    "\U0001f44c": 1.2,  # OK hand
    "\U0001f389": 1.5,  # party popper
    "\U0001f4af": 1.5,  # hundred points
    "\u2b50": 1.0,  # star
    "\u2705": 0.8,  # check mark button
    "\u274c": -0.8,  # cross mark
    "\U0001f60d": 2.5,  # smiling face with heart-eyes
    "\U0001f970": 2.5,  # smiling face with hearts
    "\U0001f642": 1.0,  # slightly smiling face
    "\U0001f641": -1.2,  # slightly frowning face
    "\u2639": -1.5,  # frowning face
    "\U0001f621": -2.5,  # pouting face
    "\U0001f620": -2.2,  # angry face
    "\U0001f92c": -2.8,  # face with symbols on mouth
    "\U0001f624": -1.5,  # face with steam from nose
    "\U0001f612": -1.5,  # unamused face
    "\U0001f644": -1.5,  # face with rolling eyes
    "\U0001f629": -1.8,  # weary face
    "\U0001f62b": -1.8,  # tired face
    "\U0001f61e": -1.8,  # disappointed face
    "\U0001f614": -1.5,  # pensive face
    "\U0001f62d": -2.0,  # loudly crying face
    "\U0001f92e": -2.5,  # face vomiting
    "\U0001f922": -2.0,  # nauseated face
    "\U0001f4a9": -2.0,  # pile of poo
}
SPLIT_PREFIXES = frozenset({"over", "under", "un", "non"})
# Emoticons in VADER's lexicon are told from punctuation by these characters.
EMOTICON_MARKS = frozenset(":;=<")
LUKEWARM = frozenset({"ok", "okay", "fine", "alright", "decent", "acceptable", "average"})
# Phrasal verbs whose sentiment lives in the particle: "fell apart", "let me down".
PHRASAL: dict[str, tuple[tuple[str, float], ...]] = {
    "fall": (("apart", -2.0), ("short", -1.5)),
    "break": (("down", -1.5),),
    "let": (("down", -2.0),),
    "mess": (("up", -1.5),),
    "screw": (("up", -2.0),),
    "rip": (("off", -2.0),),
    "give": (("up", -1.0),),
    "go": (("downhill", -1.8),),
    "blow": (("away", 2.5),),
    "live": (("up", 1.5),),  # "lives up to the hype" (denied: "didn't live up to it")
    "measure": (("up", 1.2),),
}
# "recommend giving it a try", "highly recommend": a recommendation of the thing, not a tip.
TRY_VERBS = frozenset({"try", "give", "visit", "check"})
STRONG_ADVICE = frozenset({"highly", "strongly", "definitely", "totally", "thoroughly", "wholeheartedly"})
# Things one buys, joins or uses: "don't buy it", "never book with them" is a warning.
WARNING_VERBS = frozenset(
    {"get", "buy", "order", "use", "download", "install", "book", "choose", "pick", "trust", "visit"}
    | {"shop", "bank", "sign", "purchase", "open", "do"}
)
DEFINITE = frozenset({"the", "this", "that", "these", "those", "their", "its", "his", "her"})
# "skip the queue", "skip the wait": what is skipped is the nuisance, which is praise.
SKIPPABLE = frozenset({"queue", "line", "wait", "hassle", "crowd", "crowds", "fee", "fees", "paperwork"})
NUMBER_WORDS = {
    w: n
    for n, w in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
    )
}
CONSTRUCTION_LEMMAS = WARNING_VERBS | {
    "know",
    "beat",
    "need",
    "write",
    "should",
    "skip",
    "compare",
    "thumb",
    "look",
    "give",
    "rock",
    "hit",
    "often",
    "take",
    "star",
}
# A bare imperative of choosing recommends ("Get the blue one"); "use"/"download"/"open" read as instructions.
CHOOSE_VERBS = frozenset({"get", "buy", "order", "book", "pick", "choose"})
NEEDS_WORK = frozenset({"work", "fixing", "improving", "updating", "attention"})
# "took forever", "takes ages": a wait complained of.
FOREVER = frozenset({"forever", "ages", "eternity"})
# "go elsewhere", "take your business somewhere else": advice (or a decision) to leave.
LEAVE_VERBS = frozenset({"go", "look", "shop", "take", "try", "move", "switch", "head"})
# What a customer was owed arriving, answering or working: denied ("the parcel never arrived",
# "nobody answered", "the app doesn't load"), a complaint in any trade. Done by the provider...
FULFIL_VERBS = frozenset(
    {"arrive", "come", "show", "respond", "reply", "answer", "work", "load", "deliver", "fix"}
)
# ...or received by the customer ("I never received a refund", "we didn't get our order").
RECEIVE_VERBS = frozenset({"receive", "get"})
# "not what I ordered", "not what we paid for": what came is not what was asked for.
ASKED_VERBS = frozenset({"want", "expect", "order", "ask", "pay", "request"})
# "the quality has gone down", "fees went up": a change that is good or bad by what changed.
QUALITY_NOUNS = frozenset({"quality", "standard", "standards", "reliability", "choice", "selection"})
COST_NOUNS = frozenset({"price", "cost", "fee", "charge", "premium", "subscription"})
RISE_VERBS = frozenset({"rise", "increase", "soar", "climb", "double", "triple", "jump", "shoot", "creep"})
FALL_VERBS = frozenset({"drop", "fall", "decline", "slip", "deteriorate", "plummet", "dip", "sink"})
# "I don't use it any more", "we don't even consider them now": a customer who has moved on.
CONSIDER_VERBS = frozenset({"think", "consider", "use", "shop", "buy", "visit", "bank", "order", "bother"})
# "drove me away", "put us off", "scared customers off": what made someone leave.
REPEL_VERBS = frozenset({"drive", "put", "turn", "scare", "push", "chase"})
# "they made it right", "doesn't make it OK": what is owed is put right (or denied).
AMENDS = frozenset({"right", "ok", "okay", "acceptable", "fair", "alright"})
# "it was sorted quickly", "the problem got resolved": a fault dealt with is service that worked.
RESOLVE_VERBS = frozenset({"sort", "resolve", "fix", "solve", "rectify"})
# "four phone calls to get a refund", "three emails and still nothing": effort counted.
EFFORT_NOUNS = frozenset({"call", "email", "attempt", "visit", "trip", "chat", "letter", "complaint"})
# "Surprised they haven't done it", "shocked it doesn't": an omission remarked on.
SURPRISE_WORDS = frozenset({"surprised", "amazed", "astonished", "shocked", "staggered", "baffled"})
# "It's amazing how one mistake...", "funny what a bad week does": the exclamation takes the
# content's side, so it is not praise when the content is bad.
EXCLAIM_WORDS = frozenset({"amazing", "incredible", "funny", "remarkable", "astonishing", "interesting"})
# "who has a printer now?", "who uses cheques these days?": something nobody has any more.
NOWADAYS = frozenset({"now", "nowadays", "anymore", "today"})
EXPERIENCER_VERBS = frozenset({"enjoy", "love", "like", "adore", "prefer", "recommend", "rave", "praise"})
# A clause joined to another: what is said in it is not said in the clause it hangs off.
CLAUSE_LINKS = frozenset({"conj", "cc", "advcl", "ccomp", "relcl", "parataxis", "xcomp"})
OBSOLETE_VERBS = frozenset({"have", "own", "use", "carry", "need", "want", "keep", "write", "print"})
# "one mistake undoes years of loyalty", "ruined a lovely evening": the good thing is lost.
UNDO_VERBS = frozenset({"undo", "ruin", "spoil", "wreck", "destroy", "erase", "sour", "tarnish"})
PATTERN_LEMMAS = frozenset(
    {"go", "come", "be", "return", "head", "visit", "try", "check", "have", "stick", "wait", "stay", "save"}
    | LEAVE_VERBS
    | set(PHRASAL)
    | FULFIL_VERBS
    | RECEIVE_VERBS
    | ASKED_VERBS
    | CONSTRUCTION_LEMMAS
    | {"nothing", "make", "think"}
    | RISE_VERBS
    | FALL_VERBS
    | CONSIDER_VERBS
    | REPEL_VERBS
    | {"push", "force", "shove", "thrust"}
    | RESOLVE_VERBS
    | EFFORT_NOUNS
)
# "will be back", "keep coming back", "would return": a customer who means to come back.
RETURN_VERBS = frozenset({"go", "come", "be", "return", "head", "visit"})
FUTURE_AUX = frozenset(
    {"will", "'ll", "would", "'d", "ca", "can", "must", "definitely", "gon", "going", "wo"}
)
# VADER entries that mostly mislead in customer posts: "please" is politeness,
# "kind"/"well"/"pretty" are usually hedges or intensifiers, "no" is handled as negation.
IGNORED = frozenset(
    {
        "please",
        "no",
        "kind",
        "yes",
        "sure",
        "want",
        "thank",
        "thanks",
        "friend",
        "friends",
        "hope",
        "hoping",
        "celebrate",
        "celebration",
        "birthday",
        "party",
        "share",
        "wish",
        # Discourse fillers VADER scores as praise ("Yeah, the app can be slow", "Hopefully it's fixed").
        "yeah",
        "yep",
        "yea",
        "hopefully",
    }
)
NEGATORS = frozenset(
    {
        "not",
        "n't",
        "never",
        "no",
        "none",
        "nothing",
        "nobody",
        "neither",
        "nor",
        "hardly",
        "barely",
        "scarcely",
        "rarely",
        "seldom",
        "without",
        "nowhere",
        "cannot",
    }
)
# Verbs of opinion that pass their negation down: "I don't think it's good" means "I think it isn't".
NEG_RAISING = frozenset({"think", "suppose", "feel"})
CONTRAST_FORWARD = frozenset({"but", "however", "yet", "nevertheless", "nonetheless", "though"})
# "..., but overall a good bank": a summing-up outweighs the details before it, as "but" does.
SUMMARY = frozenset({"overall"})
CONCESSIVE = frozenset({"although", "though", "while", "whereas", "despite"})
CONDITIONAL = frozenset({"if", "unless", "whether"})
MODAL_COUNTERFACTUAL = frozenset({"could", "should", "would", "might"})
N_SCALAR = -0.74
NEG_NEGATED_SCALAR = -0.4
BOOST = 0.293
CAPS_BOOST = 0.733


@lru_cache(maxsize=1)
def _typo_index() -> dict[str, str]:
    """Lexicon words of seven letters or more, keyed by each one-letter deletion (SymSpell style)."""
    lex, _ = lexicon()
    index: dict[str, str] = {}
    for word in sorted(lex):
        if len(word) >= 7 and word.isalpha():
            for i in range(len(word)):
                index.setdefault(word[:i] + word[i + 1 :], word)
    return index


@lru_cache(maxsize=1)
def _dictionary() -> frozenset[str]:
    """Base forms the English lemmatizer knows, to tell a misspelling from a real word.

    Without it "eating" would be read as "beating" and "reading" as "dreading".
    """
    from research.analysis.pipeline import get_nlp

    try:
        index = get_nlp().get_pipe("lemmatizer").lookups.get_table("lemma_index")
    except (KeyError, OSError):  # a model without lookup tables: fall back to the lexicon alone
        return frozenset()
    return frozenset(word for words in index.values() for word in words)


def is_misspelling(tok: Any) -> bool:
    """Neither the word nor its lemma is an English base form the lemmatizer knows."""
    known = _dictionary()
    return tok.lower_ not in known and tok.lemma_.lower() not in known


@lru_cache(maxsize=20_000)
def typo_lookup(word: str) -> str | None:
    """The lexicon word a misspelling most likely meant ("disapointed", "outragous"), if any.

    Only a missing, extra or swapped letter in a long word: short words are too often
    other real words one letter away.
    """
    lex, _ = lexicon()
    if len(word) < 6 or not word.isalpha() or word in lex:
        return None
    index = _typo_index()
    hit = index.get(word)  # a letter was left out
    if hit:
        return hit
    for i in range(len(word)):
        cand = word[:i] + word[i + 1 :]
        if len(cand) >= 5 and cand in lex:  # a letter too many ("aweful", "disapointted")
            return cand
    for i in range(len(word) - 1):
        cand = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        if cand in lex:  # two letters swapped
            return cand
    if len(word) < 7:
        return None
    # One letter wrong ("recommand") or moved ("dissapointed"): a deletion from each word meets
    # (SymSpell's distance 1 on both sides). Only a single such word is trusted.
    found = {index[cand] for i in range(len(word)) if (cand := word[:i] + word[i + 1 :]) in index}
    return found.pop() if len(found) == 1 else None


@lru_cache(maxsize=1)
def lexicon() -> tuple[dict[str, float], dict[str, float]]:
    """VADER's lexicon and booster words (loaded once; vaderSentiment is pure Python)."""
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentimentIntensityAnalyzer

    lex = dict(SentimentIntensityAnalyzer().lexicon)
    lex.update(EXTRA_LEXICON)
    return lex, dict(BOOSTER_DICT)


def normalize(score: float, alpha: float = 15.0) -> float:
    """VADER's squashing of a summed valence into -1..1."""
    if score == 0:
        return 0.0
    return max(-1.0, min(1.0, score / math.sqrt(score * score + alpha)))


def label_for(score: float, threshold: float = 0.05) -> str:
    if score >= threshold:
        return "positive"
    if score <= -threshold:
        return "negative"
    return "neutral"


@dataclass
class Valence:
    token_i: int
    value: float  # after negation, intensity and clause weighting


def _not_only(tok: Any) -> bool:
    """ "Not only is it fast, it is free": "not only" adds, it denies nothing."""
    doc = tok.doc
    return tok.lower_ == "not" and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "only"


def _why_not(tok: Any) -> bool:
    """ "Why not try the app?": a suggestion, the "not" denies nothing."""
    return tok.lower_ == "not" and tok.i > 0 and tok.doc[tok.i - 1].lower_ == "why"


def _has_negator(tok: Any) -> bool:
    for child in tok.children:
        if (
            child.dep_ == "neg"
            or child.lower_ in NEGATORS
            and child.dep_ in ("advmod", "det", "neg", "preconj")
        ) and not (_not_only(child) or _why_not(child)):
            return True
        # "nothing/nobody was good": a negative pronoun as the subject negates the clause.
        if child.dep_ in ("nsubj", "nsubjpass") and (
            child.lower_ in ("nothing", "nobody", "none", "noone") or _no_one(child)
        ):
            return True
    return False


def _no_one(tok: Any) -> bool:
    """ "no one", "no staff": a noun whose determiner is "no"."""
    return any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children)


def is_negated(tok: Any, *, raised: bool = False) -> bool:
    """Negation scope from the parse: the word, the words it describes or hangs off, or "without".

    With `raised`, also a negation raised onto a verb of opinion ("I don't think it's good"),
    as post sentiment reads it (enrichment's dimension cues handle that raising themselves).
    """
    if tok.pos_ == "ADV" and tok.dep_ == "advmod" and tok.head.pos_ in ("VERB", "AUX"):
        # A sentence adverb ("Honestly, it is not bad") is outside the clause's negation
        # unless the negation comes first ("not exactly helpfully").
        return any(
            (c.dep_ == "neg" or c.lower_ in NEGATORS) and c.i < tok.i and not _not_only(c)
            for c in (*tok.children, *tok.head.children)
        )
    cur = tok
    for _ in range(4):
        if _has_negator(cur):
            return True
        # "stopped trusting them", "quit using it": giving something up denies it.
        if cur.dep_ == "xcomp" and cur.head.lemma_ in ("stop", "quit", "cease"):
            return True
        head = cur.head
        if head is cur:
            return False
        if head.lower_ == "without" and head.dep_ == "prep":
            return True
        if cur.pos_ in ("ADJ", "ADV") and (
            head.dep_ == "prep"
            and _denying_frame(head)
            or head.lower_ == "anything"
            and cur.i
            and cur.doc[cur.i - 1].lower_ == "but"
        ):
            return True  # "less than helpful", "far from perfect", "anything but friendly"
        if (
            cur.dep_ == "advcl"
            and head.lower_ == "less"
            and any(c.lower_ == "than" and c.dep_ == "mark" for c in cur.children)
        ):
            return True  # "we were less than impressed"
        if (
            cur.dep_ == "xcomp"
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children)
            and any(c.dep_ == "advmod" and c.lower_ == "too" for c in head.children)
        ):
            return True  # "too slow to be useful": the excess rules out what follows
        if (
            cur.dep_ in ("acl", "relcl")
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children)
            and (head.lower_ in ("nothing", "nobody", "noone") or head.lower_ == "one" and _no_one(head))
        ):
            return True  # "there was no one to help us", "nobody to ask"
        if cur.dep_ == "xcomp" and head.lemma_.lower() == "wait":
            return False  # "can't wait to go back": what one cannot wait for is wanted
        if raised and cur.dep_ == "ccomp" and head.lemma_.lower() in NEG_RAISING and _has_negator(head):
            return True  # "I don't think I would go again": the negation belongs to what is thought
        if cur.dep_ == "xcomp" and head.lemma_.lower() == "fail":
            return not is_negated(head)  # "failed to impress"; "never failed to impress" is praise
        if cur.dep_ == "ccomp" and head.lemma_.lower() == "doubt" and head.pos_ == "VERB":
            return not _has_negator(head)  # "I doubt they will ever answer" (but "no doubt it's good")
        if cur.dep_ == "amod" and head.lower_ in ("nothing", "nobody", "none", "noone", "nowhere"):
            return True  # "nothing special"
        # A noun object carries its own sentiment: in "not worth the hassle" only "worth" is denied.
        # An adjective on the object is inside the verb's negation: "never had a bad experience".
        if (
            cur.pos_ in ("NOUN", "PROPN")
            and cur.dep_ in ("dobj", "pobj", "npadvmod")
            and (cur is tok or cur.dep_ != "dobj")
        ):
            return False
        # Climb only through attachments that keep the same predication.
        if cur.dep_ in (
            "acomp",
            "attr",
            "xcomp",
            "advmod",
            "amod",
            "compound",
            "oprd",
            "dobj",
            "npadvmod",
            "aux",
        ):
            # "not a good place": amod -> attr -> negated copula
            cur = head
            continue
        # "the food was not hot or fresh": negation distributes over "or"/"nor".
        if cur.dep_ == "conj" and any(c.lower_ in ("or", "nor") for c in head.children if c.dep_ == "cc"):
            cur = head
            continue
        return False
    return False


# "less than helpful", "far from perfect", "anything but friendly": the frame denies the adjective.
DENYING_FRAMES = frozenset({("than", "less"), ("from", "far"), ("but", "anything"), ("than", "rather")})


def _denying_frame(prep: Any) -> bool:
    return (prep.lower_, prep.head.lower_) in DENYING_FRAMES


def _worth_object(tok: Any) -> bool:
    """The object of "worth" ("the hassle", "a special trip", "every penny") or a word on it."""
    for cur in (tok, tok.head):
        if cur.dep_ in ("npadvmod", "dobj", "pobj") and cur.head.lower_ == "worth":
            return True
        if cur.dep_ not in ("amod", "compound"):
            return False
    return False


def _too_bad(tok: Any) -> bool:
    """ "Too bad the delivery was late", "it's too bad they closed": regret, not excess."""
    if tok.lower_ != "bad" or tok.i < 1:
        return False
    doc = tok.doc
    too = doc[tok.i - 1]
    if too.lower_ != "too" or too.head.i != tok.i:
        return False
    if too.i == tok.sent.start:
        return True
    # "it's too bad", "that is too bad": the expletive subject of the copula.
    verb = tok.head
    return (
        tok.dep_ == "acomp"
        and verb.lemma_ == "be"
        and not any(c.dep_ == "neg" for c in verb.children)
        and any(c.dep_ == "nsubj" and c.lower_ in ("it", "that", "this") for c in verb.children)
    )


_POSS = frozenset({"my", "our", "your", "his", "her", "their"})
# Fixed phrases of a verdict, keyed by their last word: the words before it (a set: any of them)
# and the phrase's valence.
SET_PHRASES: dict[str, tuple[tuple[tuple[str | frozenset[str], ...], float], ...]] = {
    "point": ((("on",), 1.8),),  # "the advice was on point"
    "world": ((("out", "of", "this"), 2.5),),
    "beyond": ((("above", "and"), 2.0),),
    "none": ((("second", "to"), 2.5),),
    "go": ((("the", "way", "to"), 1.5),),  # "this bank is the way to go"
    "buck": ((("bang", "for", _POSS | {"the"}), 1.8),),
    "day": (((frozenset({"make", "makes", "made", "making"}), _POSS), 2.0),),  # "it made my day"
    "way": ((("out", "of", _POSS), 1.8),),  # "went out of her way" (not "out of the way")
    "backwards": (((frozenset({"bend", "bends", "bent", "bending"}), "over"), 2.0),),
    "above": ((("a", "cut"), 2.0),),
    "up": ((("keep", "it"), 1.5),),
    "hold": ((("on",), -1.0),),  # "kept on hold for an hour"
    "par": ((("below",), -1.5), (("up", "to"), 0.0)),
    "scratch": ((("up", "to"), 0.0),),
    "standard": ((("up", "to"), 0.0),),
    "nothing": ((("thanks", "for"), -1.5),),  # "thanks for nothing"
}
PHRASE_ENDS = frozenset(SET_PHRASES) | {"spot"}


def _set_phrase(tok: Any) -> float | None:
    doc, i = tok.doc, tok.i
    word = tok.lower_
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    if word == "spot":
        # "spot on" closing its clause ("a spot on the shelf" goes on)
        after = doc[i + 2] if i + 2 < len(doc) else None
        if nxt is not None and nxt.lower_ == "on" and (after is None or after.is_punct or after.dep_ == "cc"):
            return 1.8
        return None
    for before, value in SET_PHRASES.get(word, ()):
        n = len(before)
        if i - n < tok.sent.start or not all(
            t.lower_ == want if isinstance(want, str) else t.lower_ in want
            for t, want in zip(doc[i - n : i], before, strict=True)
        ):
            continue
        if word == "point" and nxt is not None and not (nxt.is_punct or nxt.dep_ == "cc"):
            return None  # "on point three of the contract"
        if not value:
            # "not up to scratch", "never up to par": only the denial is a verdict.
            denied = any(
                t.lower_ in ("not", "n't", "never") for t in doc[max(tok.sent.start, i - n - 2) : i - n]
            )
            return -1.2 if denied else None
        return value
    return None


# Nouns that make a product, feature or department of the noun before them ("gift card",
# "interest rate", "help desk"), where that noun names a kind and says nothing of quality.
PRODUCT_HEADS = frozenset(
    {"card", "rate", "account", "scheme", "programme", "program", "team", "desk", "line", "points"}
    | {"score", "limit", "code", "fund", "voucher", "certificate", "centre", "center", "department", "plan"}
)
# Words of candour that also open a remark ("to be honest", "in all fairness", "frankly,").
HEDGES = frozenset(
    {"honest", "fair", "frank", "truthful", "honesty", "fairness", "honestly", "truthfully", "frankly"}
)


def _hedge(tok: Any) -> bool:
    head = tok.head
    if tok.pos_ == "ADJ":
        # "to be honest": a subjectless infinitive of "be"
        return (
            tok.dep_ == "acomp"
            and head.lemma_ == "be"
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in head.children)
            and (head.dep_ == "ROOT" or not any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children))
        )
    if tok.pos_ == "NOUN":
        return tok.dep_ == "pobj" and head.lower_ == "in"  # "in all honesty", "in fairness"
    if tok.pos_ == "ADV":
        # "Honestly, the app is slow", "I honestly think...", not "they dealt with us honestly"
        doc = tok.doc
        return tok.i < head.i or tok.i + 1 < len(doc) and doc[tok.i + 1].text == ","
    return False


def _not_evaluative(tok: Any, word: str) -> bool:
    """Lexicon words in a sense that judges nothing: "feel free to", "on top of that", "a parking
    fine", "the fine print", "patients", "asked for help"."""
    if word == "free":
        return tok.head.lemma_.lower() == "feel"
    if word == "top":
        return tok.dep_ == "pobj" and tok.head.lower_ == "on"
    if word == "fine":
        return tok.pos_ == "NOUN" or tok.dep_ == "amod" and tok.head.lower_ == "print"
    if word in ("patient", "patients"):
        return tok.pos_ == "NOUN"
    if word == "help" and tok.pos_ == "NOUN":
        # asked for, not given: "I asked for help", "we need help with the app" ("no help" stays)
        head = tok.head
        return (
            tok.dep_ == "pobj"
            and head.lower_ == "for"
            or tok.dep_ == "dobj"
            and head.lemma_.lower() in ("need", "want", "seek", "get", "ask")
        ) and not any(c.lower_ in ("no", "any") for c in tok.children)
    return False


def _ironic_luck(luck: Any) -> bool:
    """ "Good luck getting a refund", "good luck trying to reach them": a doing wished luck is doomed."""
    return any(
        c.tag_ == "VBG"
        and c.dep_ in ("acl", "advcl", "xcomp", "dep")
        or c.dep_ == "prep"
        and c.lower_ == "with"
        and any(g.tag_ == "VBG" for g in c.children)
        for c in luck.children
    )


def _to_die_for(tok: Any) -> bool:
    """ "a view to die for": the idiom is high praise (a stranded "for" after an infinitive "die")."""
    children = list(tok.children)
    return any(c.lower_ == "to" and c.dep_ == "aux" for c in children) and any(
        c.lower_ == "for" and c.dep_ == "prep" and not any(True for _ in c.children) for c in children
    )


def _is_booster_use(tok: Any, boosters: dict[str, float]) -> bool:
    return (
        tok.lower_ in boosters
        and tok.dep_ in ("advmod", "amod", "npadvmod")
        and tok.head.pos_
        in (
            "ADJ",
            "ADV",
            "VERB",
            "NOUN",
        )
    )


@lru_cache(maxsize=1)
def _split_suffixes() -> frozenset[str]:
    """What follows a split prefix in a lexicon word ("priced" of "overpriced"), to skip the lookback cheaply."""
    lex, _ = lexicon()
    return frozenset(w[len(p) :] for w in lex for p in SPLIT_PREFIXES if w.startswith(p) and len(w) > len(p))


@lru_cache(maxsize=4096)
def symbol_valence(text: str) -> float | None:
    """Valence of an emoticon (":(", ":-)", "<3") or an emoji, None for any other token."""
    lex, _ = lexicon()
    low = text.lower()
    if low in lex and EMOTICON_MARKS.intersection(low):
        return lex[low]
    if text in EMOJI_VALENCE:
        return EMOJI_VALENCE[text]
    # Other emoji: VADER's own reading, the lexicon words of the emoji's name ("crying face").
    name = _emoji_names().get(text)
    if name is None:
        return None
    total = sum(lex.get(word, 0.0) for word in name.split())
    return total or None


@lru_cache(maxsize=1)
def _emoji_names() -> dict[str, str]:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return dict(SentimentIntensityAnalyzer().emojis)


# Words whose VADER score belongs to one sense only; `_word_sense` reads the sense off the parse.
# Adverbs of certainty strengthen what they modify: before a denial ("definitely wouldn't go back")
# they are not praise of their own.
CERTAINTY_ADVERBS = frozenset({"definitely", "definately", "certainly", "surely"})
# Stance adverbs that also have a manner sense ("explained it clearly"): only before their word.
STANCE_ADVERBS = frozenset({"clearly", "easily", "seriously"})
# Times of day and week: an adjective on them sets a scene ("a lazy Sunday", "a busy Friday night").
TIME_NOUNS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "weekend", "weekday"}
    | {"morning", "afternoon", "evening", "night", "weeknight", "day", "hour", "hours", "hrs"}
    | {"period", "season"}
)
SCENE_ADJECTIVES = frozenset(
    {"lazy", "busy", "crowded", "quiet", "frantic", "hectic", "packed", "rainy", "slow", "cold", "hot"}
    | {"long"}
)
# Fixed names with an evaluative word in them: "best friend", "happy hour", "Good Friday".
NAMED_WITH: dict[str, frozenset[str]] = {
    "best": frozenset({"friend", "man", "before"}),
    "happy": frozenset({"hour", "hours"}),
    "good": frozenset({"friday", "morning", "afternoon", "evening", "night"}),
    "special": frozenset({"occasion", "celebration", "event", "request", "edition", "order", "needs", "day"}),
    "old": frozenset({"friend", "school", "days"}),
}
# "the right call", "the right choice": a decision judged sound.
DECISION_NOUNS = frozenset({"call", "choice", "decision", "move", "pick"})
# What one pays and what one gets, for "high"/"low" ("prices are low" is good news, "low quality" is not).
PRICE_LEMMAS = frozenset({"price", "cost", "fee", "charge", "premium", "subscription", "bill", "fare"})
LEVEL_WORDS = {"high": 1.0, "higher": 1.0, "highest": 1.0, "low": -1.0, "lower": -1.0, "lowest": -1.0}
# Speed is praise said of a service or of the thing itself ("delivery was quick", "fast service"),
# not of "a quick question", "a quick look" or of the customer ("we were quick to order").
SPEED_WORDS = frozenset({"quick", "fast", "speedy", "swift", "rapid"})
SERVICE_NOUNS = frozenset(
    {"service", "delivery", "response", "reply", "refund", "checkout", "transfer", "shipping", "dispatch"}
    | {"turnaround", "support", "answer", "payment", "loading", "setup", "installation", "approval"}
)
SENSE_WORDS = (
    SPEED_WORDS
    | CERTAINTY_ADVERBS
    | STANCE_ADVERBS
    | SCENE_ADJECTIVES
    | frozenset(NAMED_WITH)
    | frozenset(LEVEL_WORDS)
    | {"hand", "block", "stop", "close", "different", "right", "killer", "ass", "blast", "lucky", "well"}
    | {"forget", "plus", "cheap", "hooked", "true", "specials", "chance"}
)


def _described(tok: Any) -> Any | None:
    """The noun an adjective is said of: its head when attributive, the subject when predicative."""
    if tok.dep_ == "amod":
        return tok.head
    if tok.dep_ in ("acomp", "attr"):
        return next((c for c in tok.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    return None


def _word_sense(tok: Any, word: str, val: float | None) -> float | None:
    """The valence of a word with one evaluative sense among others, from how it is used."""
    head = tok.head
    dep = tok.dep_
    if word in CERTAINTY_ADVERBS:
        doc = tok.doc
        denial = doc[tok.i + 1 : tok.i + 4]
        return None if any(t.lower_ in ("not", "n't", "never", "no") for t in denial) else val
    if word in STANCE_ADVERBS:
        doc = tok.doc
        after_comma = tok.i + 1 < len(doc) and doc[tok.i + 1].text == ","
        return None if tok.pos_ == "ADV" and (tok.i < head.i or after_comma) else val
    if word in SPEED_WORDS and (tok.pos_ == "ADJ" or dep == "acomp"):
        doc = tok.doc
        if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == "enough":
            return val  # "fast enough": sufficiency, and its denial a shortfall
        if dep == "amod":
            return 1.2 if head.lemma_.lower() in SERVICE_NOUNS else val
        subject = _described(tok)
        if subject is not None and subject.lower_ in ("i", "we", "you"):
            return val
        return 1.2 if dep in ("acomp", "ROOT", "conj") else val
    if word in LEVEL_WORDS:
        noun = _described(tok)
        lemma = noun.lemma_.lower() if noun is not None else ""
        if lemma in PRICE_LEMMAS:
            return -1.2 * LEVEL_WORDS[word]  # "prices are low", "high fees"
        if lemma in QUALITY_NOUNS:
            return 1.2 * LEVEL_WORDS[word]  # "high standards", "low quality"
        # "high expectations", "a high ceiling": good or bad only by what is measured, so a polarity
        # learned from "prices are high" must not spread to them ("low" keeps VADER's reading).
        return val if LEVEL_WORDS[word] < 0 else None
    if dep == "amod" and word in SCENE_ADJECTIVES and head.lower_ in TIME_NOUNS:
        return None  # "on a lazy Sunday", "a busy Saturday night": the scene, not a verdict
    named = NAMED_WITH.get(word)
    if named is not None:
        if dep in ("amod", "compound") and head.lemma_.lower() in named:
            return None
        if word == "special" and tok.pos_ == "NOUN":
            return None  # "the lunch specials", "weekly specials": offers, not praise
        if word == "best" and dep == "dobj" and head.lemma_.lower() in ("try", "do"):
            return None  # "I tried my best"
        if word == "old" and any(c.dep_ == "npadvmod" for c in tok.children):
            return None  # "two months old": an age, not wear
        return val
    if word == "hand":
        # "on the other hand", "in hand": only "gave me a hand" is help.
        lent = any(c.lower_ == "a" for c in tok.children) and head.lemma_.lower() in ("give", "lend")
        return val if lent else None
    if word == "block":
        return None if tok.pos_ == "NOUN" else val  # "a block away"; "they blocked my card" stays
    if word == "stop":
        if tok.pos_ == "NOUN" or any(c.lower_ in ("by", "in", "off", "over") for c in tok.children):
            return None  # "a quick stop", "stop by": a visit
        return val
    if word == "close":
        return None if dep == "amod" or any(c.dep_ == "prep" for c in tok.children) else val
    if word == "different":
        return None  # "different colours", "different from the last one": no verdict either way
    if word == "right":
        if dep == "amod" and head.lemma_.lower() in DECISION_NOUNS:
            return 1.5  # "the right call"
        return val
    if word == "killer":
        return 1.8 if dep in ("amod", "compound") else val  # "killer deals", "a killer app"
    if word == "ass":
        doc = tok.doc
        prev = [doc[j].lower_ for j in range(max(0, tok.i - 2), tok.i)]
        return 2.0 if any(p.startswith("kick") for p in prev) else val  # "kicks ass", "kick-ass"
    if word == "blast":
        return 2.0 if tok.pos_ == "NOUN" and dep == "dobj" and head.lemma_.lower() == "have" else None
    if word == "lucky":
        # "you'll be lucky to get a reply", "you're lucky if they answer": a doubt, not luck.
        verb = head if dep == "acomp" else tok
        doubtful = any(c.dep_ == "nsubj" and c.lower_ == "you" for c in verb.children) and any(
            c.dep_ == "xcomp"
            and any(a.lower_ == "to" for a in c.children)
            or c.dep_ == "advcl"
            and any(m.lower_ == "if" for m in c.children)
            for t in (tok, verb)
            for c in t.children
        )
        return -1.5 if doubtful else val
    if word == "well":
        # "waited well over an hour", "well under half": a measure, not "did well".
        doc = tok.doc
        nxt = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else ""
        amount = doc[tok.i + 2] if tok.i + 2 < len(doc) else None
        measured = amount is not None and (
            amount.like_num or amount.lower_ in ("a", "an", "half", "twice", "double") or amount.is_currency
        )
        return (
            None if measured and nxt in ("over", "under", "above", "below", "past", "beyond", "into") else val
        )
    if word == "forget":
        # "Don't forget your card", "I'll never forget it": a reminder, not a lapse.
        return None if any(c.dep_ == "neg" for c in tok.children) else val
    if word == "true":
        # "It's true, the app is slow", "it's true that...": conceding a point, not praise.
        doc = tok.doc
        subject = _described(tok)
        after_comma = tok.i + 1 < len(doc) and doc[tok.i + 1].text == ","
        if (
            subject is not None
            and subject.lower_ in ("it", "that", "this")
            and (after_comma or any(c.dep_ == "ccomp" for c in (*tok.children, *head.children)))
        ):
            return None
        return val
    if word == "specials":
        return None  # "today's specials": what is on offer
    if word == "chance":
        # "before we had a chance to order": an opportunity, not luck.
        return None if any(c.dep_ in ("acl", "relcl") and c.tag_ == "VB" for c in tok.children) else val
    if word == "cheap":
        # "the prices were cheap" (with "feel" or "look", cheap may mean shoddy: left as it was).
        noun = _described(tok)
        priced = noun is not None and noun.lemma_.lower() in PRICE_LEMMAS and head.lemma_.lower() == "be"
        return 1.2 if priced else val
    if word == "hooked":
        # "I've been hooked since", "hooked on the app" (not "hooked up the printer").
        return 1.5 if not any(c.dep_ in ("prt", "dobj") for c in tok.children) else val
    if word == "plus":
        # "a real plus", "another plus": an advantage ("plus tax" is arithmetic).
        return 1.2 if tok.pos_ == "NOUN" and any(c.dep_ in ("det", "amod") for c in tok.children) else val
    return val


def _base_valence(
    tok: Any, lex: dict[str, float], boosters: dict[str, float], domain: Mapping[str, float] | None = None
) -> float | None:
    word, pos, lemma, like_num = tok.lower_, tok.pos_, tok.lemma_.lower(), tok.like_num
    doc, i = tok.doc, tok.i
    lowers = _doc_strings(doc).lowers  # the neighbours' words, without making their Tokens
    n = len(lowers)
    if not tok.is_alpha and not like_num:
        symbol = symbol_valence(tok.text)
        if symbol is not None:
            return symbol
    if word == "please" and tok.dep_ == "xcomp" and any(c.lower_ == "to" for c in tok.children):
        return lex[word]  # "aims to please", "never fails to please": the verb, not politeness
    if like_num and i + 2 < n and lowers[i + 1] == "-":
        return lex.get(f"{word}-{lowers[i + 2]}")  # "first-class", "second-rate"
    if word in IGNORED or lemma in IGNORED or tok.is_punct or like_num:
        return None
    if word in ("good", "luck"):
        luck = tok.head if word == "good" and tok.dep_ == "amod" else tok
        if luck.lower_ == "luck" and _ironic_luck(luck):
            return -1.5 if tok.i == luck.i else None  # "good luck getting through to anyone"
    if word == "chance" and any(
        c.lower_ in ("another", "second") and c.dep_ in ("det", "amod") for c in tok.children
    ):
        return None  # "will give it another chance": doubt held back, not praise
    if (
        pos == "PROPN"
        and tok.ent_type_ in ("ORG", "PERSON", "GPE", "FAC", "PRODUCT", "WORK_OF_ART")
        # The small model often reads a capitalised opening word as a name ("Best burger ever!").
        and tok.i != tok.sent.start
        # ...and a word in capitals for emphasis ("simply DELICIOUS", "the WORST") as one too.
        and not (tok.is_upper and len(word) > 1 and word in lex)
    ):
        return None
    # Hyphenated entries ("rip-off", "top-notch") are split into three tokens by spaCy.
    if i + 2 < n and lowers[i + 1] == "-":
        compound = lex.get(f"{word}-{lowers[i + 2]}")
        if compound is not None:
            return compound
    if (
        i >= 2
        and lowers[i - 1] == "-"
        and (f"{lowers[i - 2]}-{word}" in lex or f"{lowers[i - 2]}{word}" in lex)
    ):
        return None  # scored on the word before the hyphen
    if word in SPLIT_PREFIXES and i + 2 < n and lowers[i + 1] == "-":
        joined = lex.get(f"{word}{lowers[i + 2]}")
        if joined is not None:
            return joined  # "over-priced", "un-professional"
    # A prefix written apart ("over priced", "under whelming") reads as the joined word.
    if word in SPLIT_PREFIXES and i + 1 < n and not doc[i + 1].is_sent_start:
        joined = lex.get(f"{word}{lowers[i + 1]}")
        if joined is not None:
            return joined
    if word in _split_suffixes() and i:
        prefix = lowers[i - 1]
        if prefix in SPLIT_PREFIXES and f"{prefix}{word}" in lex:
            return None  # already scored on its prefix
    if pos in ("NOUN", "PROPN") and word == "support":
        return None  # "contacted support": a department; the verb ("they support me") still counts
    if word == "die" and _to_die_for(tok):
        return 2.5
    if tok.lemma_ == "pay" and any(c.lemma_ == "attention" and c.dep_ == "dobj" for c in tok.children):
        return 0.8  # "paid attention": care, not VADER's "pay" (money); negated it turns negative
    if (
        word == "steal"
        and pos == "NOUN"
        and any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children)
    ):
        return 2.0  # "it's a steal": a bargain
    if word == "best" and i and lowers[i - 1] == "at":
        return -0.5  # "average at best", "friendly at best": a ceiling, faint praise at most
    if (
        lemma == "desire"
        and tok.tag_ == "VBN"
        and any(c.dep_ == "auxpass" for c in tok.children)
        and any(t.lemma_.lower() == "leave" for t in (tok.head, tok.head.head))
    ):
        return -1.5  # "leaves a lot to be desired"
    if (
        lemma in ("favor", "favour")
        and tok.dep_ == "dobj"
        and tok.head.lemma_.lower() == "do"
        and any(c.dep_ == "dative" for c in tok.head.children)
    ):
        return None  # "do yourself a favor and ...": a formula introducing advice, either way
    if word in HEDGES and _hedge(tok):
        return None  # "to be honest", "in all fairness", "Honestly, ...": how it is said, not what
    if word == "joke" and pos == "NOUN" and (tok.dep_ in ("attr", "ROOT") or tok.head.lemma_ == "be"):
        return -1.5  # "the service is a joke": VADER's social-media "joke" is fun
    val = lex.get(word)
    if val is None and word in PHRASE_ENDS:
        val = _set_phrase(tok)
    if val is None and pos in ("NOUN", "VERB", "ADJ", "ADV"):
        val = lex.get(lemma)
    if val is None and domain and pos == "ADJ":
        val = domain.get(word)  # this community's own evaluative words (domain_polarity)
    if val is None and pos == "ADV" and word.endswith("ly") and len(word) > 4:
        # "rudely" -> "rude", "happily" -> "happy", "reasonably" -> "reasonable"
        stem = word[:-2]
        val = lex.get(stem, lex.get(stem[:-1] + "y") if stem.endswith("i") else None)
        if val is None and word.endswith(("ably", "ibly")):
            val = lex.get(word[:-1] + "e")
    if (
        val is None
        and pos in ("ADJ", "VERB", "ADV", "NOUN", "PROPN")
        and not tok.ent_type_
        and is_misspelling(tok)
    ):
        fixed = typo_lookup(word)
        if fixed is not None:
            val = lex[fixed]
    if val is None and len(word) > 3 and _ELONGATED.search(word):
        val = _unelongated(word)  # "loooove", "amazinggg", "baaad"
    if val is None and pos in ("VERB", "ADJ"):
        val = _damage(tok)
    if val is None and word == "must" and pos in ("NOUN", "ADJ"):
        val = 1.5  # "a must", "a must-see"
    if word in SENSE_WORDS:
        val = _word_sense(tok, word, val)
    if val is None:
        return None
    if tok.dep_ == "compound" and pos == "NOUN" and tok.head.lemma_.lower() in PRODUCT_HEADS:
        return None  # "credit card", "interest rate", "loyalty scheme", "care team": a name, not praise
    if _not_evaluative(tok, word):
        return None
    if word == "improvement" and (
        tok.dep_ == "dobj"
        and tok.head.lemma_.lower() == "need"
        or tok.head.lower_ == "for"
        and tok.head.head.lower_ == "room"
    ):
        return -1.2  # "needs improvement", "there is room for improvement"
    if (
        lemma in ("like", "love")
        and tok.dep_ == "xcomp"
        and tok.head.lemma_.lower() in ("want", "try")
        and tok.head.tag_ == "VBD"
    ):
        return -1.5  # "I wanted to like it", "we really tried to love the app": it did not work out
    if word == "like" or tok.lemma_ == "like":
        # "like" is praise only as a verb of liking, not "looks like" or "would like".
        if pos != "VERB" and not (
            tok.dep_ == "ROOT" and any(c.dep_ == "nsubj" and c.pos_ == "PRON" for c in tok.children)
        ):
            return None
        if any(c.dep_ == "aux" and c.lower_ in ("would", "'d", "d", "should") for c in tok.children):
            return None
    if word in ("well",) and (
        tok.dep_ in ("intj", "advmod") and tok.head.pos_ != "VERB" or tok.i == tok.sent.start
    ):
        return None
    if word == "pretty" and (
        pos == "ADV" or tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ in ("ADJ", "ADV")
    ):  # "pretty odd people": the intensifier, not "a pretty dress"
        return None
    if _is_booster_use(tok, boosters) and abs(val) < 2.5 or _save_warning(tok):
        return None
    if lemma == "fail" and any(c.dep_ == "xcomp" for c in tok.children):
        return None  # "failed to impress": what failed carries the sentiment (negated)
    if (
        tok.lemma_ == "recommend"
        and any(c.dep_ in ("xcomp", "ccomp") and c.lemma_ not in TRY_VERBS for c in tok.children)
        and not any(c.dep_ == "advmod" and c.lower_ in STRONG_ADVICE for c in tok.children)
        # "I wouldn't recommend anyone to go" is a warning, not advice.
        and not any(c.dep_ == "neg" for c in tok.children)
    ):
        return None  # "I recommend booking ahead" is advice ("highly recommend ... give it a try" is praise)
    if (
        tok.lemma_ == "recommend"
        and tok.pos_ == "VERB"
        and not any(c.dep_ == "neg" for c in tok.children)
        and (
            any(c.dep_ == "nsubj" and c.lower_ not in ("i", "we", "you") for c in tok.children)
            or any(c.dep_ == "agent" for c in tok.children)
        )
    ):
        return None  # "a friend recommended it", "recommended to us by the staff": hearsay
    if pos == "ADV" and tok.dep_ == "advmod" and tok.head.pos_ in ("ADJ", "ADV") and tok.i < tok.head.i:
        # "truly unprofessional", "surprisingly average": the adverb only intensifies.
        return None
    return val


_ELONGATED = re.compile(r"([a-z])\1\1")


@lru_cache(maxsize=4096)
def _unelongated(word: str) -> float | None:
    """A word stretched for emphasis, read as the lexicon word it stretches (runs cut to two, then one)."""
    lex, _ = lexicon()
    for run in (r"\1\1", r"\1"):
        val = lex.get(re.sub(r"([a-z])\1{2,}", run, word))
        if val is not None:
            return val
    return None


@lru_cache(maxsize=1)
def _damage_forms() -> dict[str, float]:
    """Every written form of the damage verbs ("pilled", "chipped", "fades"), since the lemmatiser
    does not know them all ("pilled" -> "pille")."""
    forms: dict[str, float] = {}
    for lemma, value in DAMAGE_LEMMAS.items():
        stem = lemma[:-1] if lemma.endswith("e") else lemma
        for form in (
            lemma,
            lemma + "s",
            stem + "ed",
            stem + "ing",
            lemma + lemma[-1] + "ed",
            lemma + lemma[-1] + "ing",
        ):
            forms[form] = value
    forms.update({form: DAMAGE_LEMMAS[lemma] for form, lemma in DAMAGE_IRREGULAR.items()})
    return forms


def _damage(tok: Any) -> float | None:
    """Damage or wear said of a thing: "arrived scratched", "was chipped", "the last two pilled"."""
    value = _damage_forms().get(tok.lower_)
    if value is None or tok.dep_ in ("amod", "compound", "nmod"):
        return None  # "cracked pepper", "ripped jeans": the participle names a kind
    deps = {c.dep_ for c in tok.children}
    if deps & {"dobj", "prt", "ccomp", "xcomp"}:
        return None  # someone acting: "they cracked the code", "crack on", "tear it up"
    subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
    if any(c.lower_ in ("i", "we", "you", "he", "she") for c in subjects):
        return None  # "I was torn between the two", "we chipped in"
    return value


def _in_indirect_question(tok: Any) -> bool:
    """Inside a wh-clause asked, not asserted: "I can't tell which is the best one",
    "I wonder whether the new range is any good"."""
    clause = tok
    while (
        clause.dep_ not in ("ccomp", "ROOT", "advcl", "relcl", "csubj", "conj", "acl")
        and clause.head is not clause
    ):
        clause = clause.head
    if clause.dep_ != "ccomp" or clause.head.lemma_.lower() not in WONDERING_VERBS:
        return False
    return any(
        c.lower_ in WH_WORDS
        and c.i < clause.i
        and c.dep_ in ("nsubj", "nsubjpass", "mark", "dobj", "attr", "advmod")
        for c in clause.children
    )


def _ceased(tok: Any) -> bool:
    """ "stops being reliable" when the small model reads "stops" as a noun, so `is_negated` (which
    follows "stopped caring", "stopped being helpful" through the parse) cannot see the verb."""
    head = tok.head
    if head.lower_ != "being" or tok.dep_ not in ("acomp", "attr") or head.dep_ == "xcomp" or not head.i:
        return False
    before = tok.doc[head.i - 1]
    return before.pos_ != "VERB" and before.lower_ in ("stop", "stops", "stopped", "ceased", "quit")


def _intensity(tok: Any, val: float, boosters: dict[str, float]) -> float:
    sign = 1.0 if val > 0 else -1.0
    for child in tok.children:
        if child.dep_ in ("advmod", "npadvmod") and child.lower_ in boosters:
            val += sign * (BOOST if boosters[child.lower_] > 0 else -BOOST)
        elif (
            child.dep_ == "advmod" and child.pos_ == "ADV" and child.lower_.endswith("ly") and child.i < tok.i
        ):
            val += sign * BOOST
    # "OK" is written in capitals as a matter of course, not for emphasis.
    if tok.is_upper and len(tok.text) > 1 and not tok.doc.text.isupper() and tok.lower_ != "ok":
        val += sign * CAPS_BOOST
    return val


# Words before "to" that make it a misspelt "too" before an adjective ("fees are way to high").
TO_TYPO_BEFORE = frozenset(
    {"is", "are", "was", "were", "be", "'s", "'re", "way", "far", "much", "bit", "little", "just", "so"}
)


def _excess_marker(tok: Any) -> Any | None:
    """The "too" of "too slow" (not the "also" of "love it, too"), or "to" misspelt for it."""
    if tok.pos_ not in ("ADJ", "ADV"):
        return None
    for c in tok.children:
        if c.lower_ == "too" and c.dep_ == "advmod" and c.i < tok.i:
            return c
    if tok.i >= 2 and tok.tag_ in ("JJ", "RB"):
        doc = tok.doc
        to = doc[tok.i - 1]
        if to.lower_ == "to" and to.head.i == tok.i and doc[tok.i - 2].lower_ in TO_TYPO_BEFORE:
            return to
    return None


def _denied_excess(tok: Any, marker: Any) -> bool:
    """ "not too pricey", "never too busy": the excess denied is mild praise."""
    return any(
        c.lower_ in ("not", "n't", "never") and c.i < marker.i for t in (tok, marker) for c in t.children
    )


def _too_excess(tok: Any) -> float | None:
    """ "too small", "too slow": an adjective of excess is a complaint even if neutral alone."""
    return -1.2 if _excess_marker(tok) is not None else None


# Whether a thing can be used at all ("barely usable", "hardly edible"): said only when denied.
USABLE = frozenset(
    {"usable", "useable", "edible", "eatable", "drinkable", "readable", "legible", "functional", "wearable"}
    | {"watchable", "workable", "audible", "navigable", "intelligible", "passable"}
)
# The speaker's own state of need ("tired", "hungry", "stressed by work"): the scene of a visit,
# not a verdict on the place.
SPEAKER_STATES = frozenset(
    {"tired", "exhausted", "starving", "thirsty", "stressed", "sleepy", "broke", "famished", "hungry"}
)
# Subjects of "things can get hectic", "the holidays can be frantic": life in general, not the brand.
GENERIC_SUBJECTS = frozenset(
    {"thing", "life", "everything", "time", "day", "week", "holiday", "season", "weekend", "morning"}
)
# What others say ("heard good things", "after reading the great reviews"): hearsay, not a verdict.
HEARSAY_NOUNS = frozenset({"review", "thing", "word", "rating", "feedback", "report"})


def _speaker_state(tok: Any) -> bool:
    """ "I was tired and hungry", "Stressed by work, I head to...": a state of the speaker's."""
    clause = tok.head if tok.dep_ in ("acomp", "attr") else tok
    subjects = [c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
    if not subjects:
        # A participle opening the sentence, said of the main clause's subject.
        main = clause.head
        return clause.dep_ == "advcl" and any(
            c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in main.children
        )
    if not all(c.lower_ in ("i", "we") for c in subjects):
        return False
    if clause.dep_ in ("advcl", "ccomp", "xcomp") or clause.head.dep_ == "advcl":
        return True  # "when I'm stressed by work, I go to..."
    # "I was exhausted by the checkout" blames its cause; a bare state sets the scene.
    return not any(c.dep_ in ("prep", "agent") for t in (tok, clause) for c in t.children)


def _generic_strain(tok: Any) -> bool:
    """ "Things can get hectic", "the holidays can be frantic": a remark on life, not the brand."""
    verb = tok.head
    return (
        tok.dep_ in ("acomp", "attr")
        and verb.lemma_.lower() in ("get", "be")
        and any(c.dep_ == "aux" and c.lower_ in ("can", "could", "may", "might") for c in verb.children)
        and any(c.dep_ == "nsubj" and c.lemma_.lower() in GENERIC_SUBJECTS for c in verb.children)
    )


def _known_standard(tok: Any) -> bool:
    """ "I know good coffee (and this wasn't it)": a standard the speaker holds, not praise."""
    noun = tok.head
    verb = noun.head
    return (
        tok.dep_ == "amod"
        and noun.dep_ == "dobj"
        and verb.lemma_.lower() == "know"
        and any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in verb.children)
    )


def _hearsay(tok: Any) -> bool:
    """ "heard good things about them", "after reading the great reviews": others' praise."""
    noun = tok.head
    if tok.dep_ != "amod" or noun.lemma_.lower() not in HEARSAY_NOUNS:
        return False
    gov = noun.head
    return noun.dep_ in ("dobj", "pobj") and (
        gov.lemma_.lower() in ("hear", "read") or gov.lower_ in ("after", "despite")
    )


def _negative_question(sent: Any) -> bool:
    """ "Isn't the new app great?", "Don't you love it?": a question expecting yes asserts."""
    if len(sent) < 3 or sent[-1].text != "?":
        return False
    first, second = sent[0], sent[1]
    return (
        first.pos_ == "AUX"
        and first.lemma_.lower() in ("be", "do", "have")
        and second.lower_ in ("n't", "not")
        and second.dep_ == "neg"
    )


def _would_miss(tok: Any) -> bool:
    """ "we would really miss this shop": what the customer would be sorry to lose."""
    children = list(tok.children)
    return (
        tok.lemma_.lower() == "miss"
        and any(c.dep_ == "aux" and c.lower_ in ("would", "'d") for c in children)
        and any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in children)
        and any(c.dep_ == "dobj" for c in children)
        and not any(c.dep_ == "neg" for c in children)
    )


def _degree_shortfall(tok: Any) -> bool:
    """ "not fast enough", "wasn't big enough": a plain adjective's degree denied falls short.

    The caller has seen "enough" right after it (the parser hangs it on the copula as often as on it).
    """
    return tok.pos_ in ("ADJ", "ADV") and is_negated(tok)


# The words and lemmas that can start a clause weighting in `_clause_weights`: every other token skips its checks.
_CLAUSE_MARKERS = CONTRAST_FORWARD | CONCESSIVE | CONDITIONAL | SUMMARY
_CLAUSE_MARKER_LEMMAS = frozenset({"expect", "anticipate", "hope", "wish", "want", "think", "appear", "seem"})


# What `_too_excess` and `_bit_adjective` look for beside an adjective or adverb ("too slow", "a bit basic").
_DEGREE_WORDS = frozenset({"too", "bit", "little"})

# Strings by their spaCy hash (or part-of-speech id), shared by every Doc: a dict lookup is
# cheaper than the StringStore's decoding a new str each time. Bounded, as words keep coming.
_STRINGS: dict[int, str] = {}
_STRINGS_MAX = 200_000


class _DocStrings:
    """The strings sentence scoring reads of every token of a Doc, read once per Doc.

    Each `tok.lower_` or `tok.lemma_` builds a new Python string and each `doc[i]` a new
    Token, so scans over every token read these lists instead; Tokens are made only for
    the few tokens a rule looks at more closely. Holds no Token (no reference cycle).
    `text` is the Doc's text when the caller has it (spaCy's tokenization keeps it whole).
    `idx`, `is_stop` and `is_punct` are the tokens' `idx`, `is_stop` and `is_punct` (0 or 1),
    read in the same pass for the term and noun-phrase scans of `enrich`.
    """

    __slots__ = (
        "lowers",
        "lemmas",
        "lemmas_lower",
        "pos",
        "idx",
        "is_stop",
        "is_punct",
        "text",
        "no_det_heads",
        "has_degree_words",
    )

    def __init__(self, doc: Any, text: str | None = None) -> None:
        if len(_STRINGS) > _STRINGS_MAX:
            _STRINGS.clear()
        *columns, self.idx, self.is_stop, self.is_punct = doc.to_array(
            ["LOWER", "LEMMA", "POS", "IDX", "IS_STOP", "IS_PUNCT"]
        ).T.tolist()
        try:
            self.lowers, self.lemmas, self.pos = (list(map(_STRINGS.__getitem__, keys)) for keys in columns)
        except KeyError:  # words not seen before: the slow way, remembering them
            store = doc.vocab.strings
            self.lowers, self.lemmas, self.pos = ([_string(key, store) for key in keys] for keys in columns)
        self.lemmas_lower = list(map(str.lower, self.lemmas))
        self.text = doc.text if text is None else text
        # Nouns with a "no" determiner: the only nouns outside PATTERN_LEMMAS `_complaint` scores.
        self.no_det_heads = (
            frozenset(
                doc[i].head.i for i, low in enumerate(self.lowers) if low == "no" and doc[i].dep_ == "det"
            )
            if "no" in self.lowers
            else frozenset()
        )
        # Whether `_too_excess` or `_bit_adjective` can find their "too", "a bit" or "a little".
        self.has_degree_words = not _DEGREE_WORDS.isdisjoint(self.lowers)


def _string(key: int, store: Any) -> str:
    string = _STRINGS.get(key)
    if string is None:
        string = _STRINGS[key] = store[key]
    return string


def _doc_strings(doc: Any, text: str | None = None) -> _DocStrings:
    strings = doc.user_data.get("vb_strings")
    if strings is None:
        strings = doc.user_data["vb_strings"] = _DocStrings(doc, text)
    return strings


def _clause_weights(sent: Any) -> dict[int, float]:
    """Weights per token: contrast lowers what comes before "but", conditions and questions damp."""
    strings = _doc_strings(sent.doc)
    lowers, lemmas = strings.lowers, strings.lemmas
    start, end = sent.start, sent.end
    weights = dict.fromkeys(range(start, end), 1.0)
    doc = sent.doc
    # Most sentences hold no marker at all: two set tests for the sentence instead of two a word.
    scanned = range(start, end)
    if _CLAUSE_MARKERS.isdisjoint(lowers[start:end]) and _CLAUSE_MARKER_LEMMAS.isdisjoint(lemmas[start:end]):
        scanned = range(0)
    for i in scanned:
        low = lowers[i]
        if low not in _CLAUSE_MARKERS and lemmas[i] not in _CLAUSE_MARKER_LEMMAS:
            continue  # none of the branches below can apply
        t = doc[i]
        if (
            (low in CONTRAST_FORWARD and low != "though" or low in SUMMARY)
            and t.dep_ in ("cc", "advmod", "mark")
            and i > start
        ):
            for u in range(start, end):
                weights[u] *= 0.5 if u < i else 1.5
        elif low in CONCESSIVE and t.dep_ in ("mark", "prep"):
            clause = t.head if t.dep_ == "mark" else t
            for u in clause.subtree:
                weights[u.i] *= 0.5
        elif low in CONDITIONAL and t.dep_ == "mark":
            for u in t.head.subtree:
                weights[u.i] *= 0.3
        elif lemmas[i] in ("expect", "anticipate", "hope", "want") and t.pos_ == "VERB":
            # "expecting outstanding pizza": what was expected is not what happened.
            for c in t.children:
                if c.dep_ in ("dobj", "ccomp", "xcomp"):
                    for u in c.subtree:
                        weights[u.i] *= 0.3
        elif lemmas[i] == "think" and t.tag_ in ("VBG", "VBD"):
            # "thinking it would be good", "I thought they would be quick": an expectation, not a verdict.
            for c in t.children:
                if c.dep_ == "ccomp" and any(
                    a.dep_ == "aux" and a.lower_ in ("would", "'d") for a in c.children
                ):
                    for u in c.subtree:
                        weights[u.i] = 0.0
        elif lemmas[i] in ("appear", "seem") and any(
            c.dep_ == "nsubj" and c.lower_ == "it" for c in t.children
        ):
            # "it appears the branch is overwhelmed": an impression at second hand, held back.
            for c in t.children:
                if c.dep_ == "ccomp":
                    for u in c.subtree:
                        weights[u.i] *= 0.3
        elif lemmas[i] == "wish" and t.pos_ == "VERB":
            # "I wish they had better staff": what is wished for is missing.
            for c in t.children:
                if c.dep_ in ("ccomp", "xcomp"):
                    for u in c.subtree:
                        weights[u.i] *= -0.3
    # The sentence's text is that stretch of the Doc's (Span.text re-joins its tokens).
    if strings.text[sent.start_char : sent.end_char].rstrip().endswith("?"):
        # A yes/no question ("Can anyone recommend a good bank?", "Is the app any good?") asks;
        # other questions often complain ("Why is it so slow?") and are only damped.
        first = sent[0]
        asks = first.pos_ == "AUX" and not any(c.dep_ == "neg" for c in first.head.children)
        for i in weights:
            weights[i] *= 0.1 if asks else 0.5
    return weights


def _counterfactual(tok: Any) -> bool:
    """ "could have been better": a modal perfect around praise means it fell short."""
    for cand in (tok, tok.head):
        auxes = [c.lower_ for c in cand.children if c.dep_ == "aux"]
        if any(a in MODAL_COUNTERFACTUAL for a in auxes) and "have" in auxes:
            return True
    return False


def _prohibition(tok: Any) -> bool:
    """ "Don't waste your money", "don't bother": a negated imperative of a bad thing is a warning.

    So is the same advice in the first person: "I wouldn't waste your time", "we wouldn't bother".
    """
    verb = tok if tok.pos_ in ("VERB", "AUX") else tok.head
    if verb.tag_ != "VB" or verb.lemma_.lower() == "miss":
        return False  # "don't miss it" urges the reader on
    auxes = {c.lower_ for c in verb.children if c.dep_ == "aux"}
    subjects = {c.lower_ for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")}
    if not subjects:
        return bool(auxes & {"do", "don't"})
    return bool(auxes & {"would", "'d"}) and bool(subjects & {"i", "we"})


def _emphatic(tok: Any) -> bool:
    doc = tok.doc
    # "So, not very relevant": "so" before a comma opens the remark, it does not intensify; nor
    # does the "so" of "..., so I don't appreciate it", which is not next to the word.
    if any(
        (c.lower_ == "such" or c.lower_ == "so" and c.i + 1 == tok.i)
        and not (c.i + 1 < len(doc) and doc[c.i + 1].is_punct)
        for c in tok.children
    ):
        return True
    # "couldn't be worse", "can't get any slower": a denied worsening is the worst there is.
    if _comparative(tok) and _modal_aux(tok, {"could", "can", "ca"}):
        return True
    # "can't say enough good things", "can't recommend them enough (any higher)": denial of a limit.
    if any(
        c.lower_ in ("enough", "higher")
        or c.lower_ == "highly"
        and any(g.lower_ == "more" for g in c.children)  # "can't recommend them more highly"
        for t in (tok, tok.head)
        for c in t.children
    ):
        return True
    if _comparative(tok) and _beyond_compare(tok):
        return True
    return tok.dep_ == "amod" and any(c.lower_ == "such" for c in tok.head.children)


def _beyond_compare(tok: Any) -> bool:
    """ "never had a better meal", "never felt more unwelcome", "nothing better than…": nothing tops it.

    Only "never" and "nothing"/"nobody" deny every rival; "not better" and "no better than" deny the word.
    """
    if tok.dep_ == "amod" and tok.head.lower_ in ("nothing", "nobody"):
        return True
    held = tok.head.head if tok.dep_ == "amod" and tok.head.dep_ in ("dobj", "attr") else tok.head
    return any(c.lower_ == "never" and c.dep_ == "neg" for t in (tok, held) for c in t.children)


def _should(tok: Any) -> bool:
    for cand in (tok, tok.head):
        if any(c.dep_ == "aux" and c.lower_ == "should" for c in cand.children):
            return True
    return False


def _deficient(tok: Any) -> bool:
    """ "should be more friendly", "could be better", "better spent elsewhere": praise as a shortfall."""
    comparative = tok.tag_ in ("JJR", "RBR") or any(c.lower_ == "more" for c in tok.children)
    if not comparative:
        return False
    for cand in (tok, tok.head):
        if any(c.dep_ == "aux" and c.lower_ in ("should", "could") for c in cand.children):
            return True
    head = tok.head
    if (
        tok.lower_ == "better"
        and tok.dep_ == "amod"
        and head.dep_ == "dobj"
        and head.head.lemma_ in ("have", "use", "see", "try", "eat", "taste", "hear", "know")
        and any(c.dep_ == "aux" and c.lower_ in ("'ve", "have", "'d", "had") for c in head.head.children)
        and not _beyond_compare(tok)  # "I have never had a better meal" is the opposite
    ):
        return True  # "I've had better service at the post office", "I have used better apps"
    if tok.dep_ == "amod" and _alternatives(head) and not _beyond_compare(tok):
        return True
    return any(t.lower_ in ("elsewhere", "else") for t in tok.sent)


def _alternatives(noun: Any) -> bool:
    """ "there are better banks", "you could get a better deal elsewhere": rivals exist."""
    if noun.dep_ == "attr" and any(c.dep_ == "expl" for c in noun.head.children):
        return True
    verb = noun.head
    return (
        noun.dep_ == "dobj"
        and verb.lemma_.lower() in ("find", "get")
        and any(
            c.dep_ == "aux" and c.lower_ in ("can", "ca", "could", "will", "'ll", "would")
            for c in verb.children
        )
        and not is_negated(verb)
    )


def _elsewhere(tok: Any) -> bool:
    """ "go elsewhere", "look somewhere else", "took our business elsewhere"."""
    for c in tok.children:
        if c.lower_ == "elsewhere":
            return True
        # The parser hangs "somewhere else" either way round.
        pair = {c.lower_, *(g.lower_ for g in c.children)}
        if "else" in pair and pair & {"somewhere", "someplace"}:
            return True
    return False


def _modal_aux(tok: Any, modals: frozenset[str] | set[str]) -> bool:
    """A modal auxiliary on the word or on the copula/verb it completes."""
    return any(c.dep_ == "aux" and c.lower_ in modals for cand in (tok, tok.head) for c in cand.children)


def _comparative(tok: Any) -> bool:
    return tok.tag_ in ("JJR", "RBR") or any(c.lower_ == "more" and c.dep_ == "advmod" for c in tok.children)


def _unsurpassable(tok: Any) -> bool:
    """ "couldn't be happier", "could not have been nicer": a denied improvement is top praise.

    So is one said of the thing: "I can't imagine a friendlier team", "couldn't find a better price".
    """
    if not _comparative(tok):
        return False
    held = tok.head.head if tok.dep_ == "amod" and tok.head.dep_ == "dobj" else tok.head
    modal = held.lemma_.lower() == "find" or any(
        c.dep_ == "aux" and c.lower_ in ("could", "can", "ca") for cand in (tok, held) for c in cand.children
    )
    return modal and is_negated(tok)  # "you won't find better prices", "couldn't be happier"


def _no_longer(tok: Any) -> bool:
    """ "the app used to be good", "we used to love it": the past habit implies it has changed."""
    for cand in (tok, tok.head):
        if (
            cand.dep_ == "xcomp"
            and cand.head.lower_ == "used"
            and cand.head.tag_ == "VBD"
            and any(c.lower_ == "to" for c in cand.children)
        ):
            return True
    return False


def _hypothetical_praise(tok: Any) -> bool:
    """ "it would be great if they opened on Sundays", "would be nice to get a reply": a wish."""
    if tok.pos_ != "ADJ" or not _modal_aux(tok, {"would", "'d"}):
        return False
    verb = tok.head if tok.dep_ in ("acomp", "attr") else tok
    return any(
        c.dep_ == "advcl" and any(m.lower_ == "if" and m.dep_ == "mark" for m in c.children)
        for c in verb.children
    ) or any(c.dep_ in ("xcomp", "ccomp") and c.tag_ == "VB" for c in (*tok.children, *verb.children))


def _save_warning(tok: Any) -> bool:
    """ "Save your money", "save yourself the trouble": advice not to buy."""
    return tok.lemma_.lower() == "save" and any(
        c.dep_ in ("dobj", "dative") and c.lower_ in ("money", "time", "yourself", "yourselves", "trouble")
        for c in tok.children
    )


def _undone(tok: Any) -> bool:
    """A good thing that is the object of undoing ("undoes years of loyalty", "ruined a great day")."""
    cur = tok
    for _ in range(4):
        head = cur.head
        if head is cur:
            return False
        if cur.dep_ == "dobj" and head.lemma_.lower() in UNDO_VERBS:
            return True
        if cur.dep_ not in ("pobj", "prep", "amod", "compound", "dobj"):
            return False
        cur = head
    return False


def _said_of_others(tok: Any) -> bool:
    """ "a well-solved problem in other shops", "other banks have great apps": praise of rivals,
    which is not praise of the one being discussed (a comparison, "better than others", still is)."""
    if tok.tag_ in ("JJR", "JJS", "RBR", "RBS") or any(t.lower_ == "than" for t in tok.sent):
        return False
    clause = tok
    for _ in range(6):
        if (
            clause.pos_ in ("VERB", "AUX")
            and clause.dep_ not in ("amod", "compound")
            or clause.head is clause
        ):
            break
        clause = clause.head
    # The clause's own words, not those of a clause joined to it ("and so do other people").
    stack = [c for c in clause.children if c.dep_ not in CLAUSE_LINKS]
    while stack:
        t = stack.pop()
        if t.lower_ == "other" and t.dep_ == "amod" and t.head.tag_ == "NNS":
            noun = t.head
            if noun.dep_ == "pobj" and noun.head.lower_ in ("in", "at", "with"):
                return True
            # "Other banks have great tools"; but "other customers loved it" is testimony, and in
            # "interesting other colours" the praise is of the other things themselves.
            if (
                noun.dep_ == "nsubj"
                and tok.lemma_.lower() not in EXPERIENCER_VERBS
                and not any(a.i == tok.i for a in noun.subtree)
            ):
                return True
        stack.extend(c for c in t.children if c.dep_ not in CLAUSE_LINKS)
    return False


def _rather_than(tok: Any) -> bool:
    """ "the little things rather than one disaster": what follows "rather than" is denied."""
    for cur in (tok, tok.head):
        if cur.dep_ == "pobj" and cur.head.lower_ == "than":
            return any(c.lower_ == "rather" for c in (cur.head.head, *cur.head.children)) or (
                cur.head.i and cur.doc[cur.head.i - 1].lower_ == "rather"
            )
    return False


def _less_degree(tok: Any) -> bool:
    """ "less happy that...", "less keen on it": the scale's lower end, said as a complaint."""
    doc = tok.doc
    return (
        tok.pos_ == "ADJ"
        and tok.i > 0
        and doc[tok.i - 1].lower_ == "less"
        and doc[tok.i - 1].head.i == tok.i
        and not (tok.i > 1 and doc[tok.i - 2].lower_ in ("no", "not", "n't", "nothing"))
    )


def _cant_be_bothered(tok: Any) -> bool:
    """ "can't be bothered with the queue": not caring enough to go on, not a denied annoyance."""
    return (
        tok.lemma_.lower() == "bother"
        and tok.tag_ == "VBN"
        and any(c.dep_ == "neg" for c in tok.children)
        and any(c.dep_ == "aux" and c.lemma_.lower() in ("can", "could") for c in tok.children)
    )


def _not_fine_with(tok: Any) -> bool:
    """ "I'm not fine with them tracking me", "not OK with that": an objection, not faint denial."""
    return tok.lower_ in LUKEWARM and any(c.dep_ == "prep" and c.lower_ == "with" for c in tok.children)


def _price_dear(tok: Any) -> bool:
    """ "too dear", "a bit dear now": "dear" of a price means expensive (not "dear to me")."""
    if tok.lower_ != "dear" or any(c.lower_ == "to" and c.dep_ == "prep" for c in tok.children):
        return False
    doc = tok.doc
    prev = doc[tok.i - 1].lower_ if tok.i else ""
    return prev in ("too", "to", "bit", "quite", "rather") or tok.dep_ == "acomp"


def _exclaimed_over_bad(tok: Any, lex: dict[str, float]) -> bool:
    """ "It's amazing how one bad day undoes years": the adjective marvels at a bad thing."""
    if tok.lower_ not in EXCLAIM_WORDS:
        return False
    verb = tok.head if tok.dep_ == "acomp" else tok
    for clause in verb.children:
        if clause.dep_ != "ccomp" or not any(c.lower_ in ("how", "what") for c in clause.subtree):
            continue
        if any(lex.get(t.lower_, 0.0) < 0 for t in clause.subtree):
            return True
    return False


def _made_clear(tok: Any) -> bool:
    """ "I've made it clear I'm cautious": saying something plainly, not praising anything."""
    return tok.lower_ == "clear" and tok.head.lemma_.lower() == "make"


def _hedged_promise(tok: Any) -> bool:
    """ "I can't promise it's every time", "can't guarantee it": a hedge, not a broken promise."""
    return (
        tok.lemma_.lower() in ("promise", "guarantee")
        and tok.pos_ == "VERB"
        and (
            any(c.dep_ == "aux" and c.lemma_.lower() in ("can", "could") for c in tok.children)
            or any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in tok.children)
        )
    )


def _surprised_omission(tok: Any) -> bool:
    """ "Surprised they haven't done it", "amazed the app still doesn't do it": a criticism."""
    return tok.lower_ in SURPRISE_WORDS and any(
        c.dep_ == "ccomp" and _has_negator(c) for c in (*tok.children, *tok.head.children)
    )


def _bit_adjective(tok: Any) -> bool:
    """ "search is a bit literal", "a little basic": a plain adjective hedged by "a bit" is a mild complaint."""
    if tok.pos_ != "ADJ" or tok.dep_ not in ("acomp", "ROOT") or tok.tag_ != "JJ":
        return False
    return any(
        c.dep_ == "npadvmod"
        and c.lower_ == "bit"
        and any(d.lower_ == "a" for d in c.children)
        or c.dep_ == "advmod"
        and c.lower_ in ("bit", "little")
        and c.i
        and tok.doc[c.i - 1].lower_ == "a"
        for c in tok.children
    )


# Words that turn a why-question into a protest ("why does it even need that?").
INSISTENT = frozenset({"even", "earth", "hell", "heck", "still", "always", "keep", "keeps", "constantly"})


def _rhetorical(sent: Any) -> int | None:
    """The token of a question that complains by asking: "Why would an app need my contacts?",
    "who has a printer now?" (not "why not give it a try?")."""
    toks = [t for t in sent if not t.is_space]
    if not toks or toks[-1].text != "?":
        return None
    for t in toks:
        if t.lower_ == "why" and t.i + 1 < sent.end:
            nxt = t.doc[t.i + 1]
            if nxt.lower_ in ("would", "should", "does", "do", "did", "is", "are", "ca", "can", "must"):
                if t.i + 2 < sent.end and t.doc[t.i + 2].lower_ in ("not", "n't") and nxt.lower_ != "ca":
                    return None
                # "Why does the app need my location?" may sincerely ask; "why would it", "why does
                # it even", "why do they keep" protest.
                if nxt.lower_ in ("does", "do", "did", "is", "are") and not any(
                    u.lower_ in INSISTENT for u in sent
                ):
                    return None
                return t.i
        if (
            t.lower_ == "who"
            and t.dep_ == "nsubj"
            and t.head.tag_ in ("VBZ", "VBP")
            and t.head.lemma_.lower() in OBSOLETE_VERBS
            and any(c.lower_ in NOWADAYS or c.lower_ == "days" for c in t.head.children)
            # "who has a printer now?" scorns a kind of thing; "who has the best rates now?" asks.
            and not any(
                c.dep_ == "dobj" and any(d.lower_ == "the" or d.tag_ == "JJS" for d in c.children)
                for c in t.head.children
            )
        ):
            return t.i
    return None


def _changed(tok: Any, lemma: str) -> float | None:
    """ "prices have gone up", "the quality has gone down", "fees rose": good or bad by what changed."""
    particles = {c.lower_ for c in tok.children if c.dep_ in ("prt", "advmod")}
    if lemma in ("go", "come", "shoot", "creep"):
        direction = 1 if "up" in particles else -1 if "down" in particles else 0
    else:
        direction = 1 if lemma in RISE_VERBS else -1 if lemma in FALL_VERBS else 0
    if not direction:
        return None
    subjects = [c.lemma_.lower() for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
    if any(s in QUALITY_NOUNS for s in subjects):
        return 1.2 * direction
    if any(s in COST_NOUNS for s in subjects):
        return -1.2 * direction
    return None


def _moved_on(tok: Any, lemma: str) -> float | None:
    """ "Don't even think about them any more", "I don't use the app anymore": the plain reading
    (the caller's negation makes it a lapse); "I don't have to queue any more" is relief."""
    if lemma not in CONSIDER_VERBS or tok.pos_ != "VERB" or not any(c.dep_ == "neg" for c in tok.children):
        return None
    if tok.dep_ == "xcomp" and tok.head.lemma_.lower() in ("have", "need"):
        return None
    doc = tok.doc
    anymore = any(
        c.lower_ == "anymore" or c.lower_ == "more" and c.i and doc[c.i - 1].lower_ == "any"
        for c in tok.subtree
    )
    if not anymore:
        return None
    if lemma == "think" and not any(c.dep_ == "prep" and c.lower_ in ("about", "of") for c in tok.children):
        return None
    return 1.2


def _repelled(tok: Any, lemma: str) -> float | None:
    """ "The emails drove me off", "it put us off", "scared customers away": what made them leave."""
    if lemma not in REPEL_VERBS or tok.pos_ != "VERB":
        return None
    if not any(c.dep_ in ("prt", "advmod") and c.lower_ in ("off", "away") for c in tok.children):
        return None
    if any(
        c.dep_ == "dobj" and c.lower_ in ("me", "us", "customers", "people", "everyone") for c in tok.children
    ):
        return -1.5
    return None


def _pushed_at(tok: Any, lemma: str) -> float | None:
    """ "they push offers at me", "kept forcing upgrades on us": selling at the customer."""
    if lemma not in ("push", "force", "shove", "thrust") or tok.pos_ != "VERB":
        return None
    for prep in tok.children:
        if (
            prep.dep_ in ("prep", "dative")
            and prep.lower_ in ("at", "on", "onto")
            and any(o.lower_ in ("me", "us") for o in prep.children)
        ):
            return -1.2
    return None


def _amends(tok: Any, lemma: str) -> float | None:
    """ "they made it right" (praise); "'everyone does it' doesn't make it right" (its denial)."""
    if lemma != "make" or tok.pos_ != "VERB":
        return None
    if any(c.dep_ in ("ccomp", "oprd", "xcomp", "acomp") and c.lower_ in AMENDS for c in tok.children):
        return 1.2
    return None


def _resolved(tok: Any, lemma: str) -> float | None:
    """ "it was sorted fine", "the issue got resolved the same day": a fault put right."""
    if lemma not in RESOLVE_VERBS or tok.tag_ != "VBN":
        return None
    children = list(tok.children)
    if not any(c.dep_ == "auxpass" and c.lower_ in ("was", "were", "got", "get") for c in children):
        return None
    if any(c.dep_ == "aux" for c in children) or tok.dep_ in ("xcomp", "advcl", "relcl", "amod"):
        return None  # "needs to be fixed", "should have been sorted", "if it was fixed"
    if any(c.dep_ == "prep" and c.lower_ in ("at", "to", "on") for c in children):
        return None  # "the rate was fixed at 4%", "the shelf was fixed to the wall"
    return 1.2


def _arrived_damaged(tok: Any, lemma: str) -> float | None:
    """ "arrived with a tear", "came with a dent in it": damage on delivery."""
    if lemma not in ("arrive", "come") or tok.pos_ != "VERB":
        return None
    for prep in tok.children:
        if prep.dep_ == "prep" and prep.lower_ == "with":
            for obj in prep.children:
                if obj.dep_ == "pobj" and (
                    obj.lemma_.lower() in DAMAGE_LEMMAS or obj.lemma_.lower() == "hole"
                ):
                    return -1.5
    return None


def _counted_effort(tok: Any) -> float | None:
    """ "four phone calls to book a collection", "three emails to get a refund": effort counted out."""
    if tok.pos_ != "NOUN" or tok.lemma_.lower() not in EFFORT_NOUNS or tok.tag_ != "NNS":
        return None
    num = next((c for c in tok.children if c.dep_ == "nummod"), None)
    if num is None or NUMBER_WORDS.get(num.lower_, int(num.text) if num.text.isdigit() else 0) < 2:
        return None
    purpose = any(
        c.dep_ in ("relcl", "acl") and any(a.lower_ == "to" for a in c.children) for c in tok.children
    ) or (
        tok.dep_ == "dobj"
        and tok.head.lemma_.lower() == "take"
        and any(c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in tok.head.children)
    )
    return -1.0 if purpose else None


def _youd_think(tok: Any) -> float | None:
    """ "You'd think a bank would answer its phone": what should happen and does not."""
    if tok.lemma_.lower() != "think" or tok.pos_ != "VERB":
        return None
    children = list(tok.children)
    if (
        any(c.dep_ == "nsubj" and c.lower_ == "you" for c in children)
        and any(c.dep_ == "aux" and c.lower_ in ("would", "'d") for c in children)
        and any(c.dep_ == "ccomp" for c in children)
        and not any(c.dep_ == "neg" for c in children)
    ):
        return -1.0
    return None


# The lemmas each of `_complaint`'s verb patterns starts from (each returns None for any other).
_VERB_PATTERN_LEMMAS = frozenset(
    {"go", "come", "shoot", "creep"}  # _changed, with RISE_VERBS and FALL_VERBS
    | RISE_VERBS
    | FALL_VERBS
    | CONSIDER_VERBS  # _moved_on
    | REPEL_VERBS  # _repelled
    | {"push", "force", "shove", "thrust"}  # _pushed_at
    | {"make"}  # _amends
    | RESOLVE_VERBS  # _resolved
    | {"arrive", "come"}  # _arrived_damaged
)
# The lemmas `_shortfall` can return a value for.
_SHORTFALL_LEMMAS = frozenset(ASKED_VERBS | RECEIVE_VERBS | FULFIL_VERBS | {"expect", "get", "nothing"})
# The lemmas whose rules in `_complaint` read the subjects.
_SUBJECT_READING_LEMMAS = frozenset({"have", "wait"}) | _SHORTFALL_LEMMAS
# Every lemma a rule of `_complaint` starts from, but for the nouns with "no" ("no reply").
_COMPLAINT_LEMMAS = (
    frozenset({"have", "wait", "stay", "think", "save"})
    | _VERB_PATTERN_LEMMAS
    | EFFORT_NOUNS
    | LEAVE_VERBS
    | frozenset(PHRASAL)
    | _SHORTFALL_LEMMAS
)


def _complaint(tok: Any) -> float | None:
    """ "we had to ask three times", "we waited an hour": effort the customer had to spend."""
    lemma = tok.lemma_.lower()
    if lemma not in _COMPLAINT_LEMMAS and tok.pos_ != "NOUN":
        return None  # "be", say: no rule below starts from it, and it is not a noun ("no reply")
    # The subjects are read only for the verbs whose rules below need them.
    subj = (
        {c.lower_ for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")}
        if lemma in _SUBJECT_READING_LEMMAS
        else set()
    )
    personal = bool(subj & {"i", "we"})
    if (
        lemma == "have"
        and tok.tag_ in ("VBD", "VB")
        and personal
        and any(
            c.dep_ == "xcomp"
            and c.lemma_ not in ("try", "see", "check", "taste", "visit")  # "we had to try it" is eagerness
            and any(a.lower_ == "to" for a in c.children)
            for c in tok.children
        )
    ):
        return -0.8
    if (
        lemma == "wait"
        and tok.pos_ == "VERB"
        and any(c.dep_ == "neg" for c in tok.children)
        and any(c.dep_ == "aux" and c.lower_ in ("ca", "can", "could") for c in tok.children)
        and any(c.dep_ in ("xcomp", "prep") for c in tok.children)
    ):
        return -1.5  # "can't wait to try it", "can't wait for my next visit": the negation makes it eager
    if lemma == "wait" and (tok.pos_ == "NOUN" or tok.pos_ == "VERB" and (personal or tok.dep_ == "xcomp")):
        return -0.6  # negated ("no wait", "can't wait") it turns positive
    if lemma == "stay" and any(c.lower_ == "away" for c in tok.children):
        return -1.5
    if lemma in _VERB_PATTERN_LEMMAS:
        for pattern in (_changed, _moved_on, _repelled, _pushed_at, _amends, _resolved, _arrived_damaged):
            val = pattern(tok, lemma)
            if val is not None:
                return val
    val = _counted_effort(tok) if lemma in EFFORT_NOUNS else None
    if val is None and lemma == "think":
        val = _youd_think(tok)
    if val is not None:
        return val
    if lemma in LEAVE_VERBS and _elsewhere(tok):
        return -1.5
    if lemma in PHRASAL:
        particles = {c.lower_ for c in tok.children if c.dep_ in ("prt", "advmod")}
        for particle, value in PHRASAL[lemma]:
            if particle in particles:
                return value
    if _save_warning(tok):
        return -1.5
    shortfall = _shortfall(tok, lemma, subj)
    if shortfall is not None:
        return shortfall
    if (
        tok.pos_ == "NOUN"
        and any(c.lower_ == "no" and c.dep_ == "det" for c in tok.children)
        and (tok.dep_ in ("attr", "dobj") and tok.head.lemma_ in ("be", "have") or _fragment(tok))
        and tok.lower_ not in lexicon()[0]
        # A plural reports incidents that did not happen ("we had no issues", "no fees, no
        # bugs"): praise as often as not, so it is left unscored rather than read as a complaint.
        and tok.tag_ != "NNS"
    ):
        # "there was no atmosphere", "they had no record of it", "No reply, no refund.": something
        # missing. The "no" negates the noun, so the caller's negation turns this into -0.7.
        return 0.7
    return None


def _fragment(tok: Any) -> bool:
    """A noun said on its own, without a verb: "No reply.", "No refund, no apology."""
    if tok.dep_ == "ROOT":
        return True
    return tok.dep_ in ("appos", "conj") and tok.head.pos_ == "NOUN" and _fragment(tok.head)


def _shortfall(tok: Any, lemma: str, subj: set[str]) -> float | None:
    """What the customer got fell short of what was owed, asked for or expected.

    Returned as the plain reading: the caller flips it when the word is negated, so a
    frame that only exists under negation ("never arrived") returns the positive value.
    """
    if lemma not in _SHORTFALL_LEMMAS:
        return None  # none of the frames below starts from it
    if tok.pos_ == "PRON" and lemma == "nothing":
        # "it is nothing like the pictures" (but "there's nothing like it" is praise)
        if (
            tok.dep_ == "attr"
            and any(c.dep_ == "prep" and c.lower_ == "like" for c in tok.children)
            and not any(c.dep_ == "expl" for c in tok.head.children)
        ):
            return -1.0
        return None
    if tok.pos_ != "VERB":
        return None
    children = list(tok.children)
    negated = is_negated(tok, raised=True)
    if lemma in ASKED_VERBS and any(c.lower_ == "what" and c.dep_ == "dobj" for c in children):
        if negated:
            return 1.0  # "not what I wanted"
        if tok.dep_ in ("ccomp", "relcl") and _has_negator(tok.head):
            return -1.0  # "this is not what I ordered": the negation is on the copula
        return None
    if lemma == "expect" and not negated:
        # "I expected more", "expected better for the price"
        if any(c.dep_ in ("dobj", "advmod") and c.lower_ in ("more", "better") for c in children):
            return -1.0
        return None
    if not negated or any(c.dep_ == "xcomp" for c in children):
        return None  # "didn't get to try it" is a missed chance, not a missed delivery
    personal = bool(subj & {"i", "we"})
    if lemma == "get" and any(c.lower_ == "enough" for c in children):
        return -1.5  # "can't get enough": the caller's negation makes it praise
    if lemma in RECEIVE_VERBS and personal and any(c.dep_ == "dobj" for c in children):
        return 0.6
    if lemma in FULFIL_VERBS and not personal:
        return 0.6
    return None


def _imperative(verb: Any) -> bool:
    """A bare command ("Skip it", "Don't buy it", "Never book with them"); "I'd skip it" counts too,
    "you never buy the first model" (a statement) does not."""
    if verb.tag_ != "VB" or verb.dep_ not in ("ROOT", "conj", "ccomp"):
        return False
    subjects = {c.lower_ for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")}
    auxes = {c.lower_ for c in verb.children if c.dep_ == "aux"}
    if not subjects:
        return not auxes - {"do", "just"}
    return bool(subjects & {"i", "we"} and auxes & {"would", "'d"})


def _rating(verb: Any) -> float | None:
    """ "I give it a 10", "I'd give them five stars", "gave it 2 out of 10": a score out of a scale."""
    if not any(c.dep_ == "dative" for c in verb.children):
        return None
    for obj in verb.children:
        if obj.dep_ != "dobj":
            continue
        num, scale = obj, 10
        if obj.lemma_.lower() == "star":
            num = next((c for c in obj.children if c.dep_ == "nummod"), None)
            scale = 5
            if num is None:
                return -1.5 if any(c.lower_ == "no" for c in obj.children) else None
        elif obj.pos_ != "NUM" or not (
            any(c.lower_ in ("a", "an") for c in obj.children)
            or any(c.lower_ == "out" for c in verb.children)
            or "/" in obj.text
        ):
            return None
        return _out_of(num.lower_, scale)
    return None


def _out_of(text: str, scale: int) -> float | None:
    """A score ("8", "five", "9/10") read against its scale: high praise, low complaint, else None."""
    if "/" in text:
        text, _, out_of = text.partition("/")
        scale = int(out_of) if out_of.isdigit() and int(out_of) else scale
    value = NUMBER_WORDS.get(text, int(text) if text.isdigit() else None)
    if value is None or value > scale:
        return None
    if value >= 0.7 * scale:
        return 1.5
    if value <= 0.4 * scale:
        return -1.5
    return None


TIME_UNITS = frozenset({"minute", "hour", "day", "week", "month"})


def _took_them(verb: Any, children: list[Any]) -> float | None:
    """ "It took them three weeks to process my refund", "the bank took a month to reply": the
    provider's slowness counted out ("it took me five minutes to open an account" is the customer's)."""
    span = next(
        (c for c in children if c.dep_ in ("dobj", "npadvmod") and c.lemma_.lower() in TIME_UNITS), None
    )
    if span is None or not any(
        c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children) for c in children
    ):
        return None
    if not any(c.dep_ == "nummod" or c.lower_ in ("a", "an", "several", "few") for c in span.children):
        return None
    if any(t.lower_ in ("only", "just", "under", "less") for t in (*children, *span.subtree)):
        return None  # "it only took them a day"
    provider = any(
        c.dep_ in ("dobj", "dative") and c.lower_ in ("them", "him", "her") for c in children
    ) or any(c.dep_ == "nsubj" and c.pos_ in ("NOUN", "PROPN") for c in children)
    return -1.0 if provider else None


def _construction(tok: Any) -> float | None:
    """General English set phrases of a verdict, as the plain reading (the caller applies negation)."""
    lemma = tok.lemma_.lower()
    children = list(tok.children)
    negated = any(c.dep_ == "neg" for c in children)
    if lemma in WARNING_VERBS and tok.pos_ == "VERB" and negated and _imperative(tok):
        # "Don't buy it", "never book with them", "just don't do it" (not "don't get me wrong").
        objects = [c for c in children if c.dep_ == "dobj"]
        if lemma == "do" and not any(o.lower_ in ("it", "this", "that") for o in objects):
            return None
        if any(o.lower_ in ("me", "us") for o in objects) or any(
            c.dep_ in ("acomp", "oprd", "advmod") and c.pos_ == "ADJ" for c in children
        ):
            return None
        # A particular thing is warned off ("don't download this app"); a kind of thing is
        # safety advice ("do not open unexpected attachments"). The determiner is looked for
        # anywhere before the object, as the parser hangs it elsewhere inside a name.
        if objects and not any(
            o.lower_ in ("it", "this", "that", "them", "these", "those")
            or o.pos_ == "PROPN"
            or any(t.lower_ in DEFINITE or t.pos_ == "PROPN" for t in tok.doc[o.left_edge.i : o.i])
            for o in objects
        ):
            return None
        return 1.5
    if (
        lemma in CHOOSE_VERBS
        and tok.pos_ == "VERB"
        and not negated
        and _imperative(tok)
        and tok.dep_ == "ROOT"
        # "Still get emails about it", "always get the same reply": a subjectless report, not advice.
        and not any(
            c.dep_ == "advmod" and c.lower_ in ("still", "always", "usually", "often") for c in children
        )
    ):
        # "Get the premium account", "definitely order the new model": the reader is told to choose it.
        # "the"/"this" points at a particular thing; "pick a date", "book your slot" are instructions.
        if any(
            c.dep_ == "dobj"
            and c.pos_ in ("NOUN", "PROPN")
            and not any(d.lower_ in ("a", "an", "your", "any", "some") for d in c.children)
            for c in children
        ) and not any(c.dep_ in ("nsubj", "aux") for c in children):
            return 1.0
        return None
    if (
        lemma == "beat"
        and negated
        and any(c.dep_ == "aux" and c.lower_ in ("can", "ca", "could") for c in children)
    ):
        return -1.5  # "you can't beat the prices": the caller's negation makes it praise
    if lemma == "skip" and _imperative(tok) and not negated:
        objects = [c for c in children if c.dep_ == "dobj"]
        if (
            objects
            and all(o.lemma_.lower() not in SKIPPABLE for o in objects)
            and not any(c.dep_ == "prep" and c.lower_ in ("with", "by", "using", "via") for c in children)
        ):
            return -1.2  # "Skip the extended warranty", "I'd skip this one"
        return None
    if lemma == "do" and tok.lower_ == "done":
        # "I'm done with this bank", "we are done with them": a customer who has had enough.
        subjects = {c.lower_ for c in children if c.dep_ in ("nsubj", "nsubjpass")}
        if subjects & {"i", "we"} and any(
            c.dep_ == "prep"
            and c.lower_ == "with"
            and any(
                g.lower_ in ("them", "you", "him", "her")
                or any(d.dep_ == "det" and d.lower_ in ("this", "that", "these", "those") for d in g.children)
                for g in c.children
            )
            for c in children
        ):
            return -1.5
        return None
    if lemma == "compare" and tok.pos_ == "VERB":
        # "doesn't compare with the old app" is a shortfall; "nothing compares to it" is praise.
        if not any(c.lower_ in ("to", "with") for c in children):
            return None
        subjects = [c for c in children if c.dep_ in ("nsubj", "nsubjpass")]
        if any(c.lower_ in ("nothing", "nobody", "none") for c in subjects):
            return -1.5
        if negated and not any(c.lower_ in ("i", "we") for c in subjects):
            return 1.2
        return None
    if lemma == "thumb" and tok.pos_ == "NOUN":
        doc = tok.doc
        nxt = doc[tok.i + 1].lower_ if tok.i + 1 < len(doc) else ""
        return {"up": 1.5, "down": -1.5}.get(nxt)  # "two thumbs up", "thumbs down from me"
    if lemma == "look" and any(c.lower_ == "forward" for c in children):
        # "I look forward to shopping here again", "we look forward to coming back"
        to = next((c for c in children if c.dep_ == "prep" and c.lower_ == "to"), None)
        if to is not None and any(t.lower_ in ("again", "back", "return", "returning") for t in to.subtree):
            return 1.5
        return None
    if lemma == "give":
        return _rating(tok)
    if lemma == "know" and tok.pos_ == "VERB":
        # "they know what they're doing" (denied: "don't know what they're doing"), said of others
        if any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in children):
            return None
        if any(
            c.dep_ == "ccomp"
            and c.lemma_ == "do"
            and c.tag_ == "VBG"
            and any(g.lower_ == "what" for g in c.children)
            for c in children
        ):
            return 1.5
        return None
    if lemma == "use" and any(c.dep_ == "aux" and c.lower_ == "could" for c in children):
        # "the app could use some work", "could use a refresh"
        return -1.2 if any(c.dep_ == "dobj" and c.lower_ in NEEDS_WORK for c in children) else None
    if lemma == "need" and tok.pos_ == "VERB":
        # "the website needs work", "the app needs fixing": said of the thing, not of oneself.
        if any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("i", "we", "you") for c in children):
            return None
        if any(c.dep_ in ("dobj", "xcomp") and c.lower_ in NEEDS_WORK for c in children):
            return -1.2
        return None
    if (
        lemma == "write"
        and any(c.lower_ == "home" for c in children)
        and any(c.lower_ == "about" for c in children)
    ):
        return 1.2  # "nothing to write home about": the caller's negation makes it faint praise denied
    if lemma == "should" and tok.dep_ == "aux":
        # "They should have told us", "it should've arrived by now": what was owed and not done.
        verb = tok.head
        if (
            verb.tag_ == "VBN"
            and any(c.dep_ == "aux" and c.lower_ in ("have", "'ve") for c in verb.children)
            and not any(
                c.dep_ in ("nsubj", "nsubjpass") and c.lower_ in ("i", "we", "you") for c in verb.children
            )
        ):
            # "shouldn't have charged us" is the same complaint: undo the caller's negation.
            return 1.0 if any(c.dep_ == "neg" for c in verb.children) else -1.0
        return None
    if lemma == "star" and tok.dep_ not in ("compound", "amod", "nmod") and tok.head.lemma_.lower() != "give":
        # "Five stars!", "One star.", "two stars from me" (a "five star hotel" names a kind)
        num = next((c for c in children if c.dep_ == "nummod"), None)
        return _out_of(num.lower_, 5) if num is not None else None
    if lemma == "take" and any(
        c.lower_ in FOREVER and c.dep_ in ("advmod", "npadvmod", "dobj") for c in children
    ):
        return -1.5
    if lemma == "take":
        return _took_them(tok, children)
    if lemma == "rock":
        # "You rock", "their app rocks" (which the small model reads as a plural noun).
        doc = tok.doc
        last = tok.i + 1 >= len(doc) or doc[tok.i + 1].is_punct
        if (
            tok.pos_ == "VERB"
            and not any(c.dep_ == "dobj" for c in children)
            and any(c.dep_ == "nsubj" for c in children)
        ):
            return 2.0
        if (
            tok.pos_ == "NOUN"
            and tok.dep_ == "ROOT"
            and last
            and any(c.dep_ in ("nsubj", "compound") for c in children)
        ):
            return 2.0
        return None
    if lemma == "hit":
        # "hits the nail on the head", "hit the spot": exactly right.
        for c in children:
            if c.dep_ != "dobj":
                continue
            if c.lower_ == "nail" and any(p.lower_ == "on" for p in (*children, *c.children)):
                return 1.5
            if (
                c.lower_ == "spot"
                and all(g.dep_ == "det" for g in c.children)
                and not any(p.dep_ == "prep" for p in children)
            ):
                return 1.5
        return None
    if tok.lower_ == "often" and any(c.lower_ == "more" for c in children):
        # "I plan on banking here more often", "we'll be shopping here more often": a customer gained.
        verb = tok.head
        chain = (verb, verb.head)
        personal = any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for v in chain for c in v.children)
        planned = any(v.lemma_.lower() in ("plan", "intend") for v in chain) or any(
            c.dep_ == "aux" and c.lower_ in ("will", "'ll") for v in chain for c in v.children
        )
        return 1.2 if personal and planned else None
    return None


# Three lamenting constructions read off the parse, each a complaint whatever words fill it.
LAMENT_GATE = frozenset({"bring", "now", "to"})
EXCESS_QUANTITY = frozenset({"many", "much"})


def _overdue_clause(now: Any) -> Any | None:
    """The verb of "X should be Y by now" ("the app should be fixed by now"): what ought to
    have happened already has not, so the praise inside the clause is only wished for."""
    by = now.head
    if by.lower_ != "by" or now.dep_ not in ("pcomp", "pobj"):
        return None
    cand = by.head
    for _ in range(3):
        if any(c.dep_ == "aux" and c.lower_ in ("should", "ought") for c in cand.children):
            return cand
        if cand.head is cand:
            break
        cand = cand.head
    return None


GONE_PRONOUNS = frozenset({"it", "them", "that", "those", "him", "her"})


def _glad_gone(tok: Any) -> bool:
    """ "I don't miss them", "we do not miss it at all": relief that something is gone, said by
    the speaker of a thing already named. "Don't miss the sale" (advice, no subject) and "I never
    miss a payment" (habit, not a pronoun) are other readings."""
    if tok.lemma_.lower() != "miss" or tok.pos_ != "VERB":
        return False
    children = list(tok.children)
    return (
        any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in children)
        and any(c.dep_ == "neg" and c.lower_ in ("not", "n't") for c in children)
        and any(c.dep_ == "dobj" and c.lower_ in GONE_PRONOUNS for c in children)
    )


def _lament(tok: Any) -> float | None:
    """ "Bring back X", "X should be Y by now", "to many" (a typo of "too many")."""
    lower = tok.lower_
    children = list(tok.children)
    if tok.lemma_.lower() == "bring":
        # "Bring back paper statements": asking for something taken away. Instructions carry a
        # time or place ("bring the item back within 30 days"), and "they bring back" is a report.
        if (
            tok.tag_ == "VB"
            and tok.dep_ in ("ROOT", "conj")
            and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "prep", "advcl", "dative") for c in children)
            and any(c.lower_ == "back" and c.dep_ in ("advmod", "prt") for c in children)
            and any(c.dep_ == "dobj" for c in children)
        ):
            return -1.2
        return None
    if lower == "now":
        return -1.5 if _overdue_clause(tok) is not None else None
    if lower == "to" and tok.tag_ == "IN":
        # "to many fees", a common misspelling of "too many", when it cannot be the preposition:
        # opening a fragment ("To many ads.") or straight after a copula ("there are to many", "it's to much").
        nxt = tok.i + 1
        if nxt >= len(tok.doc) or tok.doc[nxt].lower_ not in EXCESS_QUANTITY:
            return None
        sent_start = tok.i == tok.sent.start
        # "I've been to many shops" is the preposition of visiting.
        prev = tok.doc[tok.i - 1] if tok.i > tok.sent.start else None
        after_copula = prev is not None and prev.lemma_.lower() == "be" and prev.lower_ != "been"
        if sent_start or after_copula:
            return -1.2
    return None


# The verbs `_return_intent` reads, besides any verb with "again" ("never shopping there again").
_INTENT_LEMMAS = frozenset({"try", "check", "go", "stick"}) | RETURN_VERBS


# Frames read off a few anchor words, each a verdict whatever words fill it (`_frame`).
FRAME_GATE = frozenset(
    {"hats", "home", "family", "still", "business", "one", "enough", "it", "no", "again", "only", "bank"}
    | {"day", "week", "night", "weekend", "everyday", "daily", "times", "twice", "stand", "without", "more"}
    | {"hype", "fuss", "pass", "time", "for", "regular"}
)
# What a loyal customer does at the one place they use ("the only shop I'll buy shoes from now").
PATRON_VERBS = frozenset(
    {"go", "buy", "use", "shop", "eat", "bank", "visit", "order", "fly", "stay", "book", "trust", "come"}
    | {"drink", "get", "recommend"}
)
# "the only thing I bought", "the only time I went": a count, not loyalty.
NOT_PATRONAGE = frozenset(
    {"thing", "time", "one", "reason", "way", "person", "problem", "issue", "complaint", "downside", "day"}
)
# Asking again and again ("I had to ask three times", "called them twice"): effort spent chasing.
CHASE_VERBS = frozenset(
    {"ask", "call", "ring", "phone", "email", "chase", "remind", "request", "complain", "contact", "message"}
)
WHOLE_WORDS = frozenset({"whole", "entire", "all", "every"})


def _count(tok: Any) -> int:
    """The number a numeral or a count word says ("3", "three"), 0 if none."""
    text = tok.lower_
    return NUMBER_WORDS.get(text, int(text) if text.isdigit() else 0)


def _frame(tok: Any, lower: str) -> float | None:
    """General English frames of a verdict, as final values (each looks after its own negation)."""
    dep = tok.dep_
    head = tok.head
    if lower == "hats":
        return 2.0 if any(c.lower_ == "off" for c in tok.children) else None  # "Hats off to the team"
    if lower in ("home", "family"):
        # "felt right at home", "it feels like family": welcome, the highest praise of a place.
        if dep != "pobj" or head.lower_ not in ("at", "like"):
            return None
        verb = head.head
        if verb.lower_ in ("right", "just", "really", "completely", "totally", "instantly"):
            verb = verb.head
        if verb.lemma_.lower() != "feel":
            return None
        return -1.5 if is_negated(verb) else 1.5
    if lower == "still":
        # "I don't know how they're still in business", "how is it still open?": disbelief.
        verb = head
        if not any(c.lower_ == "how" for t in (verb, verb.head) for c in t.children):
            return None
        trading = verb.lower_ in ("open", "running", "going", "around", "afloat") or any(
            c.lower_ in ("open", "running", "afloat", "around")
            or c.dep_ == "prep"
            and c.lower_ == "in"
            and any(g.lower_ == "business" for g in c.children)
            for c in verb.children
        )
        return -1.5 if trading else None
    if lower == "business":
        # "How do they stay in business?"
        if dep != "pobj" or head.lower_ != "in":
            return None
        verb = head.head
        if verb.lemma_.lower() in ("stay", "remain", "keep") and any(
            c.lower_ == "how" for c in verb.children
        ):
            return -1.5
        return None
    if lower == "one":
        # "only one cashier for the whole shop", "just one agent for hundreds of callers": too few.
        if dep != "nummod":
            return None
        noun = head
        if not any(c.lower_ in ("only", "just") for c in (*tok.children, *noun.children)):
            return None
        # The parser hangs "for..." on the noun or on the verb it completes ("there was just one...").
        for prep in (*noun.subtree, *noun.head.children):
            if prep.dep_ == "prep" and prep.lower_ == "for":
                for obj in prep.children:
                    if obj.lower_ in ("hundreds", "dozens", "everyone", "everybody") or any(
                        c.lower_ in WHOLE_WORDS for c in obj.children
                    ):
                        return -1.2
        return None
    if lower == "enough":
        # "not enough staff", "there aren't enough tills open" (not "can't say enough good things").
        if dep not in ("amod", "det") or head.pos_ != "NOUN":
            return None
        verb = head.head
        if verb.lemma_.lower() in ("say", "thank", "praise", "recommend", "get"):
            return None
        denied = any(c.dep_ == "neg" for c in tok.children) or (
            head.dep_ in ("attr", "dobj", "nsubj") and _has_negator(verb)
        )
        return -1.0 if denied else None
    if lower == "it":
        # "I know good coffee and this wasn't it": what came fell short of the standard.
        if dep != "attr" or head.lower_ not in ("was", "were"):
            return None
        hc = list(head.children)
        # The parser may join "...food and this" into one subject.
        this = any(
            c.dep_ == "nsubj"
            and (
                c.lower_ in ("this", "that")
                or any(g.dep_ == "conj" and g.lower_ in ("this", "that") for g in c.children)
            )
            for c in hc
        )
        return -1.5 if this and any(c.dep_ == "neg" for c in hc) else None
    if lower == "no":
        # "Close, but no.", "Nice try, but no": a verdict of falling short.
        doc = tok.doc
        prev = doc[tok.i - 1].lower_ if tok.i else ""
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if prev == "but" and (nxt is None or nxt.is_punct or nxt.lower_ == "cigar"):
            return -1.0
        return None
    if lower == "again":
        # "Never again!": said on its own, a customer lost.
        doc = tok.doc
        if tok.i and doc[tok.i - 1].lower_ == "never" and head.pos_ not in ("VERB", "AUX"):
            return -1.5
        return None
    if lower == "only":
        return _only_place(tok)
    if lower == "bank":
        # "won't break the bank": affordable (said plainly, "it broke the bank", too dear).
        if dep == "dobj" and head.lemma_.lower() == "break":
            return 0.8 if is_negated(head) else -1.2
        return None
    if lower in ("day", "week", "night", "weekend", "everyday", "daily"):
        # "If they had one near me I'd go every day": custom the customer would give.
        if lower in ("day", "week", "night", "weekend") and not any(
            c.lower_ == "every" for c in tok.children
        ):
            return None
        verb = head
        vc = list(verb.children)
        if (
            verb.lemma_.lower() in PATRON_VERBS
            and any(c.dep_ == "aux" and c.lower_ in ("would", "'d") for c in vc)
            and any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in vc)
            and not any(c.dep_ == "neg" for c in vc)
        ):
            return 1.5
        return None
    if lower in ("times", "twice"):
        # "I had to ask three times", "called them twice": chasing what should have come.
        verb = head
        if verb.lemma_.lower() not in CHASE_VERBS or is_negated(verb):
            return None
        if lower == "twice":
            return -0.8
        if any(
            _count(c) >= 2 or c.lower_ in ("several", "multiple", "many", "countless") for c in tok.children
        ):
            return -1.0
        return None
    if lower == "stand":
        # "I can't stand the new layout".
        if (
            tok.pos_ == "VERB"
            and any(c.dep_ == "neg" for c in tok.children)
            and any(c.dep_ == "aux" and c.lower_ in ("ca", "can", "could") for c in tok.children)
            and any(c.dep_ == "dobj" for c in tok.children)
        ):
            return -2.0
        return None
    if lower == "without":
        # "I could do without the constant emails": a nuisance, politely put.
        verb = head
        vc = list(verb.children)
        if (
            dep == "prep"
            and verb.lemma_.lower() == "do"
            and any(c.dep_ == "aux" and c.lower_ in ("could", "can", "would", "'d") for c in vc)
            and any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in vc)
            and not any(c.dep_ == "neg" for c in vc)
        ):
            return -1.2
        return None
    if lower in ("hype", "fuss"):
        # "I just don't understand all the hype", "I don't get the fuss": praise not earned.
        verb = head
        if dep == "dobj" and verb.lemma_.lower() in ("understand", "get", "see") and _has_negator(verb):
            return -1.2
        return None
    if lower == "pass":
        # "You should pass on the calamari", "I'd pass on the warranty": advice to leave it.
        vc = list(tok.children)
        if any(c.dep_ == "prep" and c.lower_ == "on" for c in vc) and any(
            c.dep_ == "aux" and c.lower_ in ("should", "would", "'d") for c in vc
        ):
            return -1.2 if not any(c.dep_ == "neg" for c in vc) else None
        return None
    if lower == "time":
        # "That was the last time I used their app": a customer lost.
        hc = list(head.children)
        if (
            dep == "attr"
            and head.lemma_.lower() == "be"
            and any(c.lower_ == "last" for c in tok.children)
            and any(
                c.dep_ == "relcl" and any(g.lower_ in ("i", "we") for g in c.children) for c in tok.children
            )
            and any(c.dep_ == "nsubj" and c.lower_ in ("this", "that", "it") for c in hc)
        ):
            return -1.5
        return None
    if lower == "for":
        # "The new layout just isn't for me", "Not for me.": a polite dislike.
        if not any(c.dep_ == "pobj" and c.lower_ in ("me", "us") for c in tok.children):
            return None
        if dep == "prep" and head.lemma_.lower() == "be" and any(c.dep_ == "neg" for c in head.children):
            return -1.2
        if dep == "ROOT" and any(c.dep_ == "neg" for c in tok.children):
            return -1.2
        return None
    if lower == "regular":
        # "I'm a regular at this branch": a loyal customer.
        if dep == "attr" and any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in head.children):
            return 1.2
        return None
    if lower == "more":
        # "What more could you ask for?": nothing is missing.
        doc = tok.doc
        if not tok.i or doc[tok.i - 1].lower_ != "what":
            return None
        verb = head.head if head.dep_ == "prep" else head
        if verb.lemma_.lower() in ("ask", "want", "need", "expect", "wish") and any(
            c.dep_ == "aux" and c.lower_ in ("could", "can", "would") for c in verb.children
        ):
            return 1.5
        return None
    return None


def _only_place(only: Any) -> float | None:
    """ "the only shop I'll buy running shoes from now", "the only bank I use": a loyal customer."""
    noun = only.head
    if only.dep_ != "amod" or noun.pos_ != "NOUN" or noun.lemma_.lower() in NOT_PATRONAGE:
        return None
    for verb in noun.children:
        if verb.dep_ != "relcl" or verb.lemma_.lower() not in PATRON_VERBS:
            continue
        vc = list(verb.children)
        if not any(c.dep_ == "nsubj" and c.lower_ in ("i", "we") for c in vc) or any(
            c.dep_ == "neg" for c in vc
        ):
            continue
        auxes = {c.lower_ for c in vc if c.dep_ == "aux"}
        if auxes & {"will", "'ll", "would", "'d"} or not auxes and verb.tag_ in ("VBP", "VBZ"):
            return 1.5
        if verb.tag_ == "VBG" and auxes & {"am", "'m", "are", "'re"}:
            return 1.5  # "the only place I'm eating curry now"
    return None


def _return_intent(tok: Any) -> float | None:
    if tok.pos_ not in ("VERB", "AUX"):
        return None
    lemma = tok.lemma_.lower()
    if lemma not in _INTENT_LEMMAS and "again" not in _doc_strings(tok.doc).lowers:
        return None  # none of the rules below can apply
    children = list(tok.children)
    # "Try the dumplings", "check it out", "you have to try": a recommendation.
    if lemma in ("try", "check") and (lemma == "try" or any(c.lower_ == "out" for c in children)):
        # "make sure you try it" addresses the reader just like a bare imperative
        has_subject = any(c.dep_ in ("nsubj", "nsubjpass") and c.lower_ != "you" for c in children)
        must = (
            tok.dep_ == "xcomp"
            and tok.head.lemma_ in ("have", "must", "need")
            or any(c.dep_ == "aux" and c.lower_ in ("must", "should") for c in children)
        )
        if (not has_subject and tok.tag_ in ("VB", "VBP") and tok.dep_ in ("ROOT", "ccomp", "conj")) or must:
            return 1.0
    # "Go for it!", "go for the tasting menu", "stick with the basics": advice to choose something.
    if (
        lemma in ("go", "stick")
        and tok.tag_ == "VB"
        and tok.dep_ == "ROOT"
        and not any(c.dep_ in ("nsubj", "aux", "neg") for c in children)
        and any(c.dep_ == "prep" and c.lower_ in ("for", "with") for c in children)
    ):
        return 1.0
    if (
        lemma == "go"
        and tok.tag_ == "VB"
        and tok.dep_ == "ROOT"
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in children)
        and not any(c.dep_ == "aux" and c.lower_ not in ("do", "did") for c in children)
        and (
            any(c.lower_ in ("here", "there") for c in children)
            # "go to" is also how instructions read ("go to Settings"): only its warning is an opinion.
            or any(c.lower_ == "to" and c.dep_ == "prep" for c in children)
            and any(c.dep_ == "neg" for c in children)
            # "Don't go.": the whole warning.
            or any(c.dep_ == "neg" for c in children)
            and all(c.dep_ in ("neg", "aux", "punct") for c in children)
        )
    ):
        return 1.0  # "Go there.", "Don't go to this shop!": advice to go (the caller applies "don't")
    if tok.pos_ == "VERB" and any(c.lower_ == "again" for c in children) and is_negated(tok, raised=True):
        return 1.8  # "will never shop there again" (the caller applies the negation)
    if tok.lemma_.lower() not in RETURN_VERBS:
        return None
    # "go back there": the parser may hang "back" off the adverb of place.
    back = any(
        c.lower_ in ("back", "again") or c.dep_ == "advmod" and any(g.lower_ == "back" for g in c.children)
        for c in children
    )
    if tok.lemma_.lower() in ("return", "visit") and not back:
        back = any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in children)
    if not back:
        return None
    future = any(c.lower_ in FUTURE_AUX for c in children if c.dep_ in ("aux", "advmod"))
    # "I'm going back", "we're coming back": the present progressive of a plan.
    future = (
        future
        or tok.tag_ == "VBG"
        and any(c.dep_ == "aux" and c.lower_ in ("'m", "am", "'re", "are") for c in children)
    )
    keep = tok.head.lemma_.lower() == "keep" and tok.dep_ == "xcomp"
    # "I always come back for the coffee", "have been going back regularly": a regular's habit.
    habit = any(c.dep_ == "advmod" and c.lower_ in ("always", "regularly") for c in children) or (
        tok.tag_ == "VBG" and any(c.dep_ == "aux" and c.lower_ == "been" for c in children)
    )
    if future or keep or habit or tok.tag_ == "VB" and tok.dep_ in ("xcomp", "ROOT"):
        return 1.8
    return None


# Words `_base_valence` answers whatever their neighbours: special cases it scores by the word or
# lemma alone, and split prefixes ("over priced") it joins to the next word; and words the loop of
# `sentence_valences` reads whether or not they have a valence.
_SCORED_WORDS = (
    frozenset({"please", "good", "luck", "die", "steal", "best", "joke", "must", "dear"})
    | SPLIT_PREFIXES
    | SURPRISE_WORDS
)
_SCORED_LEMMAS = frozenset({"pay", "desire"})
_LEMMA_POS = frozenset(("NOUN", "VERB", "ADJ", "ADV"))
_TYPO_POS = frozenset(("ADJ", "VERB", "ADV", "NOUN", "PROPN"))
_DAMAGE_POS = frozenset(("VERB", "ADJ"))


@lru_cache(maxsize=50_000)
def _word_may_score(word: str, lemma: str, pos: str) -> bool:
    """Whether `_base_valence` can find a valence for this word, lemma and part of speech, read
    from the lexicons alone (the same look-ups, without the parse that may then rule it out).

    False means it returns None, unless a neighbour counts (`_valence_candidates`).
    """
    lex, _ = lexicon()
    if word in _SCORED_WORDS or lemma in _SCORED_LEMMAS or word in lex or word in PHRASE_ENDS:
        return True
    if word in SENSE_WORDS or word in USABLE:  # scored by their use (`_word_sense`), or when denied
        return True
    if word in _symbol_words():
        return True
    if pos in _LEMMA_POS and lemma in lex:
        return True
    if pos == "ADV" and word.endswith("ly") and len(word) > 4:
        stem = word[:-2]
        if stem in lex or stem.endswith("i") and stem[:-1] + "y" in lex:
            return True
        if word.endswith(("ably", "ibly")) and word[:-1] + "e" in lex:
            return True
    if pos in _TYPO_POS:
        known = _dictionary()
        if word not in known and lemma not in known and typo_lookup(word) is not None:
            return True
    if len(word) > 3 and _ELONGATED.search(word) and _unelongated(word) is not None:
        return True
    return pos in _DAMAGE_POS and word in _damage_forms()


@lru_cache(maxsize=1)
def _symbol_words() -> frozenset[str]:
    """Lower-cased, every token text `symbol_valence` can score: emoticons and emoji."""
    lex, _ = lexicon()
    emoticons = {word for word in lex if EMOTICON_MARKS.intersection(word)}
    return frozenset(emoticons | {e.lower() for e in EMOJI_VALENCE} | {e.lower() for e in _emoji_names()})


def _valence_candidates(
    strings: _DocStrings, start: int, end: int, domain: Mapping[str, float] | None
) -> list[int]:
    """The tokens from `start` to `end` that can get a valence in `sentence_valences`' first loop.

    Read off the Doc's strings, so that most words cost no Token and no rule. Besides the words
    `_word_may_score` keeps, what the loop or `_base_valence` reads around a word keeps it: a
    hyphen after it ("rip-off", "first-class"), "enough" after it ("not fast enough"), a
    community's own adjectives, and in a Doc with "too", "bit" or "little" every adjective and adverb.
    """
    lowers, lemmas, pos = strings.lowers, strings.lemmas_lower, strings.pos
    found = {i for i in range(start, end) if _word_may_score(lowers[i], lemmas[i], pos[i])}
    following = lowers[start + 1 : end + 1]
    if "-" in following or "enough" in following:
        found.update(i for i in range(start, end) if i + 1 < len(lowers) and lowers[i + 1] in ("-", "enough"))
    if strings.has_degree_words:
        found.update(i for i in range(start, end) if pos[i] == "ADJ" or pos[i] == "ADV")
    else:
        if domain:
            found.update(i for i in range(start, end) if pos[i] == "ADJ" and lowers[i] in domain)
        if "to" in lowers[start:end]:  # "to" misspelt for "too" ("way to high"): `_excess_marker`
            found.update(
                i for i in range(max(start, 1), end) if lowers[i - 1] == "to" and pos[i] in ("ADJ", "ADV")
            )
    return sorted(found)


def sentence_valences(
    sent: Any, *, lead_weight: float = 1.0, domain: Mapping[str, float] | None = None
) -> list[Valence]:
    """Scored sentiment words of one sentence, each with its token index.

    `domain` adds a community's learned adjective valences to the general lexicon.
    """
    lex, boosters = lexicon()
    weights = _clause_weights(sent)
    strings = _doc_strings(sent.doc)
    lowers = strings.lowers
    start = sent.start
    has_least = "least" in lowers[sent.start : sent.end]
    # "Isn't it great?": the negation of the opening auxiliary asks for agreement (when it is the only one).
    asks_agreement = (
        lowers[sent.end - 1] == "?"
        and _negative_question(sent)
        and sum(lowers[j] in NEGATORS or lowers[j] == "n't" for j in range(sent.start, sent.end)) == 1
    )
    out: list[Valence] = []
    doc = sent.doc
    for i in _valence_candidates(strings, sent.start, sent.end, domain):
        tok = doc[i]
        val = _base_valence(tok, lex, boosters, domain)
        if lowers[i] == "dear" and _price_dear(tok):
            val = -1.2
        elif val is not None and (
            _hedged_promise(tok)
            or _made_clear(tok)
            or val > 0
            and (
                _exclaimed_over_bad(tok, lex)
                or "other" in lowers[sent.start : sent.end]
                and _said_of_others(tok)
            )
        ):
            continue
        elif lowers[i] in SURPRISE_WORDS and _surprised_omission(tok):
            out.append(Valence(i, -1.2 * weights[i] * lead_weight))
            continue
        if val is None:
            val = _too_excess(tok)
            if val is None and _bit_adjective(tok):
                val = -0.6
            if val is None and lowers[i] in USABLE and is_negated(tok):
                val = 1.2  # "barely usable", "hardly edible": the negation below makes it a complaint
            if val is None:
                if i + 1 < len(lowers) and lowers[i + 1] == "enough" and _degree_shortfall(tok):
                    out.append(Valence(i, -0.8 * weights[i] * lead_weight))
                continue
        else:
            if _worth_object(tok):
                continue  # "worth the hassle", "not worth a special trip": the price, not the verdict
            if val > 0 and (_known_standard(tok) or _hearsay(tok)):
                continue  # "I know good coffee", "heard good things about them": not said of this one
            if val < 0 and _generic_strain(tok):
                continue  # "the holidays can get frantic": life in general
            val = _intensity(tok, val, boosters)
            marker = _excess_marker(tok)
            if marker is not None and _denied_excess(tok, marker):
                out.append(Valence(i, 0.6 * weights[i] * lead_weight))  # "not too pricey", "not too sweet"
                continue
            if val > 0 and marker is not None:
                # "too sweet", "too friendly": praise turned into excess ("too good to miss" is not).
                if not any(c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX") for c in tok.children):
                    val = -abs(val) * 0.5
            elif lowers[i] in LUKEWARM and any(c.lower_ in ("just", "only", "merely") for c in tok.children):
                val = -0.6  # "just OK", "only average"
            if has_least and (
                any(c.lower_ == "least" and c.dep_ == "advmod" for c in tok.children)
                or lowers[i - 1] == "least"
            ):
                val *= -0.8  # "my least favourite", "the least helpful": the scale's other end
            elif val > 0 and _less_degree(tok):
                val *= -0.8  # "less happy that...": a complaint said politely
            if lowers[i] == "bad" and _too_bad(tok):
                out.append(Valence(i, -1.5 * weights[i] * lead_weight))  # regret, whatever follows
                continue
        if _in_indirect_question(tok):
            continue  # asked, not said
        if lowers[i] == "miss" and _glad_gone(tok):
            out.append(Valence(i, -1.0 * weights[i] * lead_weight))
            continue
        if lowers[i] == "miss" and _would_miss(tok):
            out.append(Valence(i, 1.2 * weights[i] * lead_weight))  # "we would really miss this shop"
            continue
        if val > 0 and _unsurpassable(tok):
            out.append(Valence(i, (val + BOOST) * weights[i] * lead_weight))
            continue
        negated = None  # is_negated(tok), worked out at most once
        if val < 0 and _comparative(tok) and _modal_aux(tok, {"could", "might"}):
            negated = is_negated(tok, raised=True)
            if not negated:
                # "could be worse": faint praise, not a complaint.
                out.append(Valence(i, -val * 0.3 * weights[i] * lead_weight))
                continue
        if negated is None:
            negated = is_negated(tok, raised=True) or _rather_than(tok) or val > 0 and _undone(tok)
        if not negated and val > 0 and lowers[i - 1] == "that" and i - 3 >= start:
            # "wasn't all that impressed", "not that great": the parser loses the negation.
            before = lowers[i - 2] if lowers[i - 2] != "all" else lowers[i - 3]
            negated = before in ("not", "n't")
        if negated and asks_agreement and not _comparative(tok):
            negated = False  # "Isn't the new app great?", "Wasn't the wait awful?"
        if negated and val < 0 and _cant_be_bothered(tok):
            negated = False  # "can't be bothered with it": apathy, a customer drifting off
        if negated and val > 0 and _not_fine_with(tok):
            out.append(Valence(i, -1.5 * weights[i] * lead_weight))
            continue
        # "never been treated so rudely", "never had such good food": emphasis, not denial.
        if negated and not _emphatic(tok):
            if val > 0:
                val *= N_SCALAR
            elif not _prohibition(tok):
                # "not terrible" is faint praise at best; "don't waste your money" stays a warning.
                val *= NEG_NEGATED_SCALAR
        if val > 0 and (_counterfactual(tok) or _deficient(tok)):
            val *= -0.6
        elif val > 0 and _should(tok):
            val *= 0.3  # "should be authentic": a wish, not praise
        elif val > 0 and _hypothetical_praise(tok):
            val *= -0.3
        if _no_longer(tok) or _ceased(tok):
            val *= -0.5
        out.append(Valence(i, val * weights[i] * lead_weight))
    start, end = sent.start, sent.end
    has_again = "again" in lowers[start:end]
    lemmas, pos, no_det_heads = strings.lemmas_lower, strings.pos, strings.no_det_heads
    for i in range(start, end):
        # Cheap gate: only a few verbs, any verb with "again", or a noun with "no" (`_complaint`)
        # can start these patterns (`_return_intent` reads verbs only).
        if lowers[i] in FRAME_GATE:
            framed = _frame(doc[i], lowers[i])
            if framed is not None:
                # Custom promised under a wish ("I wish they had one here, I'd go every day") is
                # longing, praise all the same: the wish's reversal does not apply.
                weight = abs(weights[i]) if framed > 0 else weights[i]
                out.append(Valence(i, framed * weight * lead_weight))
                continue
        if (
            lemmas[i] not in PATTERN_LEMMAS
            and lemmas[i] not in LAMENT_GATE
            and not (has_again and pos[i] == "VERB")
            and not (pos[i] == "NOUN" and i in no_det_heads)
        ):
            continue
        tok = doc[i]
        val = _construction(tok) if lemmas[i] in CONSTRUCTION_LEMMAS else None
        if val is None:
            val = _return_intent(tok)
        if val is None:
            val = _complaint(tok)
        if val is None and lemmas[i] in LAMENT_GATE:
            val = _lament(tok)
            overdue = _overdue_clause(tok) if val is not None and lemmas[i] == "now" else None
            if overdue is not None:
                # "Free transfers should be standard by now": the praise is what is missing.
                wished = {t.i for t in overdue.subtree}
                out = [v for v in out if v.value <= 0 or v.token_i not in wished]
        if val is None or _worth_object(tok):
            continue
        if is_negated(tok, raised=True):
            val *= -1.0
        out.append(Valence(i, val * weights[i] * lead_weight))
    asked = _rhetorical(sent) if "?" in lowers[start:end] else None
    if asked is not None:
        out.append(Valence(asked, -1.5 * lead_weight))  # asked, but not a question: no damping
    return out


def doc_valences(
    doc: Any, *, sents: list[Any] | None = None, domain: Mapping[str, float] | None = None
) -> list[Valence]:
    """All sentences; a sentence opening with "But"/"However" outweighs the one before it."""
    if sents is None:
        sents = list(doc.sents)
    leads = [1.0] * len(sents)
    for n, sent in enumerate(sents):
        first = sent[0].lower_ if len(sent) else ""
        if n and first in CONTRAST_FORWARD:
            leads[n - 1] *= 0.5
            leads[n] *= 1.5
        elif n and first == "less" and sent[1:2] and sent[1].pos_ == "ADJ":
            # "Happy with X. Less happy that Y.": the second half of the verdict turns on the first.
            leads[n - 1] *= 0.5
            leads[n] *= 1.5
        elif n and first in SUMMARY:
            leads[n] *= 1.5  # "Overall, ...": the verdict after the details
    out: list[Valence] = []
    for sent, lead in zip(sents, leads, strict=True):
        out.extend(sentence_valences(sent, lead_weight=lead, domain=domain))
    # "Tired and hungry, we found...": the speaker's own state is no verdict on the post's subject.
    # Dropped here, not per sentence, so that domain learning still reads the word's polarity.
    lowers = _doc_strings(doc).lowers
    if any(lowers[v.token_i] in SPEAKER_STATES for v in out):
        out = [
            v for v in out if lowers[v.token_i] not in SPEAKER_STATES or not _speaker_state(doc[v.token_i])
        ]
    return out


def score_valences(valences: list[Valence], text: str = "") -> float:
    total = sum(v.value for v in valences)
    if total:
        # Exclamation marks emphasise whichever way the text already leans (as in VADER).
        total += math.copysign(min(text.count("!"), 4) * 0.292, total)
    return normalize(total)
