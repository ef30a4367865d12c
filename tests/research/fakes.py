"""A tiny, fast stand-in for the NLP code, for tests of the Django side.

Sentiment from a few cue words, terms from a fixed vocabulary, one theme per
vocabulary term. The real pipeline is exercised in test_pipeline_end_to_end.py.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from research import domain_services, services
from research.analysis.types import DimensionSignal, PostEnrichment, ThemeResult

VOCABULARY = ("staff", "app", "price", "food", "delivery")
POSITIVE = {"lovely", "great", "good", "friendly"}
NEGATIVE = {"bad", "slow", "rude", "forgets", "expensive"}


class FakeNLP:
    def __init__(self) -> None:
        self.version = "fake-1"
        self.enriched: list[str] = []
        self.fail_next: list[Exception] = []

    def enrich(self, texts, *, lexicon, domain=None):
        if self.fail_next:
            raise self.fail_next.pop(0)
        self.enriched.extend(texts)
        out = []
        for text in texts:
            words = re.findall(r"[a-z]+", text.lower())
            if not words:
                out.append(PostEnrichment(analysable=False, reason="empty"))
                continue
            score = sum(w in POSITIVE for w in words) - sum(w in NEGATIVE for w in words)
            sentiment = "positive" if score > 0 else "negative" if score < 0 else "neutral"
            dimensions = []
            if "price" in words:
                dimensions.append(DimensionSignal("value", sentiment, float(score), "price"))
            out.append(
                PostEnrichment(
                    analysable=True,
                    sentiment=sentiment,
                    sentiment_score=float(score),
                    relevance="relevant" if "me" in words else "neutral",
                    dimensions=dimensions,
                    terms=[w for w in words if w in VOCABULARY],
                    redacted_text=text.replace("Bob", "[NAME]"),
                    sentence_count=1,
                )
            )
        return out

    def build(self, docs, *, codes, previous, max_themes, brands=()):
        by_term: dict[str, list] = {}
        for doc in docs:
            for term in doc.terms[:1]:
                by_term.setdefault(term, []).append(doc)
        results = []
        for term in sorted(by_term):
            members = by_term[term]
            matched = next((p.key for p in previous if p.terms[:1] == (term,)), None)
            results.append(
                ThemeResult(
                    key=matched or f"theme-{term}",
                    label=f"the {term}",
                    terms=[term],
                    doc_keys=[d.key for d in members],
                    participant_count=len({d.participant for d in members}),
                    sentiment_mix=dict(Counter(d.sentiment for d in members)),
                    quote_keys=[d.key for d in members[:3]],
                    matched_previous=matched,
                )
            )
        return results

    def assign(self, docs, themes):
        return {d.key: [t.key for t in themes if t.terms[:1] and t.terms[0] in d.terms] for d in docs}


@pytest.fixture
def fake_nlp(monkeypatch) -> FakeNLP:
    fake = FakeNLP()
    monkeypatch.setattr(services, "analyzer_version", lambda: fake.version)
    monkeypatch.setattr(services, "_enrich_texts", fake.enrich)
    monkeypatch.setattr(services, "_build_themes", fake.build)
    monkeypatch.setattr(services, "_assign_to_themes", fake.assign)
    # No spaCy parse to learn a community's own words from: the general lexicon only.
    monkeypatch.setattr(domain_services, "_learn", lambda texts, keep=None: {})
    return fake
