"""A corpus whose 8,192 consecutive documents hold over 2 GiB of text: does the run finish?

An Arrow string column of one record batch holds at most 2 GiB (32-bit offsets).
The engine's batches are cut by size as well as by rows, so a corpus of long
documents (books, reports, long-form journalism) must run through as a corpus of
short ones does. Generates ``--docs`` documents of ``--chars`` characters each, of
random Greek-letter words (two bytes each in UTF-8, so the corpus passes 2 GiB with
half the characters, and half the time, of a Latin one; seeded, drawn evenly from
50,000 words, so that no two documents share a run of words by chance), the last
``--copies`` of them verbatim copies of the first.

Runs ``textreuse run CORPUS --out OUT -q --threads 2`` as a separate process
(``--python``, default this interpreter; set ``PYTHONPATH`` to time other code)
and prints one JSON line: the corpus size, exit status, time, the peak memory of
the largest process, the near-duplicate groups found (``--copies`` expected) and,
for a failed run, the last line of its error.

    python bench/wide_batch_bench.py [--docs 8300] [--chars 160000] [--copies 4]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

GREEK = [chr(code) for code in range(0x03B1, 0x03CA) if code != 0x03C2]  # α..ω, no final ς


def _vocabulary(rng: np.random.Generator, size: int) -> list[str]:
    lengths = rng.integers(2, 10, size=size)
    letters = rng.integers(0, len(GREEK), size=int(lengths.sum()))
    words, at = [], 0
    for length in lengths.tolist():
        words.append("".join(GREEK[i] for i in letters[at : at + length]))
        at += length
    return words


def _write_corpus(path: Path, docs: int, chars: int, copies: int) -> int:
    rng = np.random.default_rng(7)
    vocabulary = _vocabulary(rng, 50_000)
    words_per_doc = chars * 2 // 13  # a word of 5.5 letters and a space, on average
    total = 0
    first: list[str] = []
    with path.open("w", encoding="utf-8") as sink:
        for number in range(docs):
            if number >= docs - copies:
                text = first[number - (docs - copies)]
            else:
                picks = rng.integers(0, len(vocabulary), size=words_per_doc)
                words = [vocabulary[i] for i in picks.tolist()]
                for at in range(20, len(words), 21):
                    words[at] += "."
                text = " ".join(words)
                if number < copies:
                    first.append(text)
            total += len(text)
            record = {"id": f"d{number:05d}", "text": text}
            sink.write(json.dumps(record, ensure_ascii=False) + "\n")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=8300)
    parser.add_argument("--chars", type=int, default=160_000)
    parser.add_argument("--copies", type=int, default=4)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        corpus = Path(work) / "wide.jsonl"
        characters = _write_corpus(corpus, args.docs, args.chars, args.copies)
        out = Path(work) / "out"
        command = [args.python, "-m", "textreuse.cli", "run", str(corpus), "--out", str(out)]
        started = time.perf_counter()
        finished = subprocess.run(
            [*command, "-q", "--threads", "2"], check=False, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        figures: dict[str, object] = {
            "bench": "wide_batch",
            "docs": args.docs,
            "characters": characters,
            "corpus_bytes": corpus.stat().st_size,
            "exit": finished.returncode,
            "wall_s": round(seconds, 1),
            "peak_rss_mb": round(peak_mb, 1),
        }
        if finished.returncode == 0:
            groups = pq.read_table(out / "duplicates.parquet").column("group_id")
            figures["duplicate_groups"] = len(set(groups.to_pylist()))
            stages = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["stages"]
            figures["align_pairs"] = stages["candidates"]["align_pairs"]
            figures["stage_s"] = {name: stage["seconds"] for name, stage in stages.items()}
        else:
            lines = finished.stderr.strip().splitlines()
            figures["error"] = lines[-1] if lines else ""
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
