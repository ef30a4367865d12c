"""The themes report: one sheet of themes (label, summary, counts, sentiment mix) and one of quotes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from community.models import Community, Membership
from community.percentages import whole_percents_of
from research.analysis.types import SENTIMENTS
from research.dashboard_selectors import DashboardFilters
from research.exports.common import author_name_for, post_text_for
from research.exports.filters import filter_rows
from research.exports.posts import xlsx_file
from research.exports.selectors import report_themes
from research.models import Theme

THEME_HEADER = [
    "theme",
    "summary",
    "participants",
    "posts",
    "positive",
    "negative",
    "neutral",
    "positive_share",
    "negative_share",
    "code",
]
QUOTE_HEADER = ["theme", "rank", "post_id", "author", "quote"]


def _theme_rows(themes: list[Theme]) -> Iterator[list]:
    yield list(THEME_HEADER)
    for theme in themes:
        mix = theme.sentiment_mix or {}
        counts = [int(mix.get(s, 0) or 0) for s in SENTIMENTS]
        # As the summary says them: the parts of one whole, adding up to 100.
        percents = dict(zip(SENTIMENTS, whole_percents_of(counts), strict=True)) if sum(counts) else None
        yield [
            theme.display_label,
            # The researcher's written summary for clients wins over the generated one, as on the pages.
            theme.researcher_summary or theme.summary,
            theme.participant_count,
            theme.post_count,
            int(mix.get("positive", 0) or 0),
            int(mix.get("negative", 0) or 0),
            int(mix.get("neutral", 0) or 0),
            # The share as the pages give it (0.63 where they say 63%).
            percents["positive"] / 100 if percents else "",
            percents["negative"] / 100 if percents else "",
            theme.code.name if theme.code else "",
        ]


def _quote_rows(reader: Membership, themes: list[Theme]) -> Iterator[list]:
    yield list(QUOTE_HEADER)
    for theme in themes:
        for rank, membership in enumerate(theme.report_quotes, start=1):
            post = membership.post
            yield [
                theme.display_label,
                rank,  # the quote's place in this report (stored ranks start at 0)
                post.pk,
                author_name_for(reader, post.author),
                post_text_for(reader, post),
            ]


def themes_report_xlsx(
    *, reader: Membership, community: Community, filters: DashboardFilters | None = None
) -> IO[bytes]:
    """Themes, quotes and the filters they were counted within. Two queries whatever the number
    of themes and quotes, a third for the counts within active filters."""
    filters = filters or DashboardFilters()
    themes = report_themes(community=community, filters=filters)
    return xlsx_file(
        [
            ("Themes", _theme_rows(themes)),
            ("Quotes", _quote_rows(reader, themes)),
            ("Filters", filter_rows(filters, reader=reader)),
        ]
    )
