"""Reads for exports and the API. Each is a fixed number of queries whatever the row count,
and only published posts (not under a hidden parent) ever come back."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from community.models import Community, Discussion, Membership, Post
from community.percentages import round_half_up
from research.analysis.types import SENTIMENTS
from research.dashboard_selectors import DashboardFilters, perception_gap
from research.exports.filters import post_filter_q
from research.models import Code, CodedExcerpt, Theme, ThemePost
from research.selectors import evidence_q, published_q

# Only what exports and the API read: building five full model instances per row (with every
# JSON column decoded) was most of an export's time.
_EXPORT_FIELDS = (
    "id",
    "community_id",
    "discussion_id",
    "author_id",
    "parent_id",
    "body",
    "created_at",
    "imported_id",
    "discussion__title",
    "author__pseudonym",
    "author__segments",
    "author__is_imported",
    "author__role",
    "author__user__username",
    "author__user__first_name",
    "author__user__last_name",
    "analysis__analysable",
    "analysis__reason",  # why not, for the API and the posts files
    "analysis__sentiment",
    "analysis__sentiment_score",
    "analysis__relevance",
    "analysis__relevance_phrase",
    "analysis__dimensions",
    "analysis__mentions",
    "analysis__redacted_text",
    "analysis__text_hash",
)


def export_posts(
    *,
    community: Community,
    discussion: Discussion | None = None,
    filters: DashboardFilters | None = None,
    author_role: str = "",
) -> QuerySet[Post]:
    """Published posts (within the dashboard's `filters`, and by authors of `author_role`, if
    given) with what an export row needs joined in: one query."""
    qs = Post.objects.filter(published_q(), community=community)
    if author_role:
        qs = qs.filter(author__role=author_role)
    if discussion is not None:
        qs = qs.filter(discussion=discussion)
    if filters is not None and filters.active:
        qs = qs.filter(post_filter_q(filters))
    return (
        qs.select_related("discussion", "author__user", "analysis")
        .only(*_EXPORT_FIELDS)
        .order_by("created_at", "pk")
    )


def post_theme_labels(
    *, community: Community, post_ids: list[int] | None = None, filters: DashboardFilters | None = None
) -> dict[int, list[str]]:
    """Community-wide theme labels per post id (researcher's rename wins; hidden, retired and
    merged-away themes left out), largest theme first: one query."""
    qs = ThemePost.objects.filter(
        evidence_q(published=True),
        theme__community=community,
        theme__scope_key="community",
        theme__retired_at__isnull=True,
        theme__is_hidden=False,
        theme__merged_into__isnull=True,
    )
    if post_ids is not None:
        qs = qs.filter(post_id__in=post_ids)
    if filters is not None and filters.active:
        qs = qs.filter(post_filter_q(filters, "post__"))
    labels: dict[int, list[str]] = defaultdict(list)
    for post_id, researcher_label, label in qs.order_by(
        "post_id", "-theme__post_count", "theme_id"
    ).values_list("post_id", "theme__researcher_label", "theme__label"):
        name = researcher_label or label
        if name not in labels[post_id]:
            labels[post_id].append(name)
    return labels


def report_themes(
    *, community: Community, scope_key: str = "community", filters: DashboardFilters | None = None
) -> list[Theme]:
    """Visible themes of a scope, largest first, each with `.report_quotes` (ThemePost list with
    post, analysis and author's user joined): two queries, codes joined.

    With active `filters` (the dashboard's), a theme's counts, sentiment mix and summary are those
    of its posts within the filters, themes with none are left out, and quotes come from inside
    the filters only: one more query. The counts are set on the instances, never saved.
    """
    themes = list(report_themes_qs(community=community, scope_key=scope_key, filters=filters))
    if filters is None or not filters.active or not themes:
        return themes
    from research.services import theme_summary

    stats = {
        row["theme_id"]: row
        for row in ThemePost.objects.filter(
            evidence_q(published=True), post_filter_q(filters, "post__"), theme__in=themes
        )
        .values("theme_id")
        .annotate(
            posts=Count("post_id", distinct=True),
            participants=Count("post__author_id", distinct=True),
            **{
                sentiment: Count("post_id", filter=Q(post__analysis__sentiment=sentiment), distinct=True)
                for sentiment in SENTIMENTS
            },
        )
    }
    kept = []
    for theme in themes:
        row = stats.get(theme.pk)
        if not row:
            continue
        theme.post_count, theme.participant_count = row["posts"], row["participants"]
        theme.sentiment_mix = {s: row[s] for s in SENTIMENTS}
        theme.summary = theme_summary(
            post_count=theme.post_count,
            participant_count=theme.participant_count,
            sentiment_mix=theme.sentiment_mix,
        )
        kept.append(theme)
    kept.sort(key=lambda t: (-t.post_count, t.pk))
    return kept


def report_themes_qs(
    *, community: Community, scope_key: str = "community", filters: DashboardFilters | None = None
) -> QuerySet[Theme]:
    quotes = (
        ThemePost.objects.filter(evidence_q(published=True), is_quote=True)
        .select_related("post__analysis", "post__author__user")
        .order_by("quote_rank", "post_id")
    )
    if filters is not None and filters.active:
        quotes = quotes.filter(post_filter_q(filters, "post__"))
    return (
        Theme.objects.filter(
            community=community,
            scope_key=scope_key,
            retired_at__isnull=True,
            merged_into__isnull=True,
            is_hidden=False,
        )
        .select_related("code")
        .prefetch_related(Prefetch("memberships", queryset=quotes, to_attr="report_quotes"))
        .order_by("-post_count", "pk")
    )


def codebook(*, community: Community) -> list[Code]:
    return list(Code.objects.filter(community=community).order_by("name", "pk"))


def coded_excerpts(
    *, community: Community, filters: DashboardFilters | None = None
) -> dict[int, list[CodedExcerpt]]:
    """Excerpts on published posts (within `filters`, if given), by post id: one query."""
    out: dict[int, list[CodedExcerpt]] = defaultdict(list)
    qs = CodedExcerpt.objects.filter(published_q("post__"), post__community=community)
    if filters is not None and filters.active:
        qs = qs.filter(post_filter_q(filters, "post__"))
    for excerpt in qs.order_by("post_id", "start", "pk").only(
        "pk", "post_id", "code_id", "start", "end", "text", "coder_id", "created_at"
    ):
        out[excerpt.post_id].append(excerpt)
    return out


def staff_memberships(*, community: Community, user_ids: set[int]) -> dict[int, Membership]:
    """Memberships (with users) of the given users in the community, by user id: one query."""
    if not user_ids:
        return {}
    return {
        m.user_id: m
        for m in Membership.objects.filter(community=community, user_id__in=user_ids).select_related("user")
    }


def gap_dimensions(*, community: Community, filters: DashboardFilters | None = None) -> list[dict[str, Any]]:
    """The perception gap (`research.dashboard_selectors.perception_gap`, the page's own) as one
    row per dimension for the API: scorecard dimensions in guide order, then those only the posts
    speak of. Each row has the ratings, `posts` (how many speak of it positively, negatively or
    neutrally) and the quotes of both sides, against the brand first, as Post objects under
    "quote_posts" for the caller to render for its reader. One query more than the page's.
    """
    gap = perception_gap(community=community, filters=filters)
    entries = [*gap["rows"], *gap["unrated"]]
    ordered = [
        [q["post_id"] for side in ("negative", "positive") for q in entry["side_quotes"].get(side, [])]
        for entry in entries
    ]
    wanted = {pk for ids in ordered for pk in ids}
    posts = (
        {p.pk: p for p in Post.objects.filter(pk__in=wanted).select_related("analysis", "author__user")}
        if wanted
        else {}
    )
    rows = []
    for entry, ids in zip(entries, ordered, strict=True):
        ev = entry["evidence"] or {}
        rows.append(
            {
                **{k: entry[k] for k in _GAP_RATINGS},
                # Two decimals, rounded once from the exact means, halves up as the page rounds them.
                **{k: _two_decimals(entry[k]) for k in ("participant_mean", "client_mean", "gap")},
                "evidence_key": entry["evidence_key"],
                "posts": {s: int(ev.get(s, 0)) for s in SENTIMENTS},
                "quote_posts": [posts[pk] for pk in dict.fromkeys(ids) if pk in posts],
            }
        )
    return rows


_GAP_RATINGS = (
    "dimension",
    "participant_mean",
    "participant_count",
    "participant_former_count",
    "client_mean",
    "client_count",
    "gap",
)


def _two_decimals(value: float | None) -> float | None:
    return None if value is None else float(round_half_up(value, 2))
