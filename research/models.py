"""What analysis stores: per-post records, runs with progress, themes and the codebook.

The analysis code in `research.analysis` is pure (text in, data out); these rows
are written only by `research.services` and read through `research.selectors`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from community.models import Community, Discussion, Post
from research.analysis.types import PERCEPTION_DIMENSIONS, SENTIMENTS


class Sentiment(models.TextChoices):
    POSITIVE = "positive", "Positive"
    NEGATIVE = "negative", "Negative"
    NEUTRAL = "neutral", "Neutral"


class RelevanceStance(models.TextChoices):
    RELEVANT = "relevant", "Relevant to them"
    IRRELEVANT = "irrelevant", "Irrelevant to them"
    NEUTRAL = "neutral", "Neither"


# `PostAnalysis.reason` of a post in a discussion moderators left out of analysis (a warm-up, a
# tech check): recorded as not analysable, so it leaves every result as an empty post does. The
# analyzer's own reasons are those of `research.analysis.types.PostEnrichment`.
WARM_UP_REASON = "warm_up"


class PostAnalysis(models.Model):
    """The analyzer's output for one post's current text.

    `text_hash` + `analyzer_version` identify the input: analysing the same text
    with the same version again is a no-op, an edit changes the hash.
    """

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="analysis")
    # Denormalised so community-wide reads need no join through posts.
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="post_analyses")
    analyzer_version = models.CharField(max_length=40)
    text_hash = models.CharField(max_length=64)
    analysable = models.BooleanField(default=True)
    reason = models.CharField(max_length=40, blank=True)
    sentiment = models.CharField(max_length=10, choices=Sentiment, default=Sentiment.NEUTRAL)
    sentiment_score = models.FloatField(default=0.0)
    aspects = models.JSONField(default=list, blank=True)
    dimensions = models.JSONField(default=list, blank=True)
    mentions = models.JSONField(default=list, blank=True)
    key_phrases = models.JSONField(default=list, blank=True)
    terms = models.JSONField(default=list, blank=True)
    relevance = models.CharField(max_length=10, choices=RelevanceStance, default=RelevanceStance.NEUTRAL)
    relevance_phrase = models.TextField(blank=True)
    # What clients see instead of the original text.
    redacted_text = models.TextField(blank=True)
    sentence_count = models.PositiveIntegerField(default=0)
    analysed_at = models.DateTimeField(default=timezone.now)
    # Compact copies of `dimensions` and `mentions` (see `summary_columns`), written with them, so
    # the dashboard counts with plain SQL instead of unnesting JSON: one polarity per dimension
    # ("" when the post does not speak of it) and the distinct brands named, each between newlines.
    trust_polarity = models.CharField(max_length=10, blank=True)
    value_polarity = models.CharField(max_length=10, blank=True)
    quality_polarity = models.CharField(max_length=10, blank=True)
    service_polarity = models.CharField(max_length=10, blank=True)
    privacy_polarity = models.CharField(max_length=10, blank=True)
    personalization_polarity = models.CharField(max_length=10, blank=True)
    understanding_me_polarity = models.CharField(max_length=10, blank=True)
    consistency_polarity = models.CharField(max_length=10, blank=True)
    mentioned_brands = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "post analyses"
        indexes = [
            models.Index(fields=["community", "analyzer_version"]),
            models.Index(fields=["community", "sentiment"]),
            # The dashboard's data stamp reads the newest analysis of a community from here.
            models.Index(fields=["community", "analysed_at"]),
        ]

    def __str__(self) -> str:
        return f"Analysis of post {self.post_id} ({self.analyzer_version})"


# The perception dimension each summary column holds.
DIMENSION_POLARITY_FIELDS = {dimension: f"{dimension}_polarity" for dimension in PERCEPTION_DIMENSIONS}
SUMMARY_FIELDS = (*DIMENSION_POLARITY_FIELDS.values(), "mentioned_brands")
BRAND_SEPARATOR = "\n"


def brand_token(brand: str) -> str:
    """How one brand appears inside `mentioned_brands`: an exact, case-sensitive substring test."""
    return f"{BRAND_SEPARATOR}{brand}{BRAND_SEPARATOR}"


def summary_columns(*, dimensions: list[dict] | None, mentions: list[dict] | None) -> dict[str, str]:
    """The summary columns for an analysis' `dimensions` and `mentions` lists (JSON-safe dicts).

    The analyzer gives each dimension at most one signal; should a list hold more, the strongest
    (largest absolute score, then the first) wins, as the analyzer itself decides. Signals with an
    unknown dimension or polarity, and brands that are empty or contain the separator, are left out.
    """
    strongest: dict[str, tuple[float, str]] = {}
    for signal in dimensions or []:
        dimension, polarity = signal.get("dimension"), signal.get("polarity")
        if dimension not in DIMENSION_POLARITY_FIELDS or polarity not in SENTIMENTS:
            continue
        strength = abs(float(signal.get("score") or 0.0))
        if dimension not in strongest or strength > strongest[dimension][0]:
            strongest[dimension] = (strength, polarity)
    columns = {
        field: strongest[dimension][1] if dimension in strongest else ""
        for dimension, field in DIMENSION_POLARITY_FIELDS.items()
    }
    brands = sorted(
        {
            m.get("brand")
            for m in mentions or []
            if isinstance(m.get("brand"), str) and m.get("brand") and BRAND_SEPARATOR not in m.get("brand")
        }
    )
    columns["mentioned_brands"] = (
        BRAND_SEPARATOR + BRAND_SEPARATOR.join(brands) + BRAND_SEPARATOR if brands else ""
    )
    return columns


class RunKind(models.TextChoices):
    POSTS = "posts", "Post analysis"
    THEMES = "themes", "Theme refresh"


class RunState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class AnalysisRun(models.Model):
    """A long analysis job whose progress the research pages can show."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="analysis_runs")
    kind = models.CharField(max_length=10, choices=RunKind)
    state = models.CharField(max_length=10, choices=RunState, default=RunState.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["community", "kind", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.community_id}: {self.state} {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        if self.state == RunState.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, int(100 * self.done / self.total))

    @property
    def is_finished(self) -> bool:
        return self.state in {RunState.DONE, RunState.FAILED}


class Code(models.Model):
    """A researcher's codebook entry; with a description and examples it guides theming."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="codes")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    # Example phrases, a list of strings.
    examples = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="unique_code_name_in_community")
        ]

    def __str__(self) -> str:
        return self.name


class CodedExcerpt(models.Model):
    """A span of a post a researcher tagged with a code."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="coded_excerpts")
    code = models.ForeignKey(Code, on_delete=models.CASCADE, related_name="excerpts")
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    text = models.TextField()
    coder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post_id", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="excerpt_end_after_start"
            ),
            # A coder codes a passage once with a code: a repeat would count twice in the codebook
            # and the .qdpx export (`excerpt_create` says so; this holds under a race). Two coders
            # may code the same passage: that is how a team checks its agreement.
            models.UniqueConstraint(
                fields=["post", "code", "start", "end", "coder"], name="excerpt_unique_span"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code_id} on post {self.post_id} [{self.start}:{self.end}]"


