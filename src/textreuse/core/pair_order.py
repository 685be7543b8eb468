"""An order of document pairs in which pairs sharing a document run close together.

A worker aligning pairs keeps the texts it prepared in a bounded cache; in key
order, a document met as the second of a pair comes back all through the run,
long after the cache dropped it. :func:`breadth_first_ranks` numbers the documents
breadth first over the graph of pairs (a document's neighbours get nearby
numbers), and a pair is aligned when the later of its two documents comes up:
sorting pairs by ``(max rank, min rank)`` puts each document's pairs with those
numbered before it together, while those are still cached. On scale-100k this
prepares about 119,000 texts instead of 187,000 (68,900 distinct) with the
20,000 texts a worker caches (counted by replaying the workers' caches).

Pure numpy and Python; the order changes no result, only the work.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Int64Array = npt.NDArray[np.int64]

__all__ = ["breadth_first_ranks"]


def breadth_first_ranks(a: Int64Array, b: Int64Array) -> tuple[Int64Array, Int64Array]:
    """Every node of the edges ``(a[i], b[i])`` and its rank in a breadth-first order.

    Returns ``(nodes, ranks)``, nodes sorted ascending and ranks a permutation of
    ``0 .. len(nodes) - 1``. Each component is searched from its smallest node not
    yet ranked, neighbours in ascending order, so the ranks depend on the edges
    only, not on their order.
    """
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    nodes = np.unique(np.concatenate([a, b]))
    if len(nodes) == 0:
        return nodes, np.empty(0, dtype=np.int64)
    left, right = np.searchsorted(nodes, a), np.searchsorted(nodes, b)
    # adjacency in compressed rows: each node's neighbours (node indices) ascending
    source = np.concatenate([left, right])
    target = np.concatenate([right, left])
    by_source = np.lexsort((target, source))
    bounds = np.searchsorted(source[by_source], np.arange(len(nodes) + 1)).tolist()
    neighbours = target[by_source].tolist()
    rank = [-1] * len(nodes)
    queue: list[int] = []  # the breadth-first order itself
    for start in range(len(nodes)):
        if rank[start] >= 0:
            continue
        rank[start] = len(queue)
        queue.append(start)
        head = len(queue) - 1
        while head < len(queue):
            node = queue[head]
            head += 1
            for neighbour in neighbours[bounds[node] : bounds[node + 1]]:
                if rank[neighbour] < 0:
                    rank[neighbour] = len(queue)
                    queue.append(neighbour)
    return nodes, np.asarray(rank, dtype=np.int64)
