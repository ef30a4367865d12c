"""Server-rendered, accessible SVG charts: no JavaScript, no CDN.

Each builder returns a `Chart`: the SVG (role="img" with <title> and <desc>, labels drawn
as text) and the same numbers as a table, shown under the chart (`Chart.figure`, included by
`research/_chart.html`) for screen readers and for anyone who wants the figures.
Colours meet 3:1 contrast against white for graphics and 4.5:1 for text.

Charts with text have no viewBox: text is drawn in CSS pixels (never under 12 px, so it stays
readable on a 390 px phone, where a scaled-down viewBox shrank it to 6 px), each label sits on its
own line above its bar, and bars and dots are placed in percentages of the width.

`cached_chart` builds and renders a chart once per distinct input: a dashboard whose numbers did
not move serves the stored figure instead of drawing it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.template.defaultfilters import pluralize
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from community.percentages import round_half_up

COLORS = {
    "positive": "#1e6b3a",
    "neutral": "#6b7580",
    "negative": "#b42318",
    "client": "#8a5a00",
    "participant": "#1f5f5b",
    "track": "#e3e0da",
    "text": "#1f2933",
    "muted": "#5f6b76",
}


@dataclass
class Chart:
    title: str
    description: str
    svg: SafeString
    headers: list[str] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    small: bool = False

    @cached_property
    def figure(self) -> SafeString:
        """The chart, its legend and the table behind it, as one <figure>."""
        legend = ""
        if self.legend:
            legend = format_html(
                '<div class="chart-legend" aria-hidden="true">{}</div>',
                format_html_join(
                    "",
                    '<span><span class="swatch" style="background: {}"></span>{}</span>',
                    ((color, name) for name, color in self.legend),
                ),
            )
        body = format_html_join(
            "", "<tr>{}</tr>", ((_table_cells(row),) for row in self.rows)
        ) or format_html('<tr><td colspan="{}">No data.</td></tr>', len(self.headers))
        return format_html(
            '<figure class="chart insight-chart{}">{}{}<details class="chart-data">'
            "<summary>Show the data behind “{}”</summary>"
            '<div class="table-wrap"><table class="table">'
            '<caption class="visually-hidden">{}</caption>'
            "<thead><tr>{}</tr></thead><tbody>{}</tbody></table></div></details></figure>",
            " chart-small" if self.small else "",
            self.svg,
            legend,
            self.title,
            self.title,
            format_html_join("", '<th scope="col">{}</th>', ((h,) for h in self.headers)),
            body,
        )


def _table_cells(row: list) -> SafeString:
    first, *rest = row or [""]
    return format_html(
        '<th scope="row">{}</th>{}',
        first,
        format_html_join("", '<td class="num">{}</td>', ((c,) for c in rest)),
    )


class ShareBar(NamedTuple):
    """What `theme_share_chart` reads of a theme row: a plain, exactly comparable cache input."""

    label: str
    share: float
    participants: int
    posts: int
    sentiment: dict[str, int]


def cached_chart(builder: Callable[..., Chart], /, *args: Any, **kwargs: Any) -> Chart:
    """`builder(*args, **kwargs)` with its figure rendered, kept in the cache under a digest of the
    builder and its inputs (plain values whose repr says everything the chart draws), so the same
    numbers are never drawn twice while the cache holds them."""
    seconds = settings.VERBATIM["DASHBOARD_CACHE_SECONDS"]
    if seconds <= 0:
        return builder(*args, **kwargs)
    digest = hashlib.sha256(repr((builder.__qualname__, args, sorted(kwargs.items()))).encode()).hexdigest()
    key = f"vb:chart:{digest[:32]}"
    chart = cache.get(key)
    if chart is None:
        chart = builder(*args, **kwargs)
        chart.figure  # noqa: B018 - rendered now so the cached copy carries it
        cache.set(key, chart, seconds)
    return chart


def _count(n: int, noun: str) -> str:
    """A count with its noun, singular for one ("1 participant", "3 posts"), as templates pluralize."""
    return f"{n} {noun}{pluralize(n)}"


def _t(value) -> str:
    return escape(str(value))


# Text sizes in CSS pixels. The charts below have no viewBox, so nothing rescales their text: a
# label drawn at 14 is 14 px on a 390 px phone and on a wide desktop alike. Bars and dots are
# placed in percentages of the chart's width instead, so the drawing stretches and text does not.
FONT = 14
FONT_SMALL = 12
# Labels sit on their own line above each bar; this many characters fit beside the value on a
# 390 px phone (the full label is in the bar's tooltip and in the table).
LABEL_CHARS = 30


def _uid(title: str, desc: str, body: list[str]) -> str:
    # Named after the content, not a counter: a chart served from the cache keeps ids that cannot
    # collide with another chart's on the same page.
    return "vbchart" + hashlib.sha256("\x00".join((title, desc, *body)).encode()).hexdigest()[:12]


def _svg(height: int, title: str, desc: str, body: list[str]) -> SafeString:
    """A chart as wide as its container and `height` CSS pixels tall, drawn without scaling."""
    uid = _uid(title, desc, body)
    return mark_safe(  # noqa: S308 - every interpolated value passes through escape()
        f'<svg class="fluid-chart" width="100%" height="{height}" style="height: {height}px" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="{FONT}">'
        f'<title id="{uid}-t">{_t(title)}</title><desc id="{uid}-d">{_t(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _svg_fixed(width: int, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    """A small picture drawn at its own size (a sparkline): the viewBox matches its CSS size."""
    uid = _uid(title, desc, body)
    return mark_safe(  # noqa: S308 - every interpolated value passes through escape()
        f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{uid}-t {uid}-d" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="{FONT_SMALL}">'
        f'<title id="{uid}-t">{_t(title)}</title><desc id="{uid}-d">{_t(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _pc(value: float) -> str:
    """A coordinate in percent of the chart's width."""
    return f"{max(0.0, min(value, 100.0)):.2f}%"


