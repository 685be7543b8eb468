"""End-to-end tests of ``textreuse.run``: outputs, invariants, determinism and atomicity."""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import stat
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import (
    BRIDGE_P1,
    BRIDGE_P2,
    BRIDGE_P3,
    CHESS,
    CORPUS,
    FERRY,
    FERRY_P1,
    FERRY_P2,
    ORCHARD,
    REPO,
    UNRELATED,
    read_table,
    run_quick,
    write_jsonl,
)

from textreuse.core.tokenize import tokenize
from textreuse.errors import ConfigError, InputError, OutputError
from textreuse.output import OUTPUT_FILES
from textreuse.schema import (
    CLUSTERS_SCHEMA,
    DOCUMENTS_SCHEMA,
    DUPLICATES_SCHEMA,
    PASSAGES_SCHEMA,
    SPAN,
)

ALL_OUTPUTS = (*OUTPUT_FILES, "rejects.jsonl")
STAGES = (
    "ingest",
    "boilerplate",
    "keys",
    "fingerprint",
    "candidates",
    "align",
    "cluster",
    "provenance",
    "write",
)
SEEDS = REPO.parent / "shared" / "data" / "seeds"
EXAMPLES = REPO / "examples"

OutRun = tuple[Path, dict[str, Any]]


# --------------------------------------------------------------------------- helpers


def texts_of(out: Path) -> dict[str, str | None]:
    return {row["doc_id"]: row["text"] for row in read_table(out, "documents")}


def sorted_rows(out: Path, name: str) -> list[tuple[Any, ...]]:
    """All rows of an output table as tuples, sorted (so row order does not matter)."""
    table = pq.read_table(out / f"{name}.parquet")
    rows = [tuple(row.values()) for row in table.to_pylist()]
    return sorted(rows, key=repr)


def pair_passages(out: Path, x: str, y: str) -> list[tuple[int, int, int, int]]:
    """Passages between docs ``x`` and ``y`` as ``(x_start, x_end, y_start, y_end)``."""
    found = []
    for p in read_table(out, "passages"):
        if (p["doc_a"], p["doc_b"]) == (x, y):
            found.append((p["a_start"], p["a_end"], p["b_start"], p["b_end"]))
        elif (p["doc_a"], p["doc_b"]) == (y, x):
            found.append((p["b_start"], p["b_end"], p["a_start"], p["a_end"]))
    return found


def covered(spans: list[tuple[int, int]], start: int, end: int) -> float:
    """Share of ``[start, end)`` covered by the union of ``spans``."""
    if end <= start:
        return 0.0
    hit = set()
    for s, e in spans:
        hit.update(range(max(s, start), min(e, end)))
    return len(hit) / (end - start)


def normalise(text: str) -> str:
    return " ".join(text.split())


def siblings(path: Path) -> set[str]:
    return set(os.listdir(path.parent))


# --------------------------------------------------------------------------- outputs


def test_fixture_corpus_shape() -> None:
    ids = [r["id"] for r in CORPUS]
    assert len(ids) == len(set(ids))
    for record in CORPUS:
        assert 80 <= len(record["text"].split()) <= 200, record["id"]


def test_all_output_files_exist(corpus_run: OutRun) -> None:
    out, _ = corpus_run
    for name in ALL_OUTPUTS:
        assert (out / name).is_file(), name
    assert not (out / "_work").exists(), "work files must be removed unless keep_work"
    leftovers = [n for n in os.listdir(out) if n.endswith(".partial")]
    assert leftovers == []
    hidden = [n for n in siblings(out) if n.startswith(f".{out.name}.")]
    assert hidden == [], "temporary folders left beside the output"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("passages", PASSAGES_SCHEMA),
        ("clusters", CLUSTERS_SCHEMA),
        ("duplicates", DUPLICATES_SCHEMA),
    ],
)
def test_output_schema_names_and_types(corpus_run: OutRun, name: str, expected: pa.Schema) -> None:
    out, _ = corpus_run
    got = pq.read_schema(out / f"{name}.parquet")
    assert got.names == expected.names
    assert [f.type for f in got] == [f.type for f in expected]


def test_documents_schema_names_and_types(corpus_run: OutRun) -> None:
    out, _ = corpus_run
    got = pq.read_schema(out / "documents.parquet")
    assert got.names == DOCUMENTS_SCHEMA.names
    for field in DOCUMENTS_SCHEMA:
        got_type = got.field(field.name).type
        if pa.types.is_list(field.type):
            # The list's item field name ("item" / "element") is not part of the contract.
            assert pa.types.is_list(got_type), field.name
            assert got_type.value_type == SPAN, field.name
        else:
            assert got_type == field.type, field.name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("passages", PASSAGES_SCHEMA),
        ("clusters", CLUSTERS_SCHEMA),
        ("duplicates", DUPLICATES_SCHEMA),
    ],
)
def test_output_schema_nullability_matches_contract(
    corpus_run: OutRun, name: str, expected: pa.Schema
) -> None:
    out, _ = corpus_run
    got = pq.read_schema(out / f"{name}.parquet")
    assert [(f.name, f.nullable) for f in got] == [(f.name, f.nullable) for f in expected]


