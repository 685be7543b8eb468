"""Robustness to rewriting: recall of spun passages as the share of changed words grows.

For each trial a passage of three consecutive sentences (12+ words each) is taken
from a BBC story, a share ``rate`` of its words is changed (70% substituted by a
random word of other stories, 30% deleted, as content farms and
``make_corpora.py`` do), and it is pasted into the middle of another story. The
trial counts as found when passages returned by ``textreuse.compare(source,
copy)`` cover at least half of the pasted passage. False positives: the source
compared with a third, unrelated story returns any passage.

    python bench/spin_bench.py [--trials 150] [--ngram 4] [--sentence-similarity 0.5]

Reads ``../shared/data/bbc/bbc.jsonl`` in place (never copied into the repository).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

import textreuse

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "bbc" / "bbc.jsonl"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def mutate(text: str, rate: float, rng: random.Random, vocab: list[str]) -> str:
    """Substitute (70%) or delete (30%) a share ``rate`` of the words."""
    out = []
    for word in text.split():
        if rng.random() < rate:
            if rng.random() < 0.7:
                out.append(rng.choice(vocab))
        else:
            out.append(word)
    return " ".join(out)


def trial(docs: list[str], rate: float, rng: random.Random, vocab: list[str], **options: object):
    """One trial: (found, coverage, false positive) or None when the story is too short."""
    source, host, other = rng.sample(docs, 3)
    sentences = [s for s in _SENTENCE_END.split(source.replace("\n", " ")) if len(s.split()) >= 12]
    if len(sentences) < 4:
        return None
    first = rng.randrange(len(sentences) - 3)
    spun = mutate(" ".join(sentences[first : first + 3]), rate, rng, vocab)
    paragraphs = host.split("\n\n")
    middle = len(paragraphs) // 2
    copy = "\n\n".join([*paragraphs[:middle], spun, *paragraphs[middle:]])
    start = copy.find(spun)
    end = start + len(spun)
    result = textreuse.compare(source, copy, **options)
    covered = sum(max(0, min(end, p.b_end) - max(start, p.b_start)) for p in result.passages)
    coverage = min(1.0, covered / len(spun))
    false_positive = bool(textreuse.compare(source, other, **options).passages)
    return coverage >= 0.5, coverage, false_positive


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=150)
    parser.add_argument("--ngram", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sentence-similarity", type=float, default=None)
    args = parser.parse_args()
    if not DATA.exists():
        print(f"no data at {DATA}", file=sys.stderr)
        return 2
    docs = [json.loads(line)["text"] for line in DATA.open(encoding="utf-8")]
    for rate in (0.1, 0.2, 0.3, 0.4):
        rng = random.Random(args.seed)
        vocab = [w for d in rng.sample(docs, 200) for w in d.split() if w.isalpha()]
        options = {"ngram": args.ngram, "sentence_similarity": args.sentence_similarity}
        results = [trial(docs, rate, rng, vocab, **options) for _ in range(args.trials)]
        done = [r for r in results if r is not None]
        print(
            json.dumps(
                {
                    "bench": "spin",
                    "ngram": args.ngram,
                    "sentence_similarity": args.sentence_similarity,
                    "changed_words": rate,
                    "trials": len(done),
                    "recall": round(sum(r[0] for r in done) / len(done), 3),
                    "mean_coverage": round(sum(r[1] for r in done) / len(done), 3),
                    "false_positive_docs": sum(r[2] for r in done),
                }
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
