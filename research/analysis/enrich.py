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

ANALYZER_VERSION = "1.12.0"
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

# Relevance stance: whether what the brand sells, offers and says fits the customer's needs, life
# and situation. Plain praise or complaint ("lovely", "rubbish", "useless") is sentiment, not
# relevance, so every cue below is about fit: said outright ("relevant", "generic"), aimed at the
# customer ("perfect for me", "not for me", "for someone else", "appeals to me", "nothing to do with
# me", "suits my lifestyle", "exactly what I needed"), or shown by a message that misses the
# customer's life ("sends me offers for kids' stuff and I don't have kids").
#
# Words that state relevance themselves, with their direction and weight ("tailored" and "generic"
# say how targeted a message is, a weaker claim than "relevant").
RELEVANCE_WORDS: dict[str, float] = {
    "relevant": 1.0,
    "irrelevant": -1.0,
    "applicable": 1.0,
    "inapplicable": -1.0,
    "tailored": 0.5,
    "personalised": 0.5,
    "personalized": 0.5,
    "generic": -0.5,
    "impersonal": -0.5,
}
# Words that speak to relevance only when aimed at someone: "useful for me", "useless to us",
# "aimed at people like me"; 0 is a word whose direction comes from who it is aimed at.
RELEVANCE_AIMED: dict[str, float] = {
    "useful": 1.0,
    "handy": 1.0,
    "valuable": 1.0,
    "perfect": 1.0,
    "ideal": 1.0,
    "right": 1.0,
    "spot": 1.0,  # "spot on for me"
    "suitable": 1.0,
    "appropriate": 1.0,
    "interesting": 1.0,
    "useless": -1.0,
    "pointless": -1.0,
    "unsuitable": -1.0,
    "inappropriate": -1.0,
    "wrong": -1.0,
    # "the picks are pretty good for me", "great for people like us": plain praise said to fit the
    # customer, a weaker claim than "perfect for me" (not of a time: "Tuesday is good for me").
    "good": 0.5,
    "great": 0.5,
    "aim": 0.0,
    "mean": 0.0,
    "design": 0.0,
    "target": 0.0,
    "gear": 0.0,
    "pitch": 0.0,
    "intend": 0.0,
    "make": 0.0,
}
# Verbs whose object is the customer: "it speaks to me", "doesn't apply to us", "they cater for my needs".
# ("speaks to me" is left out: "the manager spoke to me" is the same parse.)
RELEVANCE_REACH_VERBS = frozenset({"resonate", "apply", "relate", "cater", "appeal"})
_SERVICE_PEOPLE = frozenset(
    {"staff", "employee", "agent", "representative", "rep", "assistant", "cashier", "clerk", "manager"}
)
# Praise that speaks to fit only when aimed at the customer (see RELEVANCE_AIMED).
_PRAISE_AIMED = frozenset({"good", "great"})
# What works or fails to work for someone by functioning, not by fitting them: "the app doesn't
# work for me" is a fault, "the offers don't work for me" a miss.
_FUNCTIONAL_THINGS = frozenset(
    {
        "app",
        "application",
        "website",
        "site",
        "page",
        "login",
        "password",
        "code",
        "voucher",
        "coupon",
        "link",
        "card",
        "button",
        "promo",
        "payment",
        "reader",
        "machine",
        "terminal",
        "checkout",
        "it",
    }
)
# What a brand offers a customer, which can suit them ("the new account suits me", "that suits me
# fine"); a garment suiting someone is about how it looks ("this dress suits me").
_SUITING_THINGS = frozenset(
    {"account", "plan", "scheme", "service", "option", "format", "schedule", "range", "deal", "tariff"}
)
# Verbs of fit whose object is the customer's life or needs: "suits my lifestyle", "gets my style".
RELEVANCE_FIT_VERBS = frozenset({"suit", "fit", "match", "reflect", "meet", "get", "know"})
# What a customer's needs and life are made of; "suits me" alone is usually about a size or a colour,
# and "they know my age" is about data, not fit.
PROFILE_NOUNS = frozenset(
    {
        "need",
        "life",
        "lifestyle",
        "style",
        "taste",
        "interest",
        "situation",
        "circumstance",
        "requirement",
        "stage",
        "routine",
        "schedule",
        "preference",
        "priority",
    }
)
# "not my style", "more my thing", "not my cup of tea".
PROFILE_ATTRS = frozenset({"style", "taste", "thing", "kind", "type", "cup", "scene", "vibe", "bag"})
# "exactly what I needed", "not what I was looking for" ("not what I expected" is disappointment,
# "what I like about them" praise).
WANT_VERBS = frozenset({"need", "want", "look"})
# Messages and offers, the things a brand aims at a customer.
DELIVERY_NOUNS = frozenset(
    {
        "email",
        "e-mail",
        "newsletter",
        "notification",
        "message",
        "text",
        "offer",
        "ad",
        "advert",
        "advertisement",
        "advertising",
        "promotion",
        "promo",
        "recommendation",
        "suggestion",
        "catalogue",
        "catalog",
        "mailing",
        "mailer",
        "leaflet",
        "flyer",
        "voucher",
        "coupon",
    }
)
DELIVERY_VERBS = frozenset(
    {"send", "recommend", "suggest", "advertise", "target", "push", "email", "notify", "promote"}
)
# "relevant" before a noun is about the customer only for what is aimed at them: "relevant offers",
# "the irrelevant ones"; "the relevant screens" or "a relevant detail" mean "pertinent".
AIMED_THINGS = DELIVERY_NOUNS | {"one", "product", "item", "stuff", "thing", "content", "range", "deal"}
# First-person lack or possession that a message can miss: "I don't have kids", "I already own one".
# ("couldn't use the voucher" is a failed offer, not one aimed wrong.)
MISMATCH_VERBS = frozenset(
    {"have", "need", "want", "own", "wear", "buy", "eat", "drink", "drive", "play", "ride"}
)
ALREADY_VERBS = frozenset({"have", "own", "buy", "purchase"})
# Objects whose lack says nothing about what the brand sends: "I don't have the app", "don't have time".
NOT_MISMATCH_OBJECTS = frozenset(
    {
        "app",
        "account",
        "phone",
        "time",
        "idea",
        "clue",
        "choice",
        "option",
        "money",
        "problem",
        "issue",
        "chance",
    }
)
# What a service hands over rather than sells: owning one already is no offer aimed wrong.
_SERVICE_ITEMS = frozenset(
    {"link", "password", "login", "receipt", "reference", "number", "pin", "form", "refund", "answer"}
)
ME_OBJECTS = frozenset({"me", "us", "myself", "ourselves", "mine", "ours"})
MY = frozenset({"my", "our"})
ME_SUBJECTS = frozenset({"i", "we"})
TARGET_PREPS = frozenset({"for", "to", "at", "towards", "toward", "with"})
OTHER_PEOPLE = frozenset({"someone", "somebody", "people", "others", "everyone", "everybody", "person"})
OPINION_VERBS = frozenset({"think", "believe", "reckon", "feel", "suppose", "expect"})
# A fit verb with any of these is about something else: "get me a refund", "get my size wrong".
FIT_BLOCKERS = frozenset({"dative", "oprd", "acomp", "xcomp", "ccomp", "prt", "attr"})
COPULAS = frozenset({"be", "seem", "feel", "look", "sound"})
# The weight of a fit shown by a message that misses the customer's life, below one said outright.
MISMATCH_WEIGHT = 0.75
# Fit shown rather than said: what the brand picks out is what the customer likes, buys or wears
# ("they suggest things in my size", "the recommendations are things I'd actually buy"), or the
# brand has learnt their taste ("the app has learned I like floral dresses", "they know what I
# like"). Plain praise of the picks ("great recommendations") is sentiment, not fit.
MY_TASTE_VERBS = frozenset(
    {"like", "love", "want", "need", "buy", "wear", "use", "fancy", "enjoy", "prefer", "choose"}
)
# What fits a person beside their needs and life: "in my size", "for my budget", "in my colours".
FIT_NOUNS = PROFILE_NOUNS | {"size", "fit", "colour", "color", "budget", "age", "shape"}
FIT_PREPS = frozenset({"in", "for", "within"})
LEARN_VERBS = frozenset({"learn", "learnt", "know", "remember", "notice", "figure", "work"})
PICK_VERBS = frozenset(
    {"recommend", "suggest", "show", "offer", "pick", "choose", "target", "curate", "send"}
)
# Misses shown rather than said. What the brand picks out does not fit the customer ("they show
# me things in a size that won't fit", "offers for clothes in the wrong size"); an offer is over
# before it arrives ("notifications for sales that have already ended", "the sizes they push me are
# a year out of date"); every message is the same ("the emails all look the same"); adverts for
# what the customer has already bought ("ads for a sofa I have bought"); messages dismissed as
# noise ("the rest were noise").
FITTING_VERBS = frozenset({"fit", "suit"})
STALE_VERBS = frozenset({"end", "expire", "finish", "close", "pass", "sell"})
STALE_WORDS = frozenset({"expired", "outdated", "stale", "out-of-date", "old"})
SAMENESS_VERBS = COPULAS | {"read"}
# The part of an email that stands for it: "the subject lines all sound the same".
MESSAGE_PARTS = frozenset({"line", "headline", "banner"})
# Messages that sell, as against order updates: an email confirming what was bought is about it.
SELLING_NOUNS = frozenset(
    {"ad", "advert", "advertisement", "offer", "promotion", "promo", "recommendation", "suggestion"}
)
NOISE_WORDS = frozenset({"noise", "clutter"})
# Taking up what is then offered again: "I opened a savings account and they keep recommending one".
BOUGHT_VERBS = frozenset({"buy", "purchase", "order", "own", "open"})
# Who "the rest were noise" can be said of once the messages have been named.
NOISE_SUBJECTS = frozenset({"rest", "most", "others", "one", "they", "them", "these", "those", "all"})
# Fit shown by what the customer does with a message or offer: "a discount on shoes which I use",
# "I read every newsletter", "sale emails = opened instantly" (and "I never open their emails").
# Weaker than fit said outright, so a verdict in words outweighs it.
ACT_ON_VERBS = frozenset({"use", "redeem", "open", "read", "click", "tap", "ignore", "delete", "skip", "bin"})
# Their mirror: "I just delete their emails", "the newsletters get ignored".
_DISMISS_VERBS = frozenset({"ignore", "delete", "skip", "bin"})
# Opening or reading says something only when prompt or habitual ("I open the app every morning"
# and "I read the email" say nothing of fit).
_OPENING_VERBS = frozenset({"open", "read", "click", "tap"})
_PROMPT_WORDS = frozenset(
    {"instantly", "immediately", "straightaway", "straight", "always", "religiously", "right", "every", "all"}
)
ACTED_ON_THINGS = DELIVERY_NOUNS | {"discount", "deal"}
ACT_ON_WEIGHT = 0.5
_WHEN_MARKS = frozenset({"when", "whenever", "while", "before", "after", "if", "once", "until"})
# "right up my street", "right up our alley".
_UP_MY_NOUNS = frozenset({"street", "alley"})
# Cue words that are verbs, looked at only where the tagger says they are verbs (cheap to test).
_RELEVANCE_VERB_TRIGGERS = (
    ACT_ON_VERBS
    | RELEVANCE_REACH_VERBS
    | RELEVANCE_FIT_VERBS
    | WANT_VERBS
    | {lemma for lemma, base in RELEVANCE_AIMED.items() if base == 0.0}
    | LEARN_VERBS
    | {"do", "interest", "work"}
)
_RELEVANCE_TRIGGERS = (
    set(RELEVANCE_WORDS)
    | set(RELEVANCE_AIMED)
    | _RELEVANCE_VERB_TRIGGERS
    | PROFILE_ATTRS
    | _UP_MY_NOUNS
    | {"interested", "relevance", "timing", "well"}
)
# Words whose head may be a first-person lack or ownership: "I don't have", "I already own".
_MISMATCH_MARKERS = frozenset({"not", "n't", "never", "already"})
_RELEVANCE_ANY = frozenset(
    _RELEVANCE_TRIGGERS
    | DELIVERY_NOUNS
    | DELIVERY_VERBS
    | PICK_VERBS
    | _MISMATCH_MARKERS
    | NOISE_WORDS
    | {"show", "tell", "for", "nothing"}
)

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
            "dear",
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
            "pill",
            "pille",  # spaCy's lemma of "pilled"
            "bobble",
            "fray",
            "faulty",
            "buggy",
            "cheaply",
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
# A relevance word in a dimension's phrase: "Relevant: 2" is its own verdict on tailoring.
_RELEVANCE_WORD_RE = re.compile(r"\b(?:" + "|".join(RELEVANCE_WORDS) + r")\b", re.IGNORECASE)
_CUE_TO_DIMENSIONS: dict[str, tuple[str, ...]] = {}
for _dim, _cues in DIMENSION_CUES.items():
    for _cue in _cues:
        _CUE_TO_DIMENSIONS[_cue] = (*_CUE_TO_DIMENSIONS.get(_cue, ()), _dim)
