"""Export downloads for moderators and clients. Thin: access helper, builder, response.

Participants and outsiders get 404 (never 403), as everywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from community.access import get_community_for_member, get_discussion_for_member
from community.models import Community, Membership, Role
from community.selectors import discussions_visible_to
from research.dashboard_selectors import DashboardFilters
from research.exports.filters import (
    FILTER_FIELDS,
    POST_FILTER_FIELDS,
    FilterError,
    UnknownParameters,
    filter_form,
    filter_pairs,
    filter_rows,
    filters_from_query,
    filters_query,
    filters_slug,
    post_filters_from_query,
    refuse_unknown_parameters,
)
from research.exports.posts import csv_lines, post_export_rows, xlsx_file
from research.exports.qdpx import qdpx_project
from research.exports.streaming import download, file_chunks
from research.exports.themes import themes_report_xlsx
from research.exports.transcript import transcript_lines
from research.views.errors import bad_request

READERS = [Role.MODERATOR, Role.CLIENT]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(community: Community, what: str, ext: str, filters: DashboardFilters | None = None) -> str:
    """`acme-posts-20261124-0900.csv`, or for a filtered file
    `acme-posts-filtered-discussion-checkout-segment-in-store-20261124-0900.csv`: the name is where
    a CSV says what it holds, as its first row must be its header."""
    filtered = ""
    if filters is not None and filters.active:
        filtered = "-filtered" + (f"-{slug}" if (slug := filters_slug(filters)) else "")
    return f"{community.slug}-{what}{filtered}-{timezone.now():%Y%m%d-%H%M}.{ext}"


def _bad_request(request: HttpRequest, error: Exception, slug: str) -> HttpResponse:
    """400 naming what was wrong: the site's page with a way back to the exports for a browser."""
    query = request.GET.urlencode()
    back = reverse("research:exports", args=[slug]) + (f"?{query}" if query else "")
    return bad_request(request, error, back_url=back)


def filtered_export(view: Callable[..., HttpResponse] | None = None, *, author_role: bool = False):
    """Wraps an export of a community's posts: resolves the reader (participants and outsiders
    get 404 before any filter is read, so validation gives them no hint), parses the filters in
    the query string and calls `view(request, community=, membership=, filters=)`, or answers
    400 naming each bad filter or unknown parameter: a file holding more than was asked for
    would mislead. `@filtered_export(author_role=True)` (the posts files) also reads
    `author_role` and passes it on as `author_role=` ("" for everyone's posts)."""
    if view is None:
        return lambda view: filtered_export(view, author_role=author_role)

    @login_required
    @require_GET
    @wraps(view)
    def wrapper(request: HttpRequest, slug: str) -> HttpResponse:
        community, membership = get_community_for_member(request.user, slug, roles=READERS)
        extra = {}
        try:
            refuse_unknown_parameters(
                request.GET, accepted=POST_FILTER_FIELDS if author_role else FILTER_FIELDS
            )
            if author_role:
                filters, extra["author_role"] = post_filters_from_query(
                    community=community, query=request.GET
                )
            else:
                filters = filters_from_query(community=community, query=request.GET)
        except (UnknownParameters, FilterError) as error:
            return _bad_request(request, error, slug)
        return view(request, community=community, membership=membership, filters=filters, **extra)

    return wrapper


def _posts_name(author_role: str) -> str:
    """`posts`, or `participant-posts` for the posts of one role, so a saved file says so."""
    return f"{author_role}-posts" if author_role else "posts"


@login_required
@require_GET
def exports_index_view(request: HttpRequest, slug: str) -> HttpResponse:
    """The export links, carrying the filters in the query string (the dashboard links here with its own)."""
    community, membership = get_community_for_member(request.user, slug, roles=READERS)
    form = filter_form(community=community, query=request.GET)
    filters = form.filters()
    return render(
        request,
        "research/exports.html",
        {
            "community": community,
            "membership": membership,
            "discussions": discussions_visible_to(membership),
            "form": form,
            "filters": filters,
            "filter_query": filters_query(filters),
            "filter_pairs": filter_pairs(filters),
        },
    )


@filtered_export(author_role=True)
def export_posts_csv_view(
    request: HttpRequest,
    *,
    community: Community,
    membership: Membership,
    filters: DashboardFilters,
    author_role: str,
) -> HttpResponse:
    rows = post_export_rows(reader=membership, community=community, filters=filters, author_role=author_role)
    return download(
        request,
        csv_lines(rows),
        filename=_filename(community, _posts_name(author_role), "csv", filters),
        content_type="text/csv; charset=utf-8",
    )


@filtered_export(author_role=True)
def export_posts_xlsx_view(
    request: HttpRequest,
    *,
    community: Community,
    membership: Membership,
    filters: DashboardFilters,
    author_role: str,
) -> HttpResponse:
    rows = post_export_rows(reader=membership, community=community, filters=filters, author_role=author_role)
    described = filter_rows(filters, reader=membership)
    if author_role:
        # Said before the reader rows; "none" would no longer be true of the filters.
        described = [r for r in described if r[0] != "Filters"]
        described.insert(len(described) - 2, ["Posts by", f"{author_role}s only"])
    file = xlsx_file([("Posts", rows), ("Filters", described)])
    return download(
        request,
        file_chunks(file),
        filename=_filename(community, _posts_name(author_role), "xlsx", filters),
        content_type=XLSX,
    )


@filtered_export
def export_themes_xlsx_view(
    request: HttpRequest, *, community: Community, membership: Membership, filters: DashboardFilters
) -> HttpResponse:
    file = themes_report_xlsx(reader=membership, community=community, filters=filters)
    return download(
        request,
        file_chunks(file),
        filename=_filename(community, "themes", "xlsx", filters),
        content_type=XLSX,
    )


@login_required
@require_GET
def export_transcript_view(request: HttpRequest, slug: str, discussion_id: int) -> HttpResponse:
    community, membership = get_community_for_member(request.user, slug, roles=READERS)
    discussion = get_discussion_for_member(membership, discussion_id)
    try:
        # A transcript is the whole discussion: a filter here would be silently ignored.
        refuse_unknown_parameters(request.GET, accepted=())
    except UnknownParameters as error:
        return _bad_request(request, error, slug)
    return download(
        request,
        transcript_lines(reader=membership, discussion=discussion),
        filename=_filename(community, f"transcript-{discussion.pk}", "txt"),
        content_type="text/plain; charset=utf-8",
    )


@filtered_export
def export_qdpx_view(
    request: HttpRequest, *, community: Community, membership: Membership, filters: DashboardFilters
) -> HttpResponse:
    result = qdpx_project(reader=membership, community=community, filters=filters)
    return download(
        request,
        file_chunks(result.file),
        filename=_filename(community, "codebook", "qdpx", filters),
        content_type="application/zip",
    )
