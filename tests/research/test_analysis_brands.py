"""Brand and competitor mentions as a client reads them (the real pipeline, a lexicon like the demo's)."""

import pytest

from research.analysis.enrich import enrich_doc
from research.analysis.pipeline import get_nlp
from research.analysis.types import BrandLexicon

LEXICON = BrandLexicon(
    brand_terms=("Hearth & Loom", "H&L", "Hearth and Loom", "HnL", "Loom Points"),
    competitor_terms=("Brightwell", "Tandem", "Marlowe's"),
)


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


def enriched(nlp, text):
    return enrich_doc(nlp(text), lexicon=LEXICON)


def test_a_competitor_with_a_possessive_name_is_found_and_never_redacted_as_a_person(nlp):
    out = enriched(nlp, "Last trip was to Marlowe's for work trousers, cheaper than Marlowe.")
    assert [m.brand for m in out.mentions] == ["Marlowe's", "Marlowe's"]
    assert all(m.is_competitor for m in out.mentions)
    assert "[NAME]" not in out.redacted_text and "Marlowe's" in out.redacted_text


def test_every_way_of_naming_the_brand_counts_as_the_brand(nlp):
    out = enriched(nlp, "I love H&L. Hearth and Loom is my go-to, and so is HnL.")
    assert [m.brand for m in out.mentions] == ["Hearth & Loom"] * 3
    assert not any(m.is_competitor for m in out.mentions)


def test_a_brand_name_that_is_also_a_word_carries_no_opinion(nlp):
    # "loom" is a negative word in the general lexicon ("a looming crisis").
    assert enriched(nlp, "Used my Loom Points at Tandem.").sentiment == "neutral"
    assert enriched(nlp, "Hearth & Loom sells towels and lamps.").sentiment == "neutral"
