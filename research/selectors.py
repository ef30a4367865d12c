"""Reads of analysis data. Only published posts ever count: hidden, removed,
deleted and pending posts are filtered here, in one place."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator

from django.db import connection
from django.db.models import Case, CharField, Count, F, Prefetch, Q, QuerySet, Value, When
from django.db.models.functions import Concat, StrIndex, Substr
from django.db.models.lookups import GreaterThan
from django.http import Http404

from community.models import Community, Membership, Post, PostStatus, Role
from research.analysis.types import PERCEPTION_DIMENSIONS, RELEVANCE_STANCES, SENTIMENTS
from research.models import WARM_UP_REASON, AnalysisRun, Code, PostAnalysis, Theme, ThemePost, brand_token

# --- Filter primitives shared by the dashboard, the exports and the API ---


def _parent_published_q(prefix: str) -> Q:
    # The one statement of the thread rule: a reply under a hidden or removed post is hidden with
    # it, as on the discussion page (`community.selectors.published_posts`).
    return Q(**{f"{prefix}parent__isnull": True}) | Q(**{f"{prefix}parent__status": PostStatus.PUBLISHED})


def published_q(prefix: str = "") -> Q:
    """Published posts not under a hidden or removed parent, as a filter on `prefix` + post fields.

    The same rule as `community.selectors.published_posts`, usable across a join.
    """
    return Q(**{f"{prefix}status": PostStatus.PUBLISHED}) & _parent_published_q(prefix)


def evidence_q(prefix: str = "post__", *, published: bool = False) -> Q:
    """Posts that are evidence about the brand: participants' words, outside hidden threads.
    Moderators' prompts and replies ("Welcome Priya!") are neither quoted nor counted; clients do
    not post; a reply under a hidden or removed post is hidden with it, as on the discussion page.

    `published=True` also requires the post itself to be published (`published_q` and this in
    one), for querysets that do not already filter on the status.
    """
    q = Q(**{f"{prefix}author__role": Role.PARTICIPANT})
    return (published_q(prefix) if published else _parent_published_q(prefix)) & q


def mentions_brand_q(brand: str, field: str = "mentioned_brands") -> Q:
    """Analyses whose post names `brand`, as a Q on the `mentioned_brands` summary column at
    `field` (e.g. "post__analysis__mentioned_brands"), usable in filter() and Count(filter=...).

    The one brand match of the dashboard, the exports and the API, so they count the same posts.
    Exact: the analyzer stores each brand as the community spells it (its lexicon term), and a
    brand typed in another case is read as that spelling before it gets here
    (`research.exports.filters.filter_form`); a longer name ("Acme Stores") never matches "Acme".
    INSTR on SQLite, STRPOS on PostgreSQL: neither folds case, so both backends agree.
    """
    return Q(GreaterThan(StrIndex(field, Value(brand_token(brand))), 0))


def brand_mentioned(brand: str, mentioned_brands: str | None) -> bool:
    """`mentions_brand_q` in Python, for rows already read (a `mentioned_brands` value)."""
    return brand_token(brand) in (mentioned_brands or "")


def in_segment_q(segment: str, field: str = "author__segments") -> Q:
    """Members in `segment`, as a Q on the JSON list of segments at `field`: the one segment
    match of the dashboard, the exports and the API.

    The list is matched as JSON text with the segment's quotes, so "App" never matches "App
    users". SQLite keeps Django's JSON text, which escapes accented letters ("caf\\u00e9");
    PostgreSQL prints jsonb with the letters themselves: the token is written the same way.
    """
    token = json.dumps(segment, ensure_ascii=connection.vendor != "postgresql")
    return Q(**{f"{field}__icontains": token})


# --- Analysis reads ---


def analysed_posts(*, community: Community) -> QuerySet[PostAnalysis]:
    """Analyses that count in results: of published posts, analysable."""
    return PostAnalysis.objects.filter(
        community=community, post__status=PostStatus.PUBLISHED, analysable=True
    )


def in_analysis_changed_q(*, discussion: str, analysis: str) -> Q:
    """Analyses recorded before their discussion joined or left the analysis
    (`Discussion.in_analysis`): a warm-up's record in a discussion now analysed, or an analysed
    record in one now left out. Such posts await analysis, whatever their record says; the
    prefixes reach the discussion's and the analysis's fields from the rows filtered."""
    warm_up = Q(**{f"{analysis}reason": WARM_UP_REASON})
    return (
        Q(**{f"{discussion}in_analysis": False}) & ~warm_up
        | Q(**{f"{discussion}in_analysis": True}) & warm_up
    )


def posts_needing_analysis(
    *, version: str, community: Community | None = None, limit: int | None = None
) -> list[int]:
    """Published posts with no analysis, an older analyzer version, an edit since they were
    analysed, or a discussion that joined or left the analysis since (`Discussion.in_analysis`).

    `version` is the analyzer's own; a community with a learned lexicon expects its
    fingerprint appended (research.domain_services.analysis_version, computed here in SQL).
    """
    fingerprint = "community__domain_lexicon__fingerprint"
    expected = Case(
        When(Q(**{f"{fingerprint}__isnull": True}) | Q(**{fingerprint: ""}), then=Value(version)),
        default=Concat(Value(f"{version}+"), Substr(fingerprint, 1, 8)),
        output_field=CharField(),
    )
    qs = (
        Post.objects.filter(status=PostStatus.PUBLISHED)
        .annotate(expected_version=expected)
        .filter(
            Q(analysis__isnull=True)
            | ~Q(analysis__analyzer_version=F("expected_version"))
            | Q(edited_at__gt=F("analysis__analysed_at"))
            | in_analysis_changed_q(discussion="discussion__", analysis="analysis__")
        )
    )
    if community is not None:
        qs = qs.filter(community=community)
    qs = qs.order_by("pk").values_list("pk", flat=True)
    if limit is not None:
        qs = qs[:limit]
    return list(qs)


def _visible_themes(*, community: Community, scope_key: str, include_hidden: bool) -> QuerySet[Theme]:
    qs = Theme.objects.filter(
        community=community, scope_key=scope_key, retired_at__isnull=True, merged_into__isnull=True
    )
    if not include_hidden:
        qs = qs.filter(is_hidden=False)
    return qs


def themes_for_scope(
    *, community: Community, scope_key: str = "community", include_hidden: bool = False
) -> QuerySet[Theme]:
    """The themes to show for a scope, largest first, each with `.quotes` (ThemePost list, by rank).

    Three queries whatever the number of themes. Quotes carry `post.analysis.redacted_text`
    (what clients may read) and `post.author.pseudonym`.
    """
    quotes = (
        ThemePost.objects.filter(evidence_q(published=True), is_quote=True)
        .select_related("post__analysis", "post__author")
        .order_by("quote_rank", "post_id")
    )
    return (
        _visible_themes(community=community, scope_key=scope_key, include_hidden=include_hidden)
        .select_related("code")
        .prefetch_related(Prefetch("memberships", queryset=quotes, to_attr="quotes"))
        .order_by("-post_count", "pk")
    )


def theme_posts(*, theme: Theme) -> QuerySet[ThemePost]:
    """A theme's published posts with their analysis and author, quotes first."""
    return (
        ThemePost.objects.filter(evidence_q(published=True), theme=theme)
        .select_related("post__analysis", "post__author")
        .order_by(F("quote_rank").asc(nulls_last=True), "post__created_at", "post_id")
    )