# Cue words whose polarity is in their meaning where VADER's general lexicon has none
# ("it lasted years", "flimsy", "they listen", "the app remembered my size"); negation flips it.
_CUE_POLARITY: dict[str, float] = {
    "last": 1.5,
    "durable": 1.5,
    "sturdy": 1.5,
    "well-made": 1.5,
    "flimsy": -1.5,
    "shoddy": -1.8,
    "break": -1.5,
    "tear": -1.2,
    "rip": -1.2,
    "pill": -1.2,
    "pille": -1.2,
    "bobble": -1.2,
    "fray": -1.2,
    "fall": -1.2,
    "glitch": -1.5,
    "mistrust": -1.8,
    "shady": -1.5,
    "deceptive": -2.0,
    "mislead": -1.7,
    "lie": -1.8,
    "transparent": 1.2,
    "credible": 1.2,
    "overcharge": -1.8,
    "dear": -1.5,
    "cheaply": -1.5,
    "generic": -1.0,
    "surveillance": -1.5,
    "spy": -1.5,
    "breach": -1.8,
    "consistent": 1.2,
    "inconsistent": -1.5,
    "inconsistency": -1.5,
    "mismatch": -1.5,
    "disconnect": -1.2,
    "disconnected": -1.2,
    "understand": 1.2,
    "listen": 1.2,
    "hear": 1.0,
    "remember": 1.0,
    "know": 1.2,
    "get": 1.2,
}
# Words that compare channels: different prices or stock in the app and the store is inconsistency.
_CHANNEL_COMPARISON: dict[str, float] = {
    "different": -1.2,
    "differ": -1.2,
    "difference": -1.2,
    "vary": -1.2,
    "same": 1.0,
    "match": 1.0,
    "sync": 1.0,
    "link": 1.0,
    "join": 1.0,
    "connect": 1.0,
}
# "what they say about it" for a price: "prices went up" is bad news, "prices came down" good.
_PRICE_NOUNS = frozenset({"price", "cost", "fee", "charge", "bill"})
_PRICE_RISE = frozenset({"rise", "increase", "double", "soar", "climb", "jump", "hike", "creep"})
_PRICE_FALL = frozenset({"drop", "fall", "decrease", "halve", "cut", "lower"})
_STANDARD_NOUNS = frozenset({"quality", "standard"})
# A dimension noun going down is a decline: "the quality has slipped", "service has deteriorated",
# "support has gone downhill", "the quality isn't what it was". (Prices going down are good news,
# so price nouns keep their own reading above.)
_DECLINE_VERBS = frozenset(
    {
        "deteriorate",
        "worsen",
        "decline",
        "slip",
        "dip",
        "plummet",
        "slide",
        "sink",
        "tumble",
        "suffer",
        "drop",
    }
)
_DECLINE_ADVERBS = frozenset({"downhill", "down"})
# Time in a post that contrasts then and now: "used to be good value ... now the quality has gone
# down". What holds now wins over what held then, for the same dimension.
_NOW_WORDS = frozenset({"now", "nowadays", "lately", "recently", "currently", "anymore"})
_THEN_WORDS = frozenset({"ago", "then", "once", "formerly", "previously"})
# "the last two pilled", "the new ones fall apart", "my latest order": the most recent ones.
_RECENT_WORDS = frozenset({"last", "latest", "recent", "new", "newer", "newest"})
_TIME_NOUNS = frozenset(
    {"year", "month", "week", "day", "time", "season", "winter", "summer", "spring", "autumn", "night"}
)
# "dear" meaning expensive: said with a degree word ("too dear", "a bit dear", "so dear now") or as
# a comparison ("dearer than"); "dear customer" and "oh dear" are not prices.
_DEGREE_WORDS = frozenset(
    {"too", "so", "very", "quite", "rather", "pretty", "really", "bit", "little", "more", "far", "way"}
)
# "it looks cheap", "the fabric feels cheap", "cheaply made": cheap as in shoddy, said of the goods.
_SEEMING = frozenset({"look", "feel", "seem", "sound"})
_MAKING = frozenset({"make", "build", "produce", "finish"})
# Someone else's opinion is not the speaker's: "some people find it creepy", "my friend thinks
# they're dishonest", "reviews say it falls apart", unless the speaker agrees ("I agree").
_OPINION_SAYING = frozenset(
    {"think", "find", "say", "feel", "reckon", "believe", "call", "consider", "claim", "complain", "worry"}
)
_OTHER_HOLDERS = frozenset(
    {
        "people",
        "person",
        "others",
        "other",
        "some",
        "many",
        "most",
        "someone",
        "somebody",
        "everyone",
        "everybody",
        "he",
        "she",
        "friend",
        "friends",
        "family",
        "wife",
        "husband",
        "partner",
        "mum",
        "mom",
        "mother",
        "dad",
        "father",
        "sister",
        "brother",
        "daughter",
        "son",
        "colleague",
        "neighbour",
        "neighbor",
        "review",
        "reviewer",
        "customer",
        "user",
    }
)
# A relative clause naming what someone felt or did ("the thing you trusted them for", "the brand
# I trusted") describes its noun; the main clause says what became of it.
_ATTITUDE_HOLDERS = ME_SUBJECTS | {"you"}
# Nouns for the speaker's own words: "my honest take", "a genuine question" say nothing of the brand.
_SPEECH_NOUNS = frozenset(
    {"question", "take", "opinion", "answer", "view", "thought", "feedback", "truth", "reaction", "phrase"}
)
# What delivery tracking follows (a "tracking link" is not surveillance).
_SHIPMENT_NOUNS = frozenset(
    {"order", "parcel", "package", "delivery", "shipment", "link", "number", "update"}
)
# When one clause carries cues of several dimensions, the narrower concept names it.
_DIMENSION_SPECIFICITY = (
    "privacy",
    "personalization",
    "consistency",
    "understanding_me",
    "trust",
    "quality",
    "value",
    "service",
)
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
_HYPOTHETICAL_AUX = frozenset({"would", "'d", "could", "should", "might"})
_MAYBE = frozenset({"maybe", "perhaps", "possibly"})
_WISH_VERBS = frozenset({"want", "wish", "need", "like", "love", "prefer", "hope", "expect"})
# What a brand keeps the same (or not) from one channel to the next.
_ACROSS_CHANNELS = frozenset(
    {
        "experience",
        "message",
        "messaging",
        "offer",
        "price",
        "pricing",
        "brand",
        "information",
        "stock",
    }
)
# Where a brand meets its customers: "consistent" speaks of consistency across channels only with
# one of these in its clause; "consistent sizing" is the product's quality.
_CHANNEL_NAMES = CHANNEL_WORDS | frozenset(
    {"web", "channel", "omnichannel", "mobile", "offline", "instore", "branch", "push"}
)
_CONSISTENCY_WORDS = frozenset({"consistent", "inconsistent", "consistency", "inconsistency"})
# The same message arriving again, or by every channel at once, is repetition, not consistency:
# "the same offer as a push, an email and a text", "I got the same email three times".
_REPEAT_WORDS = frozenset({"duplicate", "duplicated", "repeat", "repeated", "repeatedly", "twice", "again"})
# Channels that bring a message to the customer (a shop, site or app is where they go to look).
_MESSAGE_CHANNELS = frozenset({"email", "e-mail", "text", "sms", "push", "notification", "letter", "call"})
# "Relevant: 0", "Quality: none": a label and the count or rating after it.
_NONE_WORDS = frozenset({"0", "zero", "none", "nothing", "nil", "nada"})
# The part after "but" is what the speaker concludes: "relevant but wrong".
_CONTRAST_CC = frozenset({"but", "yet"})
# Knowing a customer by watching them is surveillance, not understanding: "they know me because
# an algorithm watches me".
_KNOWING = frozenset({"know", "get", "understand", "remember"})
_WATCH_VERBS = frozenset({"watch", "monitor", "track", "follow", "spy", "stalk", "record", "surveil"})
_BECAUSE = frozenset({"because", "since", "as", "cause", "'cause", "coz", "cos"})
_VAGUE_DETS = frozenset({"a", "an", "any", "some"})
_CONDITIONAL_MARKS = frozenset({"if", "unless"})
# "Value is a weird question", "trust is a big word": talk about the dimension, not an opinion of it.
_META_NOUNS = _SPEECH_NOUNS | {"word", "topic", "subject", "concept", "term"}
# "other shops", "other retailers": a clause about them is not about the brand.
_OTHER_BUSINESSES = frozenset({"retailer", "shop", "store", "brand", "company", "business", "chain"})
# Things a customer is glad to be without.
_UNWANTED = frozenset(
    {"queue", "complaint", "fee", "charge", "defect", "glitch", "breach", "leak", "spam", "surveillance"}
)
# A taste for a kind of thing, not an opinion of the brand's: "I like a bargain", "who doesn't love
# a good deal", "I'm always after a discount". What the customer likes is a bargain in general (no
# "the", "their", "this"), and the one liking it is the speaker or anyone.
_TASTE_VERBS = frozenset({"like", "love", "enjoy", "adore", "prefer", "appreciate", "fancy", "hunt"})
_TASTE_HOLDERS = ME_SUBJECTS | {"who", "everyone", "everybody", "anyone", "anybody", "people", "you"}
_TASTE_FOR = frozenset({"after", "for"})  # "always after a bargain", "a sucker for a deal"
# Nouns that name a dimension: their polarity is what is said of them, not the word's own tone.
# Words for a software fault: said of an app or a site (or of "it"), not of the goods.
_SOFTWARE_FAULTS = frozenset({"crash", "glitch", "glitchy", "buggy"})
# The brand's digital front: what goes wrong there is how it serves the customer, not its goods'
# quality ("the app crashes", "the checkout page was broken", "their website is glitchy").
_DIGITAL_THINGS = frozenset(
    {
        "app",
        "application",
        "website",
        "site",
        "webpage",
        "web",
        "checkout",
        "login",
        "portal",
        "software",
        "chatbot",
        "online",
        "internet",
        "wifi",
        "wi-fi",
    }
)
# Words that judge whether a message is correct: "relevant but wrong" grants the aim and complains
# of the content, which is no verdict on how well it was aimed.
_ACCURACY_WORDS = frozenset(
    {"wrong", "incorrect", "inaccurate", "false", "untrue", "mistaken", "outdated", "erroneous"}
)
# Verbs that raise a doubt: "..., but it makes you wonder why", "but I do question whether".
_DOUBT_VERBS = frozenset({"wonder", "doubt", "question"})
_TOPIC_NOUNS = frozenset(
    {"value", "worth", "trust", "honesty", "integrity", "help", "support", "consent", "care"}
)

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
    pos, lowers, is_punct, is_stop = strings.pos, strings.lowers, strings.is_punct, strings.is_stop
    start = chunk.start
    kept = [
        i
        for i in range(start, chunk.end)
        if pos[i] not in ("DET", "PRON") and not (is_punct[i] or is_stop[i] and i == start)
    ]
    if not kept or any(strings.idx[i] in pii_chars for i in kept) or pos[kept[-1]] not in ("NOUN", "PROPN"):
        return ""
    return " ".join(lowers[i] for i in kept)


def _stance_adverb(tok: Any) -> bool:
    """A sentence adverb ("Honestly, ...", "honestly the prices are ..."): the speaker's stance."""
    doc = tok.doc
    if tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ == ",":
        return True
    if tok.is_sent_start and tok.dep_ == "advmod" and tok.head.pos_ in ("VERB", "AUX"):
        return True  # "Honestly just remember me"
    return any(c.dep_ in _SUBJECT_DEPS and c.i > tok.i for c in tok.head.children)


def _cue_subject(tok: Any) -> Any | None:
    """Who does or is the cue: its own subject, or that of the verb it hangs off ("a shop needs to
    understand me", "I think about it and then forget")."""
    cur = tok
    for _ in range(3):
        for c in cur.children:
            if c.dep_ in _SUBJECT_DEPS:
                return c
        if cur.dep_ not in ("xcomp", "conj", "acomp", "attr") or cur.head.i == cur.i:
            return None
        cur = cur.head
    return None


def _irrealis(tok: Any) -> bool:
    """A wish, request or hypothesis rather than something that happened: "it would be relevant",
    "I want the app to remember my size", "just remember me", "give me consistent sizing"."""
    pred = tok.head if tok.dep_ in ("acomp", "attr") else tok
    for verb in (pred, clause_root(tok)):
        kids = list(verb.children)
        if any(c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL_AUX or c.lower_ in _MAYBE for c in kids):
            return True
        if (
            any(c.dep_ == "aux" and c.lower_ == "to" for c in kids)
            and verb.head.lemma_.lower() in _WISH_VERBS
        ):
            return True
        # An imperative: a bare verb heading its sentence (or a coordinated one) with no subject.
        if (
            verb.tag_ == "VB"
            and verb.dep_ in ("ROOT", "conj")
            and not any(c.dep_ in ("aux", *_SUBJECT_DEPS) for c in kids)
        ):
            return True
        if _unasserted(verb):
            return True
    root = clause_root(tok)
    if _wanted_or_asked(root):
        return True
    # "It would feel like they remembered me": the clause is what the hypothesis would be like.
    if (
        root.dep_ in ("advcl", "ccomp")
        and root.head.lemma_.lower() in COPULAS
        and any(c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL_AUX for c in root.head.children)
    ):
        return True
    return _vague_hypothetical(tok)


_SPEECH_VERBS = frozenset({"say", "tell", "mention", "add", "thank", "praise", "share", "point", "admit"})
_ASKING_VERBS = frozenset({"know", "wonder", "ask", "see", "check", "hear", "tell", "find"})
_QUESTION_WORDS = frozenset({"when", "whether", "if"})


def _wanted_or_asked(root: Any) -> bool:
    """A clause inside a wish or a question, up the clauses that hold it: "I want to know when a
    good quality one is back in stock", "I'd like to see whether the support is any better", "I
    asked if the fee was refundable". Not what the speaker wants to say ("I wanted to say the staff
    were brilliant"): that is said."""
    cur = root
    for _ in range(3):
        if cur.dep_ not in ("ccomp", "advcl", "xcomp") or cur.head.i == cur.i:
            return False
        head = cur.head
        head_lemma = head.lemma_.lower()
        if head_lemma in _SPEECH_VERBS and cur.dep_ != "advcl":
            return False
        if any(c.dep_ == "advmod" and c.lower_ in ("why", "how") for c in cur.children):
            return False  # "I'd love to know why the fees went up": the rise is taken as fact
        # "when/whether/if it is ..." under "know", "ask", "wonder": a question, not a claim.
        if (
            cur.dep_ in ("ccomp", "advcl")
            and head_lemma in _ASKING_VERBS
            and (cur.dep_ == "ccomp" or head_lemma != "tell")
            and any(c.lower_ in _QUESTION_WORDS and c.dep_ in ("mark", "advmod") for c in cur.children)
        ):
            return True
        if (
            head_lemma in _WISH_VERBS
            and cur.dep_ in ("xcomp", "ccomp")
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in cur.children)
        ):
            return True
        cur = head
    return False


def _past_attitude(tok: Any) -> bool:
    """A cue verb in a relative clause telling what the speaker (or "you") felt or did before: "the
    bank I trusted", "the thing you trusted them for", "the brand I used to rely on". Not "the only
    bank I trust", which says what holds now."""
    if tok.pos_ != "VERB" or tok.dep_ != "relcl":
        return False
    if not any(c.dep_ in _SUBJECT_DEPS and c.lower_ in _ATTITUDE_HOLDERS for c in tok.children):
        return False
    return tok.tag_ == "VBD" or _used_to(tok)


