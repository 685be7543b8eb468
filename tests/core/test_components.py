"""Connected components in memory: each node labelled by the smallest node it reaches."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from textreuse.core.components import component_labels


def _by_search(pairs: list[tuple[int, int]]) -> dict[int, int]:
    """Each node's smallest reachable node, by breadth-first search from every node."""
    neighbours: dict[int, set[int]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    labels: dict[int, int] = {}
    for start in sorted(neighbours):
        if start in labels:
            continue
        seen, frontier = {start}, [start]
        while frontier:
            frontier = [n for node in frontier for n in neighbours[node] if n not in seen]
            seen.update(frontier)
        labels.update(dict.fromkeys(seen, min(seen)))
    return labels


def _labels(pairs: list[tuple[int, int]]) -> dict[int, int]:
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    nodes, labels = component_labels(a, b)
    assert list(nodes) == sorted(set(nodes.tolist()))
    return dict(zip(nodes.tolist(), labels.tolist(), strict=True))


def test_a_long_chain_given_backwards_is_one_component() -> None:
    pairs = [(i + 1, i) for i in range(5000, -1, -1)] + [(10**12, 7)]
    assert set(_labels(pairs).values()) == {0}


def test_self_loops_and_repeats() -> None:
    assert _labels([(5, 5), (3, 9), (9, 3), (9, 3), (-4, 9)]) == {5: 5, 3: -4, 9: -4, -4: -4}


def test_no_edges() -> None:
    nodes, labels = component_labels(np.array([], np.int64), np.array([], np.int64))
    assert len(nodes) == len(labels) == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), min_size=1, max_size=200))
def test_labels_are_the_smallest_reachable_nodes(pairs: list[tuple[int, int]]) -> None:
    assert _labels(pairs) == _by_search(pairs)
