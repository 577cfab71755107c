"""The published results of a campaign: every closed question, in every domain of a breakdown,
weighted, with its interval, then put through disclosure control.

`prepare` turns the database's counts into arrays by class once; `published` then builds one
breakdown with matrix products (classes -> strata × domains) and the vectorised estimators;
the only Python loops run over tables (a question in a breakdown) and over the cells written
out, never over respondents.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from services.survey.observatory import (
    asked,
    audit,
    blas,  # noqa: F401 - one BLAS thread
    disclosure,
    estimates,
    joint,
    precision,
)
from services.survey.observatory.breakdowns import (
    BREAKDOWNS,
    domain_label,
    domain_of,
    domain_order,
)
from services.survey.observatory.estimates import Design
from services.survey.observatory.frame import Class, PostStrata, collapse
from services.survey.observatory.standards import (
    DOMINANCE,
    MEAN_FINEST,
    NON_ADDITIVE_UNITS,
    PROPORTION_COARSEST,
    PROPORTION_FINEST,
    TOTAL_FINEST,
    Interval,
)
from services.survey.observatory.tallies import Tallies
from services.survey.observatory.units import Skipped, Unit

Array = NDArray[np.float64]


@dataclass(frozen=True)
class Prepared:
    """A campaign's counts as arrays over its classes (frame and respondents)."""

    classes: list[Class]
    frame: Array  # units of the frame per class
    respondents: Array  # submitted responses per class
    strata: PostStrata
    design: Design
    group: NDArray[np.int64]  # post-stratum (after collapsing) of each class
    units: list[Unit]
    skipped: list[Skipped]
    var_unit: NDArray[np.int64]  # for each coded variable (unit, answer), its unit
    var_code: list[str]
    chosen: Array  # (variables, classes): respondents who gave that answer
    answered: Array  # (units, classes): respondents who answered the unit
    numeric_rows: tuple[NDArray[np.int64], NDArray[np.int64], Array, Array]  # unit, class, y, n


def prepare(
    tallies: Tallies, frame: dict[Class, int], units: list[Unit], skipped: list[Skipped]
) -> Prepared:
    classes = sorted(set(frame) | set(tallies.respondents))
    index = {cls: number for number, cls in enumerate(classes)}
    respondents = np.array([tallies.respondents.get(cls, 0) for cls in classes], dtype=float)
    frame_n = np.array([frame.get(cls, 0) for cls in classes], dtype=float)
    population: dict[str, int] = {}
    answering: dict[str, int] = {}
    for cls, big_n, n in zip(classes, frame_n, respondents, strict=True):
        population[cls.stratum] = population.get(cls.stratum, 0) + int(big_n)
        answering[cls.stratum] = answering.get(cls.stratum, 0) + int(n)
    # An invitation outside the frame (a territory since merged) still counts in its stratum.
    population = {key: max(value, answering.get(key, 0)) for key, value in population.items()}
    strata = collapse(population, answering)
    group = np.array([strata.group_of.get(cls.stratum, 0) for cls in classes], dtype=np.int64)
    design = Design(
        np.array(strata.respondents, dtype=float), np.array(strata.population, dtype=float)
    )

    unit_index = {unit.key: number for number, unit in enumerate(units)}
    var_index: dict[tuple[str, str], int] = {}
    var_unit: list[int] = []
    var_code: list[str] = []
    for number, unit in enumerate(units):
        for code in unit.codes:
            var_index[(unit.key, code)] = len(var_unit)
            var_unit.append(number)
            var_code.append(code)
    decoded = _Decoder(units, unit_index, var_index)
    pairs = [(decoded.pair(key, answer), index[cls], n) for cls, key, answer, n in tallies.coded]
    pair_of, class_of_pair, count_of_pair = (
        (np.array(column, dtype=np.int64) for column in zip(*pairs, strict=True))
        if pairs
        else (np.zeros(0, dtype=np.int64) for _ in range(3))
    )
    chosen = decoded.spread(
        decoded.variables, pair_of, class_of_pair, count_of_pair, len(var_unit), len(classes)
    )
    answered = decoded.spread(
        decoded.units, pair_of, class_of_pair, count_of_pair, len(units), len(classes)
    )
    # JSON numbers only: "nsp" (a string) and null are not values to average.
    numbers = [
        (unit_index[key], index[cls], float(answer), n)
        for cls, key, answer, n in tallies.numbers
        if answer and answer[0] not in '"n[{' and key in unit_index
    ]
    unit_of, class_of, values, counts = (
        (list(column) for column in zip(*numbers, strict=True)) if numbers else ([], [], [], [])
    )
    return Prepared(
        classes=classes,
        frame=frame_n,
        respondents=respondents,
        strata=strata,
        design=design,
        group=group,
        units=units,
        skipped=skipped,
        var_unit=np.array(var_unit, dtype=np.int64),
        var_code=var_code,
        chosen=chosen,
        answered=answered,
        numeric_rows=(
            np.array(unit_of, dtype=np.int64),
            np.array(class_of, dtype=np.int64),
            np.array(values, dtype=float),
            np.array(counts, dtype=float),
        ),
    )


