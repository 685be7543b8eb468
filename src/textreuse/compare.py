"""``textreuse.compare``: align two texts directly, without a corpus, and score them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from textreuse.core.align import AlignParams, Passage, PreparedText, align_prepared
from textreuse.core.rewrite import RewriteProfile, rewrite_profile
from textreuse.core.similarity import lexical_similarity, similarity
from textreuse.errors import ConfigError

SENTENCE_WORDS = 50
"""Up to this many words (the longer text), ``score`` is the sentence-level similarity."""
DOCUMENT_WORDS = 200
"""From this many words (the longer text), ``score`` is the passage score."""


@dataclass(frozen=True, slots=True)
class Comparison:
    """Passages shared by two texts and an overall similarity.

    ``score`` (in [0, 1], symmetric, 1 for identical texts) blends two measures
    by the length of the longer text, ``n = max(words_a, words_b)``:

    * ``passage_score``, the share of both texts' words matched inside reused
      passages, ``2 * matches / (words_a + words_b)`` (0 when nothing is
      reused): right for documents, but 0 for most sentence pairs, since a
      passage needs ``min_words`` words;
    * ``sentence``, the sentence-level similarity: ``lexical``
      (:func:`textreuse.core.similarity.lexical_similarity`: weighted soft word
      coverage, word order, length ratio, numbers), or with ``semantic=True``
      the paraphrase score of :func:`textreuse.semantic.semantic_score` (a
      logistic regression fitted on MRPC over the lexical similarity, n-gram
      and character overlap, the embedding cosine and a token-embedding
      alignment).

    ``score = w * sentence + (1 - w) * passage_score`` with ``w = 1`` for
    ``n <= SENTENCE_WORDS`` (50), ``w = 0`` for ``n >= DOCUMENT_WORDS`` (200),
    linear in between. ``lexical`` and ``semantic`` are None when not computed
    (``w = 0``, or ``semantic`` not asked for).
    """

    score: float
    passages: tuple[Passage, ...]
    words_a: int
    words_b: int
    rewrites: tuple[RewriteProfile, ...] = ()
    """For each passage, how ``b``'s span rewrites ``a``'s (as if ``b`` copied ``a``)."""
    passage_score: float = 0.0
    """``2 * matches / (words_a + words_b)`` over the passages (``score`` in textreuse 0.1)."""
    lexical: float | None = None
    """Sentence-level lexical similarity, when computed."""
    semantic: float | None = None
    """Embedding cosine (all-MiniLM-L6-v2) clipped to [0, 1], with ``semantic=True``."""

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
            "passage_score": self.passage_score,
            "lexical": self.lexical,
            "semantic": self.semantic,
            "words_a": self.words_a,
            "words_b": self.words_b,
            "passages": passages,
        }


def sentence_weight(words_a: int, words_b: int) -> float:
    """Weight of the sentence-level similarity in ``score`` (see :class:`Comparison`)."""
    longer = max(words_a, words_b)
    if longer <= SENTENCE_WORDS:
        return 1.0
    if longer >= DOCUMENT_WORDS:
        return 0.0
    return (DOCUMENT_WORDS - longer) / (DOCUMENT_WORDS - SENTENCE_WORDS)


def blend(passage_score: float, sentence: float, weight: float) -> float:
    """``score`` from its parts (see :class:`Comparison`), in [0, 1]."""
    return min(1.0, max(0.0, weight * sentence + (1.0 - weight) * passage_score))


def compare(
    a: str,
    b: str,
    params: AlignParams | None = None,
    *,
    semantic: bool = False,
    **options: Any,
) -> Comparison:
    """Align text ``a`` with text ``b`` and score their similarity.

    ``options`` override fields of :class:`AlignParams` (``min_words=8``, ...),
    also those of ``params`` when both are given. ``semantic=True`` adds the
    embedding model of the ``semantic`` extra to the sentence-level score
    (:class:`textreuse.errors.MissingExtraError` without it). See
    :class:`Comparison` for how ``score`` is defined.
    """
    for name, text in (("a", a), ("b", b)):
        if not isinstance(text, str):
            raise TypeError(f"compare() takes two str texts; {name} is {type(text).__name__}")
    unknown = sorted(set(options) - {field.name for field in fields(AlignParams)})
    if unknown:
        raise ConfigError(f"unknown option(s): {', '.join(unknown)}")
    params = replace(params, **options) if params is not None else AlignParams(**options)
    if semantic:
        from textreuse.semantic import require_semantic

        require_semantic()
    left = PreparedText(a, params.ngram)
    right = PreparedText(b, params.ngram)
    passages = tuple(align_prepared(left, right, params))
    words_a, words_b = len(left.tokens), len(right.tokens)
    matched = sum(p.matches for p in passages)
    total = words_a + words_b
    passage_score = min(1.0, 2.0 * matched / total) if total else 0.0
    weight = sentence_weight(words_a, words_b)
    lexical: float | None = None
    cosine: float | None = None
    sentence: float | None = None
    if weight > 0.0:
        if semantic:
            from textreuse.semantic import semantic_score

            parts = similarity(a, b)
            lexical = parts.score
            result = semantic_score(a, b, parts)
            cosine, sentence = result.cosine, result.score
        else:
            lexical = sentence = lexical_similarity(a, b)
    score = passage_score if sentence is None else blend(passage_score, sentence, weight)
    if a == b:
        score = 1.0
    rewrites = tuple(
        rewrite_profile(a[p.a_start : p.a_end], b[p.b_start : p.b_end]) for p in passages
    )
    return Comparison(
        score=round(score, 6),
        passages=passages,
        words_a=words_a,
        words_b=words_b,
        rewrites=rewrites,
        passage_score=round(passage_score, 6),
        lexical=None if lexical is None else round(lexical, 6),
        semantic=None if cosine is None else round(cosine, 6),
    )