def get_theme_for_member(membership: Membership, theme_id: int) -> Theme:
    """A theme moderators and clients may read; participants and outsiders get 404, as do
    clients for hidden themes."""
    theme = Theme.objects.filter(community_id=membership.community_id, pk=theme_id).first()
    if theme is None or not (membership.is_moderator or membership.is_client):
        raise Http404("No such theme.")
    if membership.is_client and (theme.is_hidden or theme.retired_at or theme.merged_into_id):
        raise Http404("No such theme.")
    return theme


def analysis_run_latest(*, community: Community, kind: str | None = None) -> AnalysisRun | None:
    qs = AnalysisRun.objects.filter(community=community)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-pk").first()


def analysis_runs_recent(*, community: Community, limit: int = 10) -> list[AnalysisRun]:
    return list(AnalysisRun.objects.filter(community=community).order_by("-created_at", "-pk")[:limit])


def dimensions_polarity(signals: list[dict]) -> dict[str, str]:
    """One polarity per perception dimension: the sign of the summed signal scores."""
    totals: dict[str, float] = defaultdict(float)
    for signal in signals or []:
        dimension = signal.get("dimension")
        if dimension not in PERCEPTION_DIMENSIONS:
            continue
        score = float(signal.get("score") or 0.0)
        if not score:
            score = {"positive": 1.0, "negative": -1.0}.get(signal.get("polarity"), 0.0)
        totals[dimension] += score
    return {
        d: ("positive" if v > 0 else "negative" if v < 0 else "neutral")
        for d, v in sorted(totals.items(), key=lambda kv: PERCEPTION_DIMENSIONS.index(kv[0]))
    }