def test_documents_hold_every_record(corpus_run: OutRun) -> None:
    out, _ = corpus_run
    docs = {row["doc_id"]: row for row in read_table(out, "documents")}
    assert set(docs) == {r["id"] for r in CORPUS}
    for record in CORPUS:
        row = docs[record["id"]]
        assert row["text"] == record["text"], "text must be kept exactly as read"
        assert row["site"] == record["site"]
        assert row["date"] == record["date"]
        assert row["status"] == "ok"
        assert row["location"].startswith("line ")


def test_passage_offsets_slice_real_text(corpus_run: OutRun) -> None:
    out, manifest = corpus_run
    texts = texts_of(out)
    passages = read_table(out, "passages")
    assert passages, "the fixture corpus has planted reuse"
    min_words = manifest["parameters"]["align"]["min_words"]
    for p in passages:
        assert p["doc_a"] != p["doc_b"]
        text_a, text_b = texts[p["doc_a"]], texts[p["doc_b"]]
        assert text_a is not None and text_b is not None
        assert 0 <= p["a_start"] < p["a_end"] <= len(text_a), p
        assert 0 <= p["b_start"] < p["b_end"] <= len(text_b), p
        slice_a = text_a[p["a_start"] : p["a_end"]]
        slice_b = text_b[p["b_start"] : p["b_end"]]
        # Passages start and end on words, not on white space.
        assert slice_a == slice_a.strip() and slice_b == slice_b.strip(), p
        assert 0.0 < p["score"] <= 1.0
        assert p["matches"] >= min_words or p["score"] == 1.0
        if p["score"] == 1.0 and p["substitutions"] == p["insertions"] == p["deletions"] == 0:
            assert normalise(slice_a) == normalise(slice_b), p


def check_passage_contract(out: Path, min_words: int) -> None:
    """The documented meaning of every passages.parquet column."""
    texts = texts_of(out)
    by_pair: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for p in read_table(out, "passages"):
        assert p["doc_a"] < p["doc_b"], p
        by_pair[(p["doc_a"], p["doc_b"])].append(p)
        words_a = len(tokenize(texts[p["doc_a"]][p["a_start"] : p["a_end"]]).words)
        words_b = len(tokenize(texts[p["doc_b"]][p["b_start"] : p["b_end"]]).words)
        # Word edits turn the a span into the b span.
        assert p["matches"] + p["substitutions"] + p["deletions"] == words_a, p
        assert p["matches"] + p["substitutions"] + p["insertions"] == words_b, p
        assert p["score"] == pytest.approx(2 * p["matches"] / (words_a + words_b), abs=1e-6)
        assert min(words_a, words_b) >= min_words, p
    # Each stretch of text is used by at most one passage of a pair.
    for pair, passages in by_pair.items():
        for side in ("a", "b"):
            spans = sorted((p[f"{side}_start"], p[f"{side}_end"]) for p in passages)
            for (_, end), (start, _) in itertools.pairwise(spans):
                assert end <= start, (pair, side, spans)


def test_passage_columns_mean_what_the_readme_says(corpus_run: OutRun) -> None:
    out, manifest = corpus_run
    check_passage_contract(out, manifest["parameters"]["align"]["min_words"])


def test_offsets_are_code_points_in_non_ascii_text(tmp_path: Path) -> None:
    prefix = "Ünïcödé 😀 «Fähre» — 日本語\n\n"
    records = [
        {"id": "a", "text": FERRY},
        {"id": "b", "text": prefix + FERRY.replace("\n\n", "\r\n\r\n") + " 🚢"},
    ]
    out = tmp_path / "out"
    run_quick([write_jsonl(tmp_path / "in.jsonl", records)], out)
    texts = texts_of(out)
    assert texts["b"] == records[1]["text"], "text must be kept exactly, CRLF included"
    passages = read_table(out, "passages")
    assert passages
    covered_b = covered([(p["b_start"], p["b_end"]) for p in passages], 0, len(texts["b"]))
    assert covered_b > 0.9
    first = min(passages, key=lambda p: p["b_start"])
    assert first["b_start"] == len(prefix)
    assert texts["b"][first["b_start"] :].startswith(FERRY_P1[:40])
    assert max(p["b_end"] for p in passages) == len(texts["b"]) - len(" 🚢")


