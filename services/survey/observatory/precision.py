"""Figures published at the precision their standard error supports, not to six decimals.

The rule (stated in the methodology note): a figure is rounded to the largest power of ten
that does not exceed its standard error, within bounds set per kind of figure (`standards`);
its interval is rounded outwards on the same step, so that the published interval still holds
the computed one. Besides not claiming digits the survey cannot give, this takes away the
exact equations that six-decimal weighted figures gave an attacker (each weighted proportion
a linear equation on hidden counts).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]


def steps(standard_error: Array, finest: float, coarsest: float | None = None) -> Array:
    """The rounding step of each figure: 10^floor(log10 SE), at least `finest` (a census or a
    0 % figure has no error), at most `coarsest`."""
    with np.errstate(divide="ignore", invalid="ignore"):
        power = np.power(10.0, np.floor(np.log10(standard_error)))
    step = np.where(np.isfinite(power) & (standard_error > 0), power, finest)
    step = np.maximum(step, finest)
    return np.minimum(step, coarsest) if coarsest is not None else step


def digits(step: Array) -> NDArray[np.int64]:
    """Decimals that show a step (0.01 -> 2, 1000 -> 0)."""
    return np.maximum(-np.round(np.log10(step)), 0).astype(np.int64)


def rounded(value: Array, step: Array) -> Array:
    return _clean(np.round(value / step) * step, step)


def rounded_down(value: Array, step: Array) -> Array:
    return _clean(np.floor(value / step + 1e-9) * step, step)


def rounded_up(value: Array, step: Array) -> Array:
    return _clean(np.ceil(value / step - 1e-9) * step, step)


def _clean(value: Array, step: Array) -> Array:
    # 0.1 * 3 is 0.30000000000000004: round to the step's own decimals.
    places = digits(step)
    out = value.copy()
    for place in np.unique(places):
        where = places == place
        out[where] = np.round(value[where], int(place))
    return out