def export_rows(*, community: Community) -> Iterator[dict]:
    """One dict per published post, in post order: id (imported id if any), community-wide theme
    labels (researcher's rename wins; hidden and merged-away themes left out), sentiment,
    relevance and perception dimensions. Two queries for any number of posts."""
    labels: dict[int, list[str]] = defaultdict(list)
    for post_id, researcher_label, label in (
        ThemePost.objects.filter(
            theme__community=community,
            theme__scope_key="community",
            theme__retired_at__isnull=True,
            theme__is_hidden=False,
            theme__merged_into__isnull=True,
            post__status=PostStatus.PUBLISHED,
        )
        .order_by("post_id", "-theme__post_count", "theme_id")
        .values_list("post_id", "theme__researcher_label", "theme__label")
    ):
        name = researcher_label or label
        if name not in labels[post_id]:
            labels[post_id].append(name)
    rows = (
        Post.objects.filter(community=community, status=PostStatus.PUBLISHED)
        .order_by("created_at", "pk")
        .values_list(
            "pk",
            "imported_id",
            "analysis__analysable",
            "analysis__sentiment",
            "analysis__relevance",
            "analysis__dimensions",
        )
    )
    for pk, imported_id, analysable, sentiment, relevance, dimensions in rows.iterator(chunk_size=2000):
        yield {
            "id": imported_id or str(pk),
            "themes": labels.get(pk, []),
            "sentiment": sentiment if analysable else None,
            "relevance": relevance if analysable else None,
            "dimensions": dimensions_polarity(dimensions) if analysable else {},
        }


def sentiment_counts(*, community: Community) -> dict[str, int]:
    counts = Counter(analysed_posts(community=community).values_list("sentiment", flat=True))
    return {s: counts.get(s, 0) for s in SENTIMENTS}


def relevance_counts(*, community: Community) -> dict[str, int]:
    counts = Counter(analysed_posts(community=community).values_list("relevance", flat=True))
    return {s: counts.get(s, 0) for s in RELEVANCE_STANCES}


def dimension_counts(*, community: Community) -> dict[str, dict[str, int]]:
    """Per perception dimension, how many posts speak of it positively, negatively or neutrally:
    the customers' side of the perception gap."""
    out = {d: dict.fromkeys(SENTIMENTS, 0) for d in PERCEPTION_DIMENSIONS}
    for signals in analysed_posts(community=community).values_list("dimensions", flat=True):
        for dimension, polarity in dimensions_polarity(signals).items():
            out[dimension][polarity] += 1
    return out


def codes_with_excerpt_counts(*, community: Community) -> list[Code]:
    """The codebook, each code with `excerpt_count`: its excerpts on published posts, the ones the
    .qdpx export carries (`research.exports.selectors.coded_excerpts`). One query."""
    return list(
        Code.objects.filter(community=community).annotate(
            excerpt_count=Count("excerpts", filter=published_q("excerpts__post__"))
        )
    )