# A news sentence and a spun copy (words swapped, dropped and added), in Chinese and
# in Japanese, written without spaces between words.
ZH_SOURCE = (
    "北京时间十一月二日，美国中央情报局局长威廉·伯恩斯飞往莫斯科，就俄罗斯在乌克兰边境"
    "集结军队一事与俄方当面对质。十一月十七日，美国情报官员与北约盟国分享了他们的调查结果。"
)
ZH_SPUN = (
    "十一月二日，中情局局长威廉·伯恩斯曾飞抵莫斯科，就俄罗斯在乌克兰边境集结部队一事与俄方"
    "对质。十一月十七日，美国情报官员同北约盟国分享了调查结果。"
)
JA_SOURCE = (
    "東京都は二日、新型コロナウイルスの感染者が新たに三百人確認されたと発表した。"
    "都内の累計感染者数は一万人を超えた。"
)
JA_SPUN = (
    "東京都によると、二日、新型コロナウイルスの感染者が新たに三百人確認された。"
    "都内の累計感染者数は一万人を超えたという。"
)
ZH_OTHER = "今天天气很好，我们去公园散步。公园里有很多人在锻炼身体，孩子们在草地上玩耍。"
JA_OTHER = "今日は朝から雨が降っていたので、家で本を読んで過ごしました。"
ZH_UNRELATED = (
    "昨天下午，市政府召开新闻发布会，介绍了今年的城市交通建设计划。美国和俄罗斯的"
    "官员没有出席，北约也没有发表评论。"
)


def test_reuse_in_chinese_and_japanese_is_found(tmp_path: Path) -> None:
    """Each character of a script written without spaces is a word, so a spun copy is
    aligned there as in English; unrelated texts in those scripts are not."""
    records = [
        {"id": "zh-source", "text": ZH_OTHER + ZH_SOURCE + "记者报道。"},
        {"id": "zh-copy", "text": "新闻：" + ZH_SPUN + "（完）"},
        {"id": "ja-source", "text": JA_OTHER + "\n\n" + JA_SOURCE},
        {"id": "ja-copy", "text": JA_SPUN + "以上です。"},
        {"id": "other", "text": ZH_UNRELATED},
    ]
    out = tmp_path / "out"
    run_quick([write_jsonl(tmp_path / "in.jsonl", records)], out)
    texts = texts_of(out)
    pairs = {tuple(sorted((p["doc_a"], p["doc_b"]))) for p in read_table(out, "passages")}
    assert pairs == {("zh-copy", "zh-source"), ("ja-copy", "ja-source")}
    for source, copy, plain in (
        ("zh-source", "zh-copy", ZH_SOURCE),
        ("ja-source", "ja-copy", JA_SOURCE),
    ):
        (passage,) = pair_passages(out, source, copy)
        start = texts[source].index(plain)
        # the copy's passage covers most of its rewritten text, the source's stays
        # inside the source's text (no run-over into the neighbours)
        assert covered([passage[:2]], start, start + len(plain)) > 0.85
        assert start <= passage[0] and passage[1] <= start + len(plain)
        assert passage[3] - passage[2] > 0.85 * (len(texts[copy]) - 6)


def test_passage_ids_unique(corpus_run: OutRun) -> None:
    out, _ = corpus_run
    ids = [p["passage_id"] for p in read_table(out, "passages")]
    assert len(ids) == len(set(ids))


def test_passage_clusters_hold_both_occurrences(corpus_run: OutRun) -> None:
    out, _ = corpus_run
    passages = read_table(out, "passages")
    clusters = read_table(out, "clusters")
    rows = {(c["cluster_id"], c["doc_id"], c["start"], c["end"]) for c in clusters}
    for p in passages:
        assert (p["cluster_id"], p["doc_a"], p["a_start"], p["a_end"]) in rows, p
        assert (p["cluster_id"], p["doc_b"], p["b_start"], p["b_end"]) in rows, p
    # ... and every cluster row is the occurrence of some passage of that cluster.
    occurrences = {(p["cluster_id"], p["doc_a"], p["a_start"], p["a_end"]) for p in passages}
    occurrences |= {(p["cluster_id"], p["doc_b"], p["b_start"], p["b_end"]) for p in passages}
    assert rows == occurrences


