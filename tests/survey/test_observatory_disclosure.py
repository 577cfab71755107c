"""Disclosure control over random campaigns (hypothesis): no published cell from fewer than k
respondents, and no hidden cell of any breakdown recoverable from everything published about
the question (every breakdown, the domains' bases), checked by exact linear algebra."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from services.survey.observatory import disclosure, export, joint

# Every breakdown as a function of an atom (kind, band, région).
Key = Callable[[int, int, int], object]
BREAKDOWNS: dict[str, Key] = {
    "national": lambda kind, band, region: 0,
    "kind": lambda kind, band, region: kind,
    "band": lambda kind, band, region: band,
    "region": lambda kind, band, region: region,
    "kind_band": lambda kind, band, region: (kind, band),
}


def tables_of(
    counts: NDArray[np.int64], atoms: list[tuple[int, int, int]], k: int
) -> list[joint.Table]:
    """(atoms, answers) counts -> each breakdown, with its primary suppression."""
    tables = []
    for key in BREAKDOWNS.values():
        names = sorted({key(*atom) for atom in atoms}, key=str)
        members = np.array(
            [[float(key(*atom) == name) for name in names] for atom in atoms], dtype=np.float64
        )
        table = (members.T @ counts.astype(np.float64)).astype(np.int64)
        bases = table.sum(axis=1)
        tables.append(joint.Table(members, table, disclosure.primary(table, bases, k)))
    return tables


def recoverable(tables: list[joint.Table], hidden: list[NDArray[np.bool_]]) -> list[str]:
    """Hidden cells in the span of the published forms over (answers × atoms): every shown
    cell of every table, and every domain's base (the sum of its answers)."""
    atoms, columns = tables[0].members.shape[0], tables[0].counts.shape[1]

    def form(members: NDArray[np.float64], column: int | None) -> NDArray[np.float64]:
        vector = np.zeros(columns * atoms)
        for c in range(columns) if column is None else [column]:
            vector[c * atoms : (c + 1) * atoms] = members
        return vector

    known = [form(t.members[:, d], None) for t in tables for d in range(t.members.shape[1])]
    secret: list[tuple[str, NDArray[np.float64]]] = []
    for number, (table, mask) in enumerate(zip(tables, hidden, strict=True)):
        for d, c in itertools.product(range(table.members.shape[1]), range(columns)):
            vector = form(table.members[:, d], c)
            if mask[d, c]:
                secret.append((f"table {number} cell {d},{c}", vector))
            else:
                known.append(vector)
    matrix = np.array(known)
    rank = np.linalg.matrix_rank(matrix)
    return [
        name
        for name, vector in secret
        if np.linalg.matrix_rank(np.vstack([matrix, vector])) == rank
    ]


def test_a_hidden_kind_band_cell_is_not_the_kind_cell_minus_the_other_bands() -> None:
    # kind × band counts (K1/b1, K1/b2, K2/b1, K2/b2) from the review: K1/b1 holds 2 "oui".
    atoms = [(1, 1, 0), (1, 2, 0), (2, 1, 0), (2, 2, 0)]
    counts = np.array([[2, 10], [20, 20], [2, 10], [20, 20]], dtype=np.int64)
    tables = tables_of(counts, atoms, 5)
    hidden = joint.suppress(tables, np.ones(len(atoms)), bases_known=True)

    assert hidden[4][0, 0]  # K1/b1 "oui": 2 respondents
    # Before, the kind table was published whole: 22 - 20 gave the 2 back.
    assert recoverable(tables, hidden) == []


atoms_and_counts = st.tuples(
    st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(2, 3)
).flatmap(
    lambda shape: st.tuples(
        st.lists(
            st.tuples(st.integers(0, shape[0] - 1), st.integers(0, shape[1] - 1)),
            min_size=1,
            max_size=shape[0] * shape[1],
            unique=True,
        ).map(
            lambda pairs: [
                (kind, band, region) for kind, band in pairs for region in range(shape[2])
            ]
        ),
        st.just(shape[3]),
    ).flatmap(
        lambda found: st.tuples(
            st.just(found[0]),
            st.lists(
                st.lists(st.integers(0, 9), min_size=found[1], max_size=found[1]),
                min_size=len(found[0]),
                max_size=len(found[0]),
            ),
        )
    )
)


