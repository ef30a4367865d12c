"""The data that flows between the pure analysis code and the Django side.

Everything here is plain data (JSON-safe via `to_json`), no ORM. The Django
side (research.services) turns these into PostAnalysis and Theme rows.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

SENTIMENTS = ("positive", "negative", "neutral")
RELEVANCE_STANCES = ("relevant", "irrelevant", "neutral")
PERCEPTION_DIMENSIONS = (
    "trust",
    "value",
    "quality",
    "service",
    "privacy",
    "personalization",
    "understanding_me",
    "consistency",
)


@dataclass(frozen=True)
class BrandLexicon:
    """The community's brand and competitor names (with aliases)."""

    brand_terms: tuple[str, ...] = ()
    competitor_terms: tuple[str, ...] = ()


@dataclass
class AspectSentiment:
    aspect: str  # the aspect phrase as lemma text, e.g. "app", "staff"
    sentiment: str  # one of SENTIMENTS
    score: float  # -1..1
    phrase: str  # the clause or phrase that carries it


@dataclass
class DimensionSignal:
    dimension: str  # one of PERCEPTION_DIMENSIONS
    polarity: str  # one of SENTIMENTS
    score: float
    phrase: str


@dataclass
class BrandMention:
    brand: str  # canonical name from the lexicon
    is_competitor: bool
    sentiment: str
    phrase: str


@dataclass
class PostEnrichment:
    analysable: bool
    reason: str = ""  # why not analysable: "empty", "not_english", "too_long"
    sentiment: str = "neutral"
    sentiment_score: float = 0.0
    aspects: list[AspectSentiment] = field(default_factory=list)
    relevance: str = "neutral"
    relevance_phrase: str = ""
    dimensions: list[DimensionSignal] = field(default_factory=list)
    mentions: list[BrandMention] = field(default_factory=list)
    key_phrases: list[str] = field(default_factory=list)
    # Content lemmas and noun-phrase lemmas the theme builder uses.
    terms: list[str] = field(default_factory=list)
    redacted_text: str = ""
    sentence_count: int = 0
    # Named entities other than people (people are personal data and only appear as [NAME]).
    entities: list[dict[str, str]] = field(default_factory=list)
    # Noun phrases as written (lower-cased, determiners dropped), before ranking into key_phrases.
    noun_phrases: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ThemeDoc:
    """One post as the theme builder sees it."""

    key: str  # post id as a string
    participant: str  # author key, for counting by participants
    text: str  # redacted text (quotes are picked from it)
    terms: tuple[str, ...]
    sentiment: str
    # What the post answers (its discussion's title and prompt): words it asks about are not themes.
    prompt: str = ""


@dataclass(frozen=True)
class CodeSpec:
    """A researcher's codebook entry that guides theming."""

    key: str
    name: str
    description: str = ""
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class PreviousTheme:
    """A theme from an earlier run, so identity (and renames) survive refreshes."""

    key: str
    terms: tuple[str, ...]
    doc_keys: tuple[str, ...]
    label: str = ""  # the analysis' label, kept while it still describes the theme


@dataclass
class ThemeResult:
    key: str  # stable across refreshes when the theme persists
    label: str  # readable phrase
    terms: list[str]  # top terms, most characteristic first
    doc_keys: list[str]
    participant_count: int
    sentiment_mix: dict[str, int]  # counts per SENTIMENTS value
    quote_keys: list[str]  # 3 to 5 diverse representative posts
    code_key: str | None = None  # set when the theme came from a codebook code
    matched_previous: str | None = None

    def to_json(self) -> dict:
        return asdict(self)
