"""Quality and speed benchmarks for textreuse (``make bench``).

Reads the development sets from ``../shared/data`` (never copied into the
repository), runs ``textreuse`` on each, and prints one JSON line per result.
Speed is measured as whole-process wall time and peak RSS with
``/usr/bin/time -v`` when present (else ``resource`` accounting of the child).

    python bench/run_bench.py [--only seeds,pan,clough,reuters,scale] [--scale-dir DIR]

Scale corpora are built by ``python3 ../shared/tools/make_corpora.py DIR``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
CLI = [sys.executable, "-m", "textreuse.cli"]

BURNS_000 = (
    "William J. Burns, director of the CIA, flew to Moscow on November 2 to confront Russia "
    "with the information, and on November 17, American intelligence officials shared their "
    "findings with NATO."
)
BURNS_004 = (
    "William J. Burns, the CIA director, had flown to Moscow on November 2 to confront the "
    "Russians with the same information, and on November 17 American intelligence officials "
    "shared their findings with NATO."
)


def timed(command: list[str]) -> dict[str, float]:
    """Run a command; wall seconds and peak RSS (MB) of the whole process tree."""
    time_bin = shutil.which("time") or "/usr/bin/time"
    if os.path.exists(time_bin):
        started = time.monotonic()
        done = subprocess.run(
            [time_bin, "-v", *command], capture_output=True, text=True, check=False
        )
        wall = time.monotonic() - started
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        peak = int(match.group(1)) / 1024 if match else float("nan")
        return {"wall_s": round(wall, 2), "peak_rss_mb": round(peak, 1)}
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.monotonic() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"wall_s": round(wall, 2), "peak_rss_mb": round(peak, 1)}


def run_textreuse(inputs: list[Path], out: Path, *extra: str) -> dict[str, float]:
    command = [*CLI, "run", *map(str, inputs), "--out", str(out), "--overwrite", "-q", *extra]
    return timed(command)


def eval_json(*args: str) -> dict[str, object]:
    done = subprocess.run([*CLI, "eval", *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def bench_seeds(work: Path) -> dict[str, object]:
    import pyarrow.parquet as pq

    out = work / "seeds"
    run_textreuse([DATA / "seeds"], out)
    docs = {r["doc_id"]: r["text"] for r in pq.read_table(out / "documents.parquet").to_pylist()}
    passages = pq.read_table(out / "passages.parquet").to_pylist()
    id_000 = next(d for d in docs if d.startswith("000_"))
    id_004 = next(d for d in docs if d.startswith("004_"))
    spans = {id_000: docs[id_000].find(BURNS_000), id_004: docs[id_004].find(BURNS_004)}
    lengths = {id_000: len(BURNS_000), id_004: len(BURNS_004)}
    result: dict[str, object] = {"passages": len(passages)}
    for passage in passages:
        for side in ("a", "b"):
            doc = passage[f"doc_{side}"]
            start, end = passage[f"{side}_start"], passage[f"{side}_end"]
            s_start, s_len = spans[doc], lengths[doc]
            covered = max(0, min(end, s_start + s_len) - max(start, s_start))
            result[f"coverage_{doc[:3]}"] = round(covered / s_len, 3)
            result[f"overrun_chars_{doc[:3]}"] = (end - start) - covered
    return result


def bench_pan(work: Path) -> dict[str, object]:
    out = work / "pan"
    speed = run_textreuse([DATA / "pan13-dev" / "susp", DATA / "pan13-dev" / "src"], out)
    scores = eval_json("pan", "--truth", str(DATA / "pan13-dev" / "truth"), str(out))
    return {**scores, **speed}


def bench_clough(work: Path) -> dict[str, object]:
    out = work / "clough"
    speed = run_textreuse([DATA / "clough-dev" / "docs"], out, "--txt-fallback-encoding", "cp1252")
    scores = eval_json("labels", "--labels", str(DATA / "clough-dev" / "labels.csv"), str(out))
    return {**scores, **speed}


def bench_reuters(work: Path) -> dict[str, object]:
    import duckdb

    out = work / "reuters"
    speed = run_textreuse([DATA / "reuters" / "reuters.jsonl"], out, "--threads", "2")
    wc = timed(["wc", "-w", str(DATA / "reuters" / "reuters.jsonl")])
    con = duckdb.connect()
    # exact-duplicate groups (white space normalised) must each land in one near-duplicate group
    broken = con.execute(
        f"""
        WITH docs AS (
            SELECT doc_id, regexp_replace(trim(text), '\\s+', ' ', 'g') AS norm
            FROM read_parquet('{out / "documents.parquet"}') WHERE status = 'ok'),
        exact AS (
            SELECT norm, list(doc_id) AS ids FROM docs GROUP BY norm HAVING count(*) > 1),
        members AS (SELECT norm, unnest(ids) AS doc_id FROM exact)
        SELECT count(*) AS groups_total,
               count(*) FILTER (WHERE n_groups <> 1 OR n_missing > 0) AS groups_split
        FROM (
            SELECT m.norm, count(DISTINCT d.group_id) AS n_groups,
                   count(*) FILTER (WHERE d.group_id IS NULL) AS n_missing
            FROM members AS m
            LEFT JOIN read_parquet('{out / "duplicates.parquet"}') AS d USING (doc_id)
            GROUP BY m.norm)
        """
    ).fetchall()[0]
    return {
        **speed,
        "wc_w_wall_s": wc["wall_s"],
        "ratio_to_wc": round(speed["wall_s"] / max(wc["wall_s"], 1e-3), 1),
        "exact_groups": broken[0],
        "exact_groups_split": broken[1],
    }


def bench_scale(work: Path, scale_dir: Path) -> list[dict[str, object]]:
    results = []
    for name in ("scale-20k", "scale-100k", "scale-400k"):
        corpus = scale_dir / f"{name}.jsonl"
        if not corpus.exists():
            continue
        speed = run_textreuse([corpus], work / name, "--threads", "2")
        manifest = json.loads((work / name / "manifest.json").read_text())
        results.append({"corpus": name, **speed, **manifest["output_counts"]})
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="seeds,pan,clough,reuters")
    parser.add_argument("--scale-dir", type=Path, default=None)
    args = parser.parse_args()
    if not DATA.exists():
        print(f"benchmark data not found at {DATA}", file=sys.stderr)
        return 2
    wanted = set(args.only.split(","))
    benches = {
        "seeds": bench_seeds,
        "pan": bench_pan,
        "clough": bench_clough,
        "reuters": bench_reuters,
    }
    with tempfile.TemporaryDirectory(prefix="textreuse-bench-") as tmp:
        work = Path(tmp)
        for name, bench in benches.items():
            if name in wanted:
                print(json.dumps({"bench": name, **bench(work)}), flush=True)
        if "scale" in wanted:
            scale_dir = args.scale_dir or Path(tmp) / "corpora"
            if args.scale_dir is None:
                make_corpora = DATA.parent / "tools" / "make_corpora.py"
                subprocess.run([sys.executable, str(make_corpora), str(scale_dir)], check=True)
            for row in bench_scale(work, scale_dir):
                print(json.dumps({"bench": "scale", **row}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
