"""Posts with their analysis and themes, as CSV (streamed) or XLSX."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from community.models import Community, Discussion, Membership, Post
from research.dashboard_selectors import DashboardFilters
from research.exports.common import (
    analysis_of,
    author_name_for,
    phrase_for,
    post_text_for,
    safe_cell,
    sees_originals,
)
from research.exports.selectors import export_posts, post_theme_labels
from research.run_selectors import not_analysable_label
from research.selectors import dimensions_polarity

HEADER = [
    "post_id",
    "imported_id",
    "discussion",
    "parent_id",
    "created_at",
    "author",
    # "participant" or "moderator": insights count participants' posts only (a moderator's
    # prompts and replies are context, not evidence), so a reader can match the dashboard.
    "author_role",
    "segments",
    "text",
    "sentiment",
    "sentiment_score",
    "relevance",
    "relevance_phrase",
    "dimensions",
    "brand_mentions",
    "themes",
    # Last, so readers of the earlier columns keep working: why a post has no analysis (a warm-up
    # left out, no words, not English, too long), as the Analysis page says it; empty when analysed.
    "not_analysed_reason",
]
# Researchers' columns only. A post's id in the file it was imported from (often a forum's or a
# review site's own post id) can lead a reader back to the public post and its author's account.
RESEARCHER_COLUMNS = ("imported_id",)


def header_for(reader: Membership) -> list[str]:
    """The posts export's columns as `reader` gets them."""
    return [c for c in HEADER if sees_originals(reader) or c not in RESEARCHER_COLUMNS]


def _row(reader: Membership, post: Post, themes: list[str]) -> list:
    analysis = analysis_of(post)
    usable = analysis is not None and analysis.analysable
    mentions = analysis.mentions if usable else []
    return [
        post.pk,
        post.imported_id,
        post.discussion.title,
        post.parent_id or "",
        post.created_at,  # ISO text in CSV, a date-and-time cell in XLSX
        author_name_for(reader, post.author),
        post.author.role,
        "; ".join(post.author.segments or []),
        post_text_for(reader, post),
        analysis.sentiment if usable else "",
        round(analysis.sentiment_score, 4) if usable else "",
        analysis.relevance if usable else "",
        phrase_for(reader, post, analysis.relevance_phrase) if usable else "",
        "; ".join(f"{d}:{p}" for d, p in dimensions_polarity(analysis.dimensions).items()) if usable else "",
        _brand_mentions_cell(mentions),
        "; ".join(themes),
        not_analysable_label(analysis.reason) if analysis is not None and not usable else "",
    ]


def _brand_mentions_cell(mentions: list) -> str:
    """One entry per brand a post names, in the order first named, as the dashboard counts a
    post once per brand (`mentioned_brands`): "Tandem (competitor, positive)". A brand named
    with different sentiments in one post reads "mixed"."""
    seen: dict[str, tuple[bool, set[str]]] = {}
    for m in mentions or []:
        if not isinstance(m, dict):
            continue
        brand = m.get("brand")
        if not isinstance(brand, str) or not brand:
            continue
        competitor, sentiments = seen.setdefault(brand, (bool(m.get("is_competitor")), set()))
        seen[brand] = (competitor or bool(m.get("is_competitor")), sentiments)
        sentiments.add(str(m.get("sentiment") or "neutral"))
    return "; ".join(
        f"{brand} ({'competitor' if competitor else 'brand'}, "
        f"{next(iter(sentiments)) if len(sentiments) == 1 else 'mixed'})"
        for brand, (competitor, sentiments) in seen.items()
    )


def post_export_rows(
    *,
    reader: Membership,
    community: Community,
    discussion: Discussion | None = None,
    filters: DashboardFilters | None = None,
    author_role: str = "",
) -> Iterator[list]:
    """The header (`header_for` the reader), then one row per published post (within the
    dashboard's `filters`), oldest first. Two queries for any number of posts (theme labels, then
    the posts streamed in chunks).

    Always a plain table, header first, filtered or not, so pandas and spreadsheets read it as it
    is; the filters are said by the download's name (`filters_slug`) and, in a workbook, by its
    Filters sheet.
    """
    labels = post_theme_labels(community=community, filters=filters)
    header = header_for(reader)
    yield header
    kept = [i for i, column in enumerate(HEADER) if column in header]
    posts = export_posts(community=community, discussion=discussion, filters=filters, author_role=author_role)
    for post in posts.iterator(chunk_size=2000):
        row = _row(reader, post, labels.get(post.pk, []))
        yield [safe_cell(row[i]) for i in kept]


class _Echo:
    """A file-like that hands back what csv.writer writes, so rows stream one by one."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # A BOM so Excel opens UTF-8 pseudonyms and accents correctly.
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([_csv_cell(v) for v in row])


def _csv_cell(value):
    # ISO 8601 with its offset, so a script reads the exact moment back.
    return value.isoformat() if isinstance(value, datetime) else value


def xlsx_file(sheets: Iterable[tuple[str, Iterable[list]]]) -> IO[bytes]:
    """A write-only workbook (rows are not kept in memory), spooled to disk past a few MB."""
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        for row in rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    # Returned open: the response streams it and closes it.
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115
    workbook.save(out)
    out.seek(0)
    return out


# Excel has no time zones: a moment is written as UTC and its format says so.
XLSX_DATETIME_FORMAT = 'yyyy-mm-dd hh:mm:ss "UTC"'


def _xlsx_cell(sheet, value):
    if isinstance(value, datetime):
        # A real date cell (sortable, filterable), not text; naive because XLSX cannot hold a zone.
        moment = value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        cell = WriteOnlyCell(sheet, value=moment)
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    # Control characters are not allowed in XLSX cells; openpyxl would refuse the whole file.
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return safe_cell(value)
