"""Paraphrase benchmark (issue #5): ROC-AUC of ``compare().score`` on MRPC.

Reads ``../shared/data/mrpc/train.tsv`` (never copied into the repository) and
prints, for the lexical score and (when the ``semantic`` extra is installed) the
embedding cosine alone and the semantic score (the paraphrase combiner fitted by
``bench/fit_semantic.py``), the ROC-AUC on all pairs and on the odd and even
rows, and the throughput in pairs per second::

    python bench/mrpc_bench.py [--data PATH] [--limit N] [--no-semantic]
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import numpy as np

import textreuse
from textreuse.core.similarity import similarity

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mrpc" / "train.tsv"


def read_pairs(path: Path) -> tuple[list[tuple[str, str]], np.ndarray]:
    """MRPC pairs and labels (1 = paraphrase) from a tab-separated file."""
    pairs, labels = [], []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for row in reader:
            labels.append(int(row[0]))
            pairs.append((row[3], row[4]))
    return pairs, np.asarray(labels)


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Mann-Whitney ROC-AUC, ties counted as one half."""
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    i = 0
    while i < len(scores):
        j = i
        while j + 1 < len(scores) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    positive = labels == 1
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def report(name: str, labels: np.ndarray, scores: np.ndarray, seconds: float) -> dict[str, object]:
    return {
        "score": name,
        "auc": round(roc_auc(labels, scores), 4),
        "auc_even_rows": round(roc_auc(labels[0::2], scores[0::2]), 4),
        "auc_odd_rows": round(roc_auc(labels[1::2], scores[1::2]), 4),
        "pairs": len(scores),
        "pairs_per_s": round(len(scores) / seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="Only the first N pairs.")
    parser.add_argument("--no-semantic", action="store_true")
    args = parser.parse_args()
    pairs, labels = read_pairs(args.data)
    if args.limit:
        pairs, labels = pairs[: args.limit], labels[: args.limit]
    results = []

    start = time.perf_counter()
    lexical = np.array([textreuse.compare(a, b).score for a, b in pairs])
    results.append(report("lexical", labels, lexical, time.perf_counter() - start))

    if not args.no_semantic:
        from textreuse.semantic import load_encoder

        start = time.perf_counter()
        encoder = load_encoder()
        loaded = time.perf_counter() - start
        # batched scores, computed as compare(semantic=True) does (all MRPC pairs
        # are short, so the sentence-level similarity is the whole score)
        parts = [similarity(a, b) for a, b in pairs]
        scored = encoder.scores(pairs, parts)
        seconds = time.perf_counter() - start
        cosines = np.array([s.cosine for s in scored])
        semantic = np.array([s.score for s in scored])
        results.append(report("cosine only", labels, cosines, seconds - loaded))
        results.append(report("semantic (fitted combiner)", labels, semantic, seconds - loaded))
        results[-1]["model_load_s"] = round(loaded, 1)
        start = time.perf_counter()
        checked = [textreuse.compare(a, b, semantic=True).score for a, b in pairs[:200]]
        per_pair = len(checked) / (time.perf_counter() - start)
        results[-1]["compare_semantic_pairs_per_s_unbatched"] = round(per_pair, 1)
        gap = float(np.abs(np.array(checked) - semantic[: len(checked)]).max())
        results[-1]["max_gap_batched_vs_unbatched"] = round(gap, 6)
        if gap > 1e-3:
            raise SystemExit("batched semantic scores differ from compare(semantic=True)")
    for result in results:
        print(json.dumps(result))


if __name__ == "__main__":
    main()
