"""Many long documents that all reuse one another: does the run stay within memory?

Each of ``--docs`` documents is ``--stories`` BBC articles drawn at random (seeded),
joined by blank lines, so any two documents share a few articles: nearly every
pair of documents is aligned, and the texts of the pairs add up to far more than
the corpus (300 documents of 100 articles: 68 MB of text, 44,850 pairs, about
20 GB of pair texts). Such corpora are books, reports, or digests of news.

Runs ``textreuse run CORPUS --out OUT -q --threads 2`` as a separate process
(``--python``, default this interpreter; set ``PYTHONPATH`` to time other code)
and prints one JSON line: the corpus size, pairs aligned, passages, the run's time
and the peak memory of the largest process, with the align stage's own figures
from the manifest.

    python bench/long_corpus_bench.py [--docs 300] [--stories 100]

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
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "bbc"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=300)
    parser.add_argument("--stories", type=int, default=100)
    parser.add_argument("--python", default=sys.executable)
    args = parser.parse_args()
    with (DATA / "bbc.jsonl").open(encoding="utf-8") as handle:
        stories = [json.loads(line)["text"] for line in handle]
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as work:
        corpus = Path(work) / "long.jsonl"
        characters = 0
        with corpus.open("w", encoding="utf-8") as sink:
            for number in range(args.docs):
                text = "\n\n".join(rng.sample(stories, args.stories))
                characters += len(text)
                sink.write(json.dumps({"id": f"d{number}", "text": text}) + "\n")
        out = Path(work) / "out"
        command = [args.python, "-m", "textreuse.cli", "run", str(corpus), "--out", str(out)]
        started = time.perf_counter()
        finished = subprocess.run([*command, "-q", "--threads", "2"], check=False)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        figures: dict[str, object] = {
            "bench": "long_corpus",
            "docs": args.docs,
            "stories_per_doc": args.stories,
            "characters": characters,
            "exit": finished.returncode,
            "wall_s": round(seconds, 1),
            "peak_rss_mb": round(peak_mb, 1),
        }
        if finished.returncode == 0:
            manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
            stages = manifest["stages"]
            figures["align_pairs"] = stages["candidates"]["align_pairs"]
            figures["passages"] = manifest["output_counts"]["passages"]
            figures["align_s"] = stages["align"]["seconds"]
            figures["align_worker_peak_mb"] = stages["align"]["worker_peak_rss_mb"]
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