def test_planted_reuse_in_fixture_corpus_is_found(corpus_run: OutRun) -> None:
    out, _ = corpus_run
    texts = texts_of(out)

    # Verbatim copy: the whole original inside the copy (after its intro line).
    copy_at = texts["ferry-copy"].index(FERRY)
    found = pair_passages(out, "ferry-orig", "ferry-copy")
    assert covered([(s, e) for s, e, _, _ in found], 0, len(FERRY)) >= 0.95
    assert covered([(s, e) for _, _, s, e in found], copy_at, copy_at + len(FERRY)) >= 0.95

    # Excerpt: the quoted paragraph, in both documents, with little beyond it.
    orig_at = FERRY.index(FERRY_P2)
    quote_at = texts["school-quote"].index(FERRY_P2)
    found = pair_passages(out, "ferry-orig", "school-quote")
    assert found, "the quoted paragraph must be found"
    assert covered([(s, e) for s, e, _, _ in found], orig_at, orig_at + len(FERRY_P2)) >= 0.9
    assert covered([(s, e) for _, _, s, e in found], quote_at, quote_at + len(FERRY_P2)) >= 0.9
    for _, _, s, e in found:
        assert e - s <= len(FERRY_P2) + 60, "the excerpt passage spills into the new story"

    # Spun copy: most of both texts.
    found = pair_passages(out, "library-orig", "library-spun")
    assert covered([(s, e) for s, e, _, _ in found], 0, len(texts["library-orig"])) >= 0.8
    assert covered([(s, e) for _, _, s, e in found], 0, len(texts["library-spun"])) >= 0.8

    # Reordered copy: every paragraph is matched to its own place in the copy.
    found = pair_passages(out, "bridge-orig", "bridge-reordered")
    orig, shuffled = texts["bridge-orig"], texts["bridge-reordered"]
    for paragraph in (BRIDGE_P1, BRIDGE_P2, BRIDGE_P3):
        o, c = orig.index(paragraph), shuffled.index(paragraph)
        hits = [(s, e, t, u) for s, e, t, u in found if s < o + len(paragraph) and o < e]
        assert covered([(s, e) for s, e, _, _ in hits], o, o + len(paragraph)) >= 0.9
        assert covered([(t, u) for _, _, t, u in hits], c, c + len(paragraph)) >= 0.9

    # Unrelated documents take part in no passage.
    for p in read_table(out, "passages"):
        assert p["doc_a"] not in UNRELATED and p["doc_b"] not in UNRELATED, p


def test_exact_duplicates_share_one_group(corpus_run: OutRun) -> None:
    out, _ = corpus_run
    groups: dict[int, set[str]] = defaultdict(set)
    for row in read_table(out, "duplicates"):
        groups[row["group_id"]].add(row["doc_id"])
    doc_ids = [row["doc_id"] for row in read_table(out, "duplicates")]
    assert len(doc_ids) == len(set(doc_ids)), "a document is in at most one group"
    assert {"market-a", "market-b"} in groups.values()
    assert all(len(members) >= 2 for members in groups.values())
    for unrelated in UNRELATED:
        assert unrelated not in doc_ids
    # The excerpt shares one paragraph only: it is not a near-duplicate of anything.
    assert "school-quote" not in doc_ids


def test_short_exact_duplicates_are_grouped_without_passages(tmp_path: Path) -> None:
    """A text under min_words has no passage, but its exact copies (white space aside)
    are one near-duplicate group; a text that only differs is not in it."""
    brief = "Qtly div 11 cts vs 11 cts prior. Pay June 15."
    records = [
        {"id": "brief-1", "text": brief},
        {"id": "brief-2", "text": "  " + brief.replace(" ", "\n", 2) + "\n"},
        {"id": "brief-3", "text": brief},
        {"id": "other-brief", "text": brief.replace("11", "12")},
        {"id": "tiny-1", "text": "Correction."},
        {"id": "tiny-2", "text": "Correction."},
    ]
    out = tmp_path / "out"
    manifest = run_quick([write_jsonl(tmp_path / "in.jsonl", records)], out)
    groups: dict[int, set[str]] = defaultdict(set)
    for row in read_table(out, "duplicates"):
        groups[row["group_id"]].add(row["doc_id"])
    assert sorted(map(sorted, groups.values())) == [
        ["brief-1", "brief-2", "brief-3"],
        ["tiny-1", "tiny-2"],
    ]
    assert read_table(out, "passages") == []
    assert manifest["output_counts"]["duplicate_groups"] == 2
    assert manifest["output_counts"]["documents_in_duplicate_groups"] == 5


