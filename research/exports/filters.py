"""The dashboard's filters, applied to exports and written into them.

An export is read away from the page it came from, so every file says which posts it holds
(discussion, segment, dates, brand) and for whom it was made (researcher or client).
The filters are the dashboard's own (`DashboardFilterForm`, `DashboardFilters`), read from the
same query string, so a link from the dashboard exports exactly what the reader was looking at.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.text import slugify

from community.models import Community, Membership
from research.dashboard_selectors import DashboardFilters, filter_choices
from research.exports.common import sees_originals
from research.forms import EARLIEST_DATE, LATEST_DATE, DashboardFilterForm
from research.selectors import in_segment_q, mentions_brand_q

FILTER_FIELDS = ("discussion", "segment", "date_from", "date_to", "brand")


# How long a rejected value may be when it is echoed back in an error message, and how many
# unknown parameter names are.
_ECHO_CHARS = 40
_ECHO_NAMES = 10


class FilterError(ValueError):
    """Filters that cannot be applied. `errors` maps each bad query parameter to why, in the
    form's order; str() is one line naming them all ("Filters: date_from: ...")."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("Filters: " + "; ".join(f"{name}: {why}" for name, why in errors.items()))


class UnknownParameters(ValueError):
    """Query parameters an endpoint does not read. Ignoring them would answer a typo
    (`?segmnet=app`) with every post, looking filtered. str() names them and what is accepted."""

    def __init__(self, unknown: list[str], accepted: Sequence[str]):
        self.unknown = unknown
        self.accepted = list(accepted)
        shown = [name if len(name) <= _ECHO_CHARS else name[:_ECHO_CHARS] + "…" for name in unknown]
        if len(shown) > _ECHO_NAMES:
            shown = [*shown[:_ECHO_NAMES], f"and {len(shown) - _ECHO_NAMES} more"]
        names = ", ".join(f"'{name}'" for name in shown)
        known = f"accepted: {', '.join(self.accepted)}" if self.accepted else "this takes no parameters"
        super().__init__(f"Unknown parameter{'s' if len(unknown) > 1 else ''} {names}; {known}.")


def refuse_unknown_parameters(query: QueryDict, *, accepted: Sequence[str]) -> None:
    """Raises UnknownParameters when `query` holds a parameter not in `accepted`, even empty."""
    unknown = [name for name in query if name not in accepted]
    if unknown:
        raise UnknownParameters(unknown, accepted)


def filters_from_query(*, community: Community, query: QueryDict) -> DashboardFilters:
    """The filters in a query string (the dashboard's form, its field names as parameters),
    validated as the dashboard validates them; raises FilterError naming each bad parameter.

    The one parser behind the exports and the API. No filter given means every published post
    (and no query). Unlike the dashboard, which shows its errors beside the form, a bad filter is
    refused: a file or a page of results silently holding more than was asked for would be worse
    than none. A brand may be typed in any case: it is read as the community's spelling.
    """
    if not any(query.get(name) for name in FILTER_FIELDS):
        return DashboardFilters()
    form = filter_form(community=community, query=query)
    if not form.is_valid():
        raise FilterError(
            {name: _why(name, form.data[name], form) for name in FILTER_FIELDS if name in form.errors}
            or {"filters": " ".join(form.non_field_errors())}
        )
    return form.filters()


def filter_form(*, community: Community, query: QueryDict) -> DashboardFilterForm:
    """The dashboard's filter form bound to a query string (unbound when it names no filter),
    with a brand or a segment typed in another case read as the community spells it, so "acme"
    filters by "Acme" and "lapsed" by "Lapsed" instead of being refused as an unknown choice. A
    segment may also be given as the slug export file names carry ("in-store" for "In store")."""
    choices = filter_choices(community=community)
    data = None
    if any(query.get(name) for name in FILTER_FIELDS):
        data = {name: query.get(name, "") for name in FILTER_FIELDS}
        data["brand"] = _known_spelling(data["brand"], choices["brands"])
        data["segment"] = _known_spelling(data["segment"], choices["segments"], slugs=True)
    form = DashboardFilterForm(data, choices=choices)
    form.choices = choices  # the known values an error message lists
    return form


def _known_spelling(value: str, known: list[str], *, slugs: bool = False) -> str:
    """`value` as spelled in `known` when it differs only in case (an exact spelling wins). With
    `slugs`, else the one known value whose slug it is; anything else is returned as given, for the
    form to refuse."""
    if not value or value in known:
        return value
    folded = value.strip().casefold()
    same = next((k for k in known if k.casefold() == folded), None)
    if same is not None or not slugs:
        return same if same is not None else value
    slug = slugify(value)
    by_slug = [k for k in known if slug and slugify(k) == slug]
    return by_slug[0] if len(by_slug) == 1 else value