_AGREEING = ("me too", "so do i", "i do too", "i think so too", "as do i", "they're right", "they are right")


def _others_opinion(tok: Any) -> bool:
    """A cue inside someone else's opinion: "some people find it creepy", "my friend thinks they're
    dishonest", "reviews say the handles break". That is not the speaker's stance unless they say
    they share it ("I agree", "me too") in the same sentence or the next."""
    cur = tok
    for _ in range(5):
        head = cur.head
        if head.i == cur.i:
            return False
        if cur is not tok and cur.pos_ in ("VERB", "AUX") and cur.dep_ not in ("ccomp", "xcomp", "acomp"):
            return False  # a clause of its own: "they think I'm nuts, and the app is glitchy"
        if head.pos_ in ("VERB", "AUX") and head.lemma_.lower() in _OPINION_SAYING:
            if cur.dep_ not in ("ccomp", "xcomp", "oprd", "acomp", "dobj", "nsubj"):
                return False
            subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
            if subject is None or not (
                subject.lower_ in _OTHER_HOLDERS or subject.lemma_.lower() in _OTHER_HOLDERS
            ):
                return False
            return not _speaker_agrees(head)
        cur = head
    return False


def _speaker_agrees(verb: Any) -> bool:
    """ "..., and I agree", "I do too", "me too": the speaker shares the opinion reported."""
    doc = verb.doc
    bounds = doc.user_data.get("vb_sent_bounds")
    start, end = bounds[verb.i] if bounds else (verb.sent.start, verb.sent.end)
    if end < len(doc) and bounds:
        end = bounds[end][1]  # and the next sentence
    for j in range(start, end):
        t = doc[j]
        if t.lemma_.lower() == "agree" and _has_child(t, ME_SUBJECTS, ("nsubj",)) and not sa.is_negated(t):
            return True
    window = doc[start:end].text.lower()
    return any(phrase in window for phrase in _AGREEING)


def _unasserted(verb: Any) -> bool:
    """A condition ("only if it's honest") or a yes/no question ("did the reminder help?"): nothing
    in the clause is claimed, neither the cue nor what is said of it."""
    if any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL_MARKS for c in verb.children):
        return True
    first = verb.left_edge
    return (
        first.dep_ == "aux"
        and first.head.i == verb.i
        and first.lemma_.lower() in ("do", "be", "have", "will", "can")
        and verb.right_edge.text == "?"
    )


def _speaker(tok: Any | None) -> bool:
    return tok is not None and tok.lower_ in ME_SUBJECTS


def _has_child(tok: Any, words: frozenset[str] | set[str], deps: tuple[str, ...] = ()) -> bool:
    return any(c.lower_ in words and (not deps or c.dep_ in deps) for c in tok.children)


def _has_child_lemma(tok: Any, lemmas: frozenset[str] | set[str], dep: str) -> bool:
    return any(c.dep_ == dep and c.lemma_.lower() in lemmas for c in tok.children)


def _described(tok: Any) -> Any | None:
    """The thing a quality word is said of: "consistent sizing", "the sizing is consistent",
    "consistency of sizing", "sizing consistency"."""
    if tok.dep_ == "amod":
        return tok.head
    if tok.pos_ in ("NOUN", "PROPN"):
        for c in tok.children:
            if c.dep_ == "compound":
                return c
            if c.dep_ == "prep" and c.lower_ in ("of", "in"):
                return next((g for g in c.children if g.dep_ == "pobj"), None)
        return None
    subj = _cue_subject(tok)
    return None if subj is None or subj.pos_ == "PRON" else subj


