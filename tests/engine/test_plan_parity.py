"""The relational plan gives the same tables on DuckDB and on Spark (issue #6).

Small input tables are written as Parquet, loaded into both engines, and every
plan step (and connected components) is run on each; the resulting tables must
hold the same rows. One Spark session (``local[2]``) serves the whole module.
"""

from __future__ import annotations

import decimal
import random
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from textreuse.engine.local import DuckDBEngine
from textreuse.engine.plan import (
    BOILERPLATE_STEPS,
    CANDIDATE_STEPS,
    CLUSTER_STEPS,
    DOC_KEYS,
    DUPLICATE_EDGES,
    EXACT_GROUPS,
    NEAR_EDGES,
    PASSAGES_KEYED,
    Numbering,
    Step,
)
from textreuse.errors import MissingExtraError

PARAMS: dict[str, Any] = {
    "min_docs": 3,
    "min_share": 0.05,
    "dup_sample": 8,
    "dup_similarity": 0.3,
    "max_df": 6,
    "min_shared": 4,
    "group_min": 3,  # small, so that both the all-pairs and the representative branch run
    "min_words": 15,
    "overlap_slack": 40,
    "dup_coverage": 0.8,
}


@pytest.fixture(scope="module")
def spark_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """One Spark session for the module, started (and stopped) by a SparkEngine."""
    pytest.importorskip(
        "pyspark", reason="pyspark is not installed: pip install 'textreuse[spark]'"
    )
    from textreuse.engine.spark import SparkEngine

    # adaptive execution and whole-stage code generation cost seconds per statement
    # on tables of a few rows and change no result: off, to keep the module fast
    conf = {
        "spark.sql.shuffle.partitions": "4",
        "spark.sql.adaptive.enabled": "false",
        "spark.sql.codegen.wholeStage": "false",
    }
    owner = SparkEngine(tmp_path_factory.mktemp("spark"), 2, conf=conf)
    yield owner.spark
    owner.close()


@pytest.fixture
def engines(tmp_path: Path, spark_session: Any) -> Iterator[tuple[DuckDBEngine, Any]]:
    from textreuse.engine.spark import SparkEngine

    (tmp_path / "duck").mkdir()
    duck = DuckDBEngine(tmp_path / "duck", 2)
    spark = SparkEngine(tmp_path / "spark", spark=spark_session)
    yield duck, spark
    spark.close()
    duck.close()


def _write(folder: Path, tables: dict[str, pa.Table]) -> dict[str, Path]:
    paths = {}
    for name, table in tables.items():
        paths[name] = folder / f"{name}.parquet"
        pq.write_table(table, paths[name])
    return paths


def _normalise(value: Any) -> Any:
    """DuckDB sums are HUGEINT (Arrow decimals), Spark's are BIGINT: compare as numbers."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, list):
        return tuple(_normalise(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _normalise(v)) for k, v in value.items()))
    return value


def _rows(engine: Any, table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Column names and sorted rows of ``table``, read through ``arrow_reader``."""
    result = engine.arrow_reader(f"SELECT * FROM {table}", batch_size=7).read_all()
    rows = [tuple(_normalise(v) for v in row.values()) for row in result.to_pylist()]
    return result.column_names, sorted(rows, key=lambda r: tuple((v is None, v) for v in r))


def _assert_same(duck: DuckDBEngine, spark: Any, table: str) -> list[tuple[Any, ...]]:
    duck_columns, duck_rows = _rows(duck, table)
    spark_columns, spark_rows = _rows(spark, table)
    assert spark_columns == duck_columns, table
    assert spark_rows == duck_rows, table
    return duck_rows


# --- the corpus ------------------------------------------------------------------------


