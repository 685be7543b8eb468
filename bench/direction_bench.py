"""Direction accuracy on a synthetic scale corpus (issue #5).

Usage::

    python3 ../shared/tools/make_corpora.py DIR --scale 20000
    python bench/direction_bench.py DIR/scale-20k.jsonl [--threads 2] [--work DIR]

Each record of a scale corpus says where it came from: ``src`` (the story it
derives from), ``kind`` (``orig``: a verbatim copy of that story; ``near``: a
copy with 5-15% of its words substituted or deleted and a paragraph of another
story, ``para_src``, appended). Two kinds of passage have a known direction:

* **src**: between a ``near`` document and an ``orig`` document of the same
  story; the ``orig`` (the story as published) is the source;
* **para**: between a ``near`` document and a document of its ``para_src``
  story; the latter is the source.

The corpus is run twice: with its dates, and with every date removed. make_corpora
gives every document its story's date, so src pairs tie on dates (a tie-break
decides), while a para pair carries two unrelated stories' dates (so dates give
the right answer about half the time: a property of the generator, not of the
rule). The no-date run measures the tie-breaks alone.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

import textreuse


def read_truth(corpus: Path) -> dict[str, dict[str, Any]]:
    """``id`` to ``{src, kind, para_src}`` for every record."""
    truth = {}
    with corpus.open(encoding="utf-8") as lines:
        for line in lines:
            rec = json.loads(line)
            truth[rec["id"]] = {
                "src": rec.get("src"),
                "kind": rec.get("kind"),
                "para_src": rec.get("para_src"),
            }
    return truth


def without_dates(corpus: Path, target: Path) -> None:
    with corpus.open(encoding="utf-8") as src, target.open("w", encoding="utf-8") as out:
        for line in src:
            rec = json.loads(line)
            rec.pop("date", None)
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")


def expected_source(a: dict[str, Any], b: dict[str, Any], id_a: str, id_b: str) -> tuple[str, str]:
    """``(category, true source id)``, or ``("", "")`` when the pair has no known direction."""
    if a["src"] == b["src"]:
        if a["kind"] == "orig" and b["kind"] == "near":
            return "src", id_a
        if a["kind"] == "near" and b["kind"] == "orig":
            return "src", id_b
        return "", ""
    if a["kind"] == "near" and a["para_src"] == b["src"]:
        return "para", id_b
    if b["kind"] == "near" and b["para_src"] == a["src"]:
        return "para", id_a
    return "", ""


def score(out: Path, truth: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per category: passages, share correct, share wrong, share unknown, and the bases used."""
    columns = ["doc_a", "doc_b", "direction", "direction_basis"]
    tallies: dict[str, Counter[str]] = {"src": Counter(), "para": Counter()}
    bases: dict[str, Counter[str]] = {"src": Counter(), "para": Counter()}
    for row in pq.read_table(out / "passages.parquet", columns=columns).to_pylist():
        a, b = row["doc_a"], row["doc_b"]
        category, source = expected_source(truth[a], truth[b], a, b)
        if not category:
            continue
        bases[category][row["direction_basis"]] += 1
        if row["direction"] == "unknown":
            tallies[category]["unknown"] += 1
            continue
        found = a if row["direction"] == "a_to_b" else b
        tallies[category]["correct" if found == source else "wrong"] += 1
    result = {}
    for category, tally in tallies.items():
        total = sum(tally.values())
        result[category] = {
            "passages": total,
            **{k: round(tally[k] / total, 3) if total else None for k in ("correct", "wrong")},
            "unknown": round(tally["unknown"] / total, 3) if total else None,
            "basis": dict(bases[category]),
        }
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", type=Path, help="folder for the runs (default: temporary)")
    args = parser.parse_args(argv)
    truth = read_truth(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        undated = work / "undated.jsonl"
        without_dates(args.corpus, undated)
        report = {}
        for name, corpus in (("dates", args.corpus), ("no dates", undated)):
            out = work / f"out-{name.replace(' ', '-')}"
            textreuse.run([corpus], out, overwrite=True, progress="none", threads=args.threads)
            report[name] = score(out, truth)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
