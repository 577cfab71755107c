"""Post-stratified estimates of every variable in every domain at once, with numpy.

Every estimate is a domain ratio: a proportion (or a mean) among the respondents of the domain
who answered the question, weighted by w_h = N_h / n_h. Its variance is the Taylor
linearisation of the ratio (z_i = 1{i in d}(y_i - m_d) / N^_d), for a stratified design
without replacement with the finite-population correction (reference §5.3; the same as R
`svyby(~y, ~d, design, svymean)`): a domain is never treated as a stratum. The national
figure is the domain "everyone who answered", so item non-response is handled the same way.

The linearised variance only needs, per stratum h and domain d, the number of answers B_hd,
and the sums of y and y² over them: the arrays below are those sums, of shape
(variables, strata, domains), never one row per respondent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import special, stats

from services.survey.observatory import blas  # noqa: F401 - one BLAS thread
from services.survey.observatory.standards import (
    LEVEL,
    MAX_CI_WIDTH,
    MAX_RELATIVE_SE,
    MIN_DF,
    MIN_EFFECTIVE_N,
)

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Design:
    """Post-strata after collapsing: respondents n_h and population N_h."""

    respondents: Array  # n_h, shape (H,)
    population: Array  # N_h, shape (H,)

    @property
    def weights(self) -> Array:
        return np.divide(
            self.population,
            self.respondents,
            out=np.zeros_like(self.population),
            where=self.respondents > 0,
        )

    @property
    def variance_factor(self) -> Array:
        """(1 - n_h/N_h) n_h / (n_h - 1): zero for a census stratum (n_h = N_h)."""
        n, big_n = self.respondents, self.population
        fpc = 1.0 - np.divide(n, big_n, out=np.ones_like(n), where=big_n > 0)
        return np.where(n > 1, fpc * n / np.maximum(n - 1.0, 1.0), 0.0)


@dataclass(frozen=True)
class Ratio:
    """Domain estimates, each of shape (variables, domains)."""

    estimate: Array  # p^ or mean; NaN where the domain has no answer
    variance: Array
    n: Array  # unweighted answers in the domain
    weighted_n: Array  # N^_d: sum of the weights of those answers
    df: Array  # answers minus strata represented


def domain_ratio(design: Design, base: Array, y_sum: Array, y_squares: Array) -> Ratio:
    """Ratio means of y over each domain's answers; arrays of shape (V, H, D)."""
    w = design.weights[None, :, None]
    n_h = design.respondents[None, :, None]
    weighted_n = (w * base).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        estimate = (w * y_sum).sum(axis=1) / weighted_n
        m = np.nan_to_num(estimate)[:, None, :]
        squares = y_squares - 2.0 * m * y_sum + m * m * base
        z_squares = w * w * squares / (weighted_n[:, None, :] ** 2)
        z_mean = w * (y_sum - m * base) / (weighted_n[:, None, :] * np.maximum(n_h, 1.0))
        inner = z_squares - n_h * z_mean * z_mean
        variance = (design.variance_factor[None, :, None] * np.nan_to_num(inner)).sum(axis=1)
    n = base.sum(axis=1)
    df = n - (base > 0).sum(axis=1)
    estimate = np.where(n > 0, estimate, np.nan)
    return Ratio(estimate, np.maximum(variance, 0.0), n, weighted_n, df)


def effective_n(p: Array, variance: Array, n: Array) -> Array:
    """n_eff = p(1-p)/V, at most n; n itself when V = 0 (census, or p in {0, 1})."""
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = p * (1.0 - p) / variance
    informative = (variance > 0) & (p > 0) & (p < 1)
    return np.where(informative, np.minimum(n, ratio), n)


