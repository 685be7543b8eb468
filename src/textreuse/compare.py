"""``textreuse.compare``: align two texts directly, without a corpus."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

from textreuse.core.align import AlignParams, Passage, PreparedText, align_prepared
from textreuse.core.rewrite import RewriteProfile, rewrite_profile


@dataclass(frozen=True, slots=True)
class Comparison:
    """Passages shared by two texts and an overall similarity.

    ``score`` is the share of both texts' words that are matched inside
    reused passages, ``2 * matches / (words_a + words_b)``, in [0, 1]: 1 for
    identical texts, 0 when nothing is reused.
    """

    score: float
    passages: tuple[Passage, ...]
    words_a: int
    words_b: int
    rewrites: tuple[RewriteProfile, ...] = ()
    """For each passage, how ``b``'s span rewrites ``a``'s (as if ``b`` copied ``a``)."""

    def to_dict(self) -> dict[str, Any]:
        passages = []
        for passage, rewrite in zip(self.passages, self.rewrites, strict=True):
            entry = asdict(passage)
            entry["rewrite"] = {
                "rewrite_rate": rewrite.rewrite_rate,
                "substitutions": [list(pair) for pair in rewrite.substitutions],
                "reordered": rewrite.reordered,
            }
            passages.append(entry)
        return {
            "score": self.score,
            "words_a": self.words_a,
            "words_b": self.words_b,
            "passages": passages,
        }


def compare(a: str, b: str, params: AlignParams | None = None, **options: Any) -> Comparison:
    """Align text ``a`` with text ``b``.

    ``options`` override fields of :class:`AlignParams` (``min_words=8``, ...),
    also those of ``params`` when both are given.
    """
    params = replace(params, **options) if params is not None else AlignParams(**options)
    left = PreparedText(a, params.ngram)
    right = PreparedText(b, params.ngram)
    passages = tuple(align_prepared(left, right, params))
    words_a, words_b = len(left.tokens), len(right.tokens)
    matched = sum(p.matches for p in passages)
    total = words_a + words_b
    score = min(1.0, 2.0 * matched / total) if total else 0.0
    rewrites = tuple(
        rewrite_profile(a[p.a_start : p.a_end], b[p.b_start : p.b_end]) for p in passages
    )
    return Comparison(
        score=round(score, 6),
        passages=passages,
        words_a=words_a,
        words_b=words_b,
        rewrites=rewrites,
    )