def _consistency_of(tok: Any, lemma: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """Consistency across channels needs channels in the clause ("the app and the store show the
    same prices", "inconsistent prices online") or a thing a brand keeps the same across them ("the
    brand feels consistent"). Otherwise "consistent" is said of the thing itself: "consistent
    sizing" is quality, "inconsistent service" service."""
    if lemma in ("channel", "omnichannel"):
        return names
    if any(t.lemma_.lower() in _CHANNEL_NAMES for t in clause_span(tok)):
        return names
    thing = _described(tok)
    thing_lemma = thing.lemma_.lower() if thing is not None else ""
    if thing_lemma in _ACROSS_CHANNELS:
        return names
    if lemma not in _CONSISTENCY_WORDS:
        return ()  # "seamless checkout", "a disconnect between us": no channels, nothing to compare
    own = tuple(d for d in _CUE_TO_DIMENSIONS.get(thing_lemma, ()) if d != "consistency")
    return own[:1] or ("quality",)


def _labelled_rating(tok: Any) -> float | None:
    """A cue word used as a label for a count or rating: "Relevant: 0", "Quality: 4/5". A zero or
    a low score is a verdict against, a high one for; a plain count says nothing (0.0). None where
    the word is not such a label."""
    doc = tok.doc
    if tok.i + 2 >= len(doc) or doc[tok.i + 1].text != ":":
        return None
    nxt = doc[tok.i + 2]
    if nxt.lower_ in _NONE_WORDS:
        return -1.5
    if not nxt.like_num:
        return None
    text = nxt.text.replace(",", "")
    if "/" in text:
        num, _, den = text.partition("/")
    elif tok.i + 4 < len(doc) and doc[tok.i + 3].text in ("/", "out") and doc[tok.i + 4].like_num:
        num, den = text, doc[tok.i + 4].text
    elif tok.i + 5 < len(doc) and doc[tok.i + 3].lower_ == "out" and doc[tok.i + 5].like_num:
        num, den = text, doc[tok.i + 5].text  # "4 out of 5"
    else:
        num, den = text, ""
    try:
        n = float(num)
        d = float(den) if den else 0.0
    except ValueError:
        return 0.0
    if not d:
        return -1.5 if n == 0 else 0.0
    ratio = n / d
    return 1.5 if ratio >= 0.6 else -1.5 if ratio <= 0.4 else 0.0


def _but_part(tok: Any, by_token: dict[int, float]) -> float | None:
    """The sentiment of what follows "but" in a coordination with the cue ("relevant but wrong",
    "cheap but flimsy"): the speaker's conclusion, which outweighs the cue's own tone."""
    kids = list(tok.children)
    for c in kids:
        if c.dep_ != "conj" or c.i < tok.i or any(g.dep_ in _SUBJECT_DEPS for g in c.children):
            continue  # a new subject is a new statement: "not cheap, but I like nice things"
        if not any(k.dep_ == "cc" and k.lower_ in _CONTRAST_CC and k.i < c.i for k in (*kids, *c.children)):
            continue
        value = by_token.get(c.i, 0.0) + sum(
            by_token.get(g.i, 0.0) for g in c.children if g.dep_ in ("acomp", "attr", "dobj", "advmod")
        )
        if value:
            return value
    return None


def _overruled(tok: Any, value: float) -> bool:
    """An adjective granted and then overruled by a contrary one after "but" or "yet" in the same
    description: "relevant but wrong", "timely and relevant but useless". (A new subject after
    "but" is a new statement: "relevant, but the emails have nothing to do with me".) `value` is
    the adjective's own direction; a word judging whether the thing is correct overrules either."""
    vader = sa.lexicon()[0]
    kids = list(tok.children)
    for c in kids:
        if c.dep_ != "conj" or c.i < tok.i or any(g.dep_ in _SUBJECT_DEPS for g in c.children):
            continue
        if not any(
            k.dep_ == "cc" and k.lower_ in _CONTRAST_CC and tok.i < k.i < c.i for k in (*kids, *c.children)
        ):
            continue
        low = c.lower_
        if low in _ACCURACY_WORDS:
            return True
        other = RELEVANCE_WORDS.get(low) or vader.get(low, 0.0)
        if other * value < 0:
            return True
    return False


def _accuracy_overrules(tok: Any) -> bool:
    """ "The text was relevant but wrong": the complaint is that the message was incorrect, which
    says nothing of the quality the first word names. Not "the wrong size for me", which is aimed."""
    kids = list(tok.children)
    return any(
        c.dep_ == "conj"
        and c.i > tok.i
        and c.lower_ in _ACCURACY_WORDS
        and not any(g.dep_ in _SUBJECT_DEPS for g in c.children)
        and any(
            k.dep_ == "cc" and k.lower_ in _CONTRAST_CC and tok.i < k.i < c.i for k in (*kids, *c.children)
        )
        and _aimed_at(c) <= 0
        for c in kids
    )


def _doubted_after(tok: Any) -> bool:
    """Praise granted and then doubted after "but" or "yet" later in its sentence: "I appreciated
    their honesty, but it makes you wonder why...", "the advice was honest, but I do wonder
    whether...". The doubt is the speaker's point; the praise is conceded."""
    doc = tok.doc
    bounds = doc.user_data.get("vb_sent_bounds")
    end = bounds[tok.i][1] if bounds else tok.sent.end
    for j in range(tok.i + 1, end):
        cc = doc[j]
        if cc.dep_ != "cc" or cc.lower_ not in _CONTRAST_CC:
            continue
        for conj in cc.head.children:
            if conj.dep_ != "conj" or conj.i < j:
                continue
            for verb in conj.subtree:
                if verb.pos_ == "VERB" and verb.lemma_.lower() in _DOUBT_VERBS and not sa.is_negated(verb):
                    return True
    return False


def _digital(noun: Any) -> bool:
    """An app, a website or a page of one: "the banking app", "the app's return flow", "the
    checkout page"."""
    if noun.lemma_.lower() in _DIGITAL_THINGS:
        return True
    return any(c.dep_ in ("compound", "poss") and c.lemma_.lower() in _DIGITAL_THINGS for c in noun.children)


def _fault_of(tok: Any, lemma: str, names: tuple[str, ...]) -> tuple[str, ...]:
    """A quality word said of the brand's app or site is a failure of how it serves the customer,
    not of its goods: "the app crashes", "their website is glitchy", "the checkout page was
    broken". A software fault said of anything else ("the car crashed") is not the brand's."""
    thing = _described(tok)
    if thing is not None and _digital(thing) or tok.pos_ == "NOUN" and _digital(tok):
        return ("service",)
    if lemma in _SOFTWARE_FAULTS:
        # "it keeps crashing", "there was a glitch"; not "the car crashed" or "a new buggy" (a pushchair).
        return ("service",) if thing is None and (tok.pos_ != "NOUN" or lemma == "glitch") else ()
    return names


def _known_by_watching(tok: Any) -> bool:
    """Known by being watched: "they know me because an algorithm watches me", "they remember me
    by tracking everything"."""
    for c in tok.children:
        verb = None
        if c.dep_ == "advcl" and any(m.lower_ in _BECAUSE for m in c.children if m.dep_ == "mark"):
            verb = c
        elif c.dep_ == "prep" and c.lower_ in ("by", "through", "from"):
            verb = next((g for g in c.children if g.dep_ == "pcomp"), None)
        if verb is not None and verb.lemma_.lower() in _WATCH_VERBS:
            return True
    return False


def _vague_hypothetical(tok: Any) -> bool:
    """A cue in a relative clause describing a wished-for kind of shop, not an actual one: "a store
    that remembers me would get my money", "I want a shop that listens", "Honestly? A store that
    takes anything back, and a service that remembers me." (a verbless answer)."""
    root = clause_root(tok)
    if root.dep_ != "relcl":
        return False
    noun = root.head
    for _ in range(4):
        if noun.dep_ != "conj" or noun.head.i == noun.i:
            break
        noun = noun.head
    if noun.dep_ == "ROOT":
        return noun.pos_ in ("NOUN", "PROPN") and any(
            c.dep_ == "det" and c.lower_ in _VAGUE_DETS for c in root.head.children
        )
    gov = noun.head.head if noun.dep_ == "pobj" else noun.head
    return gov.lemma_.lower() in _WISH_VERBS or any(
        c.dep_ == "aux" and c.lower_ in _HYPOTHETICAL_AUX for c in gov.children
    )


# The customer's own phone data a brand asks to reach: "the app asked to access my contacts".
PERSONAL_DATA = frozenset({"contact", "location", "microphone", "camera", "photo", "calendar"})
_DATA_REACH_VERBS = frozenset(
    {"access", "ask", "want", "need", "read", "share", "track", "use", "request", "upload", "scan", "see"}
)
# What a service person does for the customer: "a staff member carried the pram up the stairs with
# me", "the assistant found my size in the stockroom", "the manager phoned another branch for us".
HELP_ACTS = frozenset(
    {
        "carry",
        "fetch",
        "find",
        "bring",
        "order",
        "phone",
        "call",
        "ring",
        "hold",
        "reserve",
        "wrap",
        "sort",
        "fix",
        "replace",
        "chase",
        "lift",
        "walk",
        "deliver",
        "post",
        "explain",
        "measure",
    }
)
_BENEFACTIVE_PREPS = frozenset({"for", "with", "to"})
# A request to mend something says it is broken: "fix the points so they show up", "make the
# wishlist sync properly", "get the app to work with the store".
_FIX_REQUESTS = frozenset({"fix", "sort", "make", "get"})
_REQUEST_OPENERS = frozenset({"please", "pls", "plz", "just", "can", "could"})


def _data_asked(tok: Any) -> bool:
    """ "asked to access my contacts", "wants my location", "asks for access to my photos": the
    brand reaching for the customer's own data (not "I shared my location")."""
    if tok.lemma_.lower() == "contact" and tok.lower_ != "contacts":
        return False  # "contact with the bank" is service
    if not _has_child(tok, MY, ("poss",)):
        return False
    verb = tok.head
    if tok.dep_ == "pobj" and verb.lower_ in ("to", "for"):
        # "asked for my location", "asked for access to my photos"
        for _ in range(3):
            if verb.pos_ == "VERB" or verb.head.i == verb.i:
                break
            verb = verb.head
    elif tok.dep_ != "dobj":
        return False
    if verb.lemma_.lower() not in _DATA_REACH_VERBS and verb.lemma_.lower() not in ("have", "get"):
        return False
    subject = _cue_subject(verb)
    return subject is None or not _speaker(subject)


def _helpful_act(tok: Any) -> float:
    """A service person doing something for the customer: +1, -1 if they would not ("the staff
    member wouldn't phone the other branch for me"), else 0."""
    person = tok.head if tok.dep_ == "compound" else tok
    verb = person.head
    if person.dep_ != "nsubj" or verb.pos_ != "VERB" or verb.lemma_.lower() not in HELP_ACTS:
        return 0.0
    for c in verb.children:
        if c.dep_ in ("dative", "dobj") and c.lower_ in ME_OBJECTS:
            break
        if c.dep_ == "dobj" and _has_child(c, MY, ("poss",)):
            break
        if (
            c.dep_ in ("prep", "dative")
            and c.lower_ in _BENEFACTIVE_PREPS
            and _has_child(c, ME_OBJECTS, ("pobj",))
        ):
            break
    else:
        return 0.0
    return -1.0 if sa.is_negated(verb) else 1.0


def _requested_fix(tok: Any) -> bool:
    """The cue sits in a request to mend it: "make the wishlist sync properly", "please fix the
    points", "get the app to work with the store"."""
    sent = tok.sent
    root = sent.root
    if root.lemma_.lower() not in _FIX_REQUESTS or root.tag_ != "VB":
        return False
    if any(c.dep_ in _SUBJECT_DEPS for c in root.children):
        return False
    before = [t for t in sent if t.i < root.i and not t.is_punct]
    if any(t.lower_ not in _REQUEST_OPENERS for t in before):
        return False
    if root.lemma_.lower() in ("fix", "sort"):
        return True
    return any(t.lower_ in ("properly", "right", "work", "works") or t.tag_ in ("JJR", "RBR") for t in sent)


def _dimension_cue(tok: Any, lemma: str, pos: str) -> tuple[str, ...]:
    """The dimensions a word speaks of here, or () where it is a figure of speech or not about the
    brand: "to be honest", "I can't promise", "good to hear", "I don't care", "last year"."""
    names = _CUE_TO_DIMENSIONS.get(lemma, ())
    if lemma in _KNOWING and pos == "VERB" and _known_by_watching(tok):
        return ("privacy",)
    if not names:
        if lemma in PERSONAL_DATA:
            return ("privacy",) if pos in ("NOUN", "PROPN") and _data_asked(tok) else ()
        if lemma in ("know", "get", "understand") and pos == "VERB":
            # "they know me", "they get us"; not "get me back", "get me a refund".
            kids = list(tok.children)
            if (
                any(c.lower_ in ME_OBJECTS and c.dep_ in ("dobj", "dative") for c in kids)
                and not any(c.dep_ in ("prt", "dobj") and c.lower_ not in ME_OBJECTS for c in kids)
                and not any(c.lower_ == "back" for c in kids)
                and not _speaker(_cue_subject(tok))
            ):
                return ("understanding_me",)
        elif lemma == "need" and pos == "NOUN" and _has_child(tok, MY | {"customer", "customers"}, ("poss",)):
            return ("understanding_me",)
        return ()
    dep, head = tok.dep_, tok.head
    if (
        dep == "nsubj"
        and pos == "NOUN"
        and head.lemma_ == "be"
        and _has_child_lemma(head, _META_NOUNS, "attr")
    ):
        return ()  # "value is a weird question"
    if lemma in ("honest", "genuine"):
        if dep == "amod":
            # "my honest take", "a genuine question": an intensifier on the speaker's own words.
            return (
                ()
                if lemma == "genuine" or head.lemma_.lower() in _SPEECH_NOUNS or _has_child(head, MY)
                else names
            )
        # "to be honest", "I'll be honest", "if I'm honest": the speaker vouching for themselves.
        if _has_child(head, {"to"}, ("aux",)):
            return ()
        subj = _cue_subject(tok)
        return () if subj is None or _speaker(subj) else names
    if lemma == "honesty" and head.lower_ == "in":
        return ()  # "in all honesty"
    if lemma == "promise":
        subj = _cue_subject(tok) if pos == "VERB" else None
        if pos == "VERB" and (subj is None or _speaker(subj)) or _has_child(tok, MY, ("poss",)):
            return ()  # "I promise", "can't promise it's every time"
        return names
    if lemma in ("trust", "distrust", "mistrust") and pos == "VERB":
        # "trust me" is a figure of speech.
        return () if _cue_subject(tok) is None and _has_child(tok, ME_OBJECTS) else names
    if lemma == "lie" and (
        pos != "VERB" or _has_child(tok, {"flat", "down", "low", "still", "awake", "around", "back"})
    ):
        return names if pos == "NOUN" and tok.lower_ in ("lie", "lies") else ()
    if lemma == "trick" and head.lemma_ == "do":
        return ()  # "did the trick"
    if lemma in ("care", "understand", "listen", "hear", "ignore", "remember", "forget", "misunderstand"):
        if pos != "VERB":
            # "my understanding of the settings" is the speaker's; "care" as a noun is "take care".
            return names if lemma == "understanding" and not _has_child(tok, MY, ("poss",)) else ()
        if dep == "xcomp" and head.pos_ == "ADJ":
            return ()  # "good to hear", "hard to understand": a pleasantry or the speaker's trouble
        subj = _cue_subject(tok)
        if subj is not None and subj.lower_ in ("anything", "everything", "something", "nothing"):
            return ()  # "anything else = ignored": the customer's doing
        if subj is not None and subj.dep_ == "nsubjpass":
            # "I was ignored", "my email was ignored": done to the customer.
            return names if _speaker(subj) or _has_child(subj, MY) else ()
        if subj is None:
            # "just remember me" asks the brand.
            objs = [c for c in tok.children if c.dep_ in ("dobj", "dative")]
            return names if any(c.lower_ in ME_OBJECTS | {"it"} or _has_child(c, MY) for c in objs) else ()
        return () if _speaker(subj) else names
    if lemma == "understanding" and _has_child(tok, MY, ("poss",)):
        return ()
    if lemma == "complaint" and _has_child(tok, {"no"}):
        return ()  # "no complaints": content, not a complaint to the service desk
    if lemma == "help" and pos == "VERB" or lemma in ("helpful", "unhelpful"):
        subj = _cue_subject(tok)
        if _speaker(subj) or subj is not None and subj.lower_ in ("it", "that", "this"):
            return ()  # "I can't help it"; "it helped" is a thing, not the service
    if tok.lower_ == "valued":
        return ()  # "a valued regular" is about being recognised, not price
    if lemma == "pay":
        # Paying counts for value when the amount is the point: "pay more", "paid a fortune".
        if _has_child(tok, {"attention", "visit", "respect", "tribute"}):
            return ()
        amount = any(
            c.lower_ in ("more", "less", "extra", "twice", "double", "much", "fortune", "over", "full")
            or c.like_num
            or c.ent_type_ == "MONEY"
            or c.lemma_.lower() in _PRICE_NOUNS
            for c in tok.subtree
            if c.i - tok.i < 6 and c.i > tok.i
        )
        return names if amount else ()
    if lemma == "worth" and any(c.lower_ == "what" for c in head.subtree if abs(c.i - tok.i) < 4):
        return ()  # "for what it's worth"
    if "value" in names and (
        pos == "NOUN" and _general_taste(tok) or dep == "amod" and pos == "ADJ" and _general_taste(head)
    ):
        return ()  # "I like a bargain", "I like cheap stuff": the customer's taste, not the brand's value
    if lemma == "dear":
        return names if _pricey(tok) else ()  # "too dear now"; not "dear customer", "oh dear"
    if lemma == "cheaply":
        # "cheaply made": shoddy; "I bought it cheaply" is a price.
        return ("quality",) if head.lemma_.lower() in _MAKING else ("value",)
    if lemma == "cheap" and _shoddy(tok):
        return ("quality",)
    if lemma == "deal" and (
        _has_child(tok, {"great", "big"}) or dep == "attr" and _has_child(head, {"that", "that's"})
    ):
        return ()  # "a great deal", "big deal", "that's the deal"
    if lemma == "charge" and head.lower_ == "in":
        return ()  # "in charge"
    if lemma == "budget" and (dep == "compound" or _has_child(tok, MY, ("poss",))):
        return ()  # the customer's own budget
    if lemma in ("last", "break", "crash", "pill", "pille", "bobble", "fray") and pos != "VERB":
        return ()  # "last year", "a break", "a pill"
    if lemma == "fall" and not _has_child(tok, {"apart"}):
        return ()  # "fell asleep"; "falls apart" is quality
    if lemma == "tear" and (tok.lower_ == "tears" or pos != "VERB" and not _has_child(tok, {"in"})):
        return ()  # crying; "a tear in the backing" is a defect
    if "consistency" in names:
        return _consistency_of(tok, lemma, names)
    if "quality" in names:
        names = _fault_of(tok, lemma, names)
    if lemma == "rip" and _has_child(tok, {"off"}):
        return ("value",)
    if lemma == "standard" and dep in ("amod", "compound"):
        return ()  # "standard delivery"
    if lemma in ("track", "tracking"):
        if dep == "compound" or head.lemma_ == "keep":
            return ()  # "tracking link", "keep track of"
        if any(c.lemma_.lower() in _SHIPMENT_NOUNS for c in tok.children if c.dep_ in ("dobj", "compound")):
            return ()  # "track my parcel"
    return names


def _pricey(tok: Any) -> bool:
    """ "dear" meaning expensive: "too dear now", "a bit dear", "dearer than Globex", "they're dear"
    (and "to dear", the common slip for "too dear"). Not "dear customer" nor "oh dear"."""
    doc = tok.doc
    if tok.tag_ in ("JJR", "JJS"):
        return True
    nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
    if nxt is not None and nxt.pos_ in ("NOUN", "PROPN"):
        return False
    prev = doc[tok.i - 1].lower_ if tok.i else ""
    if prev in _DEGREE_WORDS or prev == "to" and (tok.i == 1 or doc[tok.i - 2].is_sent_start):
        return True
    return tok.dep_ in ("acomp", "attr") and tok.head.lemma_ == "be"


def _shoddy(tok: Any) -> bool:
    """ "it looks cheap", "the fabric feels cheap": cheap as in shoddy (not of a price: "the prices
    feel cheap")."""
    if tok.dep_ != "acomp" or tok.head.lemma_.lower() not in _SEEMING:
        return False
    subject = next((c for c in tok.head.children if c.dep_ in _SUBJECT_DEPS), None)
    return subject is None or subject.lemma_.lower() not in _PRICE_NOUNS | {"deal", "offer", "value"}


def _general_taste(tok: Any) -> bool:
    """A value noun (or the noun a value word describes) named as a kind of thing the customer
    likes: "I like a bargain", "I love a good deal", "everyone loves discounts", "I like cheap
    stuff", "I'm a sucker for a bargain", "a bargain hunter". Not "I love their deals" or "I liked
    the discount", which speak of this brand's."""
    head = tok.head
    if tok.dep_ == "compound" and head.lemma_.lower() in ("hunter", "hunt", "hunting"):
        return True  # "I'm a bargain hunter"
    if any(c.dep_ in ("det", "poss") and c.lower_ not in _VAGUE_DETS for c in tok.children):
        return False
    if tok.dep_ == "pobj" and head.lower_ in _TASTE_FOR:
        head = head.head  # "after a bargain", "a sucker for a bargain"
        if head.pos_ == "ADV" or head.pos_ == "NOUN" and head.dep_ == "attr":
            head = head.head
        subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
        return head.lemma_ == "be" and subject is not None and subject.lower_ in _TASTE_HOLDERS
    if tok.dep_ != "dobj" or head.lemma_.lower() not in _TASTE_VERBS:
        return False
    subject = _cue_subject(head)
    return subject is not None and subject.lower_ in _TASTE_HOLDERS


def _count_message_channels(lemmas: Sequence[str], sent: Any) -> int:
    return len({lemmas[i] for i in range(sent.start, sent.end) if lemmas[i] in _MESSAGE_CHANNELS})


def _repeated_message(lemmas: Sequence[str], sent: Any) -> bool:
    """A sentence telling of one message arriving again: "duplicate", "twice", "three times", or
    the same thing brought by two or more message channels ("a push, an email and a text")."""
    for i in range(sent.start, sent.end):
        lemma = lemmas[i]
        if lemma in _REPEAT_WORDS:
            return True
        if lemma == "time" and i > sent.start and sent.doc[i - 1].like_num:
            return True  # "three times", "5 times"
    return _count_message_channels(lemmas, sent) >= 2


def _cue_polarity(tok: Any, lemma: str) -> float:
    """The polarity a cue word carries by its meaning (0.0 if none), after negation."""
    value = _CUE_POLARITY.get(lemma, 0.0)
    if lemma in _KNOWING and tok.pos_ == "VERB" and _known_by_watching(tok):
        value = -1.5  # known by being watched
    if (lemma in _PRICE_NOUNS or lemma in _STANDARD_NOUNS) and tok.dep_ in _SUBJECT_DEPS:
        verb = tok.head
        verb_lemma = verb.lemma_.lower()
        direction = {c.lower_ for c in verb.children if c.dep_ in ("prt", "advmod")}
        if verb_lemma in _PRICE_RISE or "up" in direction and verb_lemma in ("go", "shoot", "put"):
            value = -1.2
        elif verb_lemma in _PRICE_FALL or "down" in direction and verb_lemma in ("go", "come"):
            value = 1.2
        if not value and verb_lemma == "be" and _out_of_reach(verb):
            value = -1.2  # "the prices are a bit out of reach"
        if lemma in _STANDARD_NOUNS:
            value = -value  # quality going up is good news
        if value:
            tok = verb
    if value and sa.is_negated(tok):
        value = -value
    # "I don't think they understand me": the negation raised onto the opinion verb.
    cur = tok
    for _ in range(2):
        if cur.dep_ not in ("ccomp", "xcomp") or cur.head.i == cur.i:
            break
        cur = cur.head
        if cur.lemma_.lower() in OPINION_VERBS and sa.is_negated(cur):
            value = -value
            break
    return value


def _out_of_reach(verb: Any) -> bool:
    """ "are (a bit) out of reach", "are beyond my budget"."""
    for c in verb.children:
        if c.dep_ != "prep":
            continue
        if c.lower_ == "out" and any(
            g.lower_ == "of" and any(r.lemma_.lower() == "reach" for r in g.children) for g in c.children
        ):
            return True
        if c.lower_ == "beyond" and any(g.lemma_.lower() in ("reach", "budget", "means") for g in c.children):
            return True
    return False


def _decline(tok: Any, lemma: str) -> float:
    """-1.2 where a dimension noun is said to decline ("the quality has slipped", "service has
    deteriorated", "support has gone downhill", "the quality isn't what it was"), +1.2 where that is
    denied ("the quality hasn't slipped"), else 0. Prices going down are good news: not here."""
    if lemma in _PRICE_NOUNS or tok.dep_ not in _SUBJECT_DEPS:
        return 0.0
    verb = tok.head
    verb_lemma = verb.lemma_.lower()
    kids = list(verb.children)
    if verb_lemma == "be":
        # "isn't what it was", "isn't what it used to be": what it was is the better of the two.
        if not any(c.dep_ == "neg" for c in kids):
            return 0.0
        for c in kids:
            if c.dep_ not in ("attr", "ccomp") or not any(g.lower_ == "what" for g in c.subtree):
                continue
            # What it was, not what the speaker expected ("isn't what I expected").
            if any(
                g.tag_ == "VBD" and _has_child(g, {"it", "they"}, ("nsubj",)) or g.lower_ == "used"
                for g in c.subtree
            ):
                return -1.2
        return 0.0
    if not (
        verb_lemma in _DECLINE_VERBS
        or verb_lemma in ("go", "come")
        and any(c.dep_ in ("prt", "advmod") and c.lower_ in _DECLINE_ADVERBS for c in kids)
    ):
        return 0.0
    return 1.2 if sa.is_negated(verb) else -1.2


def _quoted(toks: Sequence[Any]) -> set[int]:
    """Positions of the words between an opening and a closing quotation mark (at most 12 words
    apart, so a stray apostrophe does not swallow the text)."""
    inside: set[int] = set()
    start = -1
    for t in toks:
        tag = t.tag_
        if tag == "``":
            start = t.i
        elif tag == "''" and start >= 0:
            if t.i - start <= 12:
                inside.update(range(start + 1, t.i))
            start = -1
    return inside


# The lemmas `_dimension_signals` looks at: one set test per word instead of three.
_DIMENSION_CUE_LEMMAS = frozenset(_CUE_TO_DIMENSIONS) | {"know", "get", "need"} | PERSONAL_DATA


def _dimension_signals(
    toks: Sequence[Any],
    lemmas: Sequence[str],
    pos: Sequence[str],
    sents: Sequence[Any],
    by_token: dict[int, float],
    said_on: dict[int, float],
    untargeted: set[int],
    competitor_subjects: set[int],
) -> dict[str, tuple[float, Any]]:
    """Per dimension, (score, clause) of its strongest signal.

    A cue's polarity is what is said about it (`said_on`: the sentiment words aimed at it), its own
    sentiment, or what its word means ("lasted", "prices went up"); only where none of these speaks,
    the clause's unattached sentiment. One clause counts for one dimension: the cue the others
    describe ("service like that is worth a great deal" is service), else the narrower concept.
    """
    by_clause: dict[int, list[tuple[int, str, float, int, Any]]] = {}
    quoted: set[int] | None = None  # found once, on the first clause that needs it
    for i, lemma in enumerate(lemmas):
        if lemma not in _DIMENSION_CUE_LEMMAS:
            continue
        tok = toks[i]
        names = _dimension_cue(tok, lemma, pos[i])
        if not names or pos[i] == "ADJ" and _accuracy_overrules(tok):
            continue
        root = clause_root(tok)
        if (
            root.i in competitor_subjects
            or root.dep_ == "advcl"
            and clause_root(root.head).i in competitor_subjects
        ):
            continue  # "Globex's recommendations are good", "I go to Globex because the staff are nicer"
        # "They promised a refund", "I'd pay more": the act itself is neither praise nor complaint;
        # nor is the word naming the dimension ("value is a weird question", "trust matters").
        rating = _labelled_rating(tok) if i + 1 < len(lemmas) and lemmas[i + 1] == ":" else None
        if rating is not None:
            # "Relevant: 0": the count after the label is the verdict, not the word's own tone.
            for name in names:
                by_clause.setdefault(clause_root(tok).i, []).append((i, name, rating, 0, None))
            continue
        decline = _decline(tok, lemma) if pos[i] == "NOUN" else 0.0
        if decline:
            own = decline  # "the quality has slipped", "the service isn't what it was"
        elif lemma in _KNOWING and names == ("privacy",):
            own = _cue_polarity(tok, lemma)  # known by being watched
        elif lemma in ("dear", "cheaply") or lemma == "cheap" and names == ("quality",):
            # By their meaning here, whatever the general lexicon says of "dear" ("my dear").
            own = -1.5 if lemma == "cheap" else _CUE_POLARITY[lemma]
            if sa.is_negated(tok):
                own = -own
        elif lemma in ("promise", "pay") or pos[i] == "NOUN" and lemma in _TOPIC_NOUNS:
            own = 0.0
        elif lemma in PERSONAL_DATA:
            own = -1.0  # the brand reaching for the customer's contacts or whereabouts
            if sa.is_negated(tok.head if tok.dep_ == "dobj" else tok.head.head):
                own = 1.0
        elif "service" in names and (act := _helpful_act(tok)):
            own = act
        else:
            own = by_token.get(i)
            if own is None:
                own = _cue_polarity(tok, lemma)
            elif own * sa.lexicon()[0].get(lemma, 0.0) > 0 and sa.is_negated(tok):
                own = -own  # "not very relevant" keeps the word's own sign in the sentence reading
            elif own < 0 and lemma in _UNWANTED and _has_child(tok, {"no"}, ("det",)):
                own = -own  # "no refund" is a complaint, "no queue" and "no fee" are not
        reported = _others_opinion(tok)
        fix = _requested_fix(tok)
        wish = not fix and (reported or _irrealis(tok))
        if fix and not own:
            own = -1.0  # "make the wishlist sync properly": it does not now
        if wish:
            # "would be relevant", "just remember me", "only if it's honest", "did it help?": a wish,
            # a condition or a question, not an experience.
            own = 0.0
        if own and any(g.lower_ == "less" for c in tok.children for g in (c, *c.children)):
            own = -own  # "trust the price less"
        described = _past_attitude(tok)
        if described:
            # "the thing you trusted them for", "the bank I trusted": a relative clause naming what
            # was felt then describes its noun; the main clause says what became of it.
            own = 0.0
        said = said_on.get(i, 0.0)
        if described or wish and (said > 0 or reported or _unasserted(root) or _wanted_or_asked(root)):
            # "I'd come back for a discount": praise in a hypothesis is its condition, not an
            # experience. (The sentiment reading of "would be great if it worked" is a complaint.)
            said = 0.0
        score = own + said
        if not wish and pos[i] == "ADJ":
            contrast = _but_part(tok, by_token)
            if contrast is not None and contrast * score <= 0:
                score = contrast  # "relevant but wrong": what follows "but" is the verdict
        if not score and not wish and not described:
            clause = clause_span(tok)
            if quoted is None:
                quoted = _quoted(toks)
            # Quoted words are a name or a button's label ("a single 'accept all'"), not a verdict.
            score = sum(
                by_token[j]
                for j in untargeted
                if j != i
                and clause.start <= j < clause.end
                and j not in quoted
                and clause_root(toks[j]).i == root.i
            )
        if score > 0 and not wish and _used_to(tok):
            score = -0.5 * score  # "it used to be good value": no longer
        if score > 0 and not wish and _doubted_after(tok):
            score = 0.0  # the praise is conceded to the doubt that follows it
        # Rank: what the clause does (a cue verb) or is about (its subject, or what its sentiment
        # words describe) names it; an evaluating word ("worth", "cheap") yields to that.
        # "Consistent" kept across channels is the point of its clause: "prices are consistent
        # between the app and the shop" is consistency, not value.
        topic = (
            0
            if pos[i] == "VERB"
            or tok.dep_ in _SUBJECT_DEPS
            or said_on.get(i)
            or lemma in _CONSISTENCY_WORDS
            and "consistency" in names
            else 1
        )
        for name in names:
            by_clause.setdefault(root.i, []).append((i, name, score, topic, None))
    for sent in sents:
        # Lemma look-ups only, unless the sentence names two channels.
        if len(CHANNEL_WORDS.intersection(lemmas[sent.start : sent.end])) < 2:
            continue
        marker = next(
            (
                i
                for i in range(sent.start, sent.end)
                if lemmas[i] in _CHANNEL_COMPARISON
                and pos[i] in ("ADJ", "VERB")
                and not (toks[i].dep_ == "amod" and toks[i].head.lemma_.lower() in GENERIC_NOUNS)
                or pos[i] in ("ADJ", "ADV")
                and toks[i].tag_ in ("JJR", "RBR")
                and _has_child(toks[i], {"than"})
            ),
            None,
        )
        if marker is not None:
            tok = toks[marker]
            value = _CHANNEL_COMPARISON.get(lemmas[marker], -1.0)
            if sa.is_negated(tok):
                value = -value
            if value > 0 and _repeated_message(lemmas, sent):
                # The same offer sent by email, text and push: a customer bombarded, not a joined-up
                # brand; the same message again on one channel says nothing of channels at all.
                if _count_message_channels(lemmas, sent) < 2:
                    continue
                value = -value
            by_clause.setdefault(clause_root(tok).i, []).append((marker, "consistency", value, 0, sent))
    signals: dict[str, list[tuple[int, float, Any]]] = {}
    for found in by_clause.values():
        if len({c[1] for c in found}) > 1:
            found.sort(key=lambda c: (c[3], _DIMENSION_SPECIFICITY.index(c[1]), -abs(c[2])))
            found = [c for c in found if c[1] == found[0][1]]
        i, name, score, _, span = max(found, key=lambda c: abs(c[2]))
        signals.setdefault(name, []).append((i, score, span))
    dims: dict[str, tuple[float, Any]] = {}
    for name, found in signals.items():
        if any(c[1] > 0 for c in found) and any(c[1] < 0 for c in found):
            found = _now_over_then(toks, found)
        best = None
        for i, score, span in found:
            if best is None or abs(score) > abs(best[0]):
                best = (score, span if span is not None else clause_span(toks[i]))
        if best is not None:
            dims[name] = best
    return dims


def _when(tok: Any) -> int:
    """When a cue's clause speaks of: 2 now ("now", "these days", "lately", "any more", "the last
    two", "the new ones"), 1 the present, 0 the past tense, -1 a past habit or a time gone ("used to",
    "years ago", "back then")."""
    doc = tok.doc
    clause = clause_span(tok)
    bounds = doc.user_data.get("vb_sent_bounds")
    start, end = bounds[tok.i] if bounds else (tok.sent.start, tok.sent.end)

    def marked(lo: int, hi: int) -> int | None:
        for j in range(lo, hi):
            low = doc[j].lower_
            nxt = doc[j + 1].lower_ if j + 1 < len(doc) else ""
            if low in _NOW_WORDS or (low, nxt) in (("these", "days"), ("any", "more"), ("no", "longer")):
                return 2
            if (
                low == "used"
                and nxt == "to"
                or low in _THEN_WORDS
                and (low != "then" or j and doc[j - 1].lower_ == "back")
            ):
                return -1
        return None

    found = marked(clause.start, clause.end)
    if found is not None:
        return found
    root = clause_root(tok)
    for subject in root.children:
        if (
            subject.dep_ in _SUBJECT_DEPS
            and subject.lemma_.lower() not in _TIME_NOUNS
            and _has_child(subject, _RECENT_WORDS, ("amod",))
        ):
            return 2
    found = marked(start, end)
    if found is not None:
        return found
    return 0 if root.tag_ == "VBD" else 1


def _now_over_then(toks: Sequence[Any], found: list[tuple[int, float, Any]]) -> list[tuple[int, float, Any]]:
    """For one dimension read both ways, what holds now wins over what held then: "used to be good
    value, things lasted ... now the quality has gone down" is a decline, not praise. Only where one
    side is said to hold now, or the other to be a past habit, and the other side is in the past."""
    when = [_when(toks[i]) for i, _, _ in found]
    pos = max(w for w, c in zip(when, found, strict=True) if c[1] > 0)
    neg = max(w for w, c in zip(when, found, strict=True) if c[1] < 0)
    if pos == neg or min(pos, neg) > 0 or max(pos, neg) < 2 and min(pos, neg) > -1:
        return found
    keep_positive = pos > neg
    return [c for c in found if (c[1] > 0) == keep_positive or not c[1]]


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
    lemmas, pos = strings.lemmas_lower, strings.pos
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
    relevance, rel_start, rel_end = _relevance(toks, strings, sents, doc.user_data["vb_sent_bounds"])
    relevance_phrase = phrase(doc[rel_start:rel_end]).strip() if rel_end else ""

    # Brand-perception dimensions, one signal per dimension, from its strongest cue.
    # What is said about each noun, and the clause's sentiment said of nothing in particular,
    # without sentence adverbs: in "honestly, the prices are high" "honestly" is the speaker's stance.
    said_on: dict[int, float] = {}
    untargeted: set[int] = set()
    for v in valences:
        if pos[v.token_i] == "ADV" and _stance_adverb(toks[v.token_i]):
            continue
        if lemmas[v.token_i] == "dear" and _pricey(toks[v.token_i]):
            continue  # "dearer than" is a price complaint, whatever the lexicon says of "dear"
        if not targets[v.token_i]:
            untargeted.add(v.token_i)
        for i in targets[v.token_i]:
            if i != v.token_i:  # a word's own tone is its cue's own polarity, weighed apart
                said_on[i] = said_on.get(i, 0.0) + v.value
    brand_clauses = {clause_root(span.root).i for _, competitor, span in found_mentions if not competitor}
    # Clauses about a competitor: it is their subject ("Globex's app is better") or where the
    # customer goes ("I go to Globex"), and the brand is not named beside it.
    competitor_subjects = {
        clause_root(span.root).i
        for _, competitor, span in found_mentions
        if competitor
        and (
            span.root.dep_ in _SUBJECT_DEPS
            or span.root.dep_ == "poss"
            and span.root.head.dep_ in _SUBJECT_DEPS
            or span.root.dep_ == "pobj"
            and span.root.head.head.lemma_ in ("go", "switch", "move", "shop")
        )
    }
    if "other" in strings.lowers:
        competitor_subjects |= {
            clause_root(toks[i]).i
            for i, w in enumerate(strings.lowers)
            if w == "other" and toks[i].head.lemma_.lower() in _OTHER_BUSINESSES
        }
    competitor_subjects -= brand_clauses
    dims = {
        name: (score, phrase(span).strip())
        for name, (score, span) in _dimension_signals(
            toks, lemmas, pos, sents, by_token, said_on, untargeted, competitor_subjects
        ).items()
    }
    personal = dims.get("personalization")
    if personal is not None and not personal[0] and relevance == "irrelevant":
        # A tailoring cue with no verdict of its own takes the post's complaint of a miss: "that's
        # the personalisation I want. Instead they show me things in a size that won't fit" (but
        # "Relevant: 2" judged its own clause, and a wished-for "brand that remembers my size" is
        # neither).
        fit = phrase(doc[rel_start:rel_end]).strip()
        if fit and not _RELEVANCE_WORD_RE.search(personal[1]):
            dims["personalization"] = (-1.0, fit)
    dimensions = [
        DimensionSignal(
            dimension=name,
            polarity=sa.label_for(sa.normalize(score)),
            score=round(sa.normalize(score), 4),
            phrase=said,
        )
        for name, (score, said) in sorted(dims.items())
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
        if strings.idx[i] in pii_chars:
            continue
        if (
            not strings.is_stop[i]
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


def _aimed_at(tok: Any) -> int:
    """Who a relevance word is aimed at, from its "for/to/at ..." (or its copula's): 1 the customer
    ("for me", "to my needs", "at people like me"), -1 someone else ("for someone else", "at younger
    people"), 0 neither or no one."""
    holders = [tok]
    if tok.dep_ in ("acomp", "attr", "oprd") and tok.head.lemma_ in COPULAS:
        holders.append(tok.head)
    for holder in holders:
        for prep in holder.children:
            if prep.dep_ != "prep" or prep.lower_ not in TARGET_PREPS:
                continue
            for obj in prep.children:
                if obj.dep_ == "pobj":
                    who = _who(obj)
                    if who:
                        return who
    return 0


def _who(obj: Any) -> int:
    """1 if a noun phrase is the customer ("me", "my needs", "people like us"), -1 if it is other
    people ("someone else", "other people", "someone younger"), else 0. ("Perfect for my living
    room" praises a sofa; it says nothing of the customer's life.)"""
    if obj.lower_ in ME_OBJECTS or _my_profile(obj):
        return 1
    for c in obj.children:
        if c.dep_ == "prep" and c.lower_ == "like" and any(g.lower_ in ME_OBJECTS for g in c.children):
            return 1
    if obj.lower_ in OTHER_PEOPLE or obj.lemma_.lower() in OTHER_PEOPLE:
        for c in obj.children:
            if (
                c.lower_ == "else"
                or c.dep_ == "amod"
                and (c.lower_ in ("other", "different") or c.tag_ == "JJR")
            ):
                return -1
    return 0


def _my_profile(obj: Any) -> bool:
    """ "my lifestyle", "our needs": the customer's life or needs, owned by the customer."""
    return obj.lemma_.lower() in PROFILE_NOUNS and any(
        c.dep_ == "poss" and c.lower_ in MY for c in obj.children
    )


def _denied(tok: Any) -> bool:
    """Negated, or no longer so: "not relevant", "no longer relevant", "Relevant: 0"."""
    if sa.is_negated(tok):
        return True
    holder = tok
    # Up through what the word completes: "no longer relevant", "I no longer find them relevant".
    for _ in range(3):
        for c in holder.children:
            if c.lower_ == "longer" and any(g.lower_ == "no" for g in c.children):
                return True
            if c.dep_ in ("appos", "nummod", "npadvmod") and c.lower_ in ("0", "zero", "none", "nil"):
                return True
        if holder is not tok and any(c.dep_ == "neg" for c in holder.children):
            return True  # "I don't find them relevant": the parser makes the adjective a ccomp
        if (
            holder.dep_ not in ("acomp", "attr", "oprd", "amod", "dobj", "xcomp", "ccomp")
            or holder.head.i == holder.i
        ):
            break
        if holder.dep_ == "ccomp" and holder.pos_ != "ADJ":
            # "I don't think they're relevant": the denial is raised to the verb of thinking.
            head = holder.head
            return head.lemma_ in OPINION_VERBS and any(c.dep_ == "neg" for c in head.children)
        holder = holder.head
    return False


def _not_asserted(tok: Any) -> bool:
    """A wish, a condition or a guess asserts no stance: "it would be relevant if...", "I want them
    to be relevant", "if they were for me"."""
    cur = tok
    for _ in range(5):
        for c in cur.children:
            if c.dep_ == "aux" and c.lower_ in ("would", "'d", "could", "might", "should"):
                return True
            if c.dep_ == "mark" and c.lower_ in sa.CONDITIONAL:
                return True
        head = cur.head
        if head.i == cur.i:
            return False
        if cur.dep_ in ("xcomp", "ccomp") and head.lemma_ in ("wish", "hope", "want", "prefer", "expect"):
            return True
        # A relative clause belongs to its noun: "something that matched our life would be relevant".
        if cur.dep_ in ("conj", "advcl", "ccomp", "csubj", "parataxis") and cur.pos_ in (
            "VERB",
            "AUX",
        ):
            return False
        cur = head
    return False


def _used_to(tok: Any) -> bool:
    """ "used to be relevant": a past habit, so no longer."""
    cur = tok
    for _ in range(4):
        if cur.lower_ == "used" and cur.tag_ in ("VBD", "VBN"):
            return True
        if cur.head.i == cur.i:
            return False
        cur = cur.head
    return False


def _praised_thing(tok: Any) -> bool:
    """ "Good for me" said of a thing, not a time ("Tuesday is good for me", "mornings are good for
    me") nor with no subject at all."""
    verb = tok.head if tok.dep_ in ("acomp", "attr") else None
    if verb is None or verb.lemma_ not in COPULAS:
        return False
    subject = next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS), None)
    return (
        subject is not None
        # "the staff were great for me", "she was great for me": service, not fit.
        and subject.lower_ not in ("he", "she")
        and subject.lemma_.lower() not in _SERVICE_PEOPLE
        and subject.ent_type_ not in TIME_ENTITY_TYPES
        and subject.lemma_.lower() not in _TIME_NOUNS | {"morning", "afternoon", "evening", "weekend"}
    )


def _relevance_cue(tok: Any, lemma: str) -> float:
    """The stance one word carries (positive relevant, negative irrelevant, 0 none), before negation."""
    dep = tok.dep_
    if lemma in RELEVANCE_WORDS:
        head = tok.head
        if (
            dep == "amod"
            and head.pos_ in ("NOUN", "PROPN")
            and head.lemma_.lower() not in AIMED_THINGS
            and _aimed_at(tok) <= 0
        ):
            return 0.0
        if lemma in ("relevant", "irrelevant") or tok.pos_ == "ADJ" or tok.tag_ == "VBN":
            value = RELEVANCE_WORDS[lemma]
            if dep == "amod" and _has_child(head, {"only"}, ("amod", "advmod")):
                # "the only relevant one was...": the rest were not.
                return -0.5 if value > 0 else 0.0
            # "relevant but wrong": granted, then overruled; no verdict on the aim.
            return 0.0 if _overruled(tok, value) else value
        return 0.0
    value = 0.0
    if lemma in RELEVANCE_AIMED:
        base = RELEVANCE_AIMED[lemma]
        if base == 0.0 and tok.tag_ != "VBN":
            return 0.0  # "made for me", "aimed at someone else": the passive says who it was meant for
        if lemma == "spot" and not (tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "on"):
            return 0.0
        if lemma in _PRAISE_AIMED and not _praised_thing(tok):
            return 0.0
        who = _aimed_at(tok)
        if lemma == "spot" and not who and _aimed_subject(tok):
            return 1.0  # "the recommendations were spot on": a pick judged on target
        if who > 0:
            value = base or 1.0
        elif who < 0 and base >= 0.0:
            value = -1.0
        if value:
            return value
    if lemma in RELEVANCE_REACH_VERBS and tok.pos_ == "VERB":
        return 1.0 if _aimed_at(tok) > 0 else 0.0
    if lemma == "work" and tok.pos_ == "VERB":
        # "the savings account works for me", "the offers don't really work for me".
        subject = next((c for c in tok.children if c.dep_ == "nsubj"), None)
        if (
            subject is None
            or subject.lower_ in ME_SUBJECTS
            or subject.lemma_.lower() in _FUNCTIONAL_THINGS
            or _digital(subject)
        ):
            return 0.0
        return 1.0 if _aimed_at(tok) > 0 else 0.0
    if lemma == "suit" and tok.pos_ == "VERB" and _has_child(tok, ME_OBJECTS, ("dobj",)):
        # "the new account suits me", "that suits me fine", "the app's offers suit us" (the parser
        # may hang the subject on the verb as a compound: "the new account suits me well").
        subject = next((c for c in tok.children if c.dep_ in ("nsubj", "compound")), None)
        if subject is not None and (
            subject.lemma_.lower() in _SUITING_THINGS | DELIVERY_NOUNS | _CHANNEL_NAMES
            or subject.lower_ in ("that", "this", "which")
            and not any(subject.children)
        ):
            return 1.0
    if lemma == "interest" and tok.pos_ == "VERB":
        return 1.0 if any(c.dep_ == "dobj" and c.lower_ in ME_OBJECTS for c in tok.children) else 0.0
    if lemma == "interested" and any(
        c.dep_ == "nsubj" and c.lower_ in ME_SUBJECTS for c in tok.head.children
    ):
        # Only a denied interest is a stance: "I'm interested in X" is a taste, not a verdict.
        return -2.0 if _denied(tok) else 0.0
    if lemma == "relevance" and tok.pos_ == "NOUN":
        return -2.0 if any(c.lower_ in ("no", "zero", "little") for c in tok.children) else 0.0
    if lemma in LEARN_VERBS and tok.pos_ == "VERB" and _learnt_my_taste(tok):
        return 1.0
    if lemma in RELEVANCE_FIT_VERBS and tok.pos_ == "VERB":
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        if any(c.lower_ in ME_SUBJECTS for c in subjects):
            return 0.0
        objects = [c for c in tok.children if c.dep_ == "dobj"]
        if len(objects) != 1 or any(c.dep_ in FIT_BLOCKERS for c in tok.children):
            return 0.0
        obj = objects[0]
        if _my_profile(obj):
            return 1.0
        if lemma == "get" and obj.lower_ in ME_OBJECTS and subjects:
            return 1.0  # "they just get me"
        return 0.0
    if lemma == "do" and dep == "relcl" and tok.head.lower_ in ("nothing", "anything"):
        # "nothing to do with me", "doesn't have anything to do with my life"
        for prep in tok.children:
            if (
                prep.dep_ == "prep"
                and prep.lower_ == "with"
                and any(o.dep_ == "pobj" and _who(o) > 0 for o in prep.children)
                and (tok.head.lower_ == "nothing" or sa.is_negated(tok.head))
            ):
                return -2.0  # the denial is in the idiom itself, so it survives `_denied`
        return 0.0
    if lemma in ("kind", "type") and dep == "attr" and tok.head.lemma_ in COPULAS and _aimed_subject(tok):
        # "that's exactly the kind of thing I'd buy"
        if _fits_me(tok) or any(
            c.dep_ == "prep" and any(g.dep_ == "pobj" and _fits_me(g) for g in c.children)
            for c in tok.children
        ):
            return 1.0
        return 0.0
    if lemma in PROFILE_ATTRS and dep == "attr" and tok.head.lemma_ in COPULAS:
        # "it's not my style", "more my thing"
        if any(c.dep_ == "poss" and c.lower_ in MY for c in tok.children) and not any(
            c.dep_ == "nsubj" and c.lower_ in ME_SUBJECTS for c in tok.head.children
        ):
            return 1.0
        return 0.0
    if lemma in ACT_ON_VERBS and tok.pos_ == "VERB":
        return _acted_on(tok, lemma)
    if lemma in _UP_MY_NOUNS and dep == "pobj" and tok.head.lower_ == "up":
        # "right up my street", "not really up our alley"
        if any(c.dep_ == "poss" and c.lower_ in MY for c in tok.children):
            verb = tok.head.head
            return -2.0 if _denied(verb) or sa.is_negated(verb) else 2.0
        return 0.0
    if lemma == "timing" and tok.pos_ == "NOUN":
        # "perfect timing, we needed a new duvet": an offer that arrived when the customer needed it
        if (
            any(c.lower_ in ("perfect", "great", "good", "spot") for c in tok.children)
            or tok.head.lower_ == "perfect"
        ):
            sent = tok.sent
            if any(
                t.lemma_ in ("need", "want")
                and t.pos_ == "VERB"
                and _has_child(t, ME_SUBJECTS, ("nsubj",))
                and not sa.is_negated(t)
                for t in sent
            ):
                return 1.0
        return 0.0
    if lemma == "well" and tok.tag_ == "JJR" and _praised_thing(tok) and _aimed_subject(tok):
        # "the paper vouchers are much better for me": a message or offer that fits the customer
        # better (not "the app is better than the store for me", a channel preferred).
        return 0.5 if _aimed_at(tok) > 0 else 0.0
    if lemma in WANT_VERBS and dep in ("ccomp", "attr", "pcomp", "acomp") and tok.head.lemma_ == "be":
        # "exactly what I needed", "not what I was looking for" (but not "what I need is...").
        cop = tok.head
        kids = list(tok.children)
        if (
            cop.i < tok.i
            and any(c.dep_ == "nsubj" and c.lower_ in ME_SUBJECTS for c in kids)
            and not any(c.dep_ == "xcomp" for c in kids)  # "that's what I want to know"
            and (lemma != "look" or any(c.dep_ == "prep" and c.lower_ == "for" for c in kids))
            and any(t.lower_ == "what" for t in tok.subtree)
            and not any(c.dep_ == "nsubj" and c.lower_ in ME_SUBJECTS for c in cop.children)
            and not _addressed(cop)
        ):
            return -2.0 if _denied(cop) else 2.0
        return 0.0
    return 0.0


def _aimed_subject(tok: Any) -> bool:
    """The subject of the copula a word completes is a message, offer or pick ("the offers were spot
    on"), or a bare "that"/"this"/"it" said of one ("that's the kind of thing I'd buy")."""
    verb = tok.head if tok.dep_ in ("acomp", "attr", "advmod", "npadvmod") else None
    if verb is None or verb.lemma_ not in COPULAS:
        return False
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None:
        return False
    if subject.lower_ in ("that", "this", "it") and not any(subject.children):
        return True
    return subject.lemma_.lower() in AIMED_THINGS | {"discount"}


def _acted_on(tok: Any, lemma: str) -> float:
    """The customer uses, redeems or promptly opens what the brand sends: "a discount on shoes which
    I use", "I always open their emails", "sale emails = opened instantly"; 0 for anything else
    ("I use the app to pay", "I open the app every morning")."""
    kids = list(tok.children)
    subject = next((c for c in kids if c.dep_ in ("nsubj", "nsubjpass")), None)
    things: list[Any] = []
    if subject is not None and subject.lower_ in ME_SUBJECTS:
        if tok.dep_ == "relcl":
            things.append(tok.head)  # "the discount which I use"
        things += [c for c in kids if c.dep_ == "dobj"]
    elif tok.tag_ == "VBN" and subject is not None:
        things.append(subject)  # "sale emails = opened instantly", "their emails get read"
    else:
        return 0.0
    if not any(
        t.lemma_.lower() in ACTED_ON_THINGS
        or any(c.dep_ == "compound" and c.lemma_.lower() in ACTED_ON_THINGS for c in t.children)
        for t in things
    ):
        return 0.0
    if any(c.dep_ in ("mark", "advmod") and c.lower_ in _WHEN_MARKS for c in kids):
        return 0.0  # "I give my address when I use the vouchers": when, not whether it fits
    if any(
        c.dep_ == "prep" and any(g.lower_ in ("mistake", "accident", "error") for g in c.children)
        for c in kids
    ):
        return 0.0  # "I deleted the email by mistake"
    negated = sa.is_negated(tok)
    if negated and any(c.dep_ == "aux" and c.lower_ in ("ca", "can", "could", "couldn't") for c in kids):
        return 0.0  # "I couldn't use the voucher": a failed offer, not one aimed wrong
    if lemma in _OPENING_VERBS and not negated:
        prompt = any(
            c.dep_ in ("advmod", "npadvmod") and any(g.lower_ in _PROMPT_WORDS for g in c.subtree)
            for c in kids
        ) or any(c.dep_ == "det" and c.lower_ in _PROMPT_WORDS for t in things for c in t.children)
        if not prompt:
            return 0.0
    return -ACT_ON_WEIGHT if lemma in _DISMISS_VERBS else ACT_ON_WEIGHT


def _serves_me(noun: Any, prep: Any) -> float:
    """ "they're basically a magazine for me": a message or offer called a thing for the customer
    (not "the big one for me", "the difference for me", "a nightmare for me")."""
    if noun.dep_ != "attr" or noun.head.lemma_ not in COPULAS or noun.pos_ != "NOUN":
        return 0.0
    if not any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in noun.children):
        return 0.0
    if not any(o.dep_ == "pobj" and o.lower_ in ME_OBJECTS for o in prep.children):
        return 0.0
    if sa.lexicon()[0].get(noun.lemma_.lower(), 0.0) < 0:
        return 0.0
    verb = noun.head
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None:
        return 0.0
    if subject.lemma_.lower() in AIMED_THINGS:
        return 1.0  # "the emails are a treat for me", "the new-in ones are basically a magazine for me"
    # "they're a magazine for me" once the emails are named in the same sentence
    if subject.lower_ in ("they", "it", "these", "those") and any(
        t.lemma_.lower() in DELIVERY_NOUNS for t in noun.sent if t.i < subject.i
    ):
        return 1.0
    return 0.0


