"""The dashboard's filters, applied to exports and written into them.

An export is read away from the page it came from, so every file says which posts it holds
(discussion, segment, dates, brand) and for whom it was made (researcher or client).
The filters are the dashboard's own (`DashboardFilterForm`, `DashboardFilters`), read from the
same query string, so a link from the dashboard exports exactly what the reader was looking at.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from community.models import Community, Membership
from research.dashboard_selectors import DashboardFilters, filter_choices
from research.exports.common import sees_originals
from research.forms import DashboardFilterForm

FILTER_FIELDS = ("discussion", "segment", "date_from", "date_to", "brand")


class ExportFilterError(ValueError):
    """Filters an export cannot apply; the message names each field and what was wrong."""


def filters_from_query(*, community: Community, query: QueryDict) -> DashboardFilters:
    """The filters in a request's query string, validated as the dashboard validates them.

    No filter given means every published post. Unlike the dashboard (which shows its errors
    beside the form), an export with a bad filter is refused: a file that silently held more
    than was asked for would be worse than no file.
    """
    if not any(query.get(name) for name in FILTER_FIELDS):
        return DashboardFilters()
    form = DashboardFilterForm(query, choices=filter_choices(community=community))
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label if name in form.fields else name}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        ]
        raise ExportFilterError("Filters: " + "; ".join(problems))
    return form.filters()


def filters_query(filters: DashboardFilters) -> str:
    """The filters as a query string for links (empty when nothing is filtered)."""
    params = {
        "discussion": filters.discussion.pk if filters.discussion else "",
        "segment": filters.segment,
        "date_from": filters.date_from.isoformat() if filters.date_from else "",
        "date_to": filters.date_to.isoformat() if filters.date_to else "",
        "brand": filters.brand,
    }
    return urlencode({k: v for k, v in params.items() if v})


def filter_pairs(filters: DashboardFilters) -> list[list[str]]:
    """Each active filter as [label, value], in the dashboard form's order."""
    pairs: list[list[str]] = []
    if filters.discussion is not None:
        pairs.append(["Discussion", filters.discussion.title])
    if filters.segment:
        pairs.append(["Segment", filters.segment])
    if filters.date_from:
        pairs.append(["Posted from", filters.date_from.isoformat()])
    if filters.date_to:
        pairs.append(["Posted to (inclusive)", filters.date_to.isoformat()])
    if filters.brand:
        pairs.append(["Brand mentioned", filters.brand])
    return pairs


def filter_rows(filters: DashboardFilters, *, reader: Membership) -> list[list[str]]:
    """What the file holds, as label/value rows: each filter (or that none applies) and the reader."""
    rows = filter_pairs(filters) or [["Filters", "none: every published post"]]
    for_researcher = sees_originals(reader)
    rows.append(
        [
            "Exported for",
            "a researcher (real names, original text)"
            if for_researcher
            else "a client (pseudonyms, personal details removed)",
        ]
    )
    rows.append(["Exported at", timezone.localtime().isoformat(timespec="minutes")])
    return rows


def filters_summary(filters: DashboardFilters) -> str:
    """One line for places with no room for a sheet (a CSV's first row, a .qdpx description)."""
    pairs = filter_pairs(filters)
    if not pairs:
        return "no filters (every published post)"
    return "; ".join(f"{label.lower()}: {value}" for label, value in pairs)


def post_filter_q(filters: DashboardFilters, prefix: str = "") -> Q:
    """The filters as a Q on posts reached through `prefix`.

    The dashboard's rules (`DashboardFilters.post_q`: segment as an exact element of the author's
    segments, dates as whole local days, brand as a mention), except that researchers' own posts
    are kept: in a discussion or a date range they are the questions the answers reply to.
    """
    q = Q()
    if filters.discussion is not None:
        q &= Q(**{f"{prefix}discussion_id": filters.discussion.pk})
    if filters.segment:
        q &= Q(**{f"{prefix}author__segments__icontains": json.dumps(filters.segment)})
    tz = timezone.get_current_timezone()
    if filters.date_from:
        q &= Q(**{f"{prefix}created_at__gte": datetime.combine(filters.date_from, time.min, tzinfo=tz)})
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=tz)
        q &= Q(**{f"{prefix}created_at__lt": end})
    if filters.brand:
        q &= Q(**{f"{prefix}analysis__mentions__icontains": f'"brand": {json.dumps(filters.brand)}'})
    return q
