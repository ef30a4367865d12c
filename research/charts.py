"""Server-rendered, accessible SVG charts: no JavaScript, no CDN.

Each builder returns a `Chart`: the SVG (role="img" with <title> and <desc>, labels drawn
as text) and the same numbers as a table, shown under the chart (`Chart.figure`, included by
`research/_chart.html`) for screen readers and for anyone who wants the figures.
Colours meet 3:1 contrast against white for graphics and 4.5:1 for text.

`cached_chart` builds and renders a chart once per distinct input: a dashboard whose numbers did
not move serves the stored figure instead of drawing it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

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


def _t(value) -> str:
    return escape(str(value))


def _svg(width: int, height: int, title: str, desc: str, body: list[str]) -> SafeString:
    # Named after the content, not a counter: a chart served from the cache keeps ids that cannot
    # collide with another chart's on the same page.
    uid = "vbchart" + hashlib.sha256("\x00".join((title, desc, *body)).encode()).hexdigest()[:12]
    return mark_safe(  # noqa: S308 - every interpolated value passes through escape()
        f'<svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="{uid}-t {uid}-d" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="13">'
        f'<title id="{uid}-t">{_t(title)}</title><desc id="{uid}-d">{_t(desc)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _clip(label: str, n: int = 34) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def theme_share_chart(rows: Sequence, *, total_participants: int) -> Chart:
    """Horizontal bars: each theme's share of participants, split by the sentiment of its posts."""
    title = "Themes by share of participants"
    label_w, bar_w, row_h, top = 230, 360, 30, 8
    width, height = label_w + bar_w + 110, top + row_h * max(len(rows), 1) + 8
    body: list[str] = []
    table = []
    for i, r in enumerate(rows):
        y = top + i * row_h
        body.append(
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" fill="{COLORS["text"]}">{_t(_clip(r.label))}</text>'
        )
        body.append(
            f'<rect x="{label_w}" y="{y + 5}" width="{bar_w}" height="18" fill="{COLORS["track"]}" rx="3"/>'
        )
        length = bar_w * min(r.share, 100) / 100
        total = sum(r.sentiment.values()) or 1
        x = float(label_w)
        for key in ("positive", "neutral", "negative"):
            w = length * r.sentiment.get(key, 0) / total
            if w > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{y + 5}" width="{w:.1f}" height="18" fill="{COLORS[key]}">'
                    f"<title>{_t(r.label)}: {r.sentiment.get(key, 0)} {key} posts</title></rect>"
                )
            x += w
        body.append(
            f'<text x="{label_w + bar_w + 8}" y="{y + 18}" fill="{COLORS["text"]}" font-weight="600">{r.share:g}%</text>'
        )
        s = r.sentiment
        table.append(
            [
                r.label,
                f"{r.share:g}%",
                r.participants,
                r.posts,
                s.get("positive", 0),
                s.get("neutral", 0),
                s.get("negative", 0),
            ]
        )
    if not rows:
        body.append(f'<text x="10" y="24" fill="{COLORS["muted"]}">No themes for these filters.</text>')
    desc = (
        "; ".join(f"{r.label}: {r.share:g}% of {total_participants} participants" for r in rows[:8])
        or "No themes."
    )
    return Chart(
        title=title,
        description=desc,
        svg=_svg(width, height, title, desc, body),
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
        body.append(f'<text x="0" y="22" fill="{COLORS["muted"]}" font-size="11">not enough data</text>')
    desc = ", ".join(f"from {d:%d %b}: {v}" for d, v in points) or "No posts."
    return Chart(
        title=title,
        description=desc,
        svg=_svg(width, height, title, desc, body),
        headers=["Period starting", "Posts"],
        rows=[[f"{d:%Y-%m-%d}", v] for d, v in points],
        small=True,
    )


def relevance_chart(*, relevant_pct: float, irrelevant_pct: float, participants: int) -> Chart:
    """Two bars from a shared baseline: who finds the brand relevant, who finds it irrelevant."""
    title = "Relevance lens"
    width, mid, half = 640, 320, 260
    body = [
        f'<line x1="{mid}" y1="4" x2="{mid}" y2="58" stroke="{COLORS["muted"]}"/>',
        f'<rect x="{mid - half * irrelevant_pct / 100:.1f}" y="14" width="{half * irrelevant_pct / 100:.1f}" height="26" fill="{COLORS["negative"]}"/>',
        f'<rect x="{mid}" y="14" width="{half * relevant_pct / 100:.1f}" height="26" fill="{COLORS["positive"]}"/>',
        f'<text x="{mid - 8}" y="56" text-anchor="end" fill="{COLORS["text"]}">Irrelevant to them: {irrelevant_pct:g}%</text>',
        f'<text x="{mid + 8}" y="56" fill="{COLORS["text"]}">Relevant to them: {relevant_pct:g}%</text>',
    ]
    desc = (
        f"{relevant_pct:g}% of {participants} participants said something the brand offers or says is relevant "
        f"to them; {irrelevant_pct:g}% said something is irrelevant."
    )
    return Chart(
        title=title,
        description=desc,
        svg=_svg(width, 64, title, desc, body),
        headers=["Stance", "Share of participants"],
        rows=[["Relevant to them", f"{relevant_pct:g}%"], ["Irrelevant to them", f"{irrelevant_pct:g}%"]],
        legend=[("Relevant", COLORS["positive"]), ("Irrelevant", COLORS["negative"])],
    )


def dimension_chart(dimensions: Sequence[dict]) -> Chart:
    """Diverging bars per perception dimension: negative signals left, positive right (share of posts)."""
    title = "Brand perception by dimension"
    label_w, half, row_h = 200, 200, 28
    mid = label_w + half
    rows = [d for d in dimensions if d["posts"]]
    height = 30 + row_h * max(len(rows), 1)
    body = [
        f'<text x="{mid - 6}" y="14" text-anchor="end" fill="{COLORS["muted"]}" font-size="11">negative</text>',
        f'<text x="{mid + 6}" y="14" fill="{COLORS["muted"]}" font-size="11">positive</text>',
        f'<line x1="{mid}" y1="20" x2="{mid}" y2="{height - 4}" stroke="{COLORS["muted"]}"/>',
    ]
    for i, d in enumerate(rows):
        y = 22 + i * row_h
        neg, pos = half * d["negative_pct"] / 100, half * d["positive_pct"] / 100
        body += [
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" fill="{COLORS["text"]}">{_t(d["label"])}</text>',
            f'<rect x="{mid - neg:.1f}" y="{y + 4}" width="{neg:.1f}" height="16" fill="{COLORS["negative"]}"/>',
            f'<rect x="{mid}" y="{y + 4}" width="{pos:.1f}" height="16" fill="{COLORS["positive"]}"/>',
            f'<text x="{mid + half + 8}" y="{y + 16}" fill="{COLORS["text"]}" font-size="12">'
            f"{d['positive_pct']:g}% / {d['negative_pct']:g}% of {d['posts']}</text>",
        ]
    if not rows:
        body.append(f'<text x="10" y="44" fill="{COLORS["muted"]}">No perception signals yet.</text>')
    desc = (
        "; ".join(
            f"{d['label']}: {d['positive_pct']:g}% positive, {d['negative_pct']:g}% negative of {d['posts']} posts"
            for d in rows
        )
        or "No perception signals."
    )
    return Chart(
        title=title,
        description=desc,
        svg=_svg(label_w + 2 * half + 140, height, title, desc, body),
        headers=["Dimension", "Posts", "Positive", "Negative"],
        rows=[
            [d["label"], d["posts"], f"{d['positive_pct']:g}%", f"{d['negative_pct']:g}%"] for d in dimensions
        ],
        legend=[("Positive signals", COLORS["positive"]), ("Negative signals", COLORS["negative"])],
    )


def mentions_chart(mentions: Sequence[dict]) -> Chart:
    title = "Brand and competitor mentions"
    label_w, bar_w, row_h = 180, 340, 28
    peak = max((m["participant_pct"] for m in mentions), default=0) or 1
    body = []
    for i, m in enumerate(mentions):
        y = 6 + i * row_h
        color = COLORS["participant"] if m["is_own"] else COLORS["client"]
        w = bar_w * m["participant_pct"] / peak
        body += [
            f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end" fill="{COLORS["text"]}">{_t(_clip(m["brand"], 24))}</text>',
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="16" fill="{color}"/>',
            f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" fill="{COLORS["text"]}" font-size="12">'
            f"{m['participant_pct']:g}% ({m['posts']} posts)</text>",
        ]
    desc = "; ".join(
        f"{m['brand']}: mentioned by {m['participant_pct']:g}% of participants" for m in mentions
    )
    return Chart(
        title=title,
        description=desc or "No brands configured.",
        svg=_svg(label_w + bar_w + 140, 12 + row_h * max(len(mentions), 1), title, desc, body),
        headers=["Brand", "Participants mentioning", "Posts"],
        rows=[[m["brand"], f"{m['participant_pct']:g}%", m["posts"]] for m in mentions],
        legend=[("Your brand", COLORS["participant"]), ("Competitors", COLORS["client"])],
    )


def gap_dumbbell(rows: Sequence[dict], *, scale_min: int, scale_max: int) -> Chart:
    """One line per dimension from the participants' mean to the client team's self-assessment.

    The longer the line, the bigger the gap; the dot colours say who is who. Read in seconds.
    """
    title = "Perception gap: how you rate yourselves vs. how customers rate you"
    label_w, plot_w, row_h, top = 210, 400, 34, 30
    span = (scale_max - scale_min) or 1
    height = top + row_h * max(len(rows), 1) + 10

    def x(v: float) -> float:
        return label_w + plot_w * (v - scale_min) / span

    body = []
    for tick in range(scale_min, scale_max + 1, max(1, span // 5)):
        body += [
            f'<line x1="{x(tick):.1f}" y1="{top - 6}" x2="{x(tick):.1f}" y2="{height - 6}" stroke="{COLORS["track"]}"/>',
            f'<text x="{x(tick):.1f}" y="{top - 12}" text-anchor="middle" fill="{COLORS["muted"]}" font-size="11">{tick}</text>',
        ]
    for i, r in enumerate(rows):
        cy = top + i * row_h + row_h / 2
        body.append(
            f'<text x="{label_w - 10}" y="{cy + 4:.1f}" text-anchor="end" fill="{COLORS["text"]}">{_t(_clip(r["dimension"], 30))}</text>'
        )
        c, p = r.get("client_mean"), r.get("participant_mean")
        if c is not None and p is not None:
            body.append(
                f'<line x1="{x(p):.1f}" y1="{cy:.1f}" x2="{x(c):.1f}" y2="{cy:.1f}" stroke="{COLORS["muted"]}" stroke-width="3"/>'
            )
        if p is not None:
            body.append(
                f'<circle cx="{x(p):.1f}" cy="{cy:.1f}" r="7" fill="{COLORS["participant"]}">'
                f"<title>Customers: {p:g}</title></circle>"
            )
        if c is not None:
            body.append(
                f'<circle cx="{x(c):.1f}" cy="{cy:.1f}" r="7" fill="{COLORS["client"]}">'
                f"<title>Your team: {c:g}</title></circle>"
            )
        gap = r.get("gap")
        text = "no ratings yet" if gap is None else f"gap {gap:+g}"
        weight = "700" if gap is not None and abs(gap) >= 3 else "400"
        body.append(
            f'<text x="{label_w + plot_w + 12}" y="{cy + 4:.1f}" fill="{COLORS["text"]}" font-weight="{weight}">{text}</text>'
        )
    desc = (
        "; ".join(
            f"{r['dimension']}: your team {r['client_mean'] if r['client_mean'] is not None else 'n/a'}, "
            f"customers {r['participant_mean'] if r['participant_mean'] is not None else 'n/a'}"
            for r in rows
        )
        or "No scorecard dimensions yet."
    )
    return Chart(
        title=title,
        description=f"Scale {scale_min} to {scale_max}. {desc}",
        svg=_svg(label_w + plot_w + 110, height, title, f"Scale {scale_min} to {scale_max}. {desc}", body),
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
                r["client_mean"] if r["client_mean"] is not None else "–",
                r["participant_mean"] if r["participant_mean"] is not None else "–",
                f"{r['gap']:+g}" if r["gap"] is not None else "–",
                f"{r['evidence']['positive_pct']:g}%" if r.get("evidence") else "–",
                f"{r['evidence']['negative_pct']:g}%" if r.get("evidence") else "–",
            ]
            for r in rows
        ],
        legend=[
            ("Your team's self-assessment", COLORS["client"]),
            ("Customers' scorecard ratings", COLORS["participant"]),
        ],
    )
