"""The one rounding of a share to whole percent (and of a mean to its decimals), for every page,
chart, export and API answer.

A share is rounded once, from the exact fraction, halves up (5 of 8 is 63%, 249 of 2000 is 12%).
Rounding twice (to one decimal, then to whole percent) turned 12.45% into 12.5% and then 13%;
Python's round() sends halves to even (62.5 -> 62), so a completion page said 62% where the
insights said 63%. Integers only, so no binary fraction can tip a half either way.

The parts of one whole said together (a theme's "52% positive, 19% negative, 29% neutral") are
apportioned instead (`whole_percents_of`), so they add up to 100 as a reader checks they do.

It lives in `community` because completion rates are counted here and `community` never imports
`research`; the insights, charts and exports import it from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal


def whole_percent_of(part: int, whole: int) -> int:
    """`part` of `whole` in whole percent, rounded once from the exact fraction, halves up.
    `whole` must be positive: what an empty denominator means is the caller's to say."""
    if whole <= 0:
        raise ValueError(f"a share of {whole} is not defined")
    # floor(100 * part / whole + 1/2), in integers.
    return (200 * part + whole) // (2 * whole)


def whole_percents_of(parts: Sequence[int]) -> list[int]:
    """Whole percents of `parts` that add up to exactly 100 (largest remainder): each part gets
    its share rounded down, then the points left go to the parts with the largest remainders
    (the earlier part on a tie). A part that rounds halves up alone differs by one at most."""
    whole = sum(parts)
    if whole <= 0 or any(p < 0 for p in parts):
        raise ValueError(f"shares of {list(parts)} are not defined")
    floors = [100 * p // whole for p in parts]
    remainders = [100 * p % whole for p in parts]
    left = 100 - sum(floors)
    for i in sorted(range(len(parts)), key=lambda i: (-remainders[i], i))[:left]:
        floors[i] += 1
    return floors


def round_half_up(value: float, places: int) -> Decimal:
    """A mean or a gap to `places` decimals, halves away from zero as Django's floatformat rounds
    them (14.25 -> 14.3), not to even as round() and f"{x:.1f}" do. Round once, from the exact
    mean: a mean stored at two decimals and shown at one rounded twice (14.448 -> 14.45 -> 14.5)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
