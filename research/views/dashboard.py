"""The client dashboard and the perception gap (moderators and clients; participants and outsiders 404)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from community.access import get_community_for_member, get_discussion_for_member
from community.models import Role
from research import charts
from research.dashboard_selectors import (
    dashboard_overview,
    dashboard_themes,
    dimension_quotes,
    filter_choices,
    perception_gap,
    relevance_quotes,
    themes_behind_relevance,
)
from research.forms import DashboardFilterForm

READERS = [Role.MODERATOR, Role.CLIENT]


@login_required
@require_GET
def dashboard_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=READERS)
    form = DashboardFilterForm(request.GET or None, choices=filter_choices(community=community))
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
    share_bars = [charts.ShareBar(r.label, r.share, r.participants, r.posts, r.sentiment) for r in themes]
    dim_quotes = dimension_quotes(community=community, filters=filters)
    dimensions = [{**d, "quotes": dim_quotes[d["key"]]} for d in overview["dimensions"]]
    rel = overview["relevance"]
    context = {
        "community": community,
        "membership": membership,
        "nav_section": "insights",
        "form": form,
        "filters": filters,
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
        "relevance_quotes": relevance_quotes(community=community, filters=filters),
        "dimension_chart": charts.cached_chart(charts.dimension_chart, overview["dimensions"]),
        "dimensions": [d for d in dimensions if d["posts"]],
        "mentions_chart": charts.cached_chart(charts.mentions_chart, overview["mentions"]),
    }
    return render(request, "research/dashboard.html", context)


@login_required
@require_GET
def gap_view(request: HttpRequest, slug: str) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=READERS)
    discussion = None
    raw = request.GET.get("discussion", "")
    if raw.isdigit():
        discussion = get_discussion_for_member(membership, int(raw))
    gap = perception_gap(community=community, discussion=discussion)
    context = {
        "community": community,
        "membership": membership,
        "nav_section": "insights",
        "gap": gap,
        "discussion": discussion,
        "chart": charts.cached_chart(
            charts.gap_dumbbell, gap["rows"], scale_min=gap["scale_min"], scale_max=gap["scale_max"]
        ),
    }
    return render(request, "research/gap.html", context)
