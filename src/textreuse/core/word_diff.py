"""Word-level differences of two word lists: matched runs, edit scripts and counts.

The matches are a longest common subsequence (rapidfuzz Indel), so their number does
not depend on which list comes first. Lists too long for one exact alignment are cut
at words found once in each (patience diff) and each stretch aligned exactly
(:func:`matching_blocks`). Pure: lists of words in, tuples out.
"""

from __future__ import annotations

import bisect

from rapidfuzz.distance import Indel

#: One step of an edit script: ``(tag, a0, a1, b0, b1)``, as :func:`word_opcodes` gives.
Opcode = tuple[str, int, int, int, int]


def word_opcodes(words_a: list[str], words_b: list[str]) -> list[Opcode]:
    """Word-level edit script ``(tag, a0, a1, b0, b1)`` turning ``a`` into ``b``.

    Matches are a longest common subsequence (so their number does not depend
    on which text comes first; for very long lists, see :func:`matching_blocks`);
    the unmatched words between two matched
    blocks are paired up as substitutions (``replace``), the rest are
    ``delete`` (only in ``a``) or ``insert`` (only in ``b``).
    """
    script: list[Opcode] = []
    blocks = [*matching_blocks(words_a, words_b), (len(words_a), len(words_b), 0)]
    for block_a, block_b, size in blocks:
        a_pos = script[-1][2] if script else 0
        b_pos = script[-1][4] if script else 0
        gap_a, gap_b = block_a - a_pos, block_b - b_pos
        paired = min(gap_a, gap_b)
        if paired:
            script.append(("replace", a_pos, a_pos + paired, b_pos, b_pos + paired))
        if gap_a > paired:
            script.append(("delete", a_pos + paired, block_a, b_pos + paired, b_pos + paired))
        if gap_b > paired:
            script.append(("insert", a_pos + paired, a_pos + paired, b_pos + paired, block_b))
        if size:
            script.append(("equal", block_a, block_a + size, block_b, block_b + size))
        elif not script:
            script.append(("equal", 0, 0, 0, 0))
    return [op for op in script if op[2] > op[1] or op[4] > op[3]]


#: Word pairs (``len(a) * len(b)``) up to which one exact longest common subsequence
#: is computed (about 0.15 s at the limit, 20,000 words each); its time grows with
#: the product, so longer texts are first cut at words found once in each.
DIRECT_LCS_CELLS = 400_000_000


def matching_blocks(words_a: list[str], words_b: list[str]) -> list[tuple[int, int, int]]:
    """Matched runs ``(a, b, size)`` of a common subsequence of the two word lists, in
    order. Up to :data:`DIRECT_LCS_CELLS` it is a longest one (rapidfuzz Indel).
    Beyond, the lists are first cut where both hold the same word once, those words
    matched in the longest order they agree on (patience diff), and each stretch
    between is matched the same way, so a book-length passage costs seconds rather
    than hours; the result may then fall short of a longest one where repeated
    words could have matched across a cut.
    """
    if len(words_a) * len(words_b) <= DIRECT_LCS_CELLS:
        matched = Indel.opcodes(words_a, words_b).as_matching_blocks()
        return [(m.a, m.b, m.size) for m in matched if m.size]
    blocks: list[tuple[int, int, int]] = []
    # work items in reverse order: a stretch to match, or an anchor word matched
    pending: list[tuple[int, int, int, int]] = [(0, len(words_a), 0, len(words_b))]
    while pending:
        a0, a1, b0, b1 = pending.pop()
        if a1 < 0:  # an anchor: words_a[a0] == words_b[b0]
            blocks.append((a0, b0, 1))
            continue
        anchors = (
            []
            if (a1 - a0) * (b1 - b0) <= DIRECT_LCS_CELLS
            else _anchors(words_a, a0, a1, words_b, b0, b1)
        )
        if not anchors:
            matched = Indel.opcodes(words_a[a0:a1], words_b[b0:b1]).as_matching_blocks()
            blocks.extend((a0 + m.a, b0 + m.b, m.size) for m in matched if m.size)
            continue
        stretches: list[tuple[int, int, int, int]] = []
        start_a, start_b = a0, b0
        for i, j in anchors:
            stretches += [(start_a, i, start_b, j), (i, -1, j, -1)]
            start_a, start_b = i + 1, j + 1
        stretches.append((start_a, a1, start_b, b1))
        pending.extend(reversed(stretches))
    merged: list[tuple[int, int, int]] = []  # runs cut at anchors joined again
    for a, b, size in blocks:
        if merged and merged[-1][0] + merged[-1][2] == a and merged[-1][1] + merged[-1][2] == b:
            merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + size)
        else:
            merged.append((a, b, size))
    return merged


def _anchors(
    words_a: list[str], a0: int, a1: int, words_b: list[str], b0: int, b1: int
) -> list[tuple[int, int]]:
    """Positions ``(i, j)`` of words found once in ``words_a[a0:a1]`` and once in
    ``words_b[b0:b1]``, the longest chain of them in the same order in both."""
    once_a = _positions_of_unique(words_a, a0, a1)
    once_b = _positions_of_unique(words_b, b0, b1)
    pairs = sorted((i, once_b[word]) for word, i in once_a.items() if word in once_b)
    # longest increasing run of j (patience sorting): tails[k] ends a chain of k + 1
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        if k:
            previous[index] = tail_index[k - 1]
        if k == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[k], tail_index[k] = j, index
    chain: list[tuple[int, int]] = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        chain.append(pairs[index])
        index = previous[index]
    return chain[::-1]


def _positions_of_unique(words: list[str], start: int, end: int) -> dict[str, int]:
    """Each word found exactly once in ``words[start:end]``, with its position."""
    position: dict[str, int] = {}
    repeated: set[str] = set()
    for index in range(start, end):
        word = words[index]
        if word in position:
            repeated.add(word)
        else:
            position[word] = index
    for word in repeated:
        del position[word]
    return position


def word_edits(words_a: list[str], words_b: list[str]) -> tuple[int, int, int, int]:
    """Matching, substituted, inserted and deleted words turning ``a`` into ``b``."""
    return edit_counts(word_opcodes(words_a, words_b))


def edit_counts(opcodes: list[Opcode]) -> tuple[int, int, int, int]:
    """Matching, substituted, inserted and deleted words of an edit script."""
    matches = substitutions = insertions = deletions = 0
    for tag, a0, a1, b0, b1 in opcodes:
        if tag == "equal":
            matches += a1 - a0
        elif tag == "replace":
            substitutions += a1 - a0
        elif tag == "delete":
            deletions += a1 - a0
        elif tag == "insert":
            insertions += b1 - b0
    return matches, substitutions, insertions, deletions
