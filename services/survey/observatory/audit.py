"""The audit before publication: what an attacker with a solver learns of each hidden cell.

For one question, the attacker's unknowns are the counts x[a, c] of each answer c in each atom
a (the classes no breakdown nor weight tells apart). What is published constrains them:

- every published cell of every breakdown, an equation Σ_{a in d} x[a, c] = count;
- every domain's base (who answered there; taken as known in every domain, as the joint
  suppression does, since the number of respondents of a domain is public);
- the weighted proportions of domains that mix strata, as inequalities: the published figure
  ± half its rounding step, times the domain's weighted base (the weights are public);
- non-negativity, and each atom's units in the frame (public) as an upper bound.

For every hidden cell, the smallest and largest count these allow (two linear programmes,
HiGHS, warm-started from one cell to the next) rounded inwards to integers give the interval
the attacker can be sure of. Publication requires every interval to be at least the protection
level wide, or the domain's whole base where that is smaller (nothing narrower than what the
number of respondents alone says); while a cell falls short, one more published cell is hidden
(secondary suppression) and the failing cells are audited again. Hiding more only widens the
intervals, so a cell once protected stays so.

The rounding inwards of a relaxation's bounds can leave an interval wider than the integer
one: an interval within `INTEGER_MARGIN` of the level is computed again on integers (branch and
bound); the property tests check the audit against an exact integer attack (CP-SAT).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import highspy
import numpy as np
from numpy.typing import NDArray

from services.survey.observatory import blas  # noqa: F401 - one BLAS thread

Array = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]
INFINITE = highspy.kHighsInf
# Below this gap a bound is an integer (the solver's own tolerances are about 1e-7).
SLACK = 1e-6
# A relaxation's interval within this of the protection level is checked on integers.
INTEGER_MARGIN = 3


@dataclass(frozen=True)
class Table:
    """One breakdown of a question: atoms of each domain, counts, what is hidden, and for its
    weighted proportions, each cell's published figure and rounding step (NaN: none)."""

    members: Array  # (atoms, domains) 0/1
    counts: IntArray  # (domains, columns)
    hidden: BoolArray  # (domains, columns)
    bases: IntArray  # (domains,)
    estimate: Array = field(default_factory=lambda: np.zeros((0, 0)))  # (domains, columns)
    step: Array = field(default_factory=lambda: np.zeros((0, 0)))
    # The cells to protect (primary suppression: 1 to k-1 respondents, or a row under k);
    # None: every hidden cell with respondents.
    sensitive: BoolArray | None = None

    def column(self, column: int) -> Table:
        """This table restricted to one answer (an option of a multiple choice)."""
        keep = [column]
        return Table(
            self.members,
            self.counts[:, keep],
            self.hidden[:, keep],
            self.bases,
            self.estimate[:, keep] if self.estimate.size else self.estimate,
            self.step[:, keep] if self.step.size else self.step,
            None if self.sensitive is None else self.sensitive[:, keep],
        )


@dataclass(frozen=True)
class Finding:
    """The interval of one hidden cell, and whether it holds the protection level."""

    table: int
    domain: int
    column: int
    low: int
    high: int
    required: int

    @property
    def protected(self) -> bool:
        return self.high - self.low >= self.required