def _corpus(seed: int = 7) -> dict[str, pa.Table]:
    """Records, boilerplate inputs, docs and postings of a small synthetic corpus.

    Three source texts, each copied (n-grams shared) by several documents with noise
    of their own, some of them exact duplicates (same ``text_hash``); a few unrelated
    documents; texts with and without boilerplate. Postings exist for exact
    representatives only, as the fingerprint stage writes them.
    """
    rng = random.Random(seed)

    def ngrams(n: int) -> list[int]:
        return [rng.randrange(-(2**63), 2**63) for _ in range(n)]

    sources = [ngrams(rng.randrange(60, 120)) for _ in range(3)]
    texts: list[tuple[int, list[int]]] = []  # (text hash, n-grams)
    for source in sources:
        texts.append((rng.getrandbits(62), source))
        for _ in range(rng.randrange(3, 7)):
            kept = rng.sample(source, int(len(source) * rng.uniform(0.4, 0.95)))
            texts.append((rng.getrandbits(62), kept + ngrams(rng.randrange(0, 40))))
    # excerpts: a few n-grams of two sources, so that groups meet in candidate pairs
    for _ in range(4):
        a, b = rng.sample(sources, 2)
        texts.append((rng.getrandbits(62), rng.sample(a, 8) + rng.sample(b, 6) + ngrams(50)))
    texts += [(rng.getrandbits(62), ngrams(rng.randrange(20, 80))) for _ in range(4)]

    docs = []  # (doc_id, text index)
    for i in range(len(texts)):
        docs.append((f"doc-{i:03d}", i))
        if rng.random() < 0.3:  # exact duplicates
            for copy in range(rng.randrange(1, 3)):
                docs.append((f"dup-{i:03d}-{copy}", i))
    rng.shuffle(docs)
    docs.sort(key=lambda d: d[0])

    keys = {doc_id: key for key, (doc_id, _) in enumerate(docs)}
    erep: dict[int, int] = {}
    for doc_id, text in docs:
        erep.setdefault(text, keys[doc_id])
    sites = ["alpha.example", "beta.example", None]
    records: dict[str, list[Any]] = {
        k: []
        for k in (
            "doc_id",
            "status",
            "text_hash",
            "content_start",
            "content_end",
            "site_key",
            "date_utc",
        )
    }
    doc_cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "doc_key",
            "doc_id",
            "text_hash",
            "content_start",
            "content_end",
            "n_content",
            "bp_spans",
            "n_words",
        )
    }
    pattern_spans: dict[str, list[Any]] = {"doc_id": [], "start_pos": [], "end_pos": []}
    line_hashes: dict[str, list[Any]] = {"doc_id": [], "start_pos": [], "end_pos": [], "h": []}
    for doc_id, text in docs:
        length = 40 * len(texts[text][1])
        status = "ok" if rng.random() < 0.95 else "empty"
        records["doc_id"].append(doc_id)
        records["status"].append(status)
        records["text_hash"].append(texts[text][0])
        records["content_start"].append(0)
        records["content_end"].append(length)
        records["site_key"].append(rng.choice(sites))
        records["date_utc"].append(rng.choice([None, 1_700_000_000_000_000, 1_700_086_400_000_000]))
        # lines of 100 characters, some of them shared template lines
        for start in range(0, min(length, 1000), 100):
            line_hashes["doc_id"].append(doc_id)
            line_hashes["start_pos"].append(start)
            line_hashes["end_pos"].append(start + 100)
            line_hashes["h"].append(
                rng.choice([11, 12, 13]) if start < 300 else rng.getrandbits(40)
            )
        if rng.random() < 0.3:
            start = rng.randrange(0, length - 50)
            pattern_spans["doc_id"].append(doc_id)
            pattern_spans["start_pos"].append(start)
            pattern_spans["end_pos"].append(start + rng.randrange(10, 200))
        if status != "ok":
            continue
        bp_spans = rng.choice([0, 0, 0, 1, 2])
        doc_cols["doc_key"].append(keys[doc_id])
        doc_cols["doc_id"].append(doc_id)
        doc_cols["text_hash"].append(texts[text][0])
        doc_cols["content_start"].append(0)
        doc_cols["content_end"].append(length)
        doc_cols["n_content"].append(length - 30 * bp_spans)
        doc_cols["bp_spans"].append(bp_spans)
        doc_cols["n_words"].append(max(5, len(texts[text][1]) + 3 * (text % 4)))

    ok_keys = set(doc_cols["doc_key"])
    postings: dict[str, list[int]] = {"h": [], "doc_key": []}
    reps: dict[int, int] = {}
    for doc_id, text in docs:
        if keys[doc_id] in ok_keys:
            reps.setdefault(text, keys[doc_id])
    for text, key in reps.items():
        for h in set(texts[text][1]):
            postings["h"].append(h)
            postings["doc_key"].append(key)
    int32 = pa.int32()
    return {
        "records": pa.table(
            records,
            schema=pa.schema(
                [
                    ("doc_id", pa.string()),
                    ("status", pa.string()),
                    ("text_hash", pa.int64()),
                    ("content_start", int32),
                    ("content_end", int32),
                    ("site_key", pa.string()),
                    ("date_utc", pa.timestamp("us", tz="UTC")),
                ]
            ),
        ),
        "pattern_spans": pa.table(
            pattern_spans,
            schema=pa.schema([("doc_id", pa.string()), ("start_pos", int32), ("end_pos", int32)]),
        ),
        "line_hashes": pa.table(
            line_hashes,
            schema=pa.schema(
                [
                    ("doc_id", pa.string()),
                    ("start_pos", int32),
                    ("end_pos", int32),
                    ("h", pa.int64()),
                ]
            ),
        ),
        "docs": pa.table(
            doc_cols,
            schema=pa.schema(
                [
                    ("doc_key", int32),
                    ("doc_id", pa.string()),
                    ("text_hash", pa.int64()),
                    ("content_start", int32),
                    ("content_end", int32),
                    ("n_content", pa.int64()),
                    ("bp_spans", pa.int64()),
                    ("n_words", int32),
                ]
            ),
        ),
        "postings": pa.table(postings, schema=pa.schema([("h", pa.int64()), ("doc_key", int32)])),
    }