def korn_graubard(p: Array, variance: Array, n: Array, df: Array) -> tuple[Array, Array]:
    """Korn-Graubard (1998) interval: Clopper-Pearson on the df-adjusted effective n."""
    alpha = 1.0 - LEVEL
    m = effective_n(p, variance, n)
    adjust = (df > 0) & (n > 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = stats.t.ppf(1 - alpha / 2, np.maximum(n - 1, 1)) / stats.t.ppf(
            1 - alpha / 2, np.maximum(df, 1)
        )
        m = np.where(adjust, m * ratio * ratio, m)
        x = p * m
        low = np.where(x <= 0, 0.0, stats.beta.ppf(alpha / 2, x, m - x + 1))
        high = np.where(x >= m, 1.0, stats.beta.ppf(1 - alpha / 2, x + 1, m - x))
    return np.nan_to_num(low), np.where(np.isnan(high), 1.0, high)


def logit_interval(p: Array, variance: Array, df: Array) -> tuple[Array, Array]:
    """The logit interval (R `svyciprop(method = "logit")`, samplics' default): p^ ± t SE on
    the logit scale, SE/(p^(1-p^)) by the delta method, back-transformed; on the design's df.
    It collapses to [0, 0] at 0 % and [1, 1] at 100 %, as in samplics (Korn-Graubard does not)."""
    quantile = stats.t.ppf(1 - (1.0 - LEVEL) / 2, np.maximum(df, 1))
    inside = (p > 0) & (p < 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = np.log(p / (1.0 - p))
        half = quantile * np.sqrt(variance) / (p * (1.0 - p))
        low, high = special.expit(centre - half), special.expit(centre + half)
    bound = np.where(p >= 1, 1.0, 0.0)
    return np.where(inside, low, bound), np.where(inside, high, bound)


def t_interval(mean: Array, variance: Array, df: Array) -> tuple[Array, Array]:
    """mean ± t_{df, 0.975} SE, for means and totals of numeric questions."""
    quantile = stats.t.ppf(1 - (1.0 - LEVEL) / 2, np.maximum(df, 1))
    half = quantile * np.sqrt(variance)
    return mean - half, mean + half


def proportion_reliable(
    low: Array, high: Array, p: Array, variance: Array, ratio: Ratio
) -> NDArray[np.bool_]:
    """False where the figure is fragile: few effective answers, wide interval or few df."""
    m = effective_n(p, variance, ratio.n)
    return (m >= MIN_EFFECTIVE_N) & (high - low < MAX_CI_WIDTH) & (ratio.df >= MIN_DF)


def mean_reliable(ratio: Ratio) -> NDArray[np.bool_]:
    with np.errstate(invalid="ignore", divide="ignore"):
        relative = np.sqrt(ratio.variance) / np.abs(ratio.estimate)
    return (
        (ratio.n >= MIN_EFFECTIVE_N)
        & (ratio.df >= MIN_DF)
        & (np.nan_to_num(relative) < MAX_RELATIVE_SE)
    )


def weighted_medians(group: NDArray[np.int64], value: Array, weight: Array, groups: int) -> Array:
    """The weighted median of `value` within each group (NaN for an empty group).

    One sort of all (group, value) pairs, cumulative weights per group, and the first value
    whose cumulative weight reaches half of its group's: no loop over groups.
    """
    medians = np.full(groups, np.nan)
    keep = weight > 0
    group, value, weight = group[keep], value[keep], weight[keep]
    if group.size == 0:
        return medians
    order = np.lexsort((value, group))
    group, value, weight = group[order], value[order], weight[order]
    cumulative = np.cumsum(weight)
    totals = np.bincount(group, weights=weight, minlength=groups)
    starts = np.searchsorted(group, np.arange(groups))
    before = np.where(starts > 0, cumulative[np.maximum(starts - 1, 0)], 0.0)
    within = cumulative - before[group]
    reached = within >= totals[group] / 2.0 - 1e-12 * totals[group]
    candidates = np.flatnonzero(reached)
    candidate_groups = group[candidates]
    positions = np.minimum(
        np.searchsorted(candidate_groups, np.arange(groups)), candidates.size - 1
    )
    present = candidate_groups[positions] == np.arange(groups)
    medians[present] = value[candidates[positions[present]]]
    return medians


@dataclass(frozen=True)
class Total:
    """Domain totals over the population a question was asked of, each (variables, domains)."""

    estimate: Array  # NaN where nobody in the domain gave a number
    variance: Array
    df: Array  # respondents asked in the domain minus strata represented


def domain_total(
    design: Design, asked: Array, base: Array, y_sum: Array, y_squares: Array
) -> Total:
    """Y^_d = X^_d R^_d: the mean of the numbers given (R^_d, among `base` who gave one) times
    the estimated size of the population the question was asked of (X^_d, from `asked`, the
    respondents shown it); an item non-respondent ("ne sait pas") counts as the domain's mean,
    a respondent not asked counts nothing. Arrays (V, H, D), as `domain_ratio`.

    Variance by linearisation: u_i = R^ 1{asked} + (X^/N^)(y_i - R^) 1{answered}, the
    influence of unit i on X^ R^ (N^ the weighted number of answers), then the stratified
    formula with the FPC; with no item non-response it is R `svytotal` on the domain."""
    w = design.weights[None, :, None]
    n_h = design.respondents[None, :, None]
    asked_n = (w * asked).sum(axis=1)
    answered_n = (w * base).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (w * y_sum).sum(axis=1) / answered_n
        scale = asked_n / answered_n
        # No answer in a domain: no total there (NaN below), and nothing to linearise.
        r = np.where(answered_n > 0, mean, 0.0)[:, None, :]
        c = np.where(answered_n > 0, scale, 0.0)[:, None, :]
        deviation = y_sum - r * base  # sum of (y - R) over the answers
        first = r * asked + c * deviation
        second = (
            r * r * asked
            + 2.0 * r * c * deviation
            + c * c * (y_squares - 2.0 * r * y_sum + r * r * base)
        )
        inner = w * w * (second - first * first / np.maximum(n_h, 1.0))
        variance = (design.variance_factor[None, :, None] * np.nan_to_num(inner)).sum(axis=1)
    answered = base.sum(axis=1)
    estimate = np.where(answered > 0, mean * asked_n, np.nan)
    df = asked.sum(axis=1) - (asked > 0).sum(axis=1)
    return Total(estimate, np.maximum(variance, 0.0), df)


def kish_factor(weights: Array, counts: Array) -> Array:
    """Kish's design effect of unequal weights, 1 + CV(w)² = n Σw² / (Σw)², for each column of
    `counts` (respondents by stratum, shape (H, D)); 1 where no one answered."""
    n = counts.sum(axis=0)
    total = (weights[:, None] * counts).sum(axis=0)
    squares = (weights[:, None] ** 2 * counts).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = n * squares / (total * total)
    return np.where(total > 0, factor, 1.0)


def shared_counts(
    group: NDArray[np.int64], value: Array, count: Array, target: Array, groups: int
) -> Array:
    """How many respondents of each group gave exactly the group's `target` value (a median):
    a median is published only where enough of them share it."""
    out = np.zeros(groups)
    if group.size:
        same = value == target[group]
        np.add.at(out, group, np.where(same, count, 0.0))
    return out