class _Model:
    """The attacker's linear programme for one question, kept across rounds: hiding a cell
    frees its equation (its row's bounds become infinite) instead of rebuilding the model."""

    def __init__(
        self,
        tables: list[Table],
        caps: Array,
        weights: Array,
        *,
        exclusive: bool,
    ) -> None:
        self.tables = tables
        atoms, columns = tables[0].members.shape[0], tables[0].counts.shape[1]
        self.atoms, self.columns = atoms, columns
        # Variables: x[a, c] (a * columns + c); for a multiple choice, then the atoms' bases
        # y[a] (x[a, c] <= y[a]); for a single choice the base is Σ_c x[a, c].
        self.exclusive = exclusive
        count = atoms * columns + (0 if exclusive else atoms)
        self.count = count
        highs = highspy.Highs()  # type: ignore[no-untyped-call]
        highs.setOptionValue("output_flag", False)
        highs.setOptionValue("threads", 1)
        # Only the objective changes from one solve to the next: the last basis stays feasible,
        # and the primal simplex starts from it (several times faster than the dual here).
        highs.setOptionValue("solver", "simplex")
        highs.setOptionValue("simplex_strategy", 0)
        highs.setOptionValue("presolve", "off")
        upper = np.concatenate(
            [np.repeat(caps, columns), caps if not exclusive else np.zeros(0)]
        ).astype(float)
        highs.addVars(count, np.zeros(count), upper)
        self.highs = highs
        self.rows = 0
        self.cell_rows: dict[tuple[int, int, int], list[int]] = {}
        self.row_cell: dict[int, tuple[int, int, int]] = {}
        self.freed: set[tuple[int, int, int]] = set()
        if exclusive:  # each atom's answers within its units
            for atom in range(atoms):
                self._row(-INFINITE, float(caps[atom]), self._x(atom, range(columns)))
        else:
            for atom in range(atoms):
                for column in range(columns):
                    x = self._x(atom, [column])
                    self._row(-INFINITE, 0.0, _pair(x, self._y(atom)))
        for number, table in enumerate(tables):
            for domain in range(table.members.shape[1]):
                inside = np.flatnonzero(table.members[:, domain])
                base = float(table.bases[domain])
                self._row(base, base, self._base(inside))
                for column in range(columns):
                    rows = [
                        self._row(*_equal(table.counts[domain, column]), self._x(inside, [column]))
                    ]
                    rows += self._weighted(table, domain, column, inside, weights)
                    self.cell_rows[(number, domain, column)] = rows
                    for row in rows:
                        self.row_cell[row] = (number, domain, column)
                    if table.hidden[domain, column]:
                        self.free((number, domain, column))

    def _x(
        self, atoms: range | IntArray | int, columns: range | list[int]
    ) -> tuple[IntArray, Array]:
        atom_list = np.atleast_1d(np.asarray(list(atoms) if isinstance(atoms, range) else atoms))
        index = (atom_list[:, None] * self.columns + np.asarray(list(columns))[None, :]).ravel()
        return index.astype(np.int32), np.ones(index.size)

    def _y(self, atoms: IntArray | int) -> tuple[IntArray, Array]:
        atom_list = np.atleast_1d(np.asarray(atoms))
        index = self.atoms * self.columns + atom_list
        return index.astype(np.int32), np.ones(index.size)

    def _base(self, inside: IntArray) -> tuple[IntArray, Array]:
        return self._x(inside, range(self.columns)) if self.exclusive else self._y(inside)

    def _weighted(
        self, table: Table, domain: int, column: int, inside: IntArray, weights: Array
    ) -> list[int]:
        """The weighted proportion of a domain that mixes weights, as two inequalities:
        (p - s/2) Σ w y <= Σ w x <= (p + s/2) Σ w y."""
        if not table.estimate.size or not np.isfinite(table.estimate[domain, column]):
            return []
        if len(inside) == 0:
            return []
        w = weights[inside]
        if np.ptp(w) <= 1e-12 * max(float(w.max()), 1.0):
            return []  # one weight: the proportion is the count over the base, known already
        w = w / float(w.max())  # scaled: the same inequality, better conditioned
        p, half = float(table.estimate[domain, column]), float(table.step[domain, column]) / 2
        x_index, _ = self._x(inside, [column])
        base_index, _ = self._base(inside)
        base_weights = np.repeat(w, self.columns) if self.exclusive else w
        rows = []
        for bound, sign in ((p + half, 1.0), (p - half, -1.0)):
            index = np.concatenate([x_index, base_index])
            values = np.concatenate([w, -bound * base_weights]) * sign
            index, values = _merge(index, values)
            rows.append(self._row(-INFINITE, 1e-9, (index, values)))
        return rows

    def _row(self, low: float, high: float, entries: tuple[IntArray, Array]) -> int:
        index, values = entries
        self.highs.addRow(low, high, len(index), index, values)
        self.rows += 1
        return self.rows - 1

    def free(self, cell: tuple[int, int, int]) -> None:
        """What an attacker no longer knows once the cell is hidden."""
        self.freed.add(cell)
        for row in self.cell_rows[cell]:
            self.highs.changeRowBounds(row, -INFINITE, INFINITE)

    def integer_bounds(self, costs: Array) -> tuple[int, int]:
        """The cell's smallest and largest count over integer tables (branch and bound)."""
        everything = np.arange(self.count, dtype=np.int32)
        integer = np.full(self.count, highspy.HighsVarType.kInteger)
        self.highs.changeColsIntegrality(self.count, everything, integer)
        try:
            found = []
            for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
                solution = self.solve(costs, sense)
                found.append(float(costs @ solution))
        finally:
            continuous = np.full(self.count, highspy.HighsVarType.kContinuous)
            self.highs.changeColsIntegrality(self.count, everything, continuous)
        return round(found[0]), round(found[1])

    def binding(self) -> set[tuple[int, int, int]]:
        """The published cells whose equations hold the last optimum where it is (non-zero
        duals): hiding one of them is what can widen the interval just found."""
        duals = np.asarray(self.highs.getSolution().row_dual)
        rows = np.flatnonzero(np.abs(duals) > 1e-9)
        return {
            self.row_cell[row]
            for row in rows.tolist()
            if row in self.row_cell and self.row_cell[row] not in self.freed
        }

    def form(self, cell: tuple[int, int, int]) -> Array:
        """The cell's count as a linear form over the variables."""
        number, domain, column = cell
        inside = np.flatnonzero(self.tables[number].members[:, domain])
        index, ones = self._x(inside, [column])
        costs = np.zeros(self.count)
        costs[index] = ones
        return costs

    def solve(self, costs: Array, sense: highspy.ObjSense) -> Array:
        """A table the published figures allow (the optimum of `costs`), as the variables."""
        self.highs.changeColsCost(self.count, np.arange(self.count, dtype=np.int32), costs)
        self.highs.changeObjectiveSense(sense)
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError("audit: the published figures admit no table")
        return np.asarray(self.highs.getSolution().col_value)