def test_a_story_copied_by_more_texts_than_max_df_is_one_group_and_cluster(
    tmp_path: Path,
) -> None:
    """A wire story republished with small edits by more sites than ``max_df``: every
    n-gram of it is then too common for candidate pairs, so only its near-duplicate
    group can join the copies (through its representative, the original, which shares
    the most with all of them). It must hold them all."""
    rng = random.Random(5)
    vocabulary = [f"{a}{b}{c}" for a in "bcdfgklmnp" for b in "aeiou" for c in "rstvz"]
    story = " ".join(rng.choice(vocabulary) + ("." if k % 12 == 11 else "") for k in range(240))
    words = story.split()
    records = []
    for copy in range(14):  # each copy changes about 8% of the words, differently
        edited = [w if rng.random() > 0.08 else "changed" for w in words]
        records.append({"id": f"copy-{copy:02d}", "text": " ".join(edited)})
    records.append({"id": "original", "text": story})  # shares the most with every copy
    records += [{"id": "chess", "text": CHESS}, {"id": "orchard", "text": ORCHARD}]
    out = tmp_path / "out"
    run_quick([write_jsonl(tmp_path / "in.jsonl", records)], out, max_df=4, min_words=10)
    groups: dict[int, set[str]] = defaultdict(set)
    for row in read_table(out, "duplicates"):
        groups[row["group_id"]].add(row["doc_id"])
    copies = {f"copy-{copy:02d}" for copy in range(14)} | {"original"}
    assert list(groups.values()) == [copies]
    clusters = {row["cluster_id"] for row in read_table(out, "clusters") if row["doc_id"] in copies}
    assert len(clusters) == 1
    # a group this large is aligned through its representative: the original
    passages = read_table(out, "passages")
    assert all("original" in (p["doc_a"], p["doc_b"]) for p in passages)
    assert {p["doc_a"] for p in passages} | {p["doc_b"] for p in passages} == copies


def test_manifest_counts(corpus_run: OutRun) -> None:
    out, manifest = corpus_run
    counts = manifest["input_counts"]
    docs = read_table(out, "documents")
    assert counts["read"] == counts["ok"] + counts["empty"] + counts["rejected"] == len(docs)
    assert counts["ok"] == len(CORPUS) and counts["rejected"] == 0
    found = manifest["output_counts"]
    passages = read_table(out, "passages")
    duplicates = read_table(out, "duplicates")
    assert found["documents_ok"] == sum(d["status"] == "ok" for d in docs)
    assert found["passages"] == len(passages)
    assert found["clusters"] == len({r["cluster_id"] for r in read_table(out, "clusters")})
    assert found["duplicate_groups"] == len({r["group_id"] for r in duplicates})
    assert found["documents_in_duplicate_groups"] == len(duplicates)


def test_manifest_has_stage_times_and_memory(corpus_run: OutRun) -> None:
    out, manifest = corpus_run
    on_disk = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk == json.loads(json.dumps(manifest, default=str))
    assert list(manifest["stages"]) == list(STAGES)
    for name, stage in manifest["stages"].items():
        assert isinstance(stage["seconds"], int | float) and stage["seconds"] >= 0, name
        assert stage["peak_rss_mb"]["process"] > 0, name
    assert manifest["peak_rss_mb"]["process"] > 0
    assert manifest["seconds"] >= sum(s["seconds"] for s in manifest["stages"].values()) * 0.9
    assert manifest["parameters"]["threads"] == 1


def test_duckdb_file_matches_parquet(corpus_run: OutRun) -> None:
    out, _ = corpus_run
    con = duckdb.connect(str(out / "textreuse.duckdb"), read_only=True)
    try:
        for name in ("documents", "passages", "clusters", "duplicates"):
            (count,) = con.execute(f"SELECT count(*) FROM {name}").fetchone()  # type: ignore[misc]
            assert count == pq.read_metadata(out / f"{name}.parquet").num_rows, name
        (passages,) = con.execute("SELECT count(*) FROM passages").fetchone()  # type: ignore[misc]
        assert passages > 0
    finally:
        con.close()


def test_run_without_reuse_writes_empty_tables(tmp_path: Path) -> None:
    records = [r for r in CORPUS if r["id"] in UNRELATED]
    out = tmp_path / "out"
    manifest = run_quick([write_jsonl(tmp_path / "in.jsonl", records)], out)
    for name, schema in (
        ("passages", PASSAGES_SCHEMA),
        ("clusters", CLUSTERS_SCHEMA),
        ("duplicates", DUPLICATES_SCHEMA),
    ):
        table = pq.read_table(out / f"{name}.parquet")
        assert table.num_rows == 0, name
        assert table.schema.names == schema.names
    assert manifest["output_counts"]["passages"] == 0
    assert (out / "rejects.jsonl").read_text() == ""


# --------------------------------------------------------------------------- determinism


