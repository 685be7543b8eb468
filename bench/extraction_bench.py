"""Main-text extraction benchmark: quality against the Scrapinghub article set, and speed.

Data: ``../shared/data/extraction/scrapinghub`` (``html/<id>.html.gz`` pages and
``ground-truth.json`` mapping each id to ``{"articleBody": ..., "url": ...}``), read in
place, never copied into the repository.

Quality is the Scrapinghub article-extraction-benchmark's own measure (its
``evaluate.py``): the text is split into ``\\w+`` tokens, shingled into word 4-grams
counted as a multiset; per page TP, FP and FN are normalised to sum to 1; precision is
the mean over pages with a prediction, recall the mean over pages with a truth, and F1
is computed from those two means. ``--lowercase`` lowercases tokens first (the upstream
measure is case-sensitive). Compared in the same run:

* ``trafilatura``: ``trafilatura.extract(html)`` with default settings;
* ``textreuse``: the text that ``textreuse ingest`` stores for the page
  (``RecordReader`` over the folder, so decoding, extraction options and rejects count);
* ``textreuse + boilerplate patterns``: that text less the spans the known-furniture
  patterns mark (what reuse detection sees; ``textreuse clean`` prints it).

Speed is pages per second for reading the 181 pages (a folder of ``.html.gz``) and a
``.warc.gz`` built from them (in a temporary folder), with each ``--threads`` value; it
includes starting the worker processes. One JSON line per result.

    python bench/extraction_bench.py [--data DIR] [--threads 1,2] [--lowercase]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from textreuse.boilerplate import find_boilerplate, remove_spans
from textreuse.io.readers import RecordReader
from textreuse.io.warc import warc_response_record

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "extraction" / "scrapinghub"
_TOKEN = re.compile(r"\w+")

Scores = tuple[float, float, float]


def shingles(text: str, n: int = 4, lowercase: bool = False) -> Counter[tuple[str, ...]]:
    """Word n-gram multiset of ``text`` (a text shorter than n words is one shingle)."""
    tokens = _TOKEN.findall(text.lower() if lowercase else text)
    grams = [tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1))]
    return Counter(gram for gram in grams if gram)


def tp_fp_fn(truth: str, prediction: str, lowercase: bool = False) -> Scores:
    """Shingle TP, FP, FN of one page, normalised to sum to 1 (when not all zero)."""
    true, pred = shingles(truth, lowercase=lowercase), shingles(prediction, lowercase=lowercase)
    tp = fp = fn = 0.0
    for key in true.keys() | pred.keys():
        t, p = true.get(key, 0), pred.get(key, 0)
        tp += min(t, p)
        fp += max(0, p - t)
        fn += max(0, t - p)
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (tp, fp, fn)


def summarise(scores: list[Scores]) -> dict[str, float]:
    """Mean precision and recall over pages, F1 of the means (as upstream)."""

    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean(precision(*s) for s in scores if s[0] + s[1] > 0)
    r = statistics.mean(recall(*s) for s in scores if s[0] + s[2] > 0)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}


def read_texts(path: Path, threads: int) -> tuple[dict[str, str], dict[str, Any], float]:
    """textreuse's text per page id, the read stats, and the wall seconds."""
    started = time.monotonic()
    reader = RecordReader([path], threads=threads, page_timeout=60)
    texts: dict[str, str] = {}
    for batch in reader.batches():
        for row in batch.select(["doc_id", "text"]).to_pylist():
            page_id = row["doc_id"].rsplit("/", 1)[-1].split(".")[0]
            texts[page_id] = row["text"] or ""
    return texts, reader.stats.to_dict(), time.monotonic() - started


def build_warc(html_dir: Path, truth: dict[str, Any], out: Path) -> None:
    """A ``.warc.gz`` with one response record per page, gzipped record by record."""
    with out.open("wb") as handle:
        for path in sorted(html_dir.glob("*.html.gz")):
            page_id = path.name.split(".")[0]
            uri = truth.get(page_id, {}).get("url") or f"https://bench.example/{page_id}"
            payload = gzip.decompress(path.read_bytes())
            handle.write(gzip.compress(warc_response_record(f"{uri}#{page_id}", payload)))


def emit(result: dict[str, Any]) -> None:
    print(json.dumps(result), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--lowercase", action="store_true", help="lowercase tokens first")
    args = parser.parse_args(argv)
    html_dir = args.data / "html"
    truth_path = args.data / "ground-truth.json"
    if not truth_path.exists():
        print(f"no benchmark data at {args.data}", file=sys.stderr)
        return 1
    truth: dict[str, Any] = json.loads(truth_path.read_text(encoding="utf-8"))
    thread_counts = [int(t) for t in args.threads.split(",")]
    measure = "shingle-4" + ("-lowercase" if args.lowercase else "")

    import trafilatura

    started = time.monotonic()
    baseline: dict[str, str] = {}
    for page_id in truth:
        html = gzip.decompress((html_dir / f"{page_id}.html.gz").read_bytes())
        baseline[page_id] = trafilatura.extract(html) or ""
    seconds = time.monotonic() - started
    scores = [tp_fp_fn(t["articleBody"], baseline[k], args.lowercase) for k, t in truth.items()]
    emit(
        {
            "bench": "extraction-quality",
            "extractor": "trafilatura.extract (defaults, in-process)",
            "measure": measure,
            "pages": len(truth),
            **summarise(scores),
            "pages_per_s": round(len(truth) / seconds, 1),
        }
    )

    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "scrapinghub.warc.gz"
        build_warc(html_dir, truth, warc)
        for threads in thread_counts:
            for label, path in (("html folder", html_dir), ("warc.gz", warc)):
                texts, stats, seconds = read_texts(path, threads)
                result: dict[str, Any] = {
                    "bench": "extraction-speed",
                    "input": label,
                    "threads": threads,
                    "pages": stats["read"],
                    "ok": stats["ok"],
                    "rejected": stats["rejected"],
                    "seconds": round(seconds, 2),
                    "pages_per_s": round(stats["read"] / seconds, 1),
                }
                emit(result)
                if threads == thread_counts[0] and label == "html folder":
                    # what reuse detection sees: the extracted text, then that text
                    # less the boilerplate spans found by the known-furniture patterns
                    cleaned = {
                        k: remove_spans(text, [(s.start, s.end) for s in find_boilerplate(text)])
                        for k, text in texts.items()
                    }
                    for extractor, found in (
                        ("textreuse ingest (textreuse.io.html)", texts),
                        ("textreuse ingest + boilerplate patterns", cleaned),
                    ):
                        scores = [
                            tp_fp_fn(t["articleBody"], found.get(k, ""), args.lowercase)
                            for k, t in truth.items()
                        ]
                        emit(
                            {
                                "bench": "extraction-quality",
                                "extractor": extractor,
                                "measure": measure,
                                "pages": len(truth),
                                "rejected": stats["rejected"],
                                **summarise(scores),
                            }
                        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
