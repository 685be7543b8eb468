"""Aligning one pair of long documents: time as the documents grow.

Each document is the first N Reuters stories joined into one text (paragraphs
separated by blank lines). Two copies: ``shuffled`` holds the same paragraphs
in another order, so the pair has one passage per paragraph (thousands of
passages, found in any order); ``edited`` keeps the order and changes one word
in 50, so the pair is one passage as long as the documents.
Times ``textreuse.compare(document, copy)`` (the aligner the pipeline runs on
every candidate pair) once per size, after one small warm-up; with
``--pipeline``, also ``textreuse.run`` on the two documents as a JSON Lines
corpus (``--threads 2 --max-doc-chars 10000000``), which adds each passage's
rewrite profile.

    python bench/long_pair_bench.py [--stories 1500 3000 6000] [--pipeline]

Reads ``../shared/data/reuters/reuters.jsonl`` in place (never copied into the
repository). Prints one JSON line per size.
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

import textreuse

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "reuters"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, nargs="+", default=[1500, 3000, 6000])
    parser.add_argument("--pipeline", action="store_true", help="also time textreuse.run")
    args = parser.parse_args()
    with (DATA / "reuters.jsonl").open(encoding="utf-8") as handle:
        stories = [json.loads(line)["text"] for line in handle]
    textreuse.compare(stories[0], stories[0])  # warm-up: imports and caches
    for count in args.stories:
        for kind, document, copy in _pairs(stories[:count]):
            _measure(kind, count, document, copy, args.pipeline)


def _pairs(stories: list[str]) -> list[tuple[str, str, str]]:
    paragraphs = "\n\n".join(stories).split("\n\n")
    document = "\n\n".join(paragraphs)
    random.Random(3).shuffle(paragraphs)
    rng = random.Random(5)
    edited = " ".join(w if rng.random() > 0.02 else "changed" for w in document.split(" "))
    return [("shuffled", document, "\n\n".join(paragraphs)), ("edited", document, edited)]


def _measure(kind: str, count: int, document: str, copy: str, pipeline: bool) -> None:
    started = time.perf_counter()
    result = textreuse.compare(document, copy)
    seconds = time.perf_counter() - started
    figures = {
        "copy": kind,
        "stories": count,
        "chars": len(document),
        "words": result.words_a,
        "passages": len(result.passages),
        "score": round(result.score, 4),
        "seconds": round(seconds, 2),
    }
    if pipeline:
        figures.update(_run_pipeline(document, copy))
    print(json.dumps(figures), flush=True)


def _run_pipeline(document: str, copy: str) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as work:
        corpus = Path(work) / "pair.jsonl"
        records = [{"id": "document", "text": document}, {"id": "copy", "text": copy}]
        corpus.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
        started = time.perf_counter()
        # the edited copy of the largest document is a little over the default limit
        manifest = textreuse.run(
            [corpus], Path(work) / "out", threads=2, progress="none", max_doc_chars=10_000_000
        )
        seconds = time.perf_counter() - started
    return {
        "run_seconds": round(seconds, 2),
        "run_align_seconds": manifest["stages"]["align"]["seconds"],
        "run_passages": manifest["output_counts"]["passages"],
    }


if __name__ == "__main__":
    main()