def test_result_does_not_depend_on_input_order(
    tmp_path: Path, corpus_run: OutRun, corpus_records: list[dict[str, Any]]
) -> None:
    out, _ = corpus_run
    shuffled = list(corpus_records)
    random.Random(20250107).shuffle(shuffled)
    assert [r["id"] for r in shuffled] != [r["id"] for r in CORPUS]
    # Two files, listed in the opposite order to the original one.
    half = len(shuffled) // 2
    first = write_jsonl(tmp_path / "b.jsonl", shuffled[:half])
    second = write_jsonl(tmp_path / "a.jsonl", shuffled[half:])
    other = tmp_path / "out"
    run_quick([second, first], other)
    for name in ("passages", "clusters", "duplicates"):
        assert sorted_rows(other, name) == sorted_rows(out, name), name


def test_result_does_not_depend_on_threads(
    tmp_path: Path, corpus_jsonl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("textreuse.config.default_threads", lambda: 4)  # two real workers
    one, two = tmp_path / "one", tmp_path / "two"
    run_quick([corpus_jsonl], one, threads=1)
    manifest = run_quick([corpus_jsonl], two, threads=2)
    assert manifest["parameters"]["threads"] == manifest["parameters"]["workers"] == 2
    for name in ("passages", "clusters", "duplicates"):
        assert sorted_rows(one, name) == sorted_rows(two, name), name
    assert pq.read_table(one / "documents.parquet").equals(pq.read_table(two / "documents.parquet"))


def test_threads_beyond_the_cores_use_the_cores_and_say_so(
    tmp_path: Path,
    corpus_jsonl: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("textreuse.config.default_threads", lambda: 1)
    manifest = run_quick([corpus_jsonl], tmp_path / "out", threads=10_000, progress="log")
    assert manifest["parameters"]["threads"] == 10_000
    assert manifest["parameters"]["workers"] == 1
    assert "[textreuse] --threads 10000: using 1, the cores available" in capsys.readouterr().err


# --------------------------------------------------------------------------- example corpus


def test_example_corpus_planted_relations_found(tmp_path: Path) -> None:
    planted = json.loads((EXAMPLES / "planted.json").read_text(encoding="utf-8"))
    out = tmp_path / "out"
    manifest = run_quick([EXAMPLES / "corpus.jsonl"], out)
    assert manifest["input_counts"]["rejected"] == 0

    for rel in planted["relations"]:
        found = pair_passages(out, rel["source"], rel["copy"])
        (s0, s1), (c0, c1) = rel["source_span"], rel["copy_span"]
        overlapping = [(a, b, c, d) for a, b, c, d in found if a < s1 and s0 < b]
        overlapping = [(a, b, c, d) for a, b, c, d in overlapping if c < c1 and c0 < d]
        assert overlapping, f"planted {rel['kind']} {rel['source']} -> {rel['copy']} not found"
        need = 0.9 if rel["kind"] in ("verbatim", "excerpt", "sentence") else 0.6
        src_cov = covered([(a, b) for a, b, _, _ in overlapping], s0, s1)
        copy_cov = covered([(c, d) for _, _, c, d in overlapping], c0, c1)
        assert src_cov >= need and copy_cov >= need, (rel, src_cov, copy_cov)

    # Every passage is a planted relation, or links two copies of the same wire story.
    related = {frozenset((r["source"], r["copy"])) for r in planted["relations"]}
    copies_of: dict[str, set[str]] = defaultdict(set)
    for rel in planted["relations"]:
        if rel["kind"] == "verbatim":
            copies_of[rel["source"]].add(rel["copy"])
    passages = read_table(out, "passages")
    for p in passages:
        pair = frozenset((p["doc_a"], p["doc_b"]))
        same_story = any(pair <= copies for copies in copies_of.values())
        assert pair in related or same_story, f"unplanted passage {p}"

    controls = set(planted["controls"])
    for p in passages:
        assert p["doc_a"] not in controls and p["doc_b"] not in controls, p

    check_passage_contract(out, manifest["parameters"]["align"]["min_words"])


@pytest.mark.data
@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"seed documents not present at {SEEDS}")
def test_seed_documents_share_the_burns_sentence(tmp_path: Path) -> None:
    (doc0,) = sorted(SEEDS.glob("000_*.txt"))
    (doc4,) = sorted(SEEDS.glob("004_*.txt"))
    out = tmp_path / "out"
    run_quick([SEEDS], out)
    texts = texts_of(out)
    spans = {}
    for path, ending in ((doc0, "with NATO."), (doc4, "with NATO.")):
        text = texts[path.name]
        assert text is not None
        start = text.index("William J. Burns, ")
        end = text.index(ending, start) + len(ending)
        spans[path.name] = (start, end)
    assert re.search(r"director of the CIA, flew", texts[doc0.name][slice(*spans[doc0.name])])
    assert re.search(r"the CIA director, had flown", texts[doc4.name][slice(*spans[doc4.name])])

    passages = read_table(out, "passages")
    assert len(passages) == 1, passages
    (p,) = passages
    assert {p["doc_a"], p["doc_b"]} == {doc0.name, doc4.name}
    for doc, start, end in (
        (p["doc_a"], p["a_start"], p["a_end"]),
        (p["doc_b"], p["b_start"], p["b_end"]),
    ):
        s0, s1 = spans[doc]
        assert covered([(start, end)], s0, s1) >= 0.9, (doc, start, end, s0, s1)
        beyond = max(0, s0 - start) + max(0, end - s1)
        assert beyond <= 150, (doc, start, end, s0, s1)


# --------------------------------------------------------------------------- output folder


def test_existing_output_is_refused_and_untouched(tmp_path: Path, corpus_jsonl: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    before = siblings(out)
    with pytest.raises(OutputError, match="already exists"):
        run_quick([corpus_jsonl], out)
    assert os.listdir(out) == ["keep.txt"]
    assert (out / "keep.txt").read_text() == "precious"
    assert siblings(out) == before


def test_existing_empty_output_folder_is_used(tmp_path: Path, corpus_jsonl: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    run_quick([corpus_jsonl], out)
    assert (out / "manifest.json").is_file()


def test_failed_run_leaves_no_output(tmp_path: Path, corpus_records: list[dict[str, Any]]) -> None:
    good = write_jsonl(tmp_path / "in" / "good.jsonl", corpus_records)
    bad = tmp_path / "in" / "bad.jsonl"
    bad.write_text('{"id": "fine", "text": "one two three four five"}\n{"id": "broken", \n')
    out = tmp_path / "out"
    before = siblings(out)
    with pytest.raises(InputError, match=r"bad\.jsonl.*line 2"):
        run_quick([good, bad], out, on_error="fail")
    assert not out.exists()
    assert siblings(out) == before, "hidden temporary folders left beside the output"


def test_failure_in_a_late_stage_leaves_no_output_and_resumes(
    tmp_path: Path, corpus_jsonl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import textreuse.pipeline as pipeline

    fresh = tmp_path / "fresh"
    run_quick([corpus_jsonl], fresh)

    def broken(self: object) -> None:
        raise RuntimeError("cluster stage exploded")

    out = tmp_path / "out"
    before = siblings(out)
    with monkeypatch.context() as patch:
        patch.setattr(pipeline._Job, "cluster", broken)
        with pytest.raises(RuntimeError, match="exploded"):
            run_quick([corpus_jsonl], out)
    assert not out.exists()
    # the finished stages' work stays beside it, hidden, and never looks complete
    (staging,) = siblings(out) - before
    assert staging == ".out.partial"
    assert not (tmp_path / staging / "manifest.json").exists()
    done = sorted(p.stem for p in (tmp_path / staging / "_work" / "stages").glob("*.json"))
    assert done == sorted(STAGES[:6])

    # a different run may not resume it
    with pytest.raises(ConfigError, match="other inputs, options, engine"):
        run_quick([corpus_jsonl], out, resume=True, min_words=20)
    # a work file damaged outside the run is an error naming it, and the work stays
    marker = tmp_path / staging / "_work" / "stages" / f"{STAGES[3]}.json"
    content = marker.read_text()
    marker.write_text(content[: len(content) // 2])
    with pytest.raises(ConfigError, match=rf"{STAGES[3]}\.json is missing or damaged"):
        run_quick([corpus_jsonl], out, resume=True)
    marker.write_text(content)
    manifest = run_quick([corpus_jsonl], out, resume=True)
    assert manifest["resumed_stages"] == list(STAGES[:6])
    assert set(manifest["stages"]) == set(STAGES)
    assert siblings(out) == before | {"out"}
    for name in ("documents", "passages", "clusters", "duplicates", "sites"):
        assert sorted_rows(out, name) == sorted_rows(fresh, name), name


def test_without_resume_a_left_staging_folder_is_cleared(
    tmp_path: Path, corpus_jsonl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import textreuse.pipeline as pipeline

    def broken(self: object) -> None:
        raise RuntimeError("provenance stage exploded")

    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        patch.setattr(pipeline._Job, "provenance", broken)
        with pytest.raises(RuntimeError, match="exploded"):
            run_quick([corpus_jsonl], out)
    manifest = run_quick([corpus_jsonl], out)
    assert "resumed_stages" not in manifest
    assert not (tmp_path / ".out.partial").exists()


def test_overwrite_replaces_old_folder(tmp_path: Path, corpus_jsonl: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.txt").write_text("old run")
    before = siblings(out)
    manifest = run_quick([corpus_jsonl], out, overwrite=True)
    assert not (out / "stale.txt").exists()
    assert sorted(os.listdir(out)) == sorted(ALL_OUTPUTS)
    assert siblings(out) == before, "old or temporary folders left beside the output"
    assert (
        json.loads((out / "manifest.json").read_text())["output_counts"]
        == manifest["output_counts"]
    )


def test_failed_overwrite_keeps_old_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.txt").write_text("old run")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    before = siblings(out)
    with pytest.raises(InputError):
        run_quick([bad], out, overwrite=True, on_error="fail")
    assert os.listdir(out) == ["stale.txt"]
    assert siblings(out) == before


def test_output_never_replaces_an_input(tmp_path: Path, corpus_jsonl: Path) -> None:
    original = corpus_jsonl.read_bytes()
    with pytest.raises(OutputError, match="is the input"):
        run_quick([corpus_jsonl], corpus_jsonl, overwrite=True)
    folder = tmp_path / "inputs"
    (folder / "part").mkdir(parents=True)
    inner = folder / "part" / "corpus.jsonl"
    inner.write_bytes(original)
    with pytest.raises(OutputError, match="is the input"):
        run_quick([folder], folder, overwrite=True)
    with pytest.raises(OutputError, match="holds the input"):
        run_quick([inner], folder, overwrite=True)
    assert corpus_jsonl.read_bytes() == original
    assert inner.read_bytes() == original
    assert sorted(p.name for p in folder.rglob("*")) == ["corpus.jsonl", "part"]


def test_output_that_holds_the_working_folder_is_refused(
    tmp_path: Path, corpus_jsonl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "work"
    here.mkdir()
    monkeypatch.chdir(here)
    (tmp_path / "link").symlink_to(here)
    for out in (".", str(tmp_path), str(tmp_path / "link")):
        with pytest.raises(OutputError, match="is the current folder or holds it"):
            run_quick([corpus_jsonl], Path(out), overwrite=True)
    assert Path.cwd() == here and here.is_dir()
    run_quick([corpus_jsonl], Path("out"))
    assert (here / "out" / "manifest.json").is_file()


def test_an_input_given_twice_is_refused_before_any_output(
    tmp_path: Path, corpus_jsonl: Path
) -> None:
    with pytest.raises(ConfigError, match="is given twice"):
        run_quick([corpus_jsonl, corpus_jsonl], tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_output_that_is_a_file_is_refused(tmp_path: Path, corpus_jsonl: Path) -> None:
    out = tmp_path / "notes.txt"
    out.write_text("keep me")
    with pytest.raises(OutputError, match="is a file, not a folder"):
        run_quick([corpus_jsonl], out, overwrite=True)
    assert out.read_text() == "keep me"


def test_a_second_run_on_the_same_output_is_refused_while_the_first_runs(
    tmp_path: Path, corpus_jsonl: Path
) -> None:
    out = tmp_path / "out"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from textreuse.output import OutputFolder\n"
            "with OutputFolder(sys.argv[1]):\n"
            "    print('holding', flush=True)\n"
            "    time.sleep(120)\n",
            str(out),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
        with pytest.raises(OutputError, match="another textreuse run is writing to"):
            run_quick([corpus_jsonl], out)
        assert (tmp_path / ".out.partial").is_dir(), "the first run's staging folder was touched"
    finally:
        holder.kill()  # a killed run leaves its lock file, but the lock dies with it
        holder.wait()
    assert (tmp_path / ".out.lock").exists()
    manifest = run_quick([corpus_jsonl], out)
    assert manifest["output_counts"]["passages"] > 0
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_keep_work_keeps_intermediate_tables(tmp_path: Path, corpus_jsonl: Path) -> None:
    out = tmp_path / "out"
    run_quick([corpus_jsonl], out, keep_work=True)
    assert (out / "_work" / "records.parquet").is_file()


def test_output_folder_permissions_follow_umask(tmp_path: Path, corpus_jsonl: Path) -> None:
    old = os.umask(0o022)
    try:
        reference = tmp_path / "reference"
        reference.mkdir()
        out = tmp_path / "out"
        run_quick([corpus_jsonl], out)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == stat.S_IMODE(reference.stat().st_mode)


def test_one_path_is_one_input_and_none_is_refused(tmp_path: Path, corpus_jsonl: Path) -> None:
    manifest = run_quick(corpus_jsonl, tmp_path / "one")
    assert manifest["inputs"] == [str(corpus_jsonl)]
    assert manifest["input_counts"]["rejected"] == 0
    with pytest.raises(ConfigError, match="no inputs given"):
        run_quick([], tmp_path / "none")
    assert not (tmp_path / "none").exists()


def test_unknown_option_is_refused_before_any_output(tmp_path: Path, corpus_jsonl: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(ConfigError, match="no_such_option"):
        run_quick([corpus_jsonl], out, no_such_option=3)
    assert not out.exists()
