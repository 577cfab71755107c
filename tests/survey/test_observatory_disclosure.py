"""Disclosure control over random tables (hypothesis): no published cell from fewer than k
respondents, and no hidden cell recoverable from the margins and the published cells."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from services.survey.observatory.disclosure import suppress


def recoverable(
    counts: NDArray[np.int64], hidden: NDArray[np.bool_], *, rows_known: bool, columns_known: bool
) -> list[tuple[int, int]]:
    """Hidden cells whose value the published figures pin down: those whose unit vector lies
    in the row space of the margin equations restricted to hidden cells (exact linear algebra)."""
    cells = [tuple(int(i) for i in cell) for cell in zip(*np.nonzero(hidden), strict=True)]
    if not cells:
        return []
    equations: list[list[float]] = []
    if rows_known:
        equations += [[float(r == row) for r, _ in cells] for row in range(counts.shape[0])]
    if columns_known:
        equations += [[float(c == column) for _, c in cells] for column in range(counts.shape[1])]
    matrix = np.array(equations) if equations else np.zeros((0, len(cells)))
    rank = np.linalg.matrix_rank(matrix) if equations else 0
    found = []
    for number, cell in enumerate(cells):
        unit = np.zeros(len(cells))
        unit[number] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(cell)
    return found  # type: ignore[return-value]


tables = st.integers(1, 7).flatmap(
    lambda rows: st.integers(2, 6).flatmap(
        lambda columns: st.lists(
            st.lists(st.integers(0, 14), min_size=columns, max_size=columns),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(table=tables, k=st.integers(3, 11))
def test_answer_tables_publish_no_small_cell_and_hide_recoverably_nothing(
    table: list[list[int]], k: int
) -> None:
    counts = np.array(table, dtype=np.int64)
    bases = counts.sum(axis=1)
    margins = counts.shape[0] > 1  # a breakdown: its columns' national counts are published
    hidden = suppress(counts, bases, k=k, rows_known=True, columns_known=margins)

    shown = ~hidden
    assert not (shown & ((counts > 0) & (counts < k))).any()
    assert not (shown & (bases < k)[:, None]).any()  # no 0 % or 100 % under k either
    assert recoverable(counts, hidden, rows_known=True, columns_known=margins) == []


@settings(max_examples=200, deadline=None)
@given(
    bases=st.lists(st.integers(0, 30), min_size=2, max_size=20),
    dominated=st.lists(st.booleans(), min_size=20, max_size=20),
    k=st.integers(3, 11),
)
def test_numeric_domains_hide_small_or_dominated_cells_in_pairs(
    bases: list[int], dominated: list[bool], k: int
) -> None:
    column = np.array(bases, dtype=np.int64)[:, None]
    extra = np.array(dominated[: len(bases)])[:, None]
    hidden = suppress(column, column[:, 0], k=k, rows_known=False, columns_known=True, extra=extra)

    assert not (~hidden & ((column < k) | extra)).any()
    # The national figure is published: one hidden domain alone would be the difference.
    assert recoverable(column, hidden, rows_known=False, columns_known=True) == []