def _brand_subject(verb: Any) -> Any | None:
    """The verb's subject (its own, or that of the verb it continues: "knows my size and suggests
    ..."), unless it is the speaker or "you" ("you know what I like?")."""
    subject = _cue_subject(verb)
    if subject is None or subject.dep_ != "nsubj" or subject.lower_ in ME_SUBJECTS or subject.lower_ == "you":
        return None
    return subject


def _my_fit(obj: Any) -> bool:
    """ "my size", "our budget", "my taste": what a thing can fit the customer in."""
    return obj.lemma_.lower() in FIT_NOUNS and any(c.dep_ == "poss" and c.lower_ in MY for c in obj.children)


def _fits_me(noun: Any) -> bool:
    """A thing the customer likes, buys or wears ("things I'd actually buy", "stuff that I like") or
    one in their size or taste ("dresses in my size"). A thing they would never buy is a message
    missing them, which `_mismatch` reads."""
    for c in noun.children:
        if c.dep_ == "relcl" and c.lemma_.lower() in MY_TASTE_VERBS:
            # Not "things I never buy" nor "things I already bought": offers that miss.
            if any(g.dep_ == "nsubj" and g.lower_ in ME_SUBJECTS for g in c.children) and not any(
                g.dep_ == "neg" or g.lower_ == "already" for g in c.children
            ):
                return True
        elif (
            c.dep_ == "prep"
            and c.lower_ in FIT_PREPS
            and any(g.dep_ == "pobj" and _my_fit(g) for g in c.children)
        ):
            return True
    return False


