"""Secondary suppression of a question over all its published tables at once.

The breakdowns (national, kind, band, région, kind × band) are views of the same respondents:
a row of the kind table is the sum of kind × band cells, the national table the sum of any
breakdown. Suppressing each table alone therefore leaks: a hidden kind × band cell is the
published kind cell minus the published cells of the other bands. Here every published figure
of a question is a linear form over *atoms* (the classes that no breakdown tells apart), and a
hidden cell is protected exactly when its form is not in the span of the published forms
(the attacker's equations, margins and domain bases included). Cells are hidden, cheapest
first, until no hidden cell lies in that span.

A question's columns are coupled only through the domains' bases (how many answered): a single
choice's answers sum to the base, which is treated as known in every domain (it is published
from k respondents, and the number of respondents of a domain is public). The options of a
multiple choice (each a yes against the known base) and a numeric question's weighted totals
are each a system of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.linalg import lapack, solve_triangular

from services.survey.observatory import blas  # noqa: F401 - one BLAS thread

Array = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Table:
    """One breakdown of a question: which atoms make each domain, the cells' counts (their cost
    when hidden) and the cells hidden already (primary suppression)."""

    members: Array  # (atoms, domains) 0/1
    counts: IntArray  # (domains, columns)
    hidden: BoolArray  # (domains, columns)


def suppress(tables: list[Table], coefficients: Array, *, bases_known: bool) -> list[BoolArray]:
    """The hidden cells of every table, once no hidden cell can be recovered from all the
    published ones. `coefficients` (atoms,) weigh each atom in a cell (1 for counts, the design
    weight for a weighted total); with `bases_known`, each domain's columns sum to a known
    figure (a single choice), otherwise each column is independent."""
    hidden = [table.hidden.copy() for table in tables]
    columns = tables[0].counts.shape[1]
    if bases_known:
        _solve(tables, hidden, coefficients, list(range(columns)), bases=True)
    else:
        for column in range(columns):
            _solve(tables, hidden, coefficients, [column], bases=False)
    return hidden


def _solve(
    tables: list[Table],
    hidden: list[BoolArray],
    coefficients: Array,
    columns: list[int],
    *,
    bases: bool,
) -> None:
    # Every form lives in (columns × atoms), but only its inner products matter: for domains
    # d and e (of any tables), with m the 0/1 atoms vectors and w the coefficients,
    # cell(d, c)·cell(e, c) = m_d·w²·m_e, cell(d, c)·base(e) = m_d·w·m_e, and
    # base(d)·base(e) = |columns| m_d·m_e. So the test runs on Gram matrices of the published
    # cells (a few hundred), whatever the number of atoms.
    members = np.hstack([table.members for table in tables])  # (atoms, all domains)
    squared = members.T @ (members * (coefficients**2)[:, None])
    mixed = members.T @ (members * coefficients[:, None])
    plain = len(columns) * (members.T @ members)
    cells: list[tuple[int, int, int]] = []  # (table, domain, column)
    spot: list[tuple[int, int]] = []  # (domain among all, column position)
    costs: list[int] = []
    offset = 0
    for number, table in enumerate(tables):
        for domain in range(table.members.shape[1]):
            for position, column in enumerate(columns):
                cells.append((number, domain, column))
                spot.append((offset + domain, position))
                costs.append(int(table.counts[domain, column]))
        offset += table.members.shape[1]
    if not cells:
        return
    where = np.array([d for d, _ in spot])
    column_of = np.array([c for _, c in spot])
    same = column_of[:, None] == column_of[None, :]
    cell_cell = np.where(same, squared[np.ix_(where, where)], 0.0)
    cell_base = mixed[where] if bases else np.zeros((len(cells), 0))
    base_base = plain if bases else np.zeros((0, 0))
    known = base_base.shape[0]
    order = _Order(
        np.array([t for t, _, _ in cells]),
        np.array([d for _, d, _ in cells]),
        np.array([c for _, _, c in cells]),
        np.array([tables[t].members.shape[1] for t, _, _ in cells]),
        np.array(costs),
    )
    is_hidden = np.array([bool(hidden[t][d, c]) for t, d, c in cells])
    # Hidden cells not yet shown to be protected. Hiding more only shrinks what is published,
    # so a cell protected once stays protected: only the others are tested again.
    pending = is_hidden.copy()
    while pending.any():
        visible, targets = np.flatnonzero(~is_hidden), np.flatnonzero(pending)
        gram = np.block(
            [
                [base_base, cell_base[visible].T],
                [cell_base[visible], cell_cell[np.ix_(visible, visible)]],
            ]
        )
        products = np.hstack([cell_base[targets], cell_cell[np.ix_(targets, visible)]])
        basis, factor = _span(gram)
        # What of each hidden form the published ones explain: |L⁻¹ b|² (L the Cholesky factor
        # of the basis' Gram); a hidden cell is exposed when nothing of it is left unexplained.
        explained = solve_triangular(factor, products[:, basis].T, lower=True, check_finite=False)
        norms = cell_cell[targets, targets]
        residual = norms - np.einsum("ij,ij->j", explained, explained)
        exposed = residual < 1e-7 * np.maximum(norms, 1.0)
        pending[targets[~exposed]] = False
        if not exposed.any():
            return
        # How each exposed cell is made of published ones (coefficients on the basis).
        weights = solve_triangular(
            factor.T, explained[:, exposed], lower=False, check_finite=False
        ).T
        chosen: set[int] = set()
        for row, target in enumerate(targets[exposed]):
            # The published cells this hidden cell's value is made of: hiding one breaks this
            # way of recovering it (the loop looks for any other).
            published = basis[np.abs(weights[row]) > 1e-9]
            used = visible[published[published >= known] - known]
            if len(used):
                chosen.add(int(used[_best(order, target, used)]))
        if not chosen:
            return  # only the bases pin it: nothing left to hide
        for cell in chosen:
            number, domain, column = cells[cell]
            hidden[number][domain, column] = True
            is_hidden[cell] = pending[cell] = True


def _span(gram: Array) -> tuple[IntArray, Array]:
    """A basis of the published forms (positions in `gram`, picked by pivoted Cholesky, which
    tells dependent forms apart several times faster than an eigendecomposition) and the
    Cholesky factor of their Gram matrix."""
    if not len(gram):
        return np.zeros(0, dtype=np.int64), np.zeros((0, 0))
    tolerance = 1e-10 * max(float(gram.diagonal().max()), 1.0)
    factor, pivots, rank, _ = lapack.dpstrf(gram, lower=1, tol=tolerance)
    return pivots[:rank].astype(np.int64) - 1, np.tril(factor[:rank, :rank])


@dataclass(frozen=True)
class _Order:
    """Each cell's table, domain, column, table size (its number of domains) and cost."""

    table: IntArray
    domain: IntArray
    column: IntArray
    size: IntArray
    cost: IntArray


def _best(order: _Order, target: int, used: IntArray) -> int:
    """Which of the `used` published cells to hide to protect `target`: never a coarser
    table's (the national figures, say) while a finer one will do; then the same answer (in its
    own table first), then the same domain of its table, then the rest; then the fewest
    respondents. Its position in `used`."""
    coarser = order.size[used] < order.size[target]
    same_table = order.table[used] == order.table[target]
    same_column = order.column[used] == order.column[target]
    same_domain = same_table & (order.domain[used] == order.domain[target])
    distance = np.where(same_column, 0, np.where(same_domain, 1, 2))
    keys = (order.cost[used], ~same_table, distance, coarser)  # last key sorts first
    return int(np.lexsort(keys)[0])