def _pair(x: tuple[IntArray, Array], y: tuple[IntArray, Array]) -> tuple[IntArray, Array]:
    return np.concatenate([x[0], y[0]]), np.concatenate([x[1], -y[1]])


def _equal(value: float) -> tuple[float, float]:
    return float(value), float(value)


def _merge(index: IntArray, values: Array) -> tuple[IntArray, Array]:
    """One coefficient per variable (HiGHS refuses duplicates)."""
    unique, position = np.unique(index, return_inverse=True)
    summed = np.zeros(unique.size)
    np.add.at(summed, position, values)
    return unique.astype(np.int32), summed


def required_width(protection: int, base: int) -> int:
    """The narrowest interval allowed: the protection level, or the domain's base if smaller."""
    return min(protection, int(base))


def protect(
    tables: list[Table],
    caps: Array,
    weights: Array,
    *,
    protection: int,
    exclusive: bool,
) -> tuple[list[BoolArray], list[Finding]]:
    """Hide published cells until every sensitive cell's interval holds the protection level;
    the hidden cells and the last audit of each sensitive cell.

    A multiple choice is audited option by option, each a yes against the known bases (as
    the joint suppression does); the atoms' own bases, unknown, are variables of each."""
    if not exclusive and tables[0].counts.shape[1] > 1:
        masks = [table.hidden.copy() for table in tables]
        found: list[Finding] = []
        for column in range(tables[0].counts.shape[1]):
            part, findings_of = protect(
                [table.column(column) for table in tables],
                caps,
                weights,
                protection=protection,
                exclusive=False,
            )
            for mask, sub in zip(masks, part, strict=True):
                mask[:, column] = sub[:, 0]
            found += [
                Finding(f.table, f.domain, column, f.low, f.high, f.required) for f in findings_of
            ]
        return masks, found
    hidden = [table.hidden.copy() for table in tables]
    findings: dict[tuple[int, int, int], Finding] = {}
    # A cell nobody is in (a zero) holds no one's answer; a cell hidden only to protect
    # another (secondary) needs no protection of its own (the handbooks' protection levels
    # are those of the primary cells).
    pending = [
        (number, int(domain), int(column))
        for number, table in enumerate(tables)
        for domain, column in zip(
            *np.nonzero(
                (table.hidden if table.sensitive is None else table.sensitive)
                & table.hidden
                & (table.counts > 0)
            ),
            strict=True,
        )
    ]
    if not pending:
        return hidden, []
    model = _Model(tables, caps, weights, exclusive=exclusive)
    while pending:
        failing = []
        binding: dict[tuple[int, int, int], set[tuple[int, int, int]]] = {}
        intervals = _intervals(model, pending, tables, protection, binding)
        for cell, (low, high) in intervals.items():
            number, domain, _ = cell
            finding = Finding(
                *cell, low, high, required_width(protection, tables[number].bases[domain])
            )
            findings[cell] = finding
            if not finding.protected:
                failing.append(cell)
        if not failing:
            break
        added = _hide_more(tables, hidden, failing, findings, binding)
        if not added:
            break  # nothing left to hide: the findings say what falls short
        for cell in added:
            model.free(cell)
        pending = failing
    return hidden, [findings[cell] for cell in sorted(findings)]