def _why(name: str, raw: str, form: DashboardFilterForm) -> str:
    """Why the form refused the parameter `name`, in words naming the value and what is expected."""
    shown = raw if len(raw) <= _ECHO_CHARS else raw[:_ECHO_CHARS] + "…"
    if name == "discussion":
        if not (raw.strip().isascii() and raw.strip().isdigit()):
            return f"'{shown}' is not a discussion id (a whole number)"
        return f"{raw.strip()} is not a published discussion of this community"
    if name in ("date_from", "date_to"):
        codes = {error.code for error in form.errors.as_data()[name]}
        if "out_of_range" in codes:
            return f"{raw} is out of range (use a date between {EARLIEST_DATE} and {LATEST_DATE})"
        if "invalid" not in codes:
            # A date, but the form's range check refused it: date_to before date_from.
            return f"{raw} is before date_from ({form.cleaned_data['date_from'].isoformat()})"
        return f"'{shown}' is not a date (YYYY-MM-DD)"
    if name == "segment":
        known = ", ".join(form.choices["segments"]) or "none yet"
        return f"'{shown}' is not a segment of this community (segments: {known})"
    if name == "brand":
        return f"'{shown}' is not a brand of this community (brands: {', '.join(form.choices['brands'])})"
    return " ".join(form.errors[name])


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
    """One line for places with no room for a sheet (a .qdpx project's description)."""
    pairs = filter_pairs(filters)
    if not pairs:
        return "no filters (every published post)"
    return "; ".join(f"{label.lower()}: {value}" for label, value in pairs)


# A file name has to stay short enough for every system that saves it: the slug of the filters
# keeps its first words whole and leaves out the rest (the file itself is the full record).
FILENAME_SLUG_CHARS = 60


def filters_slug(filters: DashboardFilters) -> str:
    """The filters as a short, file-name-safe slug ("discussion-checkout-segment-in-store"), for
    a download's name: a CSV has no room for a note before its header, so its name says what it
    holds. Empty when nothing is filtered. A discussion whose title leaves no letters (all
    non-Latin) is named by its id."""
    parts: list[str] = []
    if filters.discussion is not None:
        parts.append("discussion-" + (slugify(filters.discussion.title) or str(filters.discussion.pk)))
    if filters.segment:
        parts.append("segment-" + (slugify(filters.segment) or "other"))
    if filters.date_from:
        parts.append(f"from-{filters.date_from.isoformat()}")
    if filters.date_to:
        parts.append(f"to-{filters.date_to.isoformat()}")
    if filters.brand:
        parts.append("brand-" + (slugify(filters.brand) or "other"))
    slug = "-".join(parts)
    if len(slug) > FILENAME_SLUG_CHARS:
        slug = slug[: FILENAME_SLUG_CHARS + 1].rsplit("-", 1)[0]
    return slug


def post_filter_q(filters: DashboardFilters, prefix: str = "", *, analysis_prefix: str | None = None) -> Q:
    """The filters as a Q on posts reached through `prefix` (their analysis through
    `analysis_prefix`, by default the post's `analysis__`; "" when querying analyses).

    The dashboard's rules (`DashboardFilters.analysis_q`: segment as an element of the author's
    segments, dates as whole local days, brand as a mention matched by `mentions_brand_q`), except
    that researchers' own posts are kept: in a discussion or a date range they are the questions
    the answers reply to.
    """
    q = Q()
    if filters.discussion is not None:
        q &= Q(**{f"{prefix}discussion_id": filters.discussion.pk})
    if filters.segment:
        q &= in_segment_q(filters.segment, f"{prefix}author__segments")
    tz = timezone.get_current_timezone()
    if filters.date_from:
        q &= Q(**{f"{prefix}created_at__gte": datetime.combine(filters.date_from, time.min, tzinfo=tz)})
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=tz)
        q &= Q(**{f"{prefix}created_at__lt": end})
    if filters.brand:
        analysis = f"{prefix}analysis__" if analysis_prefix is None else analysis_prefix
        q &= mentions_brand_q(filters.brand, f"{analysis}mentioned_brands")
    return q


# --- Whose posts: a filter of the posts exports and the API's posts only ---

# A posts export holds every published post, moderators' questions and replies included (its
# `author_role` column tells them apart); insights count participants' posts only.
# `?author_role=participant` keeps those, so a reader can match the dashboard's post count.
AUTHOR_ROLES = ("participant", "moderator")
POST_FILTER_FIELDS = (*FILTER_FIELDS, "author_role")


def author_role_errors(query: QueryDict) -> dict[str, str]:
    """Why `author_role` in `query` cannot be applied ({} when it is absent or valid)."""
    raw = query.get("author_role", "")
    if not raw or raw in AUTHOR_ROLES:
        return {}
    shown = raw if len(raw) <= _ECHO_CHARS else raw[:_ECHO_CHARS] + "…"
    return {"author_role": f"'{shown}' is not an author role (use {' or '.join(AUTHOR_ROLES)})"}


def post_filters_from_query(*, community: Community, query: QueryDict) -> tuple[DashboardFilters, str]:
    """The dashboard's filters and `author_role` ("" for everyone's posts), for the posts exports;
    raises FilterError naming every bad one at once."""
    errors = author_role_errors(query)
    try:
        filters = filters_from_query(community=community, query=query)
    except FilterError as error:
        raise FilterError({**error.errors, **errors}) from error
    if errors:
        raise FilterError(errors)
    return filters, query.get("author_role", "")
