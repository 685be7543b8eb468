"""Connected components of an edge list in memory, labelled by their smallest node.

The engines run components as relational rounds (large-star / small-star, see
:mod:`textreuse.engine.plan`) so that no machine holds the graph. A graph small enough
for one task is labelled here instead, in one pass: :func:`component_labels` hooks the
root of each edge's larger end under the root of its smaller end and compresses paths
by pointer jumping, vectorised with numpy, until no edge joins two roots. Every node
ends under the smallest node of its component, the label the rounds give.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Int64Array = npt.NDArray[np.int64]

__all__ = ["component_labels"]


def component_labels(a: Int64Array, b: Int64Array) -> tuple[Int64Array, Int64Array]:
    """Every node of the edges ``(a[i], b[i])`` and the smallest node of its component.

    Returns ``(nodes, labels)``, nodes sorted ascending; a node linked only to itself
    is its own component. Self-loops and repeated edges are allowed.
    """
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    nodes = np.unique(np.concatenate([a, b]))
    left, right = np.searchsorted(nodes, a), np.searchsorted(nodes, b)
    parent = np.arange(len(nodes), dtype=np.int64)  # indices: smaller index, smaller node
    while True:
        root_left, root_right = parent[left], parent[right]
        joined = root_left != root_right
        if not joined.any():
            return nodes, nodes[parent]
        low = np.minimum(root_left[joined], root_right[joined])
        high = np.maximum(root_left[joined], root_right[joined])
        np.minimum.at(parent, high, low)  # hook: a root only ever moves to a smaller one
        while True:  # compress: every node straight under its root
            jumped = parent[parent]
            if np.array_equal(jumped, parent):
                break
            parent = jumped