def _passages(docs: pa.Table, seed: int = 11) -> pa.Table:
    """Passages between random pairs of documents: overlapping occurrences in one
    document (one node of the reuse graph), and pairs covering whole documents
    (near-duplicate edges)."""
    rng = random.Random(seed)
    keys = docs.column("doc_key").to_pylist()
    lengths = dict(zip(keys, docs.column("content_end").to_pylist(), strict=True))
    rows = []
    for _ in range(60):
        ka, kb = sorted(rng.sample(keys[:25], 2))
        if rng.random() < 0.15:  # whole-document passages
            rows.append((ka, kb, 0, lengths[ka], 0, lengths[kb]))
            continue
        a = rng.randrange(0, 12) * 50
        b = rng.randrange(0, 12) * 50
        width = rng.choice([60, 100, 200])
        rows.append((ka, kb, a, a + width, b, b + width + rng.choice([0, 10])))
    rows.sort()
    columns = list(zip(*rows, strict=True))
    int32 = pa.int32()
    return pa.table(
        {
            "pid": pa.array(range(len(rows)), pa.int64()),
            "ka": pa.array(columns[0], int32),
            "kb": pa.array(columns[1], int32),
            "a_start": pa.array(columns[2], int32),
            "a_end": pa.array(columns[3], int32),
            "b_start": pa.array(columns[4], int32),
            "b_end": pa.array(columns[5], int32),
            "score": pa.array([rng.random() for _ in rows], pa.float64()),
            "matches": pa.array([rng.randrange(10, 90) for _ in rows], int32),
            "substitutions": pa.array([rng.randrange(0, 5) for _ in rows], int32),
            "insertions": pa.array([rng.randrange(0, 5) for _ in rows], int32),
            "deletions": pa.array([rng.randrange(0, 5) for _ in rows], int32),
        }
    )


# --- tests -----------------------------------------------------------------------------


