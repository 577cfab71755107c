"""Primary disclosure control of one published table, on the server, before anything leaves it.

A table has a row per domain (a région, a kind…) and a column per answer; its cells are the
unweighted counts of respondents (reference §6). A row with fewer than k answers is hidden
whole (so no 0 % or 100 % under k), and so is every cell built from 1 to k-1 respondents.
Secondary suppression, so that no hidden cell can be recovered from everything published, runs
over all the tables of a question together: see `joint`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from services.survey.observatory import blas  # noqa: F401 - one BLAS thread

BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


def primary(counts: IntArray, bases: IntArray, k: int) -> BoolArray:
    """Cells from 1 to k-1 respondents, and whole rows of fewer than k answers."""
    small_cell = (counts > 0) & (counts < k)
    small_row = (bases < k)[:, None]
    return np.asarray(small_cell | small_row)