class _Decoder:
    """Each distinct stored value of a question, decoded once: which units it answers and
    which (unit, answer) variables it ticks (several for a multiple choice or a matrix)."""

    def __init__(
        self, units: list[Unit], unit_index: dict[str, int], var_index: dict[tuple[str, str], int]
    ) -> None:
        self._matrix = {unit.question for unit in units if unit.type == "matrix"}
        self._unit_index = unit_index
        self._var_index = var_index
        self._pairs: dict[tuple[str, str], int] = {}
        self.units: list[list[int]] = []
        self.variables: list[list[int]] = []

    def pair(self, key: str, answer: str) -> int:
        found = self._pairs.get((key, answer))
        if found is None:
            found = self._pairs[(key, answer)] = len(self.units)
            units, variables = self._decode(key, json.loads(answer) if answer else None)
            self.units.append(units)
            self.variables.append(variables)
        return found

    def _decode(self, key: str, value: Any) -> tuple[list[int], list[int]]:
        if isinstance(value, dict) and key in self._matrix:
            chosen = [(f"{key}/{row}", str(code)) for row, code in value.items()]
        elif isinstance(value, list):
            chosen = [(key, str(code)) for code in value]
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool) and value != "":
            chosen = [(key, str(value))]
        else:
            chosen = []
        units = sorted({self._unit_index[unit] for unit, _ in chosen if unit in self._unit_index})
        variables = [self._var_index[pair] for pair in chosen if pair in self._var_index]
        return units, variables

    @staticmethod
    def spread(
        targets: list[list[int]],
        pair_of: NDArray[np.int64],
        class_of: NDArray[np.int64],
        counts: NDArray[np.int64],
        rows: int,
        classes: int,
    ) -> Array:
        """Counts by (target, class): each grouped row adds its count to every target of its
        value (a CSR expansion, no loop over rows)."""
        lengths = np.array([len(target) for target in targets], dtype=np.int64)
        flat = np.array([item for target in targets for item in target], dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(lengths) else lengths
        repeat = lengths[pair_of] if len(pair_of) else np.zeros(0, dtype=np.int64)
        row_of = np.repeat(np.arange(len(pair_of)), repeat)
        offset = np.arange(len(row_of)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        target = flat[starts[pair_of[row_of]] + offset] if len(row_of) else flat[:0]
        out = np.zeros((rows, classes))
        np.add.at(out, (target, class_of[row_of]), counts[row_of].astype(float))
        return out


@dataclass(frozen=True)
class Domains:
    keys: list[str]
    of_class: NDArray[np.int64]
    spread: Array  # (classes, strata × domains) one-hot: sums by class become sums by (h, d)

    def by_stratum(self, values: Array, strata: int) -> Array:
        """(rows, classes) -> (rows, strata, domains)."""
        return (values @ self.spread).reshape(values.shape[0], strata, len(self.keys))

    def by_domain(self, values: Array) -> Array:
        """(..., classes) -> (..., domains)."""
        onehot = np.zeros((len(self.of_class), len(self.keys)))
        onehot[np.arange(len(self.of_class)), self.of_class] = 1.0
        return np.asarray(values @ onehot)


def _domains(prepared: Prepared, breakdown: str) -> Domains:
    names = [domain_of(breakdown, cls) for cls in prepared.classes]
    keys = sorted(set(names), key=lambda key: domain_order(breakdown, key))
    position = {key: number for number, key in enumerate(keys)}
    of_class = np.array([position[name] for name in names], dtype=np.int64)
    strata = len(prepared.strata.population)
    spread = np.zeros((len(names), strata * len(keys)))
    spread[np.arange(len(names)), prepared.group * len(keys) + of_class] = 1.0
    return Domains(keys, of_class, spread)


def _round(value: float, digits: int) -> float | None:
    return None if not np.isfinite(value) else round(float(value), digits)


Masks = dict[str, dict[int, disclosure.BoolArray]]  # breakdown -> unit -> (domains, columns)


def hidden_cells(
    prepared: Prepared,
    *,
    k: int,
    protection: int | None = None,
    findings: list[audit.Finding] | None = None,
) -> Masks:
    """The hidden cells of every question in every breakdown, suppressed jointly: primary
    suppression table by table, then one secondary pass per question over all its tables
    (no hidden cell a linear combination of published ones); with a `protection` level, then
    the audit (`audit`): no primary cell of a closed question known to within less than that
    level given everything published, bounds and weighted proportions included, more cells
    hidden until none is. The audit costs tens of seconds on a national campaign: it is not
    run on the request path (see docs/survey.md)."""
    domains = {name: _domains(prepared, name) for name in BREAKDOWNS}
    onehots = {name: _onehot(found) for name, found in domains.items()}
    # Atoms: classes that no breakdown (nor the weights) tells apart.
    signature = np.column_stack([found.of_class for found in domains.values()] + [prepared.group])
    _, first_class, atom_of = np.unique(signature, axis=0, return_index=True, return_inverse=True)
    atom_of = atom_of.reshape(-1)
    members = {
        name: np.asarray(np.eye(len(first_class))[atom_of].T @ onehot > 0, dtype=float)
        for name, onehot in onehots.items()
    }
    weights = prepared.design.weights[prepared.group[first_class]]
    ones = np.ones(len(first_class))
    masks: Masks = {name: {} for name in BREAKDOWNS}
    numeric = _numeric_primary(prepared, domains, k=k)
    # For the audit: each atom's units in the frame (public; at least its respondents), and
    # every breakdown's weighted proportions as published (figure and rounding step).
    to_atoms = np.zeros((len(first_class), len(prepared.classes)))
    to_atoms[atom_of, np.arange(len(prepared.classes))] = 1.0
    caps = np.maximum(to_atoms @ prepared.frame, to_atoms @ prepared.respondents)
    figures = {name: _proportions(prepared, found) for name, found in domains.items()}
    for number, unit in enumerate(prepared.units):
        tables: dict[str, joint.Table] = {}
        for name, onehot in onehots.items():
            if unit.shape == "numeric":
                bases, hidden = numeric[name][number]
                tables[name] = joint.Table(members[name], bases[:, None], hidden[:, None])
                continue
            variables = np.flatnonzero(prepared.var_unit == number)
            counts = np.rint(prepared.chosen[variables] @ onehot).astype(np.int64).T
            bases = np.rint(prepared.answered[number] @ onehot).astype(np.int64)
            if unit.shape == "single":
                hidden = disclosure.primary(counts, bases, k)
            else:  # each option a yes against the base, whose no is the difference
                no = bases[:, None] - counts
                hidden = disclosure.primary(counts, bases, k) | ((no > 0) & (no < k))
            tables[name] = joint.Table(members[name], counts, hidden)
        found = joint.suppress(
            list(tables.values()),
            weights if unit.shape == "numeric" else ones,
            bases_known=unit.shape == "single",
        )
        if unit.shape != "numeric" and protection is not None:
            variables = np.flatnonzero(prepared.var_unit == number)
            audited = [
                audit.Table(
                    table.members,
                    table.counts,
                    mask,
                    np.rint(prepared.answered[number] @ onehots[name]).astype(np.int64),
                    figures[name][0][variables].T,
                    figures[name][1][variables].T,
                    table.hidden,  # the primary cells: those the audit protects
                )
                for (name, table), mask in zip(tables.items(), found, strict=True)
            ]
            found, audited_cells = audit.protect(
                audited,
                caps,
                weights,
                protection=protection,
                exclusive=unit.shape == "single",
            )
            if findings is not None:
                findings.extend(audited_cells)
        for name, mask in zip(tables, found, strict=True):
            masks[name][number] = mask
    return masks


def _onehot(domains: Domains) -> Array:
    onehot = np.zeros((len(domains.of_class), len(domains.keys)))
    onehot[np.arange(len(domains.of_class)), domains.of_class] = 1.0
    return onehot


def _numeric_primary(
    prepared: Prepared, domains: dict[str, Domains], *, k: int
) -> dict[str, dict[int, tuple[disclosure.IntArray, disclosure.BoolArray]]]:
    """For each numeric question in each breakdown: the domains' bases, and the cells under k
    respondents or dominated by one of them (reference §6)."""
    numeric = [number for number, unit in enumerate(prepared.units) if unit.shape == "numeric"]
    out: dict[str, dict[int, tuple[disclosure.IntArray, disclosure.BoolArray]]] = {}
    for name, found in domains.items():
        bases, dominated = _numeric_sums(prepared, found, numeric)
        out[name] = {
            unit: (bases[row], (bases[row] < k) | dominated[row])
            for row, unit in enumerate(numeric)
        }
    return out


def _numeric_sums(
    prepared: Prepared, domains: Domains, numeric: list[int]
) -> tuple[disclosure.IntArray, disclosure.BoolArray]:
    """Respondents by (numeric question, domain), and whether one of them dominates the total."""
    unit_of, class_of, values, counts = prepared.numeric_rows
    position = np.full(len(prepared.units), -1, dtype=np.int64)
    position[numeric] = np.arange(len(numeric))
    row_unit = position[unit_of]
    width = len(domains.keys)
    cell_of_row = row_unit * width + domains.of_class[class_of]
    bases = np.zeros(len(numeric) * width)
    np.add.at(bases, cell_of_row, counts)
    magnitude = np.zeros(len(numeric) * width)
    np.add.at(magnitude, cell_of_row, counts * values)
    largest = np.zeros(len(numeric) * width)
    np.maximum.at(largest, cell_of_row, np.abs(values))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = largest / np.abs(magnitude)
    dominated = np.nan_to_num(share) > DOMINANCE
    return (
        np.rint(bases).astype(np.int64).reshape(len(numeric), width),
        dominated.reshape(len(numeric), width),
    )


def published(
    prepared: Prepared,
    breakdown: str,
    *,
    k: int,
    hidden: dict[int, disclosure.BoolArray],
    interval: Interval = "korn-graubard",
) -> dict[str, Any]:
    """One breakdown of the results, as the public sees it (hidden cells carry no figure);
    `hidden` is this breakdown's part of `hidden_cells`."""
    domains = _domains(prepared, breakdown)
    population = domains.by_domain(prepared.frame)
    respondents = domains.by_domain(prepared.respondents)
    overall = estimates.kish_factor(
        prepared.design.weights, np.asarray(prepared.design.respondents)[:, None]
    )
    questions = [
        {
            "key": unit.key,
            "question": unit.question,
            "label": unit.label,
            "type": unit.type,
            "shape": unit.shape,
            "unit": unit.unit,
            "answers": [
                {"code": code, "label": label}
                for code, label in zip(unit.codes, unit.labels, strict=True)
            ],
            "cells": [],
        }
        for unit in prepared.units
    ]
    _coded_cells(prepared, domains, population, questions, k=k, hidden=hidden, interval=interval)
    _numeric_cells(prepared, domains, population, questions, k=k, hidden=hidden)
    return {
        "breakdown": breakdown,
        "breakdown_label": BREAKDOWNS[breakdown],
        "interval": interval,
        "threshold": k,
        "respondents": int(prepared.respondents.sum()),
        # Kish's design effect of the weights (1 + CV² of the weights): how much the unequal
        # weights alone widen the intervals. Overall only: by domain it would be an equation on
        # how many respondents of each stratum the domain holds.
        "design_effect": round(float(overall[0]), 2),
        "domains": [
            {
                "key": key,
                "label": domain_label(breakdown, key),
                "population": int(population[number]),
                "respondents": int(respondents[number]),
            }
            for number, key in enumerate(domains.keys)
        ],
        "questions": questions,
        "not_published": [
            {"key": item.key, "label": item.label, "reason": item.reason}
            for item in prepared.skipped
        ],
    }


def _hidden(domain: str, code: str | None, n: int | None, big_n: float) -> dict[str, Any]:
    return {
        "domain": domain,
        "code": code,
        "suppressed": True,
        "n": n,
        "population": int(big_n),
    }


def _proportions(prepared: Prepared, domains: Domains) -> tuple[Array, Array]:
    """Every coded variable's weighted proportion in each domain as published (rounded on its
    standard error, see `precision`) and its rounding step; NaN where no one answered."""
    strata = len(prepared.strata.population)
    chosen = domains.by_stratum(prepared.chosen, strata)
    base = domains.by_stratum(prepared.answered, strata)[prepared.var_unit]
    ratio = estimates.domain_ratio(prepared.design, base, chosen, chosen)
    step = precision.steps(np.sqrt(ratio.variance), PROPORTION_FINEST, PROPORTION_COARSEST)
    shown = precision.rounded(np.nan_to_num(ratio.estimate), step)
    return np.where(np.isnan(ratio.estimate), np.nan, shown), step


def _coded_cells(
    prepared: Prepared,
    domains: Domains,
    population: Array,
    questions: list[dict[str, Any]],
    *,
    k: int,
    hidden: dict[int, disclosure.BoolArray],
    interval: Interval,
) -> None:
    if not prepared.var_code:
        return
    strata = len(prepared.strata.population)
    chosen = domains.by_stratum(prepared.chosen, strata)
    base = domains.by_stratum(prepared.answered, strata)[prepared.var_unit]
    ratio = estimates.domain_ratio(prepared.design, base, chosen, chosen)
    # Both intervals on the domain's degrees of freedom (its respondents minus the strata they
    # are in), as R's survey does on a subpopulation.
    if interval == "logit":
        low, high = estimates.logit_interval(ratio.estimate, ratio.variance, ratio.df)
    else:
        low, high = estimates.korn_graubard(ratio.estimate, ratio.variance, ratio.n, ratio.df)
    reliable = estimates.proportion_reliable(low, high, ratio.estimate, ratio.variance, ratio)
    # Rounded on the standard error, whatever the interval: the same figure under both.
    step = precision.steps(np.sqrt(ratio.variance), PROPORTION_FINEST, PROPORTION_COARSEST)
    shown = precision.rounded(np.nan_to_num(ratio.estimate), step)
    low = np.clip(precision.rounded_down(low, step), 0.0, 1.0)
    high = np.clip(precision.rounded_up(high, step), 0.0, 1.0)
    decimals = precision.digits(step * 100.0)  # in percentage points, as shown
    counts = np.rint(chosen.sum(axis=1)).astype(np.int64)
    bases = np.rint(ratio.n).astype(np.int64)
    first = 0
    while first < len(prepared.var_unit):
        unit_number = int(prepared.var_unit[first])
        last = first
        while last < len(prepared.var_unit) and prepared.var_unit[last] == unit_number:
            last += 1
        rows = bases[first]
        mask = hidden[unit_number]
        cells = questions[unit_number]["cells"]
        for d, domain in enumerate(domains.keys):
            shown_n = int(rows[d]) if rows[d] >= k else None
            for offset, v in enumerate(range(first, last)):
                code = prepared.var_code[v]
                if mask[d, offset]:
                    cells.append(_hidden(domain, code, shown_n, population[d]))
                    continue
                cells.append(
                    {
                        "domain": domain,
                        "code": code,
                        "suppressed": False,
                        "n": int(rows[d]),
                        "count": int(counts[v, d]),
                        "estimate": _round(shown[v, d], 6),
                        "ci_low": _round(low[v, d], 6),
                        "ci_high": _round(high[v, d], 6),
                        "decimals": int(decimals[v, d]),
                        "df": int(ratio.df[v, d]),
                        "population": int(population[d]),
                        "reliable": bool(reliable[v, d]),
                    }
                )
        first = last


def _numeric_cells(
    prepared: Prepared,
    domains: Domains,
    population: Array,
    questions: list[dict[str, Any]],
    *,
    k: int,
    hidden: dict[int, disclosure.BoolArray],
) -> None:
    numeric = [number for number, unit in enumerate(prepared.units) if unit.shape == "numeric"]
    if not numeric:
        return
    unit_of, class_of, values, counts = prepared.numeric_rows
    position = np.full(len(prepared.units), -1, dtype=np.int64)
    position[numeric] = np.arange(len(numeric))
    row_unit = position[unit_of]
    shape = (len(numeric), len(prepared.classes))
    sums = np.zeros((3, *shape))
    for moment, weights in enumerate((counts, counts * values, counts * values * values)):
        np.add.at(sums[moment], (row_unit, class_of), weights)
    strata = len(prepared.strata.population)
    base, total, squares = (domains.by_stratum(sums[m], strata) for m in range(3))
    ratio = estimates.domain_ratio(prepared.design, base, total, squares)
    # Student on the domain's degrees of freedom (its respondents minus the strata they are
    # in), as R's survey on a subpopulation: the design's n - H would make small domains'
    # intervals too narrow.
    mean_low, mean_high = estimates.t_interval(ratio.estimate, ratio.variance, ratio.df)
    reliable = estimates.mean_reliable(ratio)
    sums_by = _Totals(prepared, domains, numeric, base, total, squares)
    width = len(domains.keys)
    cell_of_row = row_unit * width + domains.of_class[class_of]
    weights = counts * prepared.design.weights[prepared.group[class_of]]
    medians = estimates.weighted_medians(cell_of_row, values, weights, len(numeric) * width)
    sharing = estimates.shared_counts(cell_of_row, values, counts, medians, len(numeric) * width)
    mean_step = precision.steps(np.sqrt(ratio.variance), MEAN_FINEST)
    bases = np.rint(ratio.n).astype(np.int64)
    for row, unit_number in enumerate(numeric):
        mask = hidden[unit_number][:, 0]
        cells = questions[unit_number]["cells"]
        totals = sums_by.of(row, unit_number, hidden)
        for d, domain in enumerate(domains.keys):
            n = int(bases[row, d])
            if mask[d]:
                cells.append(_hidden(domain, None, n if n >= k else None, population[d]))
                continue
            step = mean_step[row, d : d + 1]
            median = medians[row * width + d]
            cells.append(
                {
                    "domain": domain,
                    "code": None,
                    "suppressed": False,
                    "n": n,
                    "population": int(population[d]),
                    "mean": _first(precision.rounded(ratio.estimate[row, d : d + 1], step)),
                    "mean_ci_low": _first(precision.rounded_down(mean_low[row, d : d + 1], step)),
                    "mean_ci_high": _first(precision.rounded_up(mean_high[row, d : d + 1], step)),
                    "decimals": int(precision.digits(step)[0]),
                    "df": int(ratio.df[row, d]),
                    # A median is one respondent's answer unless several gave it: published
                    # only where at least k respondents of the domain gave that very value.
                    "median": _round(median, 4) if sharing[row * width + d] >= k else None,
                    **totals[d],
                    "reliable": bool(reliable[row, d]),
                }
            )


def _first(values: Array) -> float | None:
    return _round(float(values[0]), 6)


class _Totals:
    """The totals of the numeric questions of one breakdown, over whom each was asked of."""

    def __init__(
        self,
        prepared: Prepared,
        domains: Domains,
        numeric: list[int],
        base: Array,
        total: Array,
        squares: Array,
    ) -> None:
        self._prepared, self._domains = prepared, domains
        strata = len(prepared.strata.population)
        self._asked: dict[int, asked.Asked | None] = {}
        rows = np.zeros((len(numeric), len(prepared.classes)))
        for row, number in enumerate(numeric):
            unit = prepared.units[number]
            found = (
                None
                if unit.unit in NON_ADDITIVE_UNITS
                else asked.asked_of(
                    unit,
                    prepared.classes,
                    prepared.respondents,
                    prepared.units,
                    prepared.var_unit,
                    prepared.chosen,
                )
            )
            self._asked[number] = found
            if found is not None:
                rows[row] = found.respondents
        self._estimate = estimates.domain_total(
            prepared.design, domains.by_stratum(rows, strata), base, total, squares
        )
        self._low, self._high = estimates.t_interval(
            self._estimate.estimate, self._estimate.variance, self._estimate.df
        )
        self._step = precision.steps(np.sqrt(self._estimate.variance), TOTAL_FINEST)

    def of(
        self, row: int, number: int, hidden: dict[int, disclosure.BoolArray]
    ) -> list[dict[str, Any]]:
        """For each domain: the total, its interval and its precision, or None with why."""
        found = self._asked[number]
        unit = self._prepared.units[number]
        width = len(self._domains.keys)
        if found is None:
            reason = (
                "Une part ne s'additionne pas d'une collectivité à l'autre : pas de total."
                if unit.unit in NON_ADDITIVE_UNITS
                else "Les collectivités interrogées ne se déduisent pas des comptes publiés : "
                "pas de total."
            )
            return [_no_total(reason) for _ in range(width)]
        out = []
        for d in range(width):
            # The total over the mean is the weighted number of those asked: published only
            # where the answers that open the question are published in this domain.
            if (
                found.opened_by is not None
                and hidden[found.opened_by][d, list(found.opening_codes)].any()
            ):
                out.append(_no_total("Secret statistique sur la question qui l'ouvre."))
                continue
            step = self._step[row, d : d + 1]
            value = self._estimate.estimate[row, d : d + 1]
            out.append(
                {
                    "total": _first(precision.rounded(value, step)),
                    "total_ci_low": _first(precision.rounded_down(self._low[row, d : d + 1], step)),
                    "total_ci_high": _first(precision.rounded_up(self._high[row, d : d + 1], step)),
                    "total_decimals": int(precision.digits(step)[0]),
                    "total_df": int(self._estimate.df[row, d]),
                    "total_note": None,
                }
            )
        return out


def _no_total(reason: str) -> dict[str, Any]:
    return {
        "total": None,
        "total_ci_low": None,
        "total_ci_high": None,
        "total_decimals": None,
        "total_df": None,
        "total_note": reason,
    }
