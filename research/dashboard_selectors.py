"""Reads behind the client dashboard and the perception gap.

Everything is aggregated in SQL, so the number of queries stays the same however many posts a
community holds. Perception dimensions and brand mentions are counted from the analysis' plain
summary columns (`research.models.summary_columns`), never by unnesting its JSON. Quotes are read
as plain rows (values()), not model instances. Clients only ever receive pseudonyms and
`PostAnalysis.redacted_text`; nothing here returns `Post.body`.

Segments (a JSON list on the membership) are matched as text with `icontains` on the quoted value:
that text form is the same in SQLite's stored JSON and in PostgreSQL's `jsonb::text`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from community.models import Community, Discussion, Membership, Post, PostStatus, Role, ScorecardResponse
from community.models.scorecards import SCORE_MAX, SCORE_MIN
from community.percentages import whole_percent_of
from community.selectors_engagement import scorecard_summary
from research.analysis.theme_labels import quote_excerpt
from research.analysis.types import PERCEPTION_DIMENSIONS, SENTIMENTS
from research.charts import one_decimal
from research.markdown_text import plain_text
from research.models import (
    DIMENSION_POLARITY_FIELDS,
    PostAnalysis,
    Theme,
    ThemePost,
    brand_token,
)
from research.selectors import analysed_posts, brand_mentioned, in_segment_q, mentions_brand_q

DIMENSION_LABELS = {
    "trust": "Trust",
    "value": "Value",
    "quality": "Quality",
    "service": "Service",
    "privacy": "Privacy",
    "personalization": "Personalization",
    "understanding_me": "Understanding me",
    "consistency": "Consistency across channels",
}
# Scorecard dimension names (lower-cased) -> the analyzer's dimension, or "relevance" for the
# relevance stance, which is the posts' evidence for "Relevance of communications".
SCORECARD_TO_EVIDENCE = {
    "trust": "trust",
    "value": "value",
    "value for money": "value",
    "quality": "quality",
    "service": "service",
    "privacy": "privacy",
    "personalization": "personalization",
    "personalisation": "personalization",
    "understanding me": "understanding_me",
    "understanding": "understanding_me",
    "consistency": "consistency",
    "consistency across channels": "consistency",
    "relevance": "relevance",
    "relevance of communications": "relevance",
}
QUOTES_PER_THEME = 3
QUOTES_PER_SIDE = 2
# Bounded candidate pool for dimension/relevance quotes: constant work whatever the community size.
QUOTE_POOL = 200


@dataclass(frozen=True)
class DashboardFilters:
    discussion: Discussion | None = None
    segment: str = ""
    date_from: date | None = None
    date_to: date | None = None
    brand: str = ""

    @property
    def active(self) -> bool:
        return bool(self.discussion or self.segment or self.date_from or self.date_to or self.brand)

    def analysis_q(self, *, published: bool = True) -> Q:
        """The filters as a Q on PostAnalysis rows (the post's columns reached through `post__`).

        `published=False` leaves out the published-status test for querysets that already have it
        (`analysed_posts`): a repeated equality on the status index makes SQLite's planner, which
        has no statistics, drive the whole query from every published post of every community.
        """
        # Customers' words only: moderators' prompts and replies are not evidence about the brand.
        q = Q(post__author__role=Role.PARTICIPANT)
        if published:
            q &= Q(post__status=PostStatus.PUBLISHED)
        # Replies under a hidden or removed post are hidden with their thread (as on the
        # discussion page): an anti-join on the parent's primary key.
        q &= ~Exists(Post.objects.filter(pk=OuterRef("post__parent_id")).exclude(status=PostStatus.PUBLISHED))
        if self.discussion is not None:
            q &= Q(post__discussion_id=self.discussion.pk)
        if self.segment:
            q &= in_segment_q(self.segment, "post__author__segments")
        tz = timezone.get_current_timezone()
        if self.date_from:
            q &= Q(post__created_at__gte=datetime.combine(self.date_from, time.min, tzinfo=tz))
        if self.date_to:
            end = datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=tz)
            q &= Q(post__created_at__lt=end)
        if self.brand:
            q &= mentions_brand_q(self.brand)
        return q

    def matches(self, row: dict) -> bool:
        """The same filters in Python, for the handful of theme quotes (a `_theme_quotes` row)."""
        if (
            row["analysis_id"] is None
            or row["post__status"] != PostStatus.PUBLISHED
            or row["post__parent__status"] not in (None, PostStatus.PUBLISHED)
            or row["post__author__role"] != Role.PARTICIPANT
        ):
            return False
        if self.discussion is not None and row["post__discussion_id"] != self.discussion.pk:
            return False
        if self.segment and self.segment not in (row["post__author__segments"] or []):
            return False
        created = timezone.localtime(row["post__created_at"]).date()
        if self.date_from and created < self.date_from:
            return False
        if self.date_to and created > self.date_to:
            return False
        return not self.brand or brand_mentioned(self.brand, row["mentioned_brands"])


def _pct(part: int, whole: int) -> int:
    """A share in whole percent, rounded once from the exact fraction (`whole_percent_of`), so the
    card, the chart, its table and the exports all say the same number; 0 of nothing is 0."""
    return whole_percent_of(part, whole) if whole else 0


def _cache_seconds() -> int:
    return settings.VERBATIM["DASHBOARD_CACHE_SECONDS"]


def data_stamp(*, community: Community) -> str:
    """A fingerprint of everything the dashboard's numbers depend on, in one cheap query.

    The numbers read analyses, the status of their posts, their authors' role and segments, and
    themes. So the stamp is: the set of published posts (count and two sums of their ids, read
    from the (discussion, status) index, so a post hidden, removed, approved or deleted changes
    it, even one hidden while another is restored), the newest `analysed_at` (from its own index:
    any (re)analysis; an analysis is only ever deleted with its post), the themes (count and
    newest `updated_at`: refreshes, curation, recounts), and the members (count and newest
    `updated_at`: a member moved to another segment changes what a segment filter counts).
    Every part is an index read, not a pass over the community's rows.
    Memoised on the community object, which lives for one request.
    """
    cached = getattr(community, "_vb_data_stamp", None)
    if cached is not None:
        return cached
    q = connection.ops.quote_name
    post, discussion = q(Post._meta.db_table), q(Discussion._meta.db_table)
    analysis, theme = q(PostAnalysis._meta.db_table), q(Theme._meta.db_table)
    member = q(Membership._meta.db_table)
    # Each derived table is its own index read: MAX alone lets the planner seek the index's end.
    sql = (
        "SELECT p.n, p.s, p.h, am.m, tn.n, tm.m, mb.n, mb.m FROM "
        f"(SELECT COUNT(*) AS n, SUM(id) AS s, SUM(id %% 65521) AS h FROM {post} WHERE status = %s "
        f"AND discussion_id IN (SELECT id FROM {discussion} WHERE community_id = %s)) p, "
        f"(SELECT MAX(analysed_at) AS m FROM {analysis} WHERE community_id = %s) am, "
        f"(SELECT COUNT(*) AS n FROM {theme} WHERE community_id = %s) tn, "
        f"(SELECT MAX(updated_at) AS m FROM {theme} WHERE community_id = %s) tm, "
        f"(SELECT COUNT(*) AS n, MAX(updated_at) AS m FROM {member} WHERE community_id = %s) mb"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [PostStatus.PUBLISHED, *[community.pk] * 5])
        row = cursor.fetchone()
    stamp = hashlib.sha256(repr(row).encode()).hexdigest()[:24]
    community._vb_data_stamp = stamp
    return stamp


def _cached(community: Community, part: str, key: tuple, compute):
    """Aggregate numbers only (never quotes or names) are cached, keyed by the data stamp."""
    seconds = _cache_seconds()
    if seconds <= 0:
        return compute()
    digest = hashlib.sha256(repr((part, key)).encode()).hexdigest()[:24]
    cache_key = f"vb:dash:{community.pk}:{data_stamp(community=community)}:{digest}"
    value = cache.get(cache_key)
    if value is None:
        value = compute()
        cache.set(cache_key, value, seconds)
    return value


def _filters_key(filters: DashboardFilters) -> tuple:
    return (
        filters.discussion.pk if filters.discussion else None,
        filters.segment,
        filters.date_from,
        filters.date_to,
        filters.brand,
    )


def filter_choices(*, community: Community) -> dict[str, list]:
    """Discussions, segments and brands to filter by (two queries). Every published activity,
    scorecards and live sessions too: the perception gap narrows its ratings to a scorecard, and a
    live session's lines are archived as posts, and a warm-up's posts stay in the posts export;
    the pages say what such a choice holds (`kind`, `in_analysis`)."""
    discussions = list(
        Discussion.objects.filter(community=community, is_draft=False)
        .order_by("position", "pk")
        .only("pk", "title", "kind", "in_analysis")
    )
    segments: set[str] = set()
    # Distinct lists only: a few rows to decode, however many participants share them.
    for values in (
        Membership.objects.filter(community=community, role=Role.PARTICIPANT)
        .order_by()
        .values_list("segments", flat=True)
        .distinct()
    ):
        segments.update(s for s in values or [] if s)
    brands = [
        community.brand_name,
        *[b for b in community.competitor_brands or [] if isinstance(b, str) and b],
    ]
    return {"discussions": discussions, "segments": sorted(segments), "brands": brands}


def filtered_analyses(*, community: Community, filters: DashboardFilters) -> QuerySet[PostAnalysis]:
    return analysed_posts(community=community).filter(filters.analysis_q(published=False))


def dashboard_overview(*, community: Community, filters: DashboardFilters) -> dict[str, Any]:
    """Headline counts, sentiment, the relevance lens, perception by dimension and brand mentions:
    three aggregate queries (cached per data stamp)."""
    return _cached(
        community,
        "overview",
        (_filters_key(filters), tuple(filter_choices_brands(community))),
        lambda: _overview(community=community, filters=filters),
    )


def _overview(*, community: Community, filters: DashboardFilters) -> dict[str, Any]:
    brands = filter_choices_brands(community)
    row = _overview_counts(community=community, filters=filters, brands=brands)
    participants = row["participants"]
    dimensions = []
    for dim in PERCEPTION_DIMENSIONS:
        pos, neg = row[f"{dim}_positive"], row[f"{dim}_negative"]
        total = sum(row[f"{dim}_{polarity}"] for polarity in SENTIMENTS)
        dimensions.append(
            {
                "key": dim,
                "label": DIMENSION_LABELS[dim],
                "positive": pos,
                "negative": neg,
                "posts": total,
                "positive_pct": _pct(pos, total),
                "negative_pct": _pct(neg, total),
            }
        )
    mentions = [
        {
            "brand": brand,
            "is_own": i == 0,
            "posts": row[f"brand{i}_posts"],
            "participants": row[f"brand{i}_people"],
            "participant_pct": _pct(row[f"brand{i}_people"], participants),
        }
        for i, brand in enumerate(brands)
    ]
    return {
        "posts": row["posts"],
        "participants": participants,
        "first_day": timezone.localtime(row["first_at"]).date() if row["first_at"] else None,
        "sentiment": {s: row[s] for s in ("positive", "neutral", "negative")},
        "relevance": {
            "relevant_people": row["relevant_people"],
            "irrelevant_people": row["irrelevant_people"],
            "relevant_pct": _pct(row["relevant_people"], participants),
            "irrelevant_pct": _pct(row["irrelevant_people"], participants),
            "relevant_posts": row["relevant_posts"],
            "irrelevant_posts": row["irrelevant_posts"],
        },
        "dimensions": dimensions,
        "mentions": mentions,
    }


def _contains_sql(column: str) -> str:
    """`column` holds a parameter's text (the brand-token match of `mentions_brand_q`)."""
    function = "STRPOS" if connection.vendor == "postgresql" else "INSTR"
    return f"{function}({column}, %s) > 0"


def _as_datetime(value: Any) -> datetime | None:
    """A datetime read by raw SQL: SQLite returns UTC text, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


def _overview_counts(*, community: Community, filters: DashboardFilters, brands: list[str]) -> dict[str, Any]:
    """Every overview number in one query over the filtered analyses.

    Written as SQL around the filtered queryset's own SQL: compiling some forty filtered
    aggregates through the ORM took half as long as running them on 20,000 posts. Only names from
    this module and the model's columns are interpolated; values travel as parameters.
    """
    inner_sql, inner_params = (
        filtered_analyses(community=community, filters=filters)
        .annotate(vb_author=F("post__author_id"), vb_created=F("post__created_at"))
        .values(
            "sentiment",
            "relevance",
            "mentioned_brands",
            "vb_author",
            "vb_created",
            *DIMENSION_POLARITY_FIELDS.values(),
        )
        .query.sql_with_params()
    )
    q = connection.ops.quote_name
    author = 'sub."vb_author"'
    columns: list[tuple[str, str, list]] = [
        ("posts", "COUNT(*)", []),
        ("participants", f"COUNT(DISTINCT {author})", []),
        ("first_at", 'MIN(sub."vb_created")', []),
    ]
    for s in ("positive", "negative", "neutral"):
        columns.append((s, 'COUNT(*) FILTER (WHERE sub."sentiment" = %s)', [s]))
    for stance in ("relevant", "irrelevant"):
        columns.append(
            (f"{stance}_people", f'COUNT(DISTINCT {author}) FILTER (WHERE sub."relevance" = %s)', [stance])
        )
        columns.append((f"{stance}_posts", 'COUNT(*) FILTER (WHERE sub."relevance" = %s)', [stance]))
    for dim, column in DIMENSION_POLARITY_FIELDS.items():
        for polarity in SENTIMENTS:
            columns.append((f"{dim}_{polarity}", f"COUNT(*) FILTER (WHERE sub.{q(column)} = %s)", [polarity]))
    mentions = _contains_sql('sub."mentioned_brands"')
    for i, brand in enumerate(brands):
        token = [brand_token(brand)]
        columns.append((f"brand{i}_posts", f"COUNT(*) FILTER (WHERE {mentions})", token))
        columns.append((f"brand{i}_people", f"COUNT(DISTINCT {author}) FILTER (WHERE {mentions})", token))
    sql = f"SELECT {', '.join(c for _, c, _ in columns)} FROM ({inner_sql}) sub"
    params = [p for _, _, ps in columns for p in ps] + list(inner_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        values = cursor.fetchone()
    row = dict(zip((name for name, _, _ in columns), values, strict=True))
    row["first_at"] = _as_datetime(row["first_at"])
    return row


def filter_choices_brands(community: Community) -> list[str]:
    return [community.brand_name, *[b for b in community.competitor_brands or [] if isinstance(b, str) and b]]


@dataclass
class ThemeRow:
    theme: Theme
    participants: int = 0
    posts: int = 0
    share: int = 0  # whole percent of participants
    sentiment: dict[str, int] = field(default_factory=dict)
    relevant: int = 0
    irrelevant: int = 0
    trend: list[tuple[date, int]] = field(default_factory=list)
    quotes: list[dict] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.theme.display_label

    @property
    def summary(self) -> str:
        """A researcher's summary, else the analysis' sentence from this card's own counts (the
        stored one counts every post, and the card may be filtered)."""
        if self.theme.researcher_summary:
            return self.theme.researcher_summary
        if not self.posts:
            return ""
        from research.services import theme_summary  # services import this module's neighbours

        return theme_summary(
            post_count=self.posts, participant_count=self.participants, sentiment_mix=self.sentiment
        )


def _quote(row: dict) -> dict:
    """A quote from a values() row holding the keys of `_QUOTE_FIELDS`; its `text`, the redacted
    Markdown, is replaced by the callers with the plain text they show (`plain_text`)."""
    return {
        "post_id": row["post_id"],
        "text": row["redacted_text"],
        "pseudonym": row["post__author__pseudonym"],
        "created_at": row["post__created_at"],
        "sentiment": row["sentiment"],
    }


_QUOTE_FIELDS = ("post_id", "redacted_text", "sentiment", "post__created_at", "post__author__pseudonym")


TREND_BUCKETS = 12


def trend_buckets(
    filters: DashboardFilters, *, first_day: date | None = None, now: datetime | None = None
) -> list[tuple[datetime, datetime]]:
    """Up to twelve equal periods of whole days, ending today (or at the filter's end) and starting
    no earlier than the filter's start or, without one, the first post in scope (`first_day`), so a
    two-week community is not drawn as ten empty weeks and a spike. Weekly without either.
    Counting per bucket with conditional COUNTs needs no date functions in SQL."""
    tz = timezone.get_current_timezone()
    today = timezone.localtime(now or timezone.now()).date()
    end_day = min(filters.date_to, today) if filters.date_to else today
    end = datetime.combine(end_day + timedelta(days=1), time.min, tzinfo=tz)
    start_day = filters.date_from or first_day
    days, count = 7, TREND_BUCKETS
    if start_day and start_day <= end_day:
        span = (end_day - start_day).days + 1
        days = max(1, -(-span // TREND_BUCKETS))
        count = -(-span // days)
    start = end - timedelta(days=days * count)
    return [(start + timedelta(days=days * i), start + timedelta(days=days * (i + 1))) for i in range(count)]


def dashboard_themes(
    *,
    community: Community,
    filters: DashboardFilters,
    total_participants: int,
    scope_key: str = "community",
    first_day: date | None = None,
) -> list[ThemeRow]:
    """Visible themes ranked by share of participants (within the filters), with sentiment split,
    a twelve-period trend and up to three redacted quotes. Three queries for any number of themes
    and posts: the themes, one aggregate over their memberships, and their quotes."""
    themes = list(
        Theme.objects.filter(
            community=community,
            scope_key=scope_key,
            retired_at__isnull=True,
            merged_into__isnull=True,
            is_hidden=False,
        ).order_by("-post_count", "pk")
    )
    if not themes:
        return []
    by_id = {t.pk: ThemeRow(theme=t) for t in themes}
    buckets = trend_buckets(filters, first_day=first_day)
    stats = _cached(
        community,
        "themes",
        (_filters_key(filters), tuple(by_id), tuple(buckets)),
        lambda: _theme_stats(community=community, filters=filters, theme_ids=list(by_id), buckets=buckets),
    )
    for s in stats:
        row = by_id[s["theme_id"]]
        row.participants, row.posts = s["participants"], s["posts"]
        row.sentiment = {k: s[k] for k in ("positive", "neutral", "negative")}
        row.relevant, row.irrelevant = s["relevant"], s["irrelevant"]
        row.share = _pct(row.participants, total_participants)
        row.trend = [(lo.date(), s[f"w{i}"]) for i, (lo, _) in enumerate(buckets)]
    for quote in _theme_quotes(theme_ids=list(by_id)):
        row = by_id[quote["theme_id"]]
        if len(row.quotes) < QUOTES_PER_THEME and filters.matches(quote):
            # The sentences about the theme rather than the whole of a long post.
            # Cut from the plain text (no Markdown markers to leave dangling), as the page shows it.
            excerpt = quote_excerpt(plain_text(quote["redacted_text"]), row.theme.terms or ())
            row.quotes.append({**_quote(quote), "text": excerpt})
    rows = [r for r in by_id.values() if r.posts]
    # By the exact share (one denominator, so by participants), not by its rounded figure.
    rows.sort(key=lambda r: (-r.participants, -r.posts, r.theme.pk))
    return rows


def _theme_quotes(*, theme_ids: list[int]) -> list[dict]:
    """The themes' ranked quotes as plain rows, with what `DashboardFilters.matches` reads."""
    # Renamed so the rows read like `_quote_pool`'s, whose values() start from the analysis.
    names = {
        "analysis_id": F("post__analysis__id"),
        "redacted_text": F("post__analysis__redacted_text"),
        "sentiment": F("post__analysis__sentiment"),
        "mentioned_brands": F("post__analysis__mentioned_brands"),
    }
    return list(
        # `is_quote__in` compiles to `is_quote IN (1)`, which SQLite matches against the
        # (theme, is_quote, quote_rank) index; a bare `WHERE is_quote` makes it read every member.
        ThemePost.objects.filter(theme_id__in=theme_ids, is_quote__in=[True])
        .order_by("theme_id", "quote_rank", "post_id")
        .values(
            "theme_id",
            "post_id",
            "post__status",
            "post__parent__status",
            "post__discussion_id",
            "post__created_at",
            "post__author__role",
            "post__author__segments",
            "post__author__pseudonym",
            **names,
        )
    )


THEME_STAT_KEYS = (
    "participants",
    "posts",
    "positive",
    "neutral",
    "negative",
    "relevant",
    "irrelevant",
)


def _theme_stats(
    *, community: Community, filters: DashboardFilters, theme_ids: list[int], buckets: list
) -> list[dict[str, Any]]:
    """Per theme: participants, memberships, sentiment and relevance split and posts per trend bucket,
    over the filtered analyses, in one query.

    The filtered analyses (walked from the community's index) are joined to their memberships by
    post, so the cost follows the community's posts. Left to itself SQLite's planner, which has no
    statistics, may instead start from every published post and probe the (theme, post) index once
    per theme and post: the `+` on `theme_id` (a no-op on the value) keeps that index out of the
    join there. PostgreSQL gets the bare column: hidden in an expression, it cannot estimate the
    memberships and picks one index probe per post over a hash join (a third slower on 20,000
    posts). Only names from this module are interpolated; values travel as parameters.
    """
    inner_sql, inner_params = (
        filtered_analyses(community=community, filters=filters)
        .annotate(vb_author=F("post__author_id"), vb_created=F("post__created_at"))
        .values("post_id", "sentiment", "relevance", "vb_author", "vb_created")
        .query.sql_with_params()
    )
    table = connection.ops.quote_name(ThemePost._meta.db_table)
    counts = [
        'COUNT(DISTINCT sub."vb_author")',
        "COUNT(*)",
        *['COUNT(*) FILTER (WHERE sub."sentiment" = %s)'] * 3,
        *['COUNT(*) FILTER (WHERE sub."relevance" = %s)'] * 2,
        # Posts from each bucket's start on (and from the last one's end): a bucket's count is the
        # difference of two neighbours, one comparison per edge and row instead of two per bucket.
        *['COUNT(*) FILTER (WHERE sub."vb_created" >= %s)'] * (len(buckets) + 1),
    ]
    theme_column = "tp.theme_id" if connection.vendor == "postgresql" else "+tp.theme_id"
    sql = (
        f"SELECT tp.theme_id, {', '.join(counts)} FROM ({inner_sql}) sub CROSS JOIN {table} tp "
        f'WHERE tp.post_id = sub."post_id" AND {theme_column} IN ({", ".join(["%s"] * len(theme_ids))}) '
        "GROUP BY tp.theme_id"
    )
    # The buckets are consecutive (`trend_buckets`): each one's end is the next one's start.
    edges = [buckets[0][0], *(hi for _, hi in buckets)] if buckets else []
    bounds = [connection.ops.adapt_datetimefield_value(t) for t in edges]
    # In the order of the placeholders: the select list's, the subquery's, then the theme ids.
    params = ("positive", "neutral", "negative", "relevant", "irrelevant", *bounds, *inner_params, *theme_ids)
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for r in cursor.fetchall():
            stats = dict(zip(THEME_STAT_KEYS, r[1 : 1 + len(THEME_STAT_KEYS)], strict=True))
            from_edge = r[1 + len(THEME_STAT_KEYS) :]
            for i in range(len(buckets)):
                stats[f"w{i}"] = from_edge[i] - from_edge[i + 1]
            rows.append({"theme_id": r[0], **stats})
    return rows


def _quote_pool(
    *, community: Community, filters: DashboardFilters, extra: Q, fields: tuple[str, ...]
) -> list[dict]:
    return list(
        filtered_analyses(community=community, filters=filters)
        .filter(extra)
        # Newest analyses first by primary key: an index walk that stops early, no sort of every row.
        .order_by("-pk")
        .values(*_QUOTE_FIELDS, *fields)[:QUOTE_POOL]
    )


# The overall tone that agrees with each relevance stance.
_STANCE_TONE = {"relevant": "positive", "irrelevant": "negative"}


def relevance_quotes(*, community: Community, filters: DashboardFilters) -> dict[str, list[dict]]:
    """Up to two quotes per stance, each with the words that carry the stance set apart (`before`,
    `evidence`, `after`, as `_gap_quote` cuts them): posts that hold their stance phrase first, and
    of those the ones whose overall tone agrees, so the clearest statements lead; then the newest."""
    pool = _quote_pool(
        community=community,
        filters=filters,
        extra=Q(relevance__in=["relevant", "irrelevant"]),
        fields=("relevance", "relevance_phrase"),
    )
    ranked: dict[str, list[tuple]] = {"relevant": [], "irrelevant": []}
    for order, row in enumerate(pool):
        text = (row["redacted_text"] or "").strip()
        if not text:
            continue
        phrase = (row["relevance_phrase"] or "").strip()
        if phrase and phrase in text:
            tone = row["sentiment"]
            rank = 0 if tone == _STANCE_TONE[row["relevance"]] else 2 if tone in _STANCE_TONE.values() else 1
        else:
            phrase, rank = "", 3  # no phrase to show (an imported or older record): last
        ranked[row["relevance"]].append((rank, order, row, phrase))
    out: dict[str, list[dict]] = {}
    for stance, found in ranked.items():
        found.sort(key=lambda c: c[:2])
        out[stance] = [_gap_quote(row, phrase) for _, _, row, phrase in found[:QUOTES_PER_SIDE]]
    return out


def dimension_quotes(*, community: Community, filters: DashboardFilters) -> dict[str, dict[str, list[dict]]]:
    """Per dimension, up to two positive and two negative redacted quotes (one bounded query).

    A quote is a post whose signal on that very dimension has that polarity and whose redacted text
    holds the signal's phrase; `text` is trimmed around the phrase (also set apart as `before`,
    `evidence`, `after`) so it always shows it. Posts whose overall tone agrees come first, then
    the strongest signals, then the newest; a post already quoted under another dimension is used
    again only when that dimension has nothing else."""
    columns = DIMENSION_POLARITY_FIELDS
    speaks_of_none = Q(**dict.fromkeys(columns.values(), ""))
    pool = _quote_pool(
        community=community,
        filters=filters,
        extra=~speaks_of_none,
        fields=("dimensions", "relevance", "relevance_phrase", *columns.values()),
    )
    candidates = _signal_candidates(pool, dimensions_only=True)
    chosen = _spread(candidates)
    out = {d: {"positive": [], "negative": []} for d in PERCEPTION_DIMENSIONS}
    for (dim, side), picks in chosen.items():
        out[dim][side] = [_sentence_quote(row, phrase) for row, phrase in picks]
    return out


_SENTENCE_END = re.compile(r"[.!?](?:['\")\]]*)\s+")


def _sentence_quote(row: dict, phrase: str) -> dict:
    """`_gap_quote` cut to the sentences that hold the phrase, so the quote reads as what it is
    shown for (not the post's opening about something else); `text` is what it shows."""
    quote = _gap_quote(row, phrase)
    before, after = quote["before"], quote["after"]
    ends = list(_SENTENCE_END.finditer(before))
    if ends:
        before = "…" + before[ends[-1].end() :]
    end = _SENTENCE_END.search(after)
    if end:
        after = after[: end.end()].rstrip()
    return {**quote, "before": before, "after": after, "text": before + quote["evidence"] + after}


def themes_behind_relevance(rows: list[ThemeRow], limit: int = 3) -> dict[str, list[ThemeRow]]:
    return {
        "relevant": sorted((r for r in rows if r.relevant), key=lambda r: -r.relevant)[:limit],
        "irrelevant": sorted((r for r in rows if r.irrelevant), key=lambda r: -r.irrelevant)[:limit],
    }


# How a post's overall tone ranks a gap quote: one that agrees with the signal reads as the reason
# it is shown; one whose overall tone is the opposite comes last.
_TONE_RANK = {"agrees": 0, "other": 1, "opposite": 2}
GAP_QUOTE_CHARS = 320


def _gap_signals(row: dict) -> list[tuple[str, str, float, str]]:
    """(evidence key, side, strength, phrase) for each signal a pooled analysis row carries; the
    phrase is "" where the redacted text does not hold it (an imported or older record)."""
    text = row["redacted_text"] or ""
    signals = []
    for dim, column in DIMENSION_POLARITY_FIELDS.items():
        polarity = row[column]
        if polarity not in ("positive", "negative"):
            continue
        # The summary column holds the strongest signal's polarity; its phrase is in the JSON.
        matching = [
            d
            for d in (row["dimensions"] or [])
            if d.get("dimension") == dim and d.get("polarity") == polarity
        ]
        # The strongest signal whose words the quote can show, else the strongest.
        best = max(
            matching,
            key=lambda d: ((d.get("phrase") or "").strip() in text, abs(float(d.get("score") or 0.0))),
            default={},
        )
        phrase = (best.get("phrase") or "").strip()
        signals.append(
            (dim, polarity, abs(float(best.get("score") or 0.0)), phrase if phrase in text else "")
        )
    stance = {"relevant": "positive", "irrelevant": "negative"}.get(row["relevance"])
    if stance:
        signals.append(("relevance", stance, 1.0, row["relevance_phrase"] or ""))
    return signals


def _signal_candidates(
    pool: list[dict], *, dimensions_only: bool = False
) -> dict[tuple[str, str], list[tuple]]:
    """Per (evidence key, side), the pooled rows that carry that signal, best first: those showing
    the signal's words, overall tone agreeing, then the strongest signal, then the newest.
    `dimensions_only`: dimension signals with their words in the quote, nothing else."""
    candidates: dict[tuple[str, str], list[tuple]] = {}
    for order, row in enumerate(pool):
        if not (row["redacted_text"] or "").strip():
            continue
        for key, side, strength, phrase in _gap_signals(row):
            if dimensions_only and (key == "relevance" or not phrase):
                continue
            tone = "agrees" if row["sentiment"] == side else "other"
            if row["sentiment"] == ("negative" if side == "positive" else "positive"):
                tone = "opposite"
            rank = _TONE_RANK[tone] if phrase or key == "relevance" else len(_TONE_RANK)
            candidates.setdefault((key, side), []).append((rank, -strength, order, row, phrase))
    for found in candidates.values():
        found.sort(key=lambda c: c[:3])
    return candidates


def _spread(candidates: dict[tuple[str, str], list[tuple]]) -> dict[tuple[str, str], list[tuple[dict, str]]]:
    """Up to QUOTES_PER_SIDE (row, phrase) per key, a post shown once on the page where the key has
    another candidate: each round gives every key its best unused post (keys with fewest
    candidates choose first), and falls back to a used one only when nothing else is left."""
    chosen: dict[tuple[str, str], list[tuple[dict, str]]] = {key: [] for key in candidates}
    used: set[int] = set()
    keys = sorted(candidates, key=lambda k: (len(candidates[k]), k))
    for _ in range(QUOTES_PER_SIDE):
        for key in keys:
            picked = {row["post_id"] for row, _ in chosen[key]}
            fresh = [c for c in candidates[key] if c[3]["post_id"] not in picked]
            pick = next((c for c in fresh if c[3]["post_id"] not in used), fresh[0] if fresh else None)
            if pick is not None:
                chosen[key].append((pick[3], pick[4]))
                used.add(pick[3]["post_id"])
    return chosen


def _cut_end(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters (the ellipsis included) at a word boundary, so a
    quote never ends in half a word; a single word longer than that is cut where it must be."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"
    head = text[: limit - 1]
    if not text[limit - 1].isspace():
        # Mid-word: back off to the last space (the whole cut when there is none).
        space = max(head.rfind(" "), head.rfind("\n"))
        if space > 0:
            head = head[:space]
    return head.rstrip() + "…"


def _cut_start(text: str, limit: int) -> str:
    """`text`'s last `limit` characters (the ellipsis included), starting at a word boundary."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return "…"
    start = len(text) - (limit - 1)
    tail = text[start:]
    if not text[start - 1].isspace():
        space = min((i for i in (tail.find(" "), tail.find("\n")) if i >= 0), default=-1)
        if space >= 0:
            tail = tail[space:]
    return "…" + tail.lstrip()


def _gap_quote(row: dict, phrase: str) -> dict:
    """A redacted quote with the words that carry the signal set apart (`before`, `evidence`,
    `after`), trimmed around them. The phrase is used only when the redacted text holds it as is,
    so nothing the redaction removed can come back through it. The text is the redacted Markdown
    as plain text (`plain_text`: no `**` or list markers, cut without leaving one dangling); a
    phrase that held formatting is looked for as plain text too."""
    text = plain_text(row["redacted_text"] or "")
    at = text.find(phrase) if phrase else -1
    if at < 0 and phrase:
        phrase = plain_text(phrase)
        at = text.find(phrase) if phrase else -1
    if at < 0:
        short = _cut_end(text, GAP_QUOTE_CHARS)
        return {**_quote(row), "text": text, "before": short, "evidence": "", "after": ""}
    before, after = text[:at], text[at + len(phrase) :]
    room = max(GAP_QUOTE_CHARS - len(phrase), 0)
    if len(before) > room // 2:
        before = _cut_start(before, room // 2)
    room -= len(before)
    if len(after) > room:
        after = _cut_end(after, room)
    return {**_quote(row), "text": text, "before": before, "evidence": phrase, "after": after}


def gap_quotes(*, community: Community, filters: DashboardFilters) -> dict[str, dict[str, list[dict]]]:
    """Per evidence key (a perception dimension, or "relevance"), up to two quotes on each side whose
    signal on that very dimension has that polarity, with the signal's words in the quote: posts
    whose overall tone agrees first, then the strongest signals, then the newest; a post quoted
    under one key is not repeated under another that has other candidates. One bounded query."""
    columns = tuple(DIMENSION_POLARITY_FIELDS.values())
    speaks = ~Q(**dict.fromkeys(columns, "")) | Q(relevance__in=["relevant", "irrelevant"])
    pool = _quote_pool(
        community=community,
        filters=filters,
        extra=speaks,
        fields=("dimensions", "relevance", "relevance_phrase", *columns),
    )
    out: dict[str, dict[str, list[dict]]] = {}
    for (key, side), picks in _spread(_signal_candidates(pool)).items():
        out.setdefault(key, {})[side] = [_gap_quote(row, phrase) for row, phrase in picks]
    return out


def evidence_key(name: str) -> str | None:
    """The posts' evidence a scorecard dimension speaks of: a perception dimension, "relevance"
    for the relevance stance, or None. Known names first ("Value for money" -> value), then a name
    that starts with a dimension's ("Trust in the brand" -> trust)."""
    name = name.strip().lower()
    if name in SCORECARD_TO_EVIDENCE:
        return SCORECARD_TO_EVIDENCE[name]
    slug = re.sub(r"[^a-z0-9]+", "_", name).strip("_")
    for key in (*PERCEPTION_DIMENSIONS, "relevance"):
        if slug == key or slug.startswith(key + "_"):
            return key
    return None


def _gap_evidence(overview: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per evidence key, how many posts speak of it positively, negatively and neutrally. For
    relevance, "posts" counts the posts that take a stance and `neutral` is 0: a post without a
    stance does not speak of relevance (as a post silent on trust is not neutral on trust)."""
    evidence = {
        d["key"]: {**d, "neutral": d["posts"] - d["positive"] - d["negative"]} for d in overview["dimensions"]
    }
    rel = overview["relevance"]
    stance = rel["relevant_posts"] + rel["irrelevant_posts"]
    evidence["relevance"] = {
        "key": "relevance",
        "label": "Relevance",
        "positive": rel["relevant_posts"],
        "negative": rel["irrelevant_posts"],
        "neutral": 0,
        "posts": stance,
        "positive_pct": _pct(rel["relevant_posts"], stance),
        "negative_pct": _pct(rel["irrelevant_posts"], stance),
    }
    return evidence


def gap_former_respondents(*, community: Community, discussion: Discussion | None = None) -> dict[str, int]:
    """Customers' scorecard answers behind the perception gap's ratings (every scorecard, or the
    chosen discussion's): `total`, and `former` of them from people no longer in the community.

    As on a scorecard's results and completion pages (`scorecard_former_respondents`): erasure
    under the "anonymize" policy (and deactivation) keeps what a participant answered, so it
    counts in the ratings; the page says how many such answers there are. One query.
    """
    answers = ScorecardResponse.objects.filter(
        scorecard__discussion__community=community, respondent_role=Role.PARTICIPANT
    )
    if discussion is not None:
        answers = answers.filter(scorecard__discussion=discussion)
    return answers.aggregate(total=Count("pk"), former=Count("pk", filter=Q(member__is_active=False)))


def perception_gap(*, community: Community, filters: DashboardFilters | None = None) -> dict[str, Any]:
    """Per scorecard dimension: the client team's self-assessment, the participants' ratings, the gap,
    and the evidence in posts (share of positive/negative signals), with quotes explaining the gap:
    where the team rates the brand higher, posts negative on that very dimension; where lower,
    posts positive on it; no quotes where there is no gap (or one side has not rated).

    The one perception gap of the page and the API. With `filters` (the dashboard's), the evidence
    and quotes come from the posts within them; ratings are not posts, so only a discussion narrows
    them (to that discussion's scorecard). Each row also carries `evidence_key` and both sides'
    quotes (`side_quotes`); `unrated` lists the dimensions no scorecard asks about that posts speak
    of (for the API). Four queries (one more for the data stamp when caching): the overview, two
    for the scorecards, one for the quotes.
    """
    filters = filters or DashboardFilters()
    overview = dashboard_overview(community=community, filters=filters)
    evidence = _gap_evidence(overview)
    quotes = gap_quotes(community=community, filters=filters)
    rows = []
    seen: set[str] = set()
    for entry in scorecard_summary(community=community, discussion=filters.discussion):
        key = evidence_key(entry["dimension"])
        if key:
            seen.add(key)
        ev = evidence.get(key) if key else None
        gap = entry["gap"]
        # A brand that rates itself higher is explained by what customers complain about, and vice
        # versa. A gap that rounds to 0.0 on the page explains nothing.
        side = None
        if gap is not None and one_decimal(gap) != 0:
            side = "negative" if gap > 0 else "positive"
        rows.append(
            {
                **entry,
                "evidence_key": key,
                "evidence": ev,
                "abs_gap": abs(gap) if gap is not None else None,
                "quotes": quotes.get(key, {}).get(side, []) if key and side else [],
                "quote_side": side,
                "side_quotes": quotes.get(key, {}) if key else {},
            }
        )
    unrated = [
        {
            "dimension": DIMENSION_LABELS.get(key, "Relevance of communications"),
            "participant_mean": None,
            "participant_count": 0,
            "participant_former_count": 0,
            "client_mean": None,
            "client_count": 0,
            "gap": None,
            "evidence_key": key,
            "evidence": evidence[key],
            "side_quotes": quotes.get(key, {}),
        }
        for key in (*PERCEPTION_DIMENSIONS, "relevance")
        if key not in seen and (evidence[key]["positive"] or evidence[key]["negative"])
    ]
    gaps = [r["gap"] for r in rows if r["gap"] is not None]
    # To the page's one decimal, once, from the exact means: a mean gap shown as 0.0 is agreement.
    mean_gap = float(one_decimal(sum(gaps) / len(gaps))) if gaps else None
    return {
        "rows": rows,
        "unrated": unrated,
        "scale_min": SCORE_MIN,
        "scale_max": SCORE_MAX,
        "mean_gap": mean_gap,
        "mean_abs_gap": abs(mean_gap) if mean_gap is not None else None,
        "largest": max((r for r in rows if r["gap"] is not None), key=lambda r: r["abs_gap"], default=None),
    }
