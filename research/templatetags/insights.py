"""Numbers on the insight pages, formatted by the same functions as the charts beside them."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from research import charts
from research.markdown_text import plain_text, redacted_html

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """A share in whole percent with its sign ("63%"), rounded as every chart rounds it."""
    return charts.percent(None if value in (None, "") else float(value))


@register.filter
def rating(value: float | None) -> str:
    """A scorecard mean or a gap's size to one decimal ("14.3"), rounded as the gap chart rounds it."""
    return charts.score(None if value in (None, "") else float(value))


@register.filter
def signed_gap(value: float | None) -> str:
    """A gap with its direction to one decimal ("+3.7", "-1.0", "0.0"), as the gap chart says it."""
    return charts.signed(None if value in (None, "") else float(value))


@register.filter
def redacted_markdown(text: str | None) -> SafeString:
    """A post's redacted text formatted as posts are (Markdown, sanitised by nh3), for whole posts."""
    return redacted_html(text or "")


@register.filter
def quote_text(text: str | None) -> str:
    """A post's redacted text as one line of plain text (no Markdown markers), for short quotes."""
    return plain_text(text or "")
