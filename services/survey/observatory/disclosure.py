"""Disclosure control of one published table, on the server, before anything leaves it.

A table has a row per domain (a région, a kind…) and a column per answer; its cells are the
unweighted counts of respondents. What an attacker knows besides the published cells: each
row's number of answers (when the answers of a row partition them) and each column's national
count (the margin, published by the national table). Rules (reference §6):

1. primary suppression: a row with fewer than k answers is hidden whole (so no 0 % or 100 %
   under k), and so is every cell built from 1 to k-1 respondents; the caller may add cells
   of its own (the dominance rule on totals);
2. secondary suppression: no hidden cell may be recoverable from the margins and the other
   cells. Seen as a graph whose nodes are the rows and columns with a known margin (all the
   others merged into one free node) and whose edges are the hidden cells, a hidden cell's
   value is determined exactly when its edge is a bridge (it lies on no cycle: the equations
   then pin it); hiding more cells until no bridge is left protects every hidden cell.

The cheapest cell that closes a cycle through a bridge is hidden first (fewest respondents).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

DEFAULT_K = 5

BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]


def primary(counts: IntArray, bases: IntArray, k: int) -> BoolArray:
    """Cells from 1 to k-1 respondents, and whole rows of fewer than k answers."""
    small_cell = (counts > 0) & (counts < k)
    small_row = (bases < k)[:, None]
    return np.asarray(small_cell | small_row)


def suppress(
    counts: IntArray,
    bases: IntArray,
    *,
    k: int,
    rows_known: bool,
    columns_known: bool,
    extra: BoolArray | None = None,
) -> BoolArray:
    """The mask of hidden cells of a (domains × answers) table, primary and secondary."""
    hidden = primary(counts, bases, k)
    if extra is not None:
        hidden |= extra
    if hidden.any():
        _secondary(counts, hidden, rows_known=rows_known, columns_known=columns_known)
    return hidden


def _secondary(
    counts: IntArray, hidden: BoolArray, *, rows_known: bool, columns_known: bool
) -> None:
    rows, columns = counts.shape
    free = rows + columns

    def ends(cell: tuple[int, int]) -> tuple[int, int]:
        row, column = cell
        return (row if rows_known else free, rows + column if columns_known else free)

    cells = [(int(r), int(c)) for r, c in zip(*np.nonzero(hidden), strict=True)]
    while True:
        bridge = _first_bridge([ends(cell) for cell in cells])
        if bridge is None:
            return
        added = _closing_cell(counts, hidden, cells, bridge, ends)
        if added is None:
            return  # every cell is already hidden
        hidden[added] = True
        cells.append(added)


def _first_bridge(edges: list[tuple[int, int]]) -> int | None:
    """Index of an edge lying on no cycle (Tarjan's bridges, iterative, parallel edges kept)."""
    adjacency: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for index, (a, b) in enumerate(edges):
        if a == b:
            continue  # a loop on the free node: a cell no equation involves
        adjacency[a].append((b, index))
        adjacency[b].append((a, index))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    for root in adjacency:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[int, int, int]] = [(root, -1, 0)]
        while stack:
            node, via, position = stack.pop()
            if position < len(adjacency[node]):
                stack.append((node, via, position + 1))
                neighbour, edge = adjacency[node][position]
                if edge == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, edge, 0))
            elif via >= 0:
                parent = edges[via][0] if edges[via][1] == node else edges[via][1]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    return via
    return None


def _component(edges: list[tuple[int, int]], start: int, skip: int) -> set[int]:
    adjacency: dict[int, list[int]] = defaultdict(list)
    for index, (a, b) in enumerate(edges):
        if index != skip:
            adjacency[a].append(b)
            adjacency[b].append(a)
    seen, todo = {start}, [start]
    while todo:
        for neighbour in adjacency[todo.pop()]:
            if neighbour not in seen:
                seen.add(neighbour)
                todo.append(neighbour)
    return seen


def _closing_cell(
    counts: IntArray,
    hidden: BoolArray,
    cells: list[tuple[int, int]],
    bridge: int,
    ends: Callable[[tuple[int, int]], tuple[int, int]],
) -> tuple[int, int] | None:
    """A visible cell joining the two sides of the bridge (closing a cycle), else one touching
    the bridge's ends (growing a side); the one with the fewest respondents."""
    edges = [ends(cell) for cell in cells]
    a, b = edges[bridge]
    side_a, side_b = _component(edges, a, bridge), _component(edges, b, bridge)
    visible = [(int(r), int(c)) for r, c in zip(*np.nonzero(~hidden), strict=True)]
    if not visible:
        return None

    def cost(cell: tuple[int, int]) -> tuple[int, tuple[int, int]]:
        return (int(counts[cell]), cell)

    def joins(cell: tuple[int, int]) -> bool:
        x, y = ends(cell)
        return (x in side_a and y in side_b) or (y in side_a and x in side_b)

    closing = [cell for cell in visible if joins(cell)]
    if closing:
        return min(closing, key=cost)
    touching = [cell for cell in visible if {a, b} & set(ends(cell))]
    return min(touching or visible, key=cost)
