"""Run options: one frozen, validated object shared by every stage and engine."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from textreuse.core.align import AlignParams
from textreuse.errors import ConfigError

OnError = Literal["skip", "fail"]


def default_threads() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, slots=True)
class RunConfig:
    """Every option of ``textreuse run``; see the README for what each one does."""

    align: AlignParams = field(default_factory=AlignParams)
    index_ngram: int = 4
    """Words per indexed n-gram (candidate pairs and near-duplicate grouping)."""
    max_df: int = 100
    """N-grams found in more than this many document groups are not indexed (passim's maxDF)."""
    min_shared: int = 4
    """Distinct n-grams two documents must share to be aligned."""
    dup_sample: int = 8
    """Near-duplicate grouping looks at one n-gram in this many (chosen by hash)."""
    dup_similarity: float = 0.3
    """Share of the larger text's sampled n-grams two texts must share to be grouped."""
    group_min: int = 8
    """Groups of more near-duplicate texts than this are aligned through a representative."""
    dup_coverage: float = 0.8
    """Share of both documents that passages must cover to make them near-duplicates."""
    threads: int = field(default_factory=default_threads)
    """Worker processes and engine threads asked for; see :attr:`workers`."""
    on_error: OnError = "skip"
    max_doc_chars: int = 5_000_000
    txt_fallback_encoding: str | None = None
    """Encoding tried for .txt files that are not valid UTF-8 (e.g. ``cp1252``)."""
    batch_size: int = 2048
    boilerplate: bool = True
    """Detect boilerplate (page furniture, site templates) and never report it as reuse."""
    boilerplate_min_docs: int = 5
    """A line repeated in at least this many distinct texts of one site is boilerplate ..."""
    boilerplate_min_share: float = 0.05
    """... when they are also at least this share of the site's distinct texts."""
    page_timeout: float = 30.0
    """Seconds one HTML page may take to extract before its worker is stopped."""

    @property
    def workers(self) -> int:
        """Worker processes and engine threads a run uses: ``threads``, at most the
        cores this process may use. The work is CPU-bound, so more would only
        compete for the cores (and a typo such as ``--threads 10000`` would start
        ten thousand processes)."""
        return min(self.threads, default_threads())

    def __post_init__(self) -> None:
        positive = ("index_ngram", "max_df", "min_shared", "dup_sample", "group_min", "threads")
        for name in (*positive, "max_doc_chars", "batch_size"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name} must be a whole number of at least 1, got {value!r}")
        if self.max_df < 2:
            raise ConfigError(f"max_df must be at least 2, got {self.max_df}")
        if not 0.0 < self.dup_similarity <= 1.0:
            raise ConfigError(f"dup_similarity must be in (0, 1], got {self.dup_similarity}")
        if not 0.0 < self.dup_coverage <= 1.0:
            raise ConfigError(f"dup_coverage must be in (0, 1], got {self.dup_coverage}")
        if isinstance(self.page_timeout, bool) or not (
            isinstance(self.page_timeout, int | float) and self.page_timeout > 0
        ):
            raise ConfigError(
                f"page_timeout must be a number of seconds above 0, got {self.page_timeout!r}"
            )
        if not isinstance(self.boilerplate, bool):
            raise ConfigError(f"boilerplate must be True or False, got {self.boilerplate!r}")
        min_docs = self.boilerplate_min_docs
        if isinstance(min_docs, bool) or not isinstance(min_docs, int) or min_docs < 2:
            raise ConfigError(
                f"boilerplate_min_docs must be a whole number of at least 2, got {min_docs!r}"
            )
        share = self.boilerplate_min_share
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            raise ConfigError(f"boilerplate_min_share must be in [0, 1], got {share!r}")
        if self.on_error not in ("skip", "fail"):
            raise ConfigError(f"on_error must be 'skip' or 'fail', got {self.on_error!r}")

    @classmethod
    def from_options(cls, **options: Any) -> RunConfig:
        """Build from flat keyword options; alignment options go to :class:`AlignParams`."""
        align_names = {f.name for f in fields(AlignParams)}
        own_names = {f.name for f in fields(cls)} - {"align"}
        align_options = {k: v for k, v in options.items() if k in align_names and v is not None}
        own = {k: v for k, v in options.items() if k in own_names and v is not None}
        unknown = sorted(set(options) - align_names - own_names)
        if unknown:
            raise ConfigError(f"unknown option(s): {', '.join(unknown)}")
        return cls(align=AlignParams(**align_options), **own)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for the manifest: the options, and the :attr:`workers` used."""
        return {**asdict(self), "workers": self.workers}