def _clip(label: str, n: int = LABEL_CHARS) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def _label_row(
    y: int, label: str, value: str, *, bold_value: bool = True, value_fill: str = "", clip: int = LABEL_CHARS
) -> list[str]:
    """One line of text above a bar: the label on the left, its figure on the right."""
    weight = ' font-weight="600"' if bold_value else ""
    return [
        f'<text x="0" y="{y}" fill="{COLORS["text"]}">{_t(_clip(label, clip))}<title>{_t(label)}</title></text>',
        f'<text x="100%" y="{y}" text-anchor="end" fill="{value_fill or COLORS["text"]}"{weight}>{_t(value)}</text>',
    ]


def one_decimal(value: float) -> Decimal:
    """A rating or a gap to one decimal place, halves away from zero (14.25 -> 14.3), rounded
    once from the exact mean. f"{14.25:.1f}" says 14.2 (halves to even): the chart said 14.2
    beside the card's 14.3."""
    return round_half_up(value, 1)


def score(value: float | None) -> str:
    """A scorecard mean or a gap's size, always to one decimal place ("14.0", "3.7")."""
    if value is None:
        return "–"
    rounded = one_decimal(value)
    return "0.0" if rounded == 0 else f"{rounded}"


def signed(value: float | None) -> str:
    """A gap with its direction, to one decimal place ("+3.7", "-1.0"); one that rounds to 0.0
    has none ("0.0")."""
    if value is None:
        return "–"
    rounded = one_decimal(value)
    return "0.0" if rounded == 0 else f"{rounded:+}"


