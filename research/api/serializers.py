"""Output-only serializers. Names and text always go through research.exports.common, which
decides per reader (context["reader"]): moderators get real names and originals, clients
pseudonyms and redacted text."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.models import Membership, Post, Role
from research.analysis.types import PERCEPTION_DIMENSIONS, RELEVANCE_STANCES, SENTIMENTS
from research.exports.common import analysis_of, author_name_for, phrase_for, post_text_for
from research.models import Theme, ThemePost
from research.run_selectors import NOT_ANALYSABLE_REASONS, not_analysable_label
from research.selectors import dimensions_polarity


@extend_schema_field({"type": "string", "enum": list(SENTIMENTS)})
class SentimentField(serializers.CharField):
    """One of positive, negative, neutral (output only); one inline enum in the schema instead of
    a differently named enum per dimension."""


def _reader(serializer: serializers.Serializer) -> Membership:
    return serializer.context["reader"]


class CommunitySerializer(serializers.Serializer):
    """A community the user belongs to, from their membership."""

    slug = serializers.CharField(source="community.slug")
    name = serializers.CharField(source="community.name")
    brand_name = serializers.CharField(source="community.brand_name")
    description = serializers.CharField(source="community.description")
    role = serializers.ChoiceField(choices=Role.choices)
    pseudonym = serializers.CharField()


class SentimentCountsSerializer(serializers.Serializer):
    positive = serializers.IntegerField(min_value=0)
    negative = serializers.IntegerField(min_value=0)
    neutral = serializers.IntegerField(min_value=0)


class QuoteSerializer(serializers.Serializer):
    post_id = serializers.IntegerField()
    author = serializers.CharField(help_text="Real name for moderators, pseudonym for clients.")
    text = serializers.CharField(help_text="Original for moderators; PII-redacted (or withheld) for clients.")


def quote_data(reader: Membership, post: Post) -> dict:
    return {
        "post_id": post.pk,
        "author": author_name_for(reader, post.author),
        "text": post_text_for(reader, post),
    }


class ThemeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField(source="display_label")
    summary = serializers.SerializerMethodField()
    participant_count = serializers.IntegerField()
    post_count = serializers.IntegerField()
    sentiment_mix = serializers.SerializerMethodField()
    code = serializers.SerializerMethodField()
    quotes = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_summary(self, theme: Theme) -> str:
        # The researcher's written summary for clients wins over the generated one, as on the pages.
        return theme.researcher_summary or theme.summary

    @extend_schema_field(SentimentCountsSerializer)
    def get_sentiment_mix(self, theme: Theme) -> dict:
        mix = theme.sentiment_mix or {}
        return {s: int(mix.get(s, 0) or 0) for s in SENTIMENTS}

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_code(self, theme: Theme) -> str | None:
        return theme.code.name if theme.code else None

    @extend_schema_field(QuoteSerializer(many=True))
    def get_quotes(self, theme: Theme) -> list[dict]:
        memberships: list[ThemePost] = theme.report_quotes
        return [quote_data(_reader(self), m.post) for m in memberships]


class MentionSerializer(serializers.Serializer):
    brand = serializers.CharField()
    is_competitor = serializers.BooleanField()
    sentiment = SentimentField()


class AnalysisSerializer(serializers.Serializer):
    analysable = serializers.BooleanField()
    sentiment = SentimentField(allow_null=True)
    sentiment_score = serializers.FloatField(allow_null=True)
    relevance = serializers.ChoiceField(choices=RELEVANCE_STANCES, allow_null=True)
    relevance_phrase = serializers.CharField(allow_blank=True)
    dimensions = serializers.DictField(
        child=serializers.CharField(),
        help_text="Polarity (positive, negative or neutral) per perception dimension the post speaks of: "
        + ", ".join(PERCEPTION_DIMENSIONS)
        + ".",
    )
    mentions = MentionSerializer(many=True)
    not_analysed_reason = serializers.CharField(
        allow_null=True,
        help_text="Why the post was left out of analysis (`analysable` false), null when analysed: "
        + ", ".join(f"{code} ({label})" for code, label in NOT_ANALYSABLE_REASONS.items())
        + ".",
    )
    not_analysed_note = serializers.CharField(
        allow_null=True,
        help_text="The same reason as a sentence to show readers (as on the Analysis page), null when analysed.",
    )


class PostSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    discussion_id = serializers.IntegerField()
    discussion_title = serializers.CharField(source="discussion.title")
    parent_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    author = serializers.SerializerMethodField()
    author_role = serializers.CharField(
        source="author.role",
        help_text="participant or moderator: insights count participants' posts only (a moderator's "
        "prompts and replies are context, not evidence).",
    )
    text = serializers.SerializerMethodField()
    analysis = serializers.SerializerMethodField()
    themes = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_author(self, post: Post) -> str:
        return author_name_for(_reader(self), post.author)

    @extend_schema_field(
        serializers.CharField(help_text="Original for moderators; PII-redacted (or withheld) for clients.")
    )
    def get_text(self, post: Post) -> str:
        return post_text_for(_reader(self), post)

    @extend_schema_field(AnalysisSerializer(allow_null=True))
    def get_analysis(self, post: Post) -> dict | None:
        analysis = analysis_of(post)
        if analysis is None:
            return None
        usable = analysis.analysable
        return {
            "analysable": usable,
            "sentiment": analysis.sentiment if usable else None,
            "sentiment_score": round(analysis.sentiment_score, 4) if usable else None,
            "relevance": analysis.relevance if usable else None,
            "relevance_phrase": phrase_for(_reader(self), post, analysis.relevance_phrase) if usable else "",
            "dimensions": dimensions_polarity(analysis.dimensions) if usable else {},
            "mentions": [
                {
                    "brand": str(m.get("brand", "")),
                    "is_competitor": bool(m.get("is_competitor")),
                    "sentiment": m.get("sentiment") if m.get("sentiment") in SENTIMENTS else "neutral",
                }
                for m in (analysis.mentions if usable else [])
                if isinstance(m, dict)
            ],
            "not_analysed_reason": None if usable else (analysis.reason or None),
            "not_analysed_note": None if usable else not_analysable_label(analysis.reason),
        }

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_themes(self, post: Post) -> list[str]:
        return self.context.get("theme_labels", {}).get(post.pk, [])


class GapDimensionSerializer(serializers.Serializer):
    dimension = serializers.CharField()
    client_mean = serializers.FloatField(
        allow_null=True, help_text="The brand team's self-assessment (0-25)."
    )
    client_count = serializers.IntegerField()
    participant_mean = serializers.FloatField(
        allow_null=True, help_text="Customers' scorecard rating (0-25)."
    )
    participant_count = serializers.IntegerField()
    participant_former_count = serializers.IntegerField(
        help_text="Of participant_count, the answers kept from people no longer in the community "
        "(erased under the anonymize policy, or deactivated): they count in participant_mean."
    )
    gap = serializers.FloatField(
        allow_null=True,
        help_text="client_mean minus participant_mean: positive when the brand rates itself higher.",
    )
    posts = SentimentCountsSerializer(help_text="How many posts speak of this dimension, by polarity.")
    quotes = serializers.SerializerMethodField()

    @extend_schema_field(QuoteSerializer(many=True))
    def get_quotes(self, row: dict) -> list[dict]:
        return [quote_data(_reader(self), post) for post in row["quote_posts"]]
