"""Breadth-first ranks of documents over the graph of pairs to align."""

from __future__ import annotations

import random
from collections import OrderedDict

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from textreuse.core.pair_order import breadth_first_ranks

_PAIRS = st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), max_size=120)


def _ranks(pairs: list[tuple[int, int]]) -> dict[int, int]:
    a = np.array([p[0] for p in pairs], dtype=np.int64)
    b = np.array([p[1] for p in pairs], dtype=np.int64)
    nodes, ranks = breadth_first_ranks(a, b)
    assert nodes.tolist() == sorted(set(nodes.tolist()))
    return dict(zip(nodes.tolist(), ranks.tolist(), strict=True))


def _by_definition(pairs: list[tuple[int, int]]) -> dict[int, int]:
    """Breadth-first search from each smallest node not yet reached, neighbours
    visited in ascending order; a node's rank is when it was first reached."""
    neighbours: dict[int, set[int]] = {}
    for a, b in pairs:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)
    order: list[int] = []
    for start in sorted(neighbours):
        if start in order:
            continue
        order.append(start)
        head = len(order) - 1
        while head < len(order):
            for neighbour in sorted(neighbours[order[head]]):
                if neighbour not in order:
                    order.append(neighbour)
            head += 1
    return {node: rank for rank, node in enumerate(order)}


@settings(max_examples=300, deadline=None)
@given(_PAIRS)
def test_ranks_are_the_breadth_first_order(pairs: list[tuple[int, int]]) -> None:
    assert _ranks(pairs) == _by_definition(pairs)


@settings(max_examples=200, deadline=None)
@given(_PAIRS, st.data())
def test_ranks_depend_on_the_pairs_not_their_order(
    pairs: list[tuple[int, int]], data: st.DataObject
) -> None:
    flips = data.draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    flipped = [(b, a) if flip else (a, b) for (a, b), flip in zip(pairs, flips, strict=True)]
    shuffled = data.draw(st.permutations(flipped))
    ranks = _ranks(pairs)
    assert ranks == _ranks(shuffled)
    assert sorted(ranks.values()) == list(range(len(ranks)))


def test_no_pairs_no_ranks() -> None:
    nodes, ranks = breadth_first_ranks(np.empty(0, np.int64), np.empty(0, np.int64))
    assert len(nodes) == len(ranks) == 0


def test_each_component_is_ranked_in_one_run() -> None:
    ranks = _ranks([(10, 11), (1, 2), (11, 12), (2, 3), (100, 100)])
    assert [ranks[n] for n in (1, 2, 3)] == [0, 1, 2]
    assert [ranks[n] for n in (10, 11, 12)] == [3, 4, 5]
    assert ranks[100] == 6


def _prepared(order: list[tuple[int, int]], cache_size: int) -> int:
    """Texts a worker with an LRU cache of ``cache_size`` texts prepares, pairs in ``order``."""
    cache: OrderedDict[int, None] = OrderedDict()
    made = 0
    for pair in order:
        for key in pair:
            if key in cache:
                cache.move_to_end(key)
                continue
            made += 1
            cache[key] = None
            if len(cache) > cache_size:
                cache.popitem(last=False)
    return made


def test_pairs_in_rank_order_keep_a_small_cache_warm() -> None:
    # a grid of documents, each paired with its right and lower neighbours, under
    # keys unrelated to the grid (as document keys are): in key order a document
    # comes back long after a small cache dropped it; in rank order never
    width = 40
    keys = list(range(width * width))
    random.Random(7).shuffle(keys)
    grid = [(r * width + c, r * width + c + 1) for r in range(width) for c in range(width - 1)]
    grid += [(r * width + c, (r + 1) * width + c) for r in range(width - 1) for c in range(width)]
    pairs = [(min(keys[a], keys[b]), max(keys[a], keys[b])) for a, b in grid]
    ranks = _ranks(pairs)
    in_rank_order = sorted(
        pairs, key=lambda p: (max(ranks[p[0]], ranks[p[1]]), min(ranks[p[0]], ranks[p[1]]))
    )
    cache_size = 100  # 2.5 rows of the grid
    assert _prepared(in_rank_order, cache_size) == width * width  # each document once
    assert _prepared(sorted(pairs), cache_size) > 2 * width * width