def _intervals(
    model: _Model,
    cells: list[tuple[int, int, int]],
    tables: list[Table],
    protection: int,
    binding: dict[tuple[int, int, int], set[tuple[int, int, int]]],
) -> dict[tuple[int, int, int], tuple[int, int]]:
    """Each cell's interval, rounded inwards. Every solution is a table the attacker cannot
    rule out, so it widens what is known of *every* cell: a few solves in common directions
    (all the cells' sum, up and down, and random mixes) show most cells wide enough; only the
    others get their own two solves, whose exact bounds are what is reported for them."""
    forms = np.array([model.form(cell) for cell in cells])
    required = np.array(
        [required_width(protection, tables[number].bases[domain]) for number, domain, _ in cells]
    )
    low = np.full(len(cells), np.inf)
    high = np.full(len(cells), -np.inf)

    def seen(solution: Array) -> None:
        values = forms @ solution
        np.minimum(low, values, out=low)
        np.maximum(high, values, out=high)

    rng = np.random.default_rng(0)  # the same directions at every run: the same audit
    directions = [forms.sum(axis=0)] + [rng.random(len(cells)) @ forms for _ in range(2)]
    for direction in directions:
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            seen(model.solve(direction, sense))
    out: dict[tuple[int, int, int], tuple[int, int]] = {}
    for position, cell in enumerate(cells):
        inner_low = math.ceil(low[position] - SLACK)
        inner_high = math.floor(high[position] + SLACK)
        if inner_high - inner_low >= required[position] + INTEGER_MARGIN:
            # Wide enough, with room for the gap between relaxed and integer tables.
            out[cell] = (inner_low, inner_high)
            continue
        bounds = []
        pins: set[tuple[int, int, int]] = set()
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            solution = model.solve(forms[position], sense)
            seen(solution)
            bounds.append(float(forms[position] @ solution))
            pins |= model.binding()
        low_bound, high_bound = math.ceil(bounds[0] - SLACK), math.floor(bounds[1] + SLACK)
        if high_bound - low_bound < required[position] + INTEGER_MARGIN:
            # Near the line, the relaxation's bounds rounded inwards can still be wider than
            # the integer ones: the integer programme decides.
            low_bound, high_bound = model.integer_bounds(forms[position])
        out[cell] = (low_bound, high_bound)
        binding[cell] = pins
    return out


def _hide_more(
    tables: list[Table],
    hidden: list[BoolArray],
    failing: list[tuple[int, int, int]],
    findings: dict[tuple[int, int, int], Finding],
    binding: dict[tuple[int, int, int], set[tuple[int, int, int]]],
) -> list[tuple[int, int, int]]:
    """For each failing cell, one of the published cells whose equations pin it (the binding
    constraints of its two programmes): in its own table first, then the smallest count that
    would give the missing width by itself, else the largest; without any (only the bases and
    the frame pin it), another answer of its own domain, else a published cell of a domain
    that shares atoms with it."""
    chosen: set[tuple[int, int, int]] = set()
    for cell in failing:
        number, domain, _ = cell
        finding = findings[cell]
        missing = finding.required - (finding.high - finding.low)
        candidates = [c for c in binding.get(cell, set()) if not hidden[c[0]][c[1], c[2]]]
        if not candidates:
            mask = hidden[number]
            candidates = [(number, domain, c) for c in range(mask.shape[1]) if not mask[domain, c]]
        if not candidates:
            # Only the integer programme pins it (the relaxation's optimum is held by the
            # frame alone): any published cell over some of the same atoms may be what does.
            candidates = _overlapping(tables, hidden, tables[number].members[:, domain])
        if not candidates:
            continue

        def count(c: tuple[int, int, int]) -> int:
            return int(tables[c[0]].counts[c[1], c[2]])

        enough = [c for c in candidates if count(c) >= missing]
        if enough:
            best = min(enough, key=lambda c: (c[0] != number, count(c), c))
        else:
            best = max(candidates, key=lambda c: (count(c), c))
        chosen.add(best)
    for t, d, c in chosen:
        hidden[t][d, c] = True
    return sorted(chosen)


def _overlapping(
    tables: list[Table], hidden: list[BoolArray], atoms: Array
) -> list[tuple[int, int, int]]:
    """The published cells of the domains that share an atom with `atoms` (a membership)."""
    return [
        (number, int(domain), int(column))
        for number, table in enumerate(tables)
        for domain in np.flatnonzero(table.members.T @ atoms > 0)
        for column in np.flatnonzero(~hidden[number][domain])
    ]