def whole_percent(value: float) -> int:
    """A share already in percent, to whole percent: halves go up (62.5 -> 63), as people round,
    not to even as Python's round() and f"{x:.0f}" do. The selectors hand over shares already
    rounded once from their counts (`community.percentages.whole_percent_of`), which this leaves
    as they are; never pass it a share rounded to a decimal first (12.45 -> 12.5 -> 13)."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent(value: float | None) -> str:
    """A share, in whole percent ("31%"), rounded by `whole_percent`."""
    return "–" if value is None else f"{whole_percent(value)}%"


def theme_share_chart(rows: Sequence, *, total_participants: int) -> Chart:
    """Horizontal bars: each theme's share of participants, split by the sentiment of its posts."""
    title = "Themes by share of participants"
    row_h = 50
    body: list[str] = []
    table = []
    for i, r in enumerate(rows):
        y = i * row_h
        body += _label_row(y + 17, r.label, percent(r.share))
        body.append(f'<rect x="0" y="{y + 25}" width="100%" height="18" fill="{COLORS["track"]}" rx="3"/>')
        length = min(r.share, 100)
        total = sum(r.sentiment.values()) or 1
        x = 0.0
        for key in ("positive", "neutral", "negative"):
            w = length * r.sentiment.get(key, 0) / total
            if w > 0:
                body.append(
                    f'<rect x="{_pc(x)}" y="{y + 25}" width="{_pc(w)}" height="18" fill="{COLORS[key]}">'
                    f"<title>{_t(r.label)}: {_count(r.sentiment.get(key, 0), key + ' post')}</title></rect>"
                )
            x += w
        s = r.sentiment
        table.append(
            [
                r.label,
                percent(r.share),
                r.participants,
                r.posts,
                s.get("positive", 0),
                s.get("neutral", 0),
                s.get("negative", 0),
            ]
        )
    if not rows:
        body.append(f'<text x="0" y="20" fill="{COLORS["muted"]}">No themes for these filters.</text>')
    desc = (
        "; ".join(
            f"{r.label}: {percent(r.share)} of {_count(total_participants, 'participant')}" for r in rows[:8]
        )
        or "No themes."
    )
    return Chart(
        title=title,
        description=desc,
        svg=_svg(row_h * max(len(rows), 1), title, desc, body),
        headers=[
            "Theme",
            "Share of participants",
            "Participants",
            "Posts",
            "Positive",
            "Neutral",
            "Negative",
        ],
        rows=table,
        legend=[
            ("Positive", COLORS["positive"]),
            ("Neutral", COLORS["neutral"]),
            ("Negative", COLORS["negative"]),
        ],
    )


def sparkline(points: Sequence[tuple], *, label: str) -> Chart:
    """A theme's posts per period, as a small line."""
    title = f"{label}: posts over time"
    width, height, pad = 160, 36, 3
    values = [v for _, v in points]
    body: list[str] = []
    if len(values) >= 2:
        peak = max(values) or 1
        step = (width - 2 * pad) / (len(values) - 1)
        coords = " ".join(
            f"{pad + i * step:.1f},{height - pad - (height - 2 * pad) * v / peak:.1f}"
            for i, v in enumerate(values)
        )
        body.append(
            f'<polyline points="{coords}" fill="none" stroke="{COLORS["participant"]}" stroke-width="2"/>'
        )
    else:
        body.append(f'<text x="0" y="22" fill="{COLORS["muted"]}">not enough data</text>')
    desc = ", ".join(f"from {d:%d %b}: {v}" for d, v in points) or "No posts."
    return Chart(
        title=title,
        description=desc,
        svg=_svg_fixed(width, height, title, desc, body),
        headers=["Period starting", "Posts"],
        rows=[[f"{d:%Y-%m-%d}", v] for d, v in points],
        small=True,
    )


def _bar_rows(
    items: Sequence[tuple[str, str, float, str]], *, row_h: int = 50, clip: int = LABEL_CHARS
) -> list[str]:
    """Label-over-bar rows: (label, figure, bar length in percent of the width, colour)."""
    body: list[str] = []
    for i, (label, figure, length, color) in enumerate(items):
        y = i * row_h
        body += _label_row(y + 17, label, figure, clip=clip)
        body.append(
            f'<rect x="0" y="{y + 25}" width="100%" height="18" fill="{COLORS["track"]}" rx="3"/>'
            f'<rect x="0" y="{y + 25}" width="{_pc(length)}" height="18" fill="{color}" rx="3"/>'
        )
    return body