def _in_channel(verb: Any) -> bool:
    """ "what I buy in store", "what I order online": the brand knowing one channel from another is
    consistency across channels, not whether its offers fit the customer."""
    for c in verb.children:
        if c.lower_ in ("online", "instore", "in-store"):
            return True
        if c.dep_ == "prep" and any(
            g.dep_ == "pobj" and g.lemma_.lower() in _CHANNEL_NAMES for g in c.children
        ):
            return True
    return False


def _learnt_my_taste(tok: Any) -> bool:
    """ "the app has learned I like floral dresses", "they know what I like", "they remember my
    size": the brand has learnt the customer's taste (not "I know what I like")."""
    if _brand_subject(tok) is None:
        return False
    for c in tok.children:
        if (
            c.dep_ == "ccomp"
            and c.lemma_.lower() in MY_TASTE_VERBS
            and _has_child(c, ME_SUBJECTS, ("nsubj",))
            and not _in_channel(c)
        ):
            return True
        if c.dep_ == "dobj" and _my_fit(c):
            return True
    return False


def _picked_for_me(tok: Any, lemma: str) -> bool:
    """What the brand picks out or sends fits the customer: "they always suggest things in my
    size", "the app shows me stuff I actually like", "they send offers for things I buy"."""
    subject = _brand_subject(tok) if tok.pos_ == "VERB" else None
    if subject is None:
        return False
    if lemma == "show" and not (
        subject.lower_ == "it" or subject.lemma_.lower() in _CHANNEL_NAMES | DELIVERY_NOUNS
    ):
        return False  # "she showed me the dresses I wanted": an assistant finding what was asked for
    objects = [c for c in tok.children if c.dep_ == "dobj" and c.lower_ not in ME_OBJECTS]
    objects += [g for c in objects for g in c.children if g.dep_ == "conj"]
    if lemma == "send":  # "they sent me a coat in my size" is an order, not a pick
        objects = [c for c in objects if c.lemma_.lower() in DELIVERY_NOUNS]
    for obj in objects:
        if _fits_me(obj):
            return True
        if obj.lemma_.lower() in DELIVERY_NOUNS and any(
            c.dep_ == "prep" and any(g.dep_ == "pobj" and _fits_me(g) for g in c.children)
            for c in obj.children
        ):
            return True  # "offers for things I buy"
    return bool(objects) and lemma != "send" and _fits_me(tok)  # "suggests things in my size"