class ThemeScope(models.TextChoices):
    COMMUNITY = "community", "Whole community"
    DISCUSSION = "discussion", "One discussion"
    SEGMENT = "segment", "One segment"
    DATES = "dates", "Date range"


class Theme(models.Model):
    """A theme in one scope; `key` stays the same across refreshes while the theme persists."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="themes")
    scope = models.CharField(max_length=12, choices=ThemeScope, default=ThemeScope.COMMUNITY)
    # A canonical string for the scope ("community", "discussion:12", "segment:app users",
    # "dates:2026-01-01..2026-01-31"), so one refresh replaces exactly its own themes.
    scope_key = models.CharField(max_length=200, default="community")
    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, null=True, blank=True, related_name="themes"
    )
    segment = models.CharField(max_length=120, blank=True)
    date_from = models.DateTimeField(null=True, blank=True)
    date_to = models.DateTimeField(null=True, blank=True)
    key = models.CharField(max_length=64)
    label = models.CharField(max_length=200)
    # A researcher's rename; never overwritten by a refresh.
    researcher_label = models.CharField(max_length=200, blank=True)
    is_hidden = models.BooleanField(default=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="merged_from"
    )
    summary = models.TextField(blank=True)
    # A researcher's written summary for clients; refreshes never touch it (the one above is generated).
    researcher_summary = models.TextField(blank=True)
    terms = models.JSONField(default=list, blank=True)
    participant_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    sentiment_mix = models.JSONField(default=dict, blank=True)
    code = models.ForeignKey(Code, on_delete=models.SET_NULL, null=True, blank=True, related_name="themes")
    # A researcher's split, kept as a rule refreshes re-apply: the posts moved here stay here, the
    # ones left in the parent stay there, and other posts of the parent join whichever is closer.
    split_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="splits"
    )
    split_post_ids = models.JSONField(default=list, blank=True)
    split_kept_post_ids = models.JSONField(default=list, blank=True)
    # Set when a refresh no longer finds the theme; kept so renames are not lost if it returns.
    retired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-post_count", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "scope_key", "key"], name="unique_theme_key_in_scope"
            )
        ]
        indexes = [models.Index(fields=["community", "scope_key", "retired_at"])]

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return self.researcher_label or self.label


class ThemePost(models.Model):
    """A post's membership in a theme; quotes are members flagged with a rank."""

    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="memberships")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="theme_memberships")
    is_quote = models.BooleanField(default=False)
    quote_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    # Copied from a theme merged into this one (unmerging removes exactly these rows). A database
    # default too, because refreshes insert memberships with plain SQL.
    from_merge = models.BooleanField(default=False, db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["theme", "post"], name="one_membership_per_theme_post")
        ]
        indexes = [models.Index(fields=["theme", "is_quote", "quote_rank"])]

    def __str__(self) -> str:
        return f"post {self.post_id} in theme {self.theme_id}"


class DomainLexiconRecord(models.Model):
    """A community's own evaluative words, learned from its posts (research.analysis.domain_polarity).

    Posts analysed with it record its fingerprint in their analyzer version, so a new
    lexicon makes them due for re-analysis. No record: the general lexicon alone.
    """

    community = models.OneToOneField(Community, on_delete=models.CASCADE, related_name="domain_lexicon")
    words = models.JSONField(default=dict)
    fingerprint = models.CharField(max_length=12)
    # What the words were learned from: how many posts, and a digest of their texts (same
    # sample, same lexicon, so an unchanged sample is not parsed again).
    learned_from = models.PositiveIntegerField(default=0)
    sample_digest = models.CharField(max_length=64)
    # The newest post of that sample: how much the community has said since.
    newest_post_id = models.PositiveBigIntegerField(default=0)
    learned_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Domain lexicon of {self.community_id}: {len(self.words)} words ({self.fingerprint})"

    @property
    def version_suffix(self) -> str:
        return domain_version_suffix(self.fingerprint)


def domain_version_suffix(fingerprint: str) -> str:
    """What a learned lexicon adds to the analyzer version of the posts it scored."""
    return f"+{fingerprint[:8]}"