def relevance_chart(*, relevant_pct: float, irrelevant_pct: float, participants: int) -> Chart:
    """Two bars: who finds the brand relevant to them, who finds it irrelevant."""
    title = "Relevance lens"
    body = _bar_rows(
        [
            ("Relevant to them", percent(relevant_pct), relevant_pct, COLORS["positive"]),
            ("Irrelevant to them", percent(irrelevant_pct), irrelevant_pct, COLORS["negative"]),
        ]
    )
    desc = (
        f"{percent(relevant_pct)} of {_count(participants, 'participant')} said something the brand offers or says is relevant "
        f"to them; {percent(irrelevant_pct)} said something is irrelevant."
    )
    return Chart(
        title=title,
        description=desc,
        svg=_svg(100, title, desc, body),
        headers=["Stance", "Share of participants"],
        rows=[["Relevant to them", percent(relevant_pct)], ["Irrelevant to them", percent(irrelevant_pct)]],
        legend=[("Relevant", COLORS["positive"]), ("Irrelevant", COLORS["negative"])],
    )


def dimension_chart(dimensions: Sequence[dict]) -> Chart:
    """Diverging bars per perception dimension: negative signals left, positive right (share of posts)."""
    title = "Brand perception by dimension"
    row_h, top = 70, 22
    rows = [d for d in dimensions if d["posts"]]
    height = top + row_h * max(len(rows), 1)
    body = [
        f'<text x="50%" dx="-6" y="14" text-anchor="end" fill="{COLORS["muted"]}" font-size="{FONT_SMALL}">'
        "◀ negative</text>",
        f'<text x="50%" dx="6" y="14" fill="{COLORS["muted"]}" font-size="{FONT_SMALL}">positive ▶</text>',
    ]
    for i, d in enumerate(rows):
        y = top + i * row_h
        # Each side gets half the width: 100% of posts on one side fills that half.
        neg, pos = d["negative_pct"] / 2, d["positive_pct"] / 2
        body += _label_row(
            y + 16, d["label"], _count(d["posts"], "post"), bold_value=False, value_fill=COLORS["muted"]
        )
        body += [
            f'<rect x="{_pc(50 - neg)}" y="{y + 24}" width="{_pc(neg)}" height="18" fill="{COLORS["negative"]}"/>',
            f'<rect x="50%" y="{y + 24}" width="{_pc(pos)}" height="18" fill="{COLORS["positive"]}"/>',
            f'<line x1="50%" y1="{y + 20}" x2="50%" y2="{y + 46}" stroke="{COLORS["muted"]}"/>',
            f'<text x="50%" dx="-6" y="{y + 60}" text-anchor="end" fill="{COLORS["negative"]}" '
            f'font-size="{FONT_SMALL + 1}">{percent(d["negative_pct"])} negative</text>',
            f'<text x="50%" dx="6" y="{y + 60}" fill="{COLORS["positive"]}" font-size="{FONT_SMALL + 1}">'
            f"{percent(d['positive_pct'])} positive</text>",
        ]
    if not rows:
        body.append(f'<text x="0" y="{top + 22}" fill="{COLORS["muted"]}">No perception signals yet.</text>')
    desc = (
        "; ".join(
            f"{d['label']}: {percent(d['positive_pct'])} positive, {percent(d['negative_pct'])} negative of {_count(d['posts'], 'post')}"
            for d in rows
        )
        or "No perception signals."
    )
    return Chart(
        title=title,
        description=desc,
        svg=_svg(height, title, desc, body),
        headers=["Dimension", "Posts", "Positive", "Negative"],
        rows=[
            [d["label"], d["posts"], percent(d["positive_pct"]), percent(d["negative_pct"])]
            for d in dimensions
        ],
        legend=[("Positive signals", COLORS["positive"]), ("Negative signals", COLORS["negative"])],
    )


def mentions_chart(mentions: Sequence[dict]) -> Chart:
    title = "Brand and competitor mentions"
    peak = max((m["participant_pct"] for m in mentions), default=0) or 1
    body = _bar_rows(
        [
            (
                m["brand"],
                f"{percent(m['participant_pct'])} ({_count(m['posts'], 'post')})",
                100 * m["participant_pct"] / peak,
                COLORS["participant"] if m["is_own"] else COLORS["client"],
            )
            for m in mentions
        ],
        # Its figure ("38% (23 posts)") is wider than a share: fewer characters for the brand.
        clip=22,
    )
    desc = "; ".join(
        f"{m['brand']}: mentioned by {percent(m['participant_pct'])} of participants" for m in mentions
    )
    return Chart(
        title=title,
        description=desc or "No brands configured.",
        svg=_svg(50 * max(len(mentions), 1), title, desc, body),
        headers=["Brand", "Participants mentioning", "Posts"],
        rows=[[m["brand"], percent(m["participant_pct"]), m["posts"]] for m in mentions],
        legend=[("Your brand", COLORS["participant"]), ("Competitors", COLORS["client"])],
    )