def _delivered_fit(noun: Any) -> Any | None:
    """The copula of "the recommendations are things I'd buy", "the emails are full of stuff I
    want", "the offers are always in my size" (where the denial sits), or None."""
    cop = noun.head
    if noun.dep_ != "nsubj" or cop.lemma_ != "be":
        return None
    for c in cop.children:
        if c.dep_ == "attr" and _fits_me(c):
            return cop
        if c.dep_ == "acomp" and any(
            p.dep_ == "prep"
            and p.lower_ == "of"
            and any(g.dep_ == "pobj" and _fits_me(g) for g in p.children)
            for p in c.children
        ):
            return cop
    return cop if _fits_me(cop) else None


def _for_whom(cop: Any, prep: Any) -> float:
    """ "it's not for me", "these are for someone else": -2 (a self-contained denial), else 0."""
    if any(c.dep_ in ("nsubj", "expl") and c.lower_ in ME_SUBJECTS for c in cop.children):
        return 0.0
    for o in prep.children:
        if o.dep_ != "pobj":
            continue
        who = _who(o)
        if who > 0 and o.lower_ in ME_OBJECTS and _denied(cop):
            return -2.0  # not "it's not for my niece, it's for my daughter"
        if who < 0 and not _denied(cop):
            return -2.0
    return 0.0


def _mismatch(tok: Any, lemma: str) -> int | None:
    """First-person lack or ownership a message can miss: "I don't have kids", "I don't need
    outerwear", "clothes I'd never wear", "I already have it", "I'm not a young person any more".

    None if the verb says no such thing; else the position of the thing lacked or owned, which the
    message must be about ("offers for kids' stuff ... I don't have kids"), or -1 when the words
    say it all ("clothes I'd never wear", "I'm not a young person")."""
    if lemma == "be":
        if not any(c.dep_ == "nsubj" and c.lower_ in ME_SUBJECTS for c in tok.children) or not _denied(tok):
            return None
        for c in tok.children:
            if (
                c.dep_ == "attr"
                and c.pos_ == "NOUN"
                and any(d.lower_ in ("a", "an") for d in c.children)
                and not any(d.dep_ == "prep" for d in c.children)
                and c.lemma_.lower() not in sa.lexicon()[0]
            ):
                return -1  # "I'm not a young person", but not "I'm not a fan of the app"
        return None
    if tok.pos_ != "VERB" or not any(c.dep_ == "nsubj" and c.lower_ in ME_SUBJECTS for c in tok.children):
        return None
    already = lemma in ALREADY_VERBS and any(c.lower_ == "already" for c in tok.children)
    if not already and not sa.is_negated(tok):
        return None
    if tok.dep_ == "relcl":
        # "clothes I'd never wear": the noun is the thing offered (not "the tracking link I already
        # had", a service going round in circles).
        head = tok.head.lemma_.lower()
        return None if head in NOT_MISMATCH_OBJECTS or head in _SERVICE_ITEMS else -1
    for c in tok.children:
        if c.dep_ == "dobj":
            obj = c.lemma_.lower()
            if c.lower_ in ME_OBJECTS or obj in ME_SUBJECTS:
                return None
            if (
                obj in NOT_MISMATCH_OBJECTS
                or obj in _SERVICE_ITEMS
                or obj in GENERIC_NOUNS
                or obj in CHANNEL_WORDS
                or obj in DELIVERY_NOUNS
            ):
                return None
            return -1 if c.pos_ == "PRON" else c.i  # "I already have it": whatever was sent
    return None


def _misses_me(noun: Any) -> bool:
    """A thing that does not fit the customer: "things in a size that won't fit", "clothes that
    don't fit me", "dresses in the wrong size", "the wrong size"."""
    if noun.lemma_.lower() in FIT_NOUNS and _has_child(noun, {"wrong"}, ("amod",)):
        return True
    for c in noun.children:
        if (
            c.dep_ == "relcl"
            and c.lemma_.lower() in FITTING_VERBS
            and sa.is_negated(c)
            and not _has_child(c, ME_SUBJECTS, ("nsubj",))  # "things I don't suit" is the speaker
        ):
            return True
        if (
            c.dep_ == "prep"
            and c.lower_ in FIT_PREPS
            and any(g.dep_ == "pobj" and _misses_me(g) for g in c.children)
        ):
            return True
    return False


def _picked_to_miss(tok: Any, lemma: str) -> bool:
    """What the brand picks out misses the customer: "they keep showing me things in a size that
    won't fit", "the app recommends dresses in the wrong size"."""
    subject = _brand_subject(tok) if tok.pos_ == "VERB" else None
    if subject is None:
        return False
    if lemma == "show" and not (
        subject.lower_ == "it"
        or subject.lemma_.lower() in _CHANNEL_NAMES | DELIVERY_NOUNS
        # "they use my data to show me...", "they show me...": a habit, not an assistant's help.
        or subject.lower_ == "they"
        and tok.tag_ in ("VB", "VBP", "VBZ", "VBG")
    ):
        return False
    objects = [c for c in tok.children if c.dep_ == "dobj" and c.lower_ not in ME_OBJECTS]
    objects += [g for c in objects for g in c.children if g.dep_ == "conj"]
    if lemma == "send":  # "they sent me a coat in the wrong size" is an order gone wrong
        objects = [c for c in objects if c.lemma_.lower() in DELIVERY_NOUNS]
    for obj in objects:
        if _misses_me(obj) or any(
            c.dep_ == "prep" and any(g.dep_ == "pobj" and _misses_me(g) for g in c.children)
            for c in obj.children
        ):
            return True
    return bool(objects) and lemma != "send" and _misses_me(tok)  # "shows things in the wrong size"


def _picked_after_buying(tok: Any, lemma: str) -> bool:
    """The brand puts in front of the customer what they have just bought: "Bought another coat.
    The app then recommended me a coat", "I got a kettle and they suggested a kettle"."""
    if lemma == "send" or _brand_subject(tok) is None:
        return False
    wanted = {
        c.lemma_.lower()
        for c in tok.children
        if c.dep_ == "dobj" and c.pos_ == "NOUN" and c.lemma_.lower() not in GENERIC_NOUNS
    }
    if not wanted:
        return False
    for t in tok.doc[: tok.i]:
        if (
            t.pos_ == "VERB"
            and t.lemma_.lower() in BOUGHT_VERBS
            and not sa.is_negated(t)
            and not any(c.dep_ in _SUBJECT_DEPS and c.lower_ not in ME_SUBJECTS for c in t.children)
            and any(c.dep_ == "dobj" and c.lemma_.lower() in wanted for c in t.children)
        ):
            return True
    return False


def _over_already(noun: Any) -> bool:
    """An offer over before it arrives: "sales that have already ended", "an expired voucher"."""
    if any(c.dep_ == "amod" and c.lower_ in STALE_WORDS - {"old"} for c in noun.children):
        return True
    return any(
        c.dep_ == "relcl"
        and c.lemma_.lower() in STALE_VERBS
        and any(g.lower_ == "already" for g in c.children)
        for c in noun.children
    )