def test_plan_steps_give_the_same_tables(tmp_path: Path, engines: tuple[DuckDBEngine, Any]) -> None:
    tables = _corpus()
    tables["passages_keyed"] = _passages(tables["docs"])
    paths = _write(tmp_path, tables)
    # plan steps, components as ("components", edges, out), and ("load", table, path)
    # to replace a computed table by the corpus's own (its keys agree with the postings)
    steps: list[Step | tuple[str, str, str]] = [
        *BOILERPLATE_STEPS,
        DOC_KEYS,
        ("load", "doc_keys", "docs"),
        EXACT_GROUPS,
        NEAR_EDGES,
        ("components", "near_edges", "near_components"),
        *CANDIDATE_STEPS,
        *(step for step in CLUSTER_STEPS if step is not PASSAGES_KEYED),
        ("components", "passage_edges", "passage_components"),
        DUPLICATE_EDGES,
        ("components", "duplicate_edges", "duplicate_components"),
    ]
    counts: dict[str, int] = {}
    for engine in engines:
        for name, path in paths.items():
            engine.load_parquet(name, path)
        for step in steps:
            if isinstance(step, tuple) and step[0] == "load":
                _, name, source = step
                engine.load_parquet(name, paths[source])
            elif isinstance(step, tuple):
                _, edges, out = step
                engine.components(edges, out)
                counts[out] = engine.count(out)
            else:
                counts[step.name] = engine.run(step, **PARAMS)
        # doc_keys as computed, kept for comparison (the corpus's own replaced it)
        counts["doc_keys_computed"] = engine.run(replace(DOC_KEYS, name="doc_keys_computed"))

    duck, spark = engines
    for step in steps:
        if isinstance(step, tuple) and step[0] == "load":
            continue
        table = step[2] if isinstance(step, tuple) else step.name
        if table == DOC_KEYS.name:
            table = "doc_keys_computed"
        rows = _assert_same(duck, spark, table)
        assert rows, f"{table} is empty: the data does not exercise it"
        assert len(rows) == counts[table]

    # the data reaches every branch of the plan that can differ between engines
    _, groups = _rows(duck, "groups")
    sizes = {row[4] for row in groups}
    assert min(sizes) == 1 and max(sizes) > PARAMS["group_min"]
    _, pairs = _rows(duck, "align_pairs")
    assert {row[2] for row in pairs} == {"candidate", "group", "exact"}
    _, spans = _rows(duck, "occurrence_spans")
    assert len({row[5] for row in spans}) < len(spans)  # some occurrences were merged


def _edges(tmp_path: Path, pairs: list[tuple[int, int]]) -> Path:
    a, b = zip(*pairs, strict=True)
    path = tmp_path / "edges.parquet"
    pq.write_table(pa.table({"a": pa.array(a, pa.int64()), "b": pa.array(b, pa.int64())}), path)
    return path


def _components(engine: Any, path: Path) -> tuple[int, dict[int, int]]:
    engine.load_parquet("edges", path)
    rounds = engine.components("edges", "labels")
    labels = engine.arrow_reader("SELECT node, label FROM labels").read_all().to_pylist()
    return rounds, {row["node"]: row["label"] for row in labels}


