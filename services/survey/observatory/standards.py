"""The publication standards of the observatory, in figures: the confidence level and the
intervals offered, when an estimate is reliable, and the dominance rule of disclosure control.

Plain values, without NumPy: the methodology note and the routes read them without loading the
estimators.
"""

from __future__ import annotations

from typing import Literal

LEVEL = 0.95
# Intervals of proportions: Korn-Graubard by default (exact near 0 and 1), logit on request.
Interval = Literal["korn-graubard", "logit"]
# Reliability (reference §5.3, after NCHS): a figure is "fragile" below these.
MIN_EFFECTIVE_N = 30.0
MAX_CI_WIDTH = 0.30
MIN_DF = 8
MAX_RELATIVE_SE = 0.30
# Dominance rule on totals (reference §6): one contributor above 85 % of a cell hides it.
DOMINANCE = 0.85
# Published precision (see `precision`): the step is the power of ten under the standard error,
# within these bounds. Proportions between 0.1 and 1 point; means to 0.01 at the finest; totals
# to the unit at the finest.
PROPORTION_FINEST = 0.001
PROPORTION_COARSEST = 0.01
MEAN_FINEST = 0.01
TOTAL_FINEST = 1.0
# Units whose figures do not add up across authorities: a share has a mean, never a total.
NON_ADDITIVE_UNITS = frozenset({"%", "‰"})