def _stale_predicate(cop: Any) -> bool:
    """ "are out of date", "are a year out of date", "are outdated", "seem stale"."""
    for c in cop.children:
        if c.dep_ in ("acomp", "attr") and c.lower_ in STALE_WORDS - {"old"}:
            return True
        if (
            c.dep_ == "prep"
            and c.lower_ == "out"
            and any(
                g.lower_ == "of" and any(r.lemma_.lower() == "date" for r in g.children) for g in c.children
            )
        ):
            return True
    return False


def _all_the_same(noun: Any) -> Any | None:
    """The verb of "the emails all look the same", "the offers are all the same", "the
    newsletters are the same every week": messages with nothing for anyone in particular (not "the
    same as in store", "the same price in the app": a comparison)."""
    verb = noun.head
    if noun.dep_ != "nsubj" or verb.lemma_.lower() not in SAMENESS_VERBS:
        return None
    same = None
    for c in verb.children:
        # "are all the same", "look the same"; "the same grid every time"
        said = c.lower_ == "same" and c.dep_ in ("acomp", "attr", "oprd", "dobj", "npadvmod")
        if said or c.dep_ in ("attr", "dobj", "acomp", "oprd") and _has_child(c, {"same"}, ("amod",)):
            same = c
    if same is None or any(c.dep_ == "prep" for c in same.children):
        return None
    every = any(t.lower_ in ("every", "each", "everyone", "everybody", "always") for t in verb.subtree)
    if not every and not any(t.lower_ == "all" for t in (*noun.children, *verb.children)):
        return None
    if any(t.lemma_.lower() in CHANNEL_WORDS - {"email"} for t in verb.subtree if t.i != noun.i):
        return None  # "the offers are all the same online and in store": consistency
    return verb


def _bought_already(noun: Any) -> bool:
    """An advert or offer for what the customer has bought: "ads for curtains, which I have
    bought", "offers on a sofa I've already bought"."""
    holders = [noun, noun.head] if noun.dep_ == "dobj" else [noun]  # "seeing adverts for a sofa..."
    for prep in (c for h in holders for c in h.children):
        if prep.dep_ != "prep" or prep.lower_ not in ("for", "on", "about"):
            continue
        for obj in prep.children:
            for c in obj.children:
                if (
                    c.dep_ == "relcl"
                    and c.lemma_.lower() in ("buy", "purchase", "get")
                    and _has_child(c, ME_SUBJECTS, ("nsubj",))
                    and _has_child(c, {"have", "'ve", "already"}, ("aux", "advmod"))
                    and not sa.is_negated(c)
                ):
                    return True
    return False


def _delivered_miss(noun: Any) -> Any | None:
    """The token carrying a message that misses the customer, shown by how it misses them (see
    FITTING_VERBS): the message itself, or the verb that describes it; None if it does not."""
    lemma = noun.lemma_.lower()
    if lemma in DELIVERY_NOUNS and _over_already(noun):
        return noun  # "an expired voucher"
    for prep in noun.children:
        if (
            prep.dep_ == "prep"
            and prep.lower_ in ("for", "on", "about", "of")
            and any(g.dep_ == "pobj" and (_over_already(g) or _misses_me(g)) for g in prep.children)
        ):
            return noun  # "notifications for sales that have already ended"
    if noun.dep_ == "nsubj" and noun.head.lemma_ == "be":
        cop = noun.head
        if _stale_predicate(cop):
            return cop  # "the offers are out of date"
        for prep in cop.children:
            if (
                prep.dep_ == "prep"
                and prep.lower_ in ("for", "about")
                and any(g.dep_ == "pobj" and (_over_already(g) or _misses_me(g)) for g in prep.children)
            ):
                return cop  # "the recommendations are always for clothes in the wrong size"
    if (verb := _all_the_same(noun)) is not None:
        return verb
    if lemma in SELLING_NOUNS and _bought_already(noun):
        return noun
    return None


def _pushed_thing(verb: Any) -> Any | None:
    """The noun a brand's sending verb describes: "the sizes (they push me)", "the stuff (the app
    suggests)"."""
    if verb.dep_ != "relcl" or _brand_subject(verb) is None:
        return None
    return verb.head


def _noise(tok: Any) -> bool:
    """ "The rest were noise", "the notifications are just noise": messages dismissed, said of the
    messages or of what stands for them once they are named."""
    cop = tok.head
    if tok.dep_ != "attr" or cop.lemma_ != "be":
        return False
    subject = next((c for c in cop.children if c.dep_ == "nsubj"), None)
    return subject is not None and (
        subject.lemma_.lower() in DELIVERY_NOUNS | NOISE_SUBJECTS or subject.lower_ in NOISE_SUBJECTS
    )


def _nothing_of_me(tok: Any) -> bool:
    """ "nothing about me as a person", "there's nothing for me in them": what is sent holds
    nothing of the customer."""
    return any(
        c.dep_ == "prep" and c.lower_ in ("about", "for") and _has_child(c, ME_OBJECTS, ("pobj",))
        for c in tok.children
    ) and not sa.is_negated(tok.head)


def _they_are_about(sent: Any) -> bool:
    """ "they're all about...", "they always seem to be about...": what stands for the messages,
    said to be about something."""
    for t in sent:
        if t.lower_ != "about" or t.dep_ != "prep":
            continue
        verb = t.head
        if verb.lemma_.lower() == "be" and verb.dep_ == "xcomp":
            verb = verb.head  # "seem to be about"
        if verb.lemma_.lower() in COPULAS and _has_child(verb, {"they", "these", "those"}, ("nsubj",)):
            return True
    return False


def _addressed(cop: Any) -> bool:
    """ "..., Dev!", "you're exactly what we need": said to a person, not of what a brand offers."""
    for c in cop.children:
        if c.dep_ in _SUBJECT_DEPS and (c.lower_ in ("you", "he", "she") or c.pos_ == "PROPN"):
            return True
        if c.dep_ in ("npadvmod", "appos", "intj", "dobj") and c.pos_ == "PROPN" and c.i > cop.i:
            prev = c.doc[c.i - 1]
            if prev.lower_ == ",":
                return True
    return False


def _channel_tells_me(tok: Any) -> bool:
    """ "the app showed me...", "the email told me...": a channel, not a person ("returns told me"),
    putting something in front of the customer."""
    kids = list(tok.children)
    return any(c.lower_ in ME_OBJECTS for c in kids) and any(
        c.dep_ == "nsubj"
        and (c.lower_ == "it" or c.lemma_.lower() in CHANNEL_WORDS or c.lemma_.lower() in DELIVERY_NOUNS)
        for c in kids
    )


def _contrast_weight(tok: Any, sent_start: int, sent_end: int) -> float:
    """What comes after "but" weighs more than what comes before it; a concession weighs less."""
    doc = tok.doc
    weight = 1.0
    for i in range(sent_start, sent_end):
        t = doc[i]
        low = t.lower_
        if low in ("but", "however", "yet") and t.dep_ in ("cc", "advmod", "mark") and i > sent_start:
            weight *= 0.5 if tok.i < i else 1.5
        elif low in ("although", "though", "whereas", "while") and t.dep_ == "mark":
            head = t.head
            if head.left_edge.i <= tok.i <= head.right_edge.i:
                weight *= 0.5
    return weight


def _relevance(
    toks: Sequence[Any],
    strings: Any,
    sents: Sequence[Any],
    bounds: Sequence[tuple[int, int]],
) -> tuple[str, int, int]:
    """The post's relevance stance and the token range of the words that carry it (0, 0 if none).

    One pass over the Doc's strings; Tokens are made only around the few cue words."""
    lemmas, lowers, pos, text = strings.lemmas_lower, strings.lowers, strings.pos, strings.text
    cues: list[tuple[float, int, int]] = []
    delivery_sents: set[int] = set()
    mismatches: dict[int, int] = {}  # verb position -> what it lacks or owns (`_mismatch`)
    # "the rest were noise", "nothing about me": kept if the messages are named nearby
    noise: list[int] = []
    for i, lemma in enumerate(lemmas):
        low = lowers[i]
        if lemma not in _RELEVANCE_ANY and low not in _RELEVANCE_ANY:
            continue  # most words: one test each
        picked = lemma in PICK_VERBS and pos[i] == "VERB"
        if lemma in DELIVERY_NOUNS or lemma in DELIVERY_VERBS or picked:
            tok = toks[i]
            delivering = lemma in DELIVERY_NOUNS or lemma in DELIVERY_VERBS
            if delivering or lemma == "show" and _channel_tells_me(tok):
                delivery_sents.add(bounds[i][0])
            # Fit shown by what is picked out: "they suggest things in my size".
            if picked and _picked_for_me(tok, lemma):
                value = 1.0
            elif picked and (_picked_to_miss(tok, lemma) or _picked_after_buying(tok, lemma)):
                value = -MISMATCH_WEIGHT  # "they show me things in a size that won't fit"
            elif lemma in DELIVERY_NOUNS and (cop := _delivered_fit(tok)) is not None:
                tok, lemma, value = cop, "be", 1.0
            elif lemma in DELIVERY_NOUNS and (miss := _delivered_miss(tok)) is not None:
                # "the emails all look the same" says how targeted they are, a weaker claim.
                value = -0.5 if _all_the_same(tok) is miss else -MISMATCH_WEIGHT
                tok, lemma = miss, "be"
            elif (
                (thing := _pushed_thing(tok)) is not None
                and thing.dep_ == "nsubj"
                and thing.head.lemma_ == "be"
                and _stale_predicate(thing.head)
            ):
                # "the sizes they push me are out of date"
                tok, lemma, value = thing.head, "be", -MISMATCH_WEIGHT
            else:
                continue
        elif lemma in ("show", "tell"):
            if _channel_tells_me(toks[i]):
                delivery_sents.add(bounds[i][0])
            continue
        elif lemma in NOISE_WORDS or low == "nothing":
            if (
                lemma in NOISE_WORDS
                and pos[i] == "NOUN"
                and _noise(toks[i])
                or low == "nothing"
                and _nothing_of_me(toks[i])
            ):
                noise.append(i)
            continue
        elif low in _MISMATCH_MARKERS:
            head = toks[i].head
            j = head.i
            if j not in mismatches and (lemmas[j] in MISMATCH_VERBS or lemmas[j] == "be"):
                lacked = _mismatch(head, lemmas[j])
                if lacked is not None:
                    mismatches[j] = lacked
            continue
        elif low == "for":
            prep = toks[i]
            if prep.dep_ != "prep":
                continue
            tok = prep.head
            if pos[tok.i] == "NOUN" and tok.dep_ == "attr":
                lemma, value = "be", _serves_me(tok, prep)
                tok = tok.head  # the copula carries the denial: "they're not a magazine for me"
            elif lemmas[tok.i] != "be" or pos[tok.i] != "AUX":
                continue
            else:
                lemma, value = "be", _for_whom(tok, prep)
        elif lemma not in _RELEVANCE_TRIGGERS or lemma in _RELEVANCE_VERB_TRIGGERS and pos[i] != "VERB":
            continue
        else:
            tok = toks[i]
            value = _relevance_cue(tok, lemma)
        if not value:
            continue
        start, end = bounds[i]
        if text[toks[start].idx : toks[end - 1].idx + len(toks[end - 1])].rstrip().endswith("?"):
            continue  # a question asserts nothing
        if _not_asserted(tok):
            continue
        if abs(value) < 2.0:
            if _denied(tok):
                value = -value
            elif _used_to(tok) and value > 0:
                value = -0.5 * value
        else:
            value /= 2.0
        # "nothing to do with me" is said by the clause that holds "nothing", and
        # "exactly what I need" by the copula that says what is meant.
        anchor = tok.head if lemma == "do" or lemma in WANT_VERBS else tok
        root = clause_root(anchor)
        if root.dep_ == "ccomp" and root.head.lemma_ in OPINION_VERBS:
            anchor = root.head  # "I don't think it's for me", not "it's for me"
        span = clause_span(anchor)
        cues.append((value * _contrast_weight(tok, start, end), span.start, span.end))
    if mismatches:
        starts = [s.start for s in sents]
        previous = dict(zip(starts[1:], starts, strict=False))
        for i, lacked in sorted(mismatches.items()):
            start, end = bounds[i]
            if start in delivery_sents:
                lo, weight = start, _contrast_weight(toks[i], start, end)
            elif previous.get(start) in delivery_sents:
                lo, weight = previous[start], 1.0
            elif (
                lacked < 0
                and delivery_sents
                and min(delivery_sents) < start
                and _they_are_about(toks[start:end])
            ):
                # "They always seem to be about young people's fashion and I'm not a young person",
                # once the emails are named.
                lo, weight = start, _contrast_weight(toks[i], start, end)
            else:
                continue
            # The message must be about the thing: "I don't have a car" after "returns told me to
            # bring it back" is a hardship, not a message aimed wrong.
            if lacked >= 0 and lemmas[lacked] not in {lemmas[k] for k in range(lo, end) if k != lacked}:
                continue
            cues.append((-MISMATCH_WEIGHT * weight, lo, end))
    if noise:
        starts = [s.start for s in sents]
        previous = dict(zip(starts[1:], starts, strict=False))
        tailoring = DIMENSION_CUES["personalization"]
        for i in noise:
            start, end = bounds[i]
            lo = previous.get(start, start)
            if lowers[i] != "nothing":
                near = start in delivery_sents or lo in delivery_sents
            else:
                # "It's nothing about me as a person" after "the personalisation is shallow"; not
                # "there's nothing about me in the settings" after a word on the emails.
                near = start in delivery_sents or any(lemmas[k] in tailoring for k in range(lo, end))
                if any(t.dep_ == "expl" for t in toks[i].head.children):
                    near = any(lemmas[k] in DELIVERY_NOUNS for k in range(start, end))
            if not near:
                continue
            tok = toks[i]
            if lowers[i] == "nothing" and tok.dep_ == "conj":
                # "it's 'people who bought X' and nothing about me": the words after the "and".
                span = tok.doc[tok.left_edge.i : tok.right_edge.i + 1]
            else:
                span = clause_span(tok if lowers[i] == "nothing" else tok.head)
            cues.append((-MISMATCH_WEIGHT * _contrast_weight(toks[i], start, end), span.start, span.end))
    score = sum(v for v, _, _ in cues)
    if not score:
        return "neutral", 0, 0
    # The strongest cue on the winning side shows the stance; the first of equals.
    value, start, end = max((c for c in cues if (c[0] > 0) == (score > 0)), key=lambda c: abs(c[0]))
    return ("relevant" if score > 0 else "irrelevant"), start, end


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
