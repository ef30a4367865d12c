"""One post through the real per-post analysis, for tests that read what it makes of a sentence."""

from __future__ import annotations

from collections.abc import Callable

from research.analysis.enrich import enrich_texts
from research.analysis.pipeline import get_nlp
from research.analysis.types import BrandLexicon, PostEnrichment


def analysis_reader(lexicon: BrandLexicon) -> Callable[[str], PostEnrichment]:
    """text -> its analysis record, with the community's brand names from `lexicon`."""
    nlp = get_nlp()

    def run(text: str) -> PostEnrichment:
        (result,) = enrich_texts([text], lexicon=lexicon, nlp=nlp)
        return result

    return run
