"""What a client reads of a post: the redacted copy from the real pipeline, with a community's brands."""

from __future__ import annotations

from collections.abc import Callable

from research.analysis.enrich import enrich_doc
from research.analysis.pipeline import BrandNamesSpared, get_nlp
from research.analysis.types import BrandLexicon


def client_reader(lexicon: BrandLexicon) -> Callable[[str], str]:
    """text -> the redacted text clients see, the brand names spared as the community's analysis spares them."""
    nlp = BrandNamesSpared(get_nlp(), lexicon.brand_terms + lexicon.competitor_terms)

    def read(text: str) -> str:
        return enrich_doc(next(nlp.pipe([text])), lexicon=lexicon).redacted_text

    return read
