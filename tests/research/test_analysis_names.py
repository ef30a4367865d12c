"""Which people the analysis redacts as [NAME] in the text clients read (the real pipeline).

Over-redaction costs clients the meaning of a quote ("[NAME] said delivered"); under-redaction
leaks a person. These are sentences a participant could write.
"""

import pytest

from research.analysis.enrich import enrich_doc
from research.analysis.pipeline import get_nlp
from research.analysis.types import BrandLexicon


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()


NO_BRANDS = BrandLexicon()


def redacted(nlp, text: str) -> str:
    return enrich_doc(nlp(text), lexicon=NO_BRANDS).redacted_text


@pytest.mark.parametrize(
    "text",
    [
        "parcel said delivered, wasnt delivered.",
        "Picky is exactly what we want from a shop.",
    ],
)
def test_ordinary_words_the_model_calls_people_stay_readable(nlp, text):
    assert "[NAME]" not in redacted(nlp, text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Sarah at the counter was lovely.", "Sarah"),
        ("ask for sarah at the till", "sarah"),
        ("Mark said it was fine.", "Mark"),
        ("Call John Smith tomorrow.", "John Smith"),
        ("Smith was rude to my mum.", "Smith"),
        ("Great service from Jenny today.", "Jenny"),
    ],
)
def test_people_are_still_redacted(nlp, text, name):
    out = redacted(nlp, text)
    assert name not in out
    assert "[NAME]" in out
