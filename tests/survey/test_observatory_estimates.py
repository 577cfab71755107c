"""The observatory's estimators against an independent implementation (samplics) and against
the reference's worked example (docs: reference survey.md §5.3)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy import stats

from services.survey.observatory import precision
from services.survey.observatory.estimates import (
    Design,
    domain_ratio,
    domain_total,
    kish_factor,
    korn_graubard,
    logit_interval,
    shared_counts,
    weighted_medians,
)
from services.survey.observatory.frame import collapse

with warnings.catch_warnings():
    # samplics 0.6 announces its successor at import; nothing else is filtered.
    warnings.filterwarnings("ignore", message="samplics is archived", category=FutureWarning)
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam

RELATIVE = 1e-9
# Reference toy example: communes by population band.
TOY_N = [18_000, 12_000, 4_500, 900, 140]
TOY_n = [900, 1_100, 700, 300, 90]
TOY_x = [90, 190, 210, 150, 70]


def sums(
    stratum: NDArray[np.int64],
    domain: NDArray[np.int64],
    y: NDArray[np.float64],
    mask: NDArray[np.bool_],
    shape: tuple[int, int],
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """What the database's GROUP BY gives: answers, sum of y, sum of y² by (stratum, domain)."""
    out = np.zeros((3, 1, *shape))
    for moment in range(3):
        np.add.at(out[moment, 0], (stratum[mask], domain[mask]), y[mask] ** moment)
    return out[0], out[1], out[2]


def samplics_estimate(
    param: PopParam,
    y: NDArray[np.float64],
    weight: NDArray[np.float64],
    stratum: NDArray[np.int64],
    fpc: dict[int, float],
    domain: NDArray[np.int64],
) -> TaylorEstimator:
    estimator = TaylorEstimator(param)
    estimator.estimate(y=y, samp_weight=weight, stratum=stratum, fpc=fpc, domain=domain)
    return estimator


