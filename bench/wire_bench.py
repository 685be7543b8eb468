"""A wire story republished by hundreds of sites: is every copy in one group?

One BBC story is copied N times (``--copies``), each copy with about 3% of its
words replaced by other words of the story (a different 3% each time, so no two
copies are exact duplicates), each on a site of its own, with dates spread over March 2024.
The first ``--others`` other BBC articles, the original story among them, are
added. With N above ``--max-df`` (100), every n-gram of the story is too common
for candidate pairs, so only the near-duplicate grouping can join the copies.

Runs ``textreuse run CORPUS --out OUT -q --threads 2`` as a separate process
(``--python``, default this interpreter; set ``PYTHONPATH`` to time other code)
and prints one JSON line: the copies (and the original) in the largest
near-duplicate group holding copies, the number of groups and of reuse clusters
holding copies, the copies in no group, passages (and how many of those
touching a copy have the original on their other side: a group this large is
aligned through its representative) and the run's time and peak memory.

    python bench/wire_bench.py [--copies 800] [--others 1500]

Reads ``../shared/data/bbc/bbc.jsonl`` in place (never copied into the repository).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import pyarrow.parquet as pq

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "bbc"
STORY = 10  # the index of the copied story in bbc.jsonl


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=800)
    parser.add_argument("--others", type=int, default=1500)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    with (DATA / "bbc.jsonl").open(encoding="utf-8") as handle:
        articles = [json.loads(line) for line in handle]
    original = articles[STORY]
    with tempfile.TemporaryDirectory() as work:
        corpus = Path(work) / "wire.jsonl"
        corpus.write_text(_corpus(articles, original, args.copies, args.others), encoding="utf-8")
        out = Path(work) / "out"
        command = [args.python, "-m", "textreuse.cli", "run", str(corpus), "--out", str(out)]
        started = time.perf_counter()
        subprocess.run([*command, "-q", "--threads", "2"], check=True)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(json.dumps(_figures(out, original["id"], args.copies, seconds, peak_mb)))


def _corpus(
    articles: list[dict[str, str]], original: dict[str, str], copies: int, others: int
) -> str:
    rng = random.Random(3)
    words = original["text"].split(" ")
    lines = []
    for copy in range(copies):
        edited = [w if rng.random() > 0.03 else rng.choice(words) for w in words]
        record = {
            "id": f"copy-{copy:04d}",
            "text": " ".join(edited),
            "site": f"site{copy}.example",
            "date": f"2024-03-{1 + copy % 28:02d}",
        }
        lines.append(json.dumps(record))
    for article in articles[:others]:
        lines.append(json.dumps({"id": article["id"], "text": article["text"], "site": "bbc"}))
    return "".join(line + "\n" for line in lines)


def _figures(
    out: Path, original: str, copies: int, seconds: float, peak_mb: float
) -> dict[str, object]:
    groups: dict[int, set[str]] = defaultdict(set)
    for row in pq.read_table(out / "duplicates.parquet").to_pylist():
        groups[row["group_id"]].add(row["doc_id"])
    holding = [members for members in groups.values() if any(_copy(d) for d in members)]
    largest = max(holding, key=len, default=set())
    grouped = {d for members in holding for d in members if _copy(d)}
    clusters = {
        row["cluster_id"]
        for row in pq.read_table(out / "clusters.parquet").to_pylist()
        if _copy(row["doc_id"])
    }
    passages = pq.read_table(out / "passages.parquet", columns=["doc_a", "doc_b"]).to_pylist()
    copy_pairs = [
        (p["doc_a"], p["doc_b"]) for p in passages if _copy(p["doc_a"]) or _copy(p["doc_b"])
    ]
    return {
        "bench": "wire",
        "copies": copies,
        "copies_in_largest_group": sum(1 for d in largest if _copy(d)),
        "original_in_largest_group": original in largest,
        "groups_with_copies": len(holding),
        "copies_in_no_group": copies - len(grouped),
        "clusters_with_copies": len(clusters),
        "passages": len(passages),
        "copy_passages_with_original": sum(original in pair for pair in copy_pairs),
        "copy_passages": len(copy_pairs),
        "wall_s": round(seconds, 2),
        "peak_rss_mb": round(peak_mb, 1),
    }


def _copy(doc_id: str) -> bool:
    return doc_id.startswith("copy-")


if __name__ == "__main__":
    main()
