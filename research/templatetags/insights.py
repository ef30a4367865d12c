"""Numbers on the insight pages, formatted by the same functions as the charts beside them."""

from __future__ import annotations

from django import template

from research import charts

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