@pytest.mark.parametrize(
    "pairs",
    [
        # a chain 100 - 101 - ... - 140 whose smallest node is in the middle, an isolated edge
        [(100 + i, 101 + i) for i in range(40)] + [(120, 3), (900, 901)],
        # a star around 50 (given leaf to centre) and a star whose centre is its largest node
        [(leaf, 50) for leaf in range(51, 80)] + [(leaf, 300) for leaf in range(200, 230)],
        # repeated and reversed edges, self-loops (7 is linked only to itself)
        [(1, 2), (2, 1), (1, 2), (2, 2), (7, 7), (5, 2), (5, 5)],
        # a sparse random graph: many components, some long paths
        [
            (rng.randrange(400), rng.randrange(400))
            for rng in [random.Random(6)]
            for _ in range(300)
        ],
    ],
    ids=["chain", "star", "loops", "random"],
)
@pytest.mark.parametrize("in_one_task", [True, False], ids=["one-task", "rounds"])
def test_components_of_chain_and_star(
    tmp_path: Path,
    engines: tuple[DuckDBEngine, Any],
    pairs: list[tuple[int, int]],
    in_one_task: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from textreuse.engine import spark as spark_module

    if not in_one_task:  # every graph is then labelled by large-star / small-star rounds
        monkeypatch.setattr(spark_module, "COMPONENTS_IN_ONE_TASK_EDGES", 0)
    expected = _expected_components(pairs)
    path = _edges(tmp_path, pairs)
    duck, spark = engines
    duck_rounds, duck_labels = _components(duck, path)
    spark_rounds, spark_labels = _components(spark, path)
    assert duck_labels == expected
    assert spark_labels == expected
    assert spark_rounds == (1 if in_one_task else duck_rounds)


def _expected_components(pairs: list[tuple[int, int]]) -> dict[int, int]:
    """Smallest node of each component, by union-find."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in pairs:
        ra, rb = find(a), find(b)
        parent[max(ra, rb)] = min(ra, rb)
    return {node: find(node) for node in parent}


def test_engine_without_pyspark_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from textreuse.engine import spark

    monkeypatch.setitem(sys.modules, "pyspark", None)
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'textreuse\[spark\]'"):
        spark.SparkEngine(tmp_path)


def test_numbering_by_ranges_gives_the_numbers_of_one_order(
    tmp_path: Path, engines: tuple[DuckDBEngine, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above ``NUMBER_IN_ONE_TASK_ROWS`` the Spark engine numbers rows by range
    partitions; the numbers are those of one window over the whole table."""
    from textreuse.engine import spark as spark_module

    rng = random.Random(11)
    keys = rng.sample(range(10**6), 500)
    table = pa.table(
        {
            "name": pa.array([f"doc-{k % 37:02d}/{k}" for k in keys]),  # ties on a prefix
            "part": pa.array([k % 5 for k in keys], pa.int32()),  # a name taken by the engine
            "weight": pa.array([rng.random() for _ in keys]),
        }
    )
    path = tmp_path / "named.parquet"
    pq.write_table(table, path)
    step = Step(
        "numbered",
        "SELECT name, part, weight FROM named WHERE weight < 0.9",
        Numbering("nth", ("name", "part"), "INTEGER", ("named",)),
    )
    monkeypatch.setattr(spark_module, "NUMBER_IN_ONE_TASK_ROWS", 60)  # 9 range partitions
    counts = []
    for engine in engines:
        engine.load_parquet("named", path)
        counts.append(engine.run(step))
    rows = _assert_same(*engines, "numbered")
    assert counts == [len(rows), len(rows)] and 400 < len(rows) < 500
    assert sorted(row[0] for row in rows) == list(range(len(rows)))
    by_name = sorted(rows, key=lambda row: (row[1], row[2]))
    assert [row[0] for row in by_name] == list(range(len(rows)))
    _, spark = engines
    assert spark.count("numbered") == len(rows)
    assert not any(
        "ranged" in name for name in spark.storage.list_names(spark.table_root + "/tables")
    )


def test_both_engines_cut_a_batch_of_long_strings_into_regular_arrow_types(
    engines: tuple[DuckDBEngine, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch's string column holds at most 2 GiB: both readers cut batches by the
    size of their strings (here made small), not by rows alone."""
    from textreuse.engine import arrow_batches, spark

    monkeypatch.setattr(arrow_batches, "MAX_BATCH_STRING_BYTES", 100)
    monkeypatch.setattr(spark, "MAX_BATCH_CHARS", 100)
    texts = pa.table({"doc_key": list(range(12)), "text": ["w" * (10 * i) for i in range(12)]})
    paths = _write(tmp_path, {"long_texts": texts})
    for engine in engines:
        engine.load_parquet("long_texts", paths["long_texts"])
        reader = engine.arrow_reader("SELECT * FROM long_texts ORDER BY doc_key", batch_size=50)
        batches = list(reader)
        assert reader.schema.field("text").type == pa.string(), type(engine).__name__
        assert [row["doc_key"] for b in batches for row in b.to_pylist()] == list(range(12))
        assert len(batches) > 3, type(engine).__name__  # 660 characters in all
        for batch in batches:
            lengths = [len(text) for text in batch.column("text").to_pylist()]
            assert sum(lengths[:-1]) <= 100  # a batch passes the limit by one row at most