def gap_dumbbell(rows: Sequence[dict], *, scale_min: int, scale_max: int) -> Chart:
    """One line per dimension from the participants' mean to the client team's self-assessment.

    The longer the line, the bigger the gap; the dot colours say who is who. Read in seconds.
    Every figure is to one decimal place, as on the rest of the gap page.
    """
    title = "Perception gap: how you rate yourselves vs. how customers rate you"
    row_h, top = 56, 24
    span = (scale_max - scale_min) or 1
    height = top + row_h * max(len(rows), 1)

    def x(v: float) -> str:
        # 3% margins keep the end dots (7 px radius) and the end tick labels inside the picture.
        return _pc(3 + 94 * (v - scale_min) / span)

    ticks = range(scale_min, scale_max + 1, max(1, span // 5))
    body = [
        f'<text x="{x(tick)}" y="{top - 9}" text-anchor="middle" fill="{COLORS["muted"]}" '
        f'font-size="{FONT_SMALL}">{tick}</text>'
        for tick in ticks
    ]
    for i, r in enumerate(rows):
        y = top + i * row_h
        cy = y + 38
        # Grid lines only behind the dots, so they never run through the labels.
        body += [
            f'<line x1="{x(tick)}" y1="{cy - 11}" x2="{x(tick)}" y2="{cy + 11}" stroke="{COLORS["track"]}"/>'
            for tick in ticks
        ]
        gap = r.get("gap")
        body += _label_row(
            y + 18,
            r["dimension"],
            "no ratings yet" if gap is None else f"gap {signed(gap)}",
            bold_value=gap is not None and abs(gap) >= 3,
        )
        c, p = r.get("client_mean"), r.get("participant_mean")
        if c is not None and p is not None:
            body.append(
                f'<line x1="{x(p)}" y1="{cy}" x2="{x(c)}" y2="{cy}" stroke="{COLORS["muted"]}" stroke-width="3"/>'
            )
        if p is not None:
            body.append(
                f'<circle cx="{x(p)}" cy="{cy}" r="7" fill="{COLORS["participant"]}">'
                f"<title>Customers: {score(p)}</title></circle>"
            )
        if c is not None:
            body.append(
                # A ring, not a dot: the two ends differ in shape as well as colour.
                f'<circle cx="{x(c)}" cy="{cy}" r="6" fill="#ffffff" stroke="{COLORS["client"]}" stroke-width="3">'
                f"<title>Your team: {score(c)}</title></circle>"
            )
    desc = (
        "; ".join(
            f"{r['dimension']}: your team {score(r['client_mean']) if r['client_mean'] is not None else 'n/a'}, "
            f"customers {score(r['participant_mean']) if r['participant_mean'] is not None else 'n/a'}"
            for r in rows
        )
        or "No scorecard dimensions yet."
    )
    desc = f"Scale {scale_min} to {scale_max}. {desc}"
    return Chart(
        title=title,
        description=desc,
        svg=_svg(height, title, desc, body),
        headers=[
            "Dimension",
            "Your team",
            "Customers (scorecard)",
            "Gap",
            "Posts: positive",
            "Posts: negative",
        ],
        rows=[
            [
                r["dimension"],
                score(r["client_mean"]),
                score(r["participant_mean"]),
                signed(r["gap"]),
                percent(r["evidence"]["positive_pct"]) if r.get("evidence") else "–",
                percent(r["evidence"]["negative_pct"]) if r.get("evidence") else "–",
            ]
            for r in rows
        ],
        legend=[
            ("Your team's self-assessment (ring)", COLORS["client"]),
            ("Customers' scorecard ratings (dot)", COLORS["participant"]),
        ],
    )