def random_survey(seed: int) -> dict[str, NDArray]:  # type: ignore[type-arg]
    rng = np.random.default_rng(seed)
    strata = 6
    population = rng.integers(40, 4_000, strata)
    respondents = np.minimum(population, rng.integers(5, 400, strata))
    respondents[0] = population[0]  # a census stratum
    stratum = np.repeat(np.arange(strata), respondents)
    size = stratum.size
    return {
        "population": population.astype(float),
        "respondents": respondents.astype(float),
        "stratum": stratum,
        "domain": rng.integers(0, 4, size),
        "answered": rng.random(size) < 0.85,  # item non-response
        "yes": (rng.random(size) < rng.uniform(0.05, 0.9, strata)[stratum]).astype(float),
        "number": rng.lognormal(3, 1, size),
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("variable", ["yes", "number"])
def test_domain_estimates_match_samplics(seed: int, variable: str) -> None:
    survey = random_survey(seed)
    design = Design(survey["respondents"], survey["population"])
    stratum, domain, answered = survey["stratum"], survey["domain"], survey["answered"]
    y = survey[variable]
    base, total, squares = sums(stratum, domain, y, answered, (6, 4))
    ours = domain_ratio(design, base, total, squares)

    weight = (survey["population"] / survey["respondents"])[stratum]
    fpc = {h: 1 - survey["respondents"][h] / survey["population"][h] for h in range(6)}
    # Unanswered rows stay in the design, outside every domain (as R's subset()).
    labels = np.where(answered, domain, -1)
    param = PopParam.prop if variable == "yes" else PopParam.mean
    theirs = samplics_estimate(param, y, weight, stratum, fpc, labels)
    for d in range(4):
        point = theirs.point_est[d][1.0] if variable == "yes" else theirs.point_est[d]
        error = theirs.stderror[d][1.0] if variable == "yes" else theirs.stderror[d]
        assert ours.estimate[0, d] == pytest.approx(point, rel=RELATIVE)
        assert np.sqrt(ours.variance[0, d]) == pytest.approx(error, rel=RELATIVE)
    if variable == "number":  # Student intervals on the design's df: the same method
        df = stratum.size - 6
        half = stats.t.ppf(0.975, df) * np.sqrt(ours.variance[0])
        for d in range(4):
            assert ours.estimate[0, d] - half[d] == pytest.approx(theirs.lower_ci[d], rel=RELATIVE)
            assert ours.estimate[0, d] + half[d] == pytest.approx(theirs.upper_ci[d], rel=RELATIVE)


def toy() -> tuple[Design, NDArray[np.float64], NDArray[np.float64]]:
    base = np.array(TOY_n, dtype=float).reshape(1, 5, 1)
    yes = np.array(TOY_x, dtype=float).reshape(1, 5, 1)
    return Design(np.array(TOY_n, dtype=float), np.array(TOY_N, dtype=float)), base, yes


def test_the_reference_example_post_stratified_rate_and_korn_graubard_interval() -> None:
    design, base, yes = toy()
    ratio = domain_ratio(design, base, yes, yes)
    p, variance = ratio.estimate[0, 0], ratio.variance[0, 0]
    assert round(100 * p, 2) == 16.27
    assert round(100 * np.sqrt(variance), 2) == 0.65
    assert (ratio.n[0, 0], ratio.df[0, 0]) == (3_090, 3_085)
    low, high = korn_graubard(ratio.estimate, ratio.variance, ratio.n, ratio.df)
    assert (round(100 * low[0, 0], 2), round(100 * high[0, 0], 2)) == (14.98, 17.62)

    # The same interval computed directly with scipy (Korn & Graubard 1998), the effective n
    # bounded by n as in the reference.
    n_eff = min(3_090, p * (1 - p) / variance)
    n_eff *= (stats.t.ppf(0.975, 3_089) / stats.t.ppf(0.975, 3_085)) ** 2
    x = n_eff * p
    assert low[0, 0] == pytest.approx(stats.beta.ppf(0.025, x, n_eff - x + 1), rel=RELATIVE)
    assert high[0, 0] == pytest.approx(stats.beta.ppf(0.975, x + 1, n_eff - x), rel=RELATIVE)


def test_a_census_stratum_adds_no_variance() -> None:
    # 22 métropoles, 6 answer "yes": p = 1, no variance, interval [0.541, 1] (reference).
    small = Design(np.array([6.0]), np.array([22.0]))
    six = np.full((1, 1, 1), 6.0)
    ratio = domain_ratio(small, six, six, six)
    low, high = korn_graubard(ratio.estimate, ratio.variance, ratio.n, ratio.df)
    assert ratio.variance[0, 0] == 0.0
    assert (round(low[0, 0], 3), high[0, 0]) == (0.541, 1.0)

    # The toy example where the last band answered in full: its stratum contributes nothing.
    census = Design(np.array([900.0, 1_100.0, 700.0, 300.0, 140.0]), np.array(TOY_N, dtype=float))
    assert census.variance_factor[4] == 0.0
    base = np.array([900.0, 1_100.0, 700.0, 300.0, 140.0]).reshape(1, 5, 1)
    for answers in (70.0, 100.0):  # whatever the census stratum says
        yes = np.array([90.0, 190.0, 210.0, 150.0, answers]).reshape(1, 5, 1)
        ratio = domain_ratio(census, base, yes, yes)
        p = ratio.estimate[0, 0]
        weights = np.array(TOY_N) / np.array(TOY_N).sum()
        rates = yes[0, :, 0] / base[0, :, 0]
        expected = sum(
            weights[h] ** 2
            * (1 - base[0, h, 0] / TOY_N[h])
            * rates[h]
            * (1 - rates[h])
            / (base[0, h, 0] - 1)
            for h in range(4)
        )
        assert p == pytest.approx(float(weights @ rates), rel=RELATIVE)
        assert ratio.variance[0, 0] == pytest.approx(expected, rel=RELATIVE)


def test_weighted_medians_by_group() -> None:
    group = np.array([0, 0, 0, 1, 1, 2])
    value = np.array([10.0, 1.0, 5.0, 7.0, 3.0, 4.0])
    weight = np.array([1.0, 1.0, 5.0, 1.0, 3.0, 2.0])
    assert weighted_medians(group, value, weight, 4).tolist()[:3] == [5.0, 3.0, 4.0]
    assert np.isnan(weighted_medians(group, value, weight, 4)[3])


def test_sparse_strata_are_collapsed_into_their_neighbour_unless_census() -> None:
    population = {
        "commune/0-499": 1_000,
        "commune/500-1999": 500,
        "epci/CU": 14,
        "epci/METRO": 22,
        "region": 18,
    }
    answering = {
        "commune/0-499": 40,
        "commune/500-1999": 3,
        "epci/CU": 2,
        "epci/METRO": 9,
        "region": 18,
    }
    strata = collapse(population, answering)
    assert strata.labels == [
        "Communes — moins de 500 habitants + Communes — de 500 à 1 999 habitants",
        "Communautés urbaines + Métropoles",
        "Régions",
    ]
    assert strata.respondents == [43, 11, 18]
    assert strata.population == [1_500, 36, 18]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_logit_intervals_match_samplics(seed: int) -> None:
    survey = random_survey(seed)
    design = Design(survey["respondents"], survey["population"])
    stratum, domain, answered = survey["stratum"], survey["domain"], survey["answered"]
    base, total, squares = sums(stratum, domain, survey["yes"], answered, (6, 4))
    ours = domain_ratio(design, base, total, squares)
    low, high = logit_interval(ours.estimate, ours.variance, np.full((1, 4), stratum.size - 6.0))

    weight = (survey["population"] / survey["respondents"])[stratum]
    fpc = {h: 1 - survey["respondents"][h] / survey["population"][h] for h in range(6)}
    labels = np.where(answered, domain, -1)
    theirs = samplics_estimate(PopParam.prop, survey["yes"], weight, stratum, fpc, labels)
    for d in range(4):
        assert low[0, d] == pytest.approx(theirs.lower_ci[d][1.0], rel=RELATIVE)
        assert high[0, d] == pytest.approx(theirs.upper_ci[d][1.0], rel=RELATIVE)
    # At 0 % and 100 % the logit interval collapses, as samplics' does.
    edge_low, edge_high = logit_interval(
        np.array([0.0, 1.0]), np.array([0.0, 0.0]), np.array([10.0, 10.0])
    )
    assert edge_low.tolist() == [0.0, 1.0]
    assert edge_high.tolist() == [0.0, 1.0]


def asked_sums(
    survey: dict[str, NDArray],  # type: ignore[type-arg]
    asked: NDArray[np.bool_],
    answered: NDArray[np.bool_],
) -> tuple[NDArray[np.float64], ...]:
    stratum, domain, y = survey["stratum"], survey["domain"], survey["number"]
    shown = np.zeros((1, 6, 4))
    np.add.at(shown[0], (stratum[asked], domain[asked]), 1.0)
    return (shown, *sums(stratum, domain, y, answered, (6, 4)))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_totals_over_those_asked_match_samplics_without_item_non_response(seed: int) -> None:
    survey = random_survey(seed)
    design = Design(survey["respondents"], survey["population"])
    stratum, domain = survey["stratum"], survey["domain"]
    asked = survey["answered"]  # every respondent asked answered: the plain domain total
    ours = domain_total(design, *asked_sums(survey, asked, asked))

    weight = (survey["population"] / survey["respondents"])[stratum]
    fpc = {h: 1 - survey["respondents"][h] / survey["population"][h] for h in range(6)}
    labels = np.where(asked, domain, -1)
    theirs = samplics_estimate(PopParam.total, survey["number"], weight, stratum, fpc, labels)
    for d in range(4):
        assert ours.estimate[0, d] == pytest.approx(theirs.point_est[d], rel=RELATIVE)
        assert np.sqrt(ours.variance[0, d]) == pytest.approx(theirs.stderror[d], rel=RELATIVE)
    # The domain's degrees of freedom: its respondents minus the strata they are in.
    for d in range(4):
        inside = asked & (domain == d)
        assert ours.df[0, d] == inside.sum() - len(set(stratum[inside]))


@pytest.mark.parametrize("seed", [4, 5])
def test_totals_with_item_non_response_follow_the_linearised_estimator(seed: int) -> None:
    # Some of those asked say "ne sait pas": the total is the domain's mean times the estimated
    # number asked. Its variance, checked here against the influence of each respondent taken
    # by finite differences of the estimator itself (not the closed form of the code).
    survey = random_survey(seed)
    rng = np.random.default_rng(seed)
    design = Design(survey["respondents"], survey["population"])
    stratum, domain, y = survey["stratum"], survey["domain"], survey["number"]
    asked = rng.random(stratum.size) < 0.7
    answered = asked & (rng.random(stratum.size) < 0.8)
    ours = domain_total(design, *asked_sums(survey, asked, answered))
    weight = (survey["population"] / survey["respondents"])[stratum]

    def estimator(w: NDArray[np.float64], d: int) -> float:
        inside = domain == d
        mean = (w * y)[answered & inside].sum() / w[answered & inside].sum()
        return float(mean * w[asked & inside].sum())

    for d in range(4):
        assert ours.estimate[0, d] == pytest.approx(estimator(weight, d), rel=RELATIVE)
        step = 1e-6
        influence = np.array(
            [
                (estimator(weight + step * (np.arange(y.size) == i), d) - estimator(weight, d))
                / step
                for i in range(y.size)
            ]
        )
        expected = 0.0
        for h in range(6):
            z = (weight * influence)[stratum == h]
            n_h, big_n = z.size, survey["population"][h]
            if n_h > 1:
                expected += (1 - n_h / big_n) * n_h / (n_h - 1) * ((z - z.mean()) ** 2).sum()
        assert ours.variance[0, d] == pytest.approx(expected, rel=1e-4)


def test_kish_design_effect_of_unequal_weights() -> None:
    weights = np.array([10.0, 1.0])
    counts = np.array([[5.0, 5.0, 0.0], [5.0, 0.0, 0.0]])  # by stratum, three domains
    n, total, squares = 10.0, 55.0, 505.0
    assert kish_factor(weights, counts).tolist() == pytest.approx([n * squares / total**2, 1, 1])


def test_a_median_counts_who_share_it() -> None:
    group = np.array([0, 0, 0, 1, 1])
    value = np.array([2.0, 2.0, 7.0, 3.0, 4.0])
    count = np.array([4.0, 1.0, 1.0, 1.0, 1.0])
    medians = weighted_medians(group, value, np.ones(5), 2)
    assert shared_counts(group, value, count, medians, 2).tolist() == [5.0, 1.0]


def test_figures_are_rounded_to_the_power_of_ten_under_their_standard_error() -> None:
    se = np.array([0.0065, 0.03, 0.0, 0.00004])
    step = precision.steps(se, 0.001, 0.01)
    assert step.tolist() == [0.001, 0.01, 0.001, 0.001]
    value = np.array([0.16274, 0.2251, 0.0, 0.5])
    assert precision.rounded(value, step).tolist() == [0.163, 0.23, 0.0, 0.5]
    # Intervals widen outwards on the same step: the published one holds the computed one.
    assert precision.rounded_down(np.array([0.14981, 0.1]), step[:2]).tolist() == [0.149, 0.1]
    assert precision.rounded_up(np.array([0.17619, 0.31]), step[:2]).tolist() == [0.177, 0.31]
    totals = precision.steps(np.array([12_345.0, 0.4]), 1.0)
    assert totals.tolist() == [10_000.0, 1.0]
    assert precision.digits(np.array([0.01, 1.0, 1000.0])).tolist() == [2, 0, 0]
