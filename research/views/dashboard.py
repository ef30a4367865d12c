"""The client dashboard and the perception gap (moderators and clients; participants and outsiders 404)."""

from __future__ import annotations

import unicodedata

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.views.decorators.http import require_GET

from community.access import get_community_for_member
from community.models import Role
from research import charts
from research.analysis.types import PERCEPTION_DIMENSIONS
from research.dashboard_selectors import (
    dashboard_overview,
    dashboard_themes,
    dimension_quotes,
    gap_former_respondents,
    perception_gap,
    relevance_quotes,
    themes_behind_relevance,
)
from research.exports.filters import filter_form, filters_query

READERS = [Role.MODERATOR, Role.CLIENT]
QUOTE_CHARS = 320


def quote_html(quote: dict) -> SafeString:
    """One quote's markup (what `{{ text|truncatechars:320 }}` and `{{ created_at|date:"j M Y" }}`
    would give, or the quote's phrase marked when it carries one). Built here rather than by an include per quote: the dashboard shows some sixty,
    and the include and date filter were half of its rendering time."""
    when = quote["created_at"]
    day = ""
    if when is not None:
        when = timezone.localtime(when)
        day = f"{when.day} {MONTHS_3[when.month].title()} {when.year}"
    if quote.get("evidence"):
        # Already cut around its phrase (`_gap_quote`): the words behind the signal are marked.
        body = format_html("{}<mark>{}</mark>{}", quote["before"], quote["evidence"], quote["after"])
    else:
        text = unicodedata.normalize("NFC", quote["text"] or "")
        body = Truncator(text).chars(QUOTE_CHARS) if len(text) > QUOTE_CHARS else text
    return format_html(
        '<blockquote class="quote"><p>{}</p><footer>— {}, {}</footer></blockquote>',
        body,
        quote["pseudonym"],
        day,
    )


def _with_markup(quotes: list[dict]) -> list[dict]:
    return [{**q, "html": quote_html(q)} for q in quotes]


@login_required
@require_GET
def dashboard_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=READERS)
    form = filter_form(community=community, query=request.GET)
    filters = form.filters()
    overview = dashboard_overview(community=community, filters=filters)
    themes = dashboard_themes(
        community=community,
        filters=filters,
        total_participants=overview["participants"],
        first_day=overview["first_day"],
    )
    for row in themes:
        row.trend_chart = charts.cached_chart(charts.sparkline, row.trend, label=row.label)
        row.trend_peak = max((count for _, count in row.trend), default=0)
        row.quotes = _with_markup(row.quotes)
    share_bars = [charts.ShareBar(r.label, r.share, r.participants, r.posts, r.sentiment) for r in themes]
    dim_quotes = dimension_quotes(community=community, filters=filters)
    # The page shows one quote per side of each dimension.
    dimensions = [
        {
            **d,
            "quotes": {
                side: _with_markup(dim_quotes[d["key"]][side][:1]) for side in ("negative", "positive")
            },
        }
        for d in overview["dimensions"]
    ]
    rel = overview["relevance"]
    rel_quotes = relevance_quotes(community=community, filters=filters)
    context = {
        "community": community,
        "membership": membership,
        "nav_section": "insights",
        "form": form,
        "filters": filters,
        # The gap page opens with the same filters (only those applied: an invalid form has none).
        "filter_query": filters_query(filters),
        "overview": overview,
        "themes": themes,
        "theme_chart": charts.cached_chart(
            charts.theme_share_chart, share_bars, total_participants=overview["participants"]
        ),
        "relevance_chart": charts.cached_chart(
            charts.relevance_chart,
            relevant_pct=rel["relevant_pct"],
            irrelevant_pct=rel["irrelevant_pct"],
            participants=overview["participants"],
        ),
        "relevance_themes": themes_behind_relevance(themes),
        # Marked up by the template: each quote sets its stance words apart (before/evidence/after).
        "relevance_quotes": rel_quotes,
        "dimension_chart": charts.cached_chart(charts.dimension_chart, overview["dimensions"]),
        "dimensions": [d for d in dimensions if d["posts"]],
        "mentions_chart": charts.cached_chart(charts.mentions_chart, overview["mentions"]),
    }
    return render(request, "research/dashboard.html", context)


@login_required
@require_GET
def gap_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=READERS)
    # The dashboard's filters, shown (and refused, with their errors) as the dashboard shows them.
    form = filter_form(community=community, query=request.GET)
    filters = form.filters()
    gap = perception_gap(community=community, filters=filters)
    context = {
        "community": community,
        "membership": membership,
        "nav_section": "insights",
        "form": form,
        "filters": filters,
        "filter_query": filters_query(filters),
        # Ratings are not posts: these filters narrow the evidence and quotes, not the ratings.
        "posts_only_filters": bool(filters.segment or filters.date_from or filters.date_to or filters.brand),
        "gap": gap,
        # The page says why it lists fewer dimensions than the dashboard.
        "dimension_count": len(PERCEPTION_DIMENSIONS),
        "discussion": filters.discussion,
        # Answers kept (anonymised) from former members count in the customers' ratings: said so.
        "respondents": gap_former_respondents(community=community, discussion=filters.discussion),
        "chart": charts.cached_chart(
            charts.gap_dumbbell, gap["rows"], scale_min=gap["scale_min"], scale_max=gap["scale_max"]
        ),
    }
    return render(request, "research/gap.html", context)
