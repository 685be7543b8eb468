"""Sentence-level evidence on clough-dev (issues #3, #5): can a paraphrase measure
tell the heavy rewrites from the independent (``non``) answers?

Every answer sentence of five words or more is scored against every sentence of its
task's ``orig`` by a measure, and an answer gets the best score of its sentences. The
script prints each answer's score by category and, for each heavy answer, how many
``non`` answers score as high or higher (0 means the measure ranks it above every
independent answer). Measures: the lexical similarity of ``textreuse.compare``
(no model) and, with the ``semantic`` extra, the all-MiniLM-L6-v2 cosine and the
fitted paraphrase score (:mod:`textreuse.semantic`). With the extra it then runs
``textreuse run`` on the answers and prints the ROC-AUCs the labels would get if every
answer sentence whose paraphrase score with a source sentence reaches a threshold were
added to the answer's aligned passages (a simulated sentence-level semantic stage)::

    python bench/clough_sentence_bench.py [--data ../shared/data/clough-dev] [--no-semantic]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

import textreuse
from textreuse.core.similarity import similarity
from textreuse.core.tokenize import sentence_starts

DEFAULT_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "clough-dev"

Measure = Callable[[list[str], list[str]], np.ndarray]
"""Scores of every (answer sentence, source sentence) pair, one row per answer sentence."""


def sentence_spans(text: str, min_words: int = 5) -> list[tuple[int, int]]:
    """Character spans of the sentences of at least ``min_words`` words, stripped."""
    bounds = [*sentence_starts(text).tolist(), len(text)]
    spans = []
    for start, end in itertools.pairwise(bounds):
        piece = text[start:end]
        first = start + len(piece) - len(piece.lstrip())
        last = end - len(piece) + len(piece.rstrip())
        if len(text[first:last].split()) >= min_words:
            spans.append((first, last))
    return spans


def sentences(text: str, min_words: int = 5) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text, min_words)]


def read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def lexical(answer: list[str], source: list[str]) -> np.ndarray:
    return np.array([[similarity(a, s).score for s in source] for a in answer])


def semantic_measures() -> dict[str, Measure]:
    from textreuse.semantic import load_encoder

    encoder = load_encoder()

    def cosine(answer: list[str], source: list[str]) -> np.ndarray:
        return np.asarray(encoder.encode(answer) @ encoder.encode(source).T)

    def paraphrase(answer: list[str], source: list[str]) -> np.ndarray:
        pairs = [(a, s) for a in answer for s in source]
        scores = [result.score for result in encoder.scores(pairs)]
        return np.asarray(scores).reshape(len(answer), len(source))

    return {"embedding cosine": cosine, "paraphrase score": paraphrase}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--no-semantic", action="store_true")
    args = parser.parse_args()
    docs = args.data / "docs"
    with (args.data / "labels.csv").open(encoding="utf-8", newline="") as handle:
        labels = [row for row in csv.DictReader(handle) if row["category"] != "orig"]
    sources = {row["task"]: sentences(read(docs / f"orig_task{row['task']}.txt")) for row in labels}
    answers = {row["file"]: sentences(read(docs / row["file"])) for row in labels}
    measures: dict[str, Measure] = {"lexical similarity": lexical}
    if not args.no_semantic:
        measures.update(semantic_measures())
    for name, measure in measures.items():
        best = {
            row["file"]: float(measure(answers[row["file"]], sources[row["task"]]).max())
            for row in labels
        }
        non = [best[row["file"]] for row in labels if row["category"] == "non"]
        print(f"\n{name}: best sentence score per answer")
        for category in ("cut", "light", "heavy", "non"):
            scores = sorted(best[row["file"]] for row in labels if row["category"] == category)
            print(f"  {category:5} " + " ".join(f"{score:.2f}" for score in scores))
        for row in labels:
            if row["category"] == "heavy":
                above = sum(score >= best[row["file"]] for score in non)
                print(f"  {row['file']}: {best[row['file']]:.2f}, non answers as high: {above}")
    if not args.no_semantic:
        simulate_stage(docs, args.data / "labels.csv")


def simulate_stage(docs: Path, labels_csv: Path) -> None:
    """AUCs of the run's coverage plus the sentences a semantic stage would add."""
    from textreuse.eval.labels import (
        _aligned_intervals,
        coverage,
        read_document_lengths,
        read_labels,
        score_labels,
    )
    from textreuse.eval.pan import read_passages
    from textreuse.semantic import load_encoder

    encoder = load_encoder()
    rows = read_labels(labels_csv)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        textreuse.run([str(docs)], str(out), txt_fallback_encoding="cp1252", progress="off")
        lengths = read_document_lengths(out)
        wanted = {(row.doc_id, row.source) for row in rows}
        aligned = _aligned_intervals(read_passages(out), wanted)
    print("\nrun + sentences with paraphrase score >= T (ROC-AUC all / heavy vs non):")
    for min_words in (5, 8):
        best: dict[str, tuple[list[tuple[int, int]], np.ndarray]] = {}
        for row in rows:
            answer, source = read(docs / row.doc_id), read(docs / row.source)
            spans = sentence_spans(answer, min_words)
            pairs = [(answer[a:b], s) for a, b in spans for s in sentences(source, min_words)]
            scores = np.asarray([result.score for result in encoder.scores(pairs)])
            best[row.doc_id] = (spans, scores.reshape(len(spans), -1).max(axis=1, initial=0.0))
        for threshold in (0.5, 0.6, 0.7, 0.8):
            scored = []
            for row in rows:
                spans, scores = best[row.doc_id]
                added = [
                    span for span, score in zip(spans, scores, strict=True) if score >= threshold
                ]
                intervals = [*aligned.get((row.doc_id, row.source), ()), *added]
                scored.append((row.category, coverage(intervals, lengths[row.doc_id])))
            result = score_labels(scored)
            flagged = sum(1 for category, value in scored if category == "non" and value > 0)
            print(
                f"  sentences >= {min_words} words, T = {threshold}: {result.auc:.3f} / "
                f"{result.auc_by_category['heavy']:.3f}; non answers covered: {flagged}"
            )


if __name__ == "__main__":
    main()