@settings(max_examples=150, deadline=None)
@given(found=atoms_and_counts, k=st.integers(3, 7))
def test_no_hidden_cell_of_any_breakdown_is_recoverable_from_all_of_them(
    found: tuple[list[tuple[int, int, int]], list[list[int]]], k: int
) -> None:
    atoms, table = found
    counts = np.array(table, dtype=np.int64)
    tables = tables_of(counts, atoms, k)
    hidden = joint.suppress(tables, np.ones(len(atoms)), bases_known=True)

    for each, mask in zip(tables, hidden, strict=True):
        shown = ~mask
        assert not (shown & (each.counts > 0) & (each.counts < k)).any()
        assert not (shown & (each.counts.sum(axis=1) < k)[:, None]).any()
    assert recoverable(tables, hidden) == []


@settings(max_examples=100, deadline=None)
@given(
    bases=st.lists(st.integers(0, 30), min_size=4, max_size=4),
    dominated=st.lists(st.booleans(), min_size=4, max_size=4),
    k=st.integers(3, 11),
)
def test_numeric_totals_hide_small_or_dominated_domains_in_every_breakdown(
    bases: list[int], dominated: list[bool], k: int
) -> None:
    atoms = [(1, 1, 0), (1, 2, 0), (2, 1, 0), (2, 2, 0)]
    weights = np.array([1.5, 2.0, 4.0, 1.0])
    tables = []
    for key in BREAKDOWNS.values():
        names = sorted({key(*atom) for atom in atoms}, key=str)
        members = np.array([[float(key(*a) == n) for n in names] for a in atoms], dtype=np.float64)
        n = (members.T @ np.array(bases)).astype(np.int64)
        small = (n < k) | (members.T @ np.array(dominated, dtype=float) > 0)
        tables.append(joint.Table(members, n[:, None], small[:, None]))
    hidden = joint.suppress(tables, weights, bases_known=False)

    known: list[NDArray[np.float64]] = []
    secret: list[NDArray[np.float64]] = []
    for table, mask in zip(tables, hidden, strict=True):
        for d in range(table.members.shape[1]):
            (secret if mask[d, 0] else known).append(table.members[:, d] * weights)
    matrix = np.array(known) if known else np.zeros((0, len(atoms)))
    rank = np.linalg.matrix_rank(matrix) if known else 0
    for vector in secret:
        assert np.linalg.matrix_rank(np.vstack([matrix, vector])) > rank


def test_csv_neutralises_labels_and_leaves_negative_figures_numbers() -> None:
    cell = {
        "domain": "ensemble",
        "code": None,
        "suppressed": False,
        "n": 40,
        "population": 900,
        "mean": -0.3,
        "mean_ci_low": -0.5,
        "mean_ci_high": -0.1,
        "median": -0.25,
        "total": -270.0,
        "total_ci_low": -450.0,
        "total_ci_high": -90.0,
        "reliable": True,
    }
    result = {
        "breakdown": "national",
        "domains": [{"key": "ensemble", "label": "Ensemble des collectivités"}],
        "questions": [{"key": "solde", "label": '=HYPERLINK("x")', "answers": [], "cells": [cell]}],
    }
    rows = list(csv.reader(io.StringIO(export.as_csv(result).lstrip("\ufeff")), delimiter=";"))
    mean = dict(zip(rows[0], rows[1], strict=True))
    assert mean["question"] == '\'=HYPERLINK("x")'
    assert (mean["valeur"], mean["ic95_bas"], mean["ic95_haut"]) == ("-0,3", "-0,5", "-0,1")
