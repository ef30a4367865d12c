"""Numbers on the insight pages, formatted by the same functions as the charts beside them."""

from __future__ import annotations

from django import template

from research import charts

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """A share in whole percent with its sign ("63%"), rounded as every chart rounds it."""
    return charts.percent(None if value in (None, "") else float(value))
