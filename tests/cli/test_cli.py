"""The ``textreuse`` command line, through click's test runner."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from conftest import (
    CHESS,
    CORPUS,
    FERRY,
    FERRY_COPY,
    FERRY_P2,
    ORCHARD,
    REPO,
    SCHOOL,
    read_table,
    run_quick,
)

import textreuse
from textreuse.cli import main
from textreuse.errors import ConfigError, OutputError

README = REPO / "README.md"

#: Every command path, as typed after ``textreuse``.
COMMANDS: list[tuple[str, ...]] = [
    (),
    ("run",),
    ("ingest",),
    ("compare",),
    ("clean",),
    ("report",),
    ("eval",),
    ("eval", "pan"),
    ("eval", "labels"),
]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def flat(text: str) -> str:
    """Output with line wrapping undone (rich wraps at the terminal width)."""
    return " ".join(text.split())


def all_command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found = {prefix}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found |= all_command_paths(command, (*prefix, name))
        else:
            found.add((*prefix, name))
    return found


# --------------------------------------------------------------------------- help


def test_command_list_is_complete() -> None:
    assert all_command_paths(main) == set(COMMANDS)


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "textreuse")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help(path: tuple[str, ...], flag: str) -> None:
    result = invoke(*path, flag)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    command: click.Command = main
    for name in path:
        assert isinstance(command, click.Group)
        command = command.commands[name]
    summary = (command.help or "").split("\n")[0].strip()
    assert len(summary) > 20, f"{path} has no help text"
    assert flat(summary) in flat(result.output)


def test_group_help_lists_subcommands() -> None:
    assert {"run", "compare", "eval"} <= set(invoke("--help").output.split())
    assert {"pan", "labels"} <= set(invoke("eval", "--help").output.split())


def test_run_help_lists_options() -> None:
    output = invoke("run", "--help").output
    for option in ("--out", "--threads", "--on-error", "--overwrite", "--progress", "--quiet"):
        assert option in output


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert "0.1.0" in result.output


@pytest.mark.parametrize("path", [p for p in COMMANDS if p], ids=lambda p: " ".join(p))
def test_every_command_is_in_readme(path: tuple[str, ...]) -> None:
    readme = README.read_text(encoding="utf-8")
    assert f"textreuse {' '.join(path)}" in flat(readme)


# --------------------------------------------------------------------------- run


def test_run_prints_summary(tmp_path: Path, corpus_jsonl: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        "run", str(corpus_jsonl), "--out", str(out), "--threads", "1", "--progress", "none"
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    found = manifest["output_counts"]
    text = flat(result.output)
    n = len(CORPUS)
    assert f"read {n} records: {n} ok, 0 empty, 0 rejected" in text
    assert f"found {found['passages']} reused passages in {found['clusters']} clusters" in text
    assert f"{found['documents_in_duplicate_groups']} documents in" in text
    assert f"{found['duplicate_groups']} near-duplicate groups" in text
    assert str(out) in text.replace(" ", "") or str(out) in text
    assert manifest["parameters"]["threads"] == 1
    assert "ignored" not in text


def test_run_summary_names_what_it_ignored_in_input_folders(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for record in CORPUS:
        (folder / f"{record['id']}.txt").write_text(record["text"], encoding="utf-8")
    (folder / "notes.md").write_text("not an input", encoding="utf-8")
    args = ("--threads", "1", "--progress", "none")
    first = invoke("run", str(folder), "--out", str(folder / "results"), *args)
    assert first.exit_code == 0, first.output
    assert "ignored 1 file or folder in the input folders" in flat(first.output)
    second = invoke("run", str(folder), "--out", str(folder / "results"), "--overwrite", *args)
    assert second.exit_code == 0, second.output
    text = flat(second.output)
    n = len(CORPUS)
    assert f"read {n} records: {n} ok, 0 empty, 0 rejected" in text
    note = "ignored 2 files or folders in the input folders (ignored_files in manifest.json)"
    assert note in text
    assert str(folder / "notes.md") in text.replace(" ", "")
    assert f"{folder / 'results'}/" in text.replace(" ", "")


def test_run_summary_says_why_records_were_rejected(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    for record in CORPUS[:2]:
        (folder / f"{record['id']}.txt").write_text(record["text"], encoding="utf-8")
    for name in ("one.txt", "two.txt"):
        (folder / name).write_bytes("Caf\u00e9 society returns \u2013 in print.".encode("cp1252"))
    (folder / "blob.txt").write_bytes(b"\x00\x01")
    args = ("--threads", "1", "--progress", "none")
    result = invoke("run", str(folder), "--out", str(tmp_path / "out"), *args)
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "read 5 records: 2 ok, 0 empty, 3 rejected" in text
    hint = "(a legacy encoding? try --txt-fallback-encoding cp1252)"
    assert f"rejected 2: invalid UTF-8 at byte offset N {hint}" in text
    assert "rejected 1: binary file (NUL byte at offset N)" in text
    assert "each rejected record is listed with its reason in rejects.jsonl" in text


def test_run_quiet_prints_nothing(tmp_path: Path, corpus_jsonl: Path) -> None:
    out = tmp_path / "out"
    result = invoke("run", str(corpus_jsonl), "-o", str(out), "--threads", "1", "-q")
    assert result.exit_code == 0
    assert result.output == ""
    assert (out / "passages.parquet").is_file()


def test_run_options_reach_the_manifest(tmp_path: Path, corpus_jsonl: Path) -> None:
    out = tmp_path / "out"
    args = ["--threads", "1", "--min-words", "20", "--max-df", "50", "--on-error", "fail", "-q"]
    result = invoke("run", str(corpus_jsonl), "--out", str(out), *args)
    assert result.exit_code == 0, result.output
    params = json.loads((out / "manifest.json").read_text())["parameters"]
    assert params["align"]["min_words"] == 20
    assert (params["max_df"], params["on_error"], params["threads"]) == (50, "fail", 1)


def test_run_refuses_existing_output_then_overwrites(tmp_path: Path, corpus_jsonl: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.txt").write_text("keep me")
    result = invoke("run", str(corpus_jsonl), "--out", str(out), "--threads", "1", "-q")
    assert result.exit_code != 0
    assert "already exists" in result.output and "--overwrite" in result.output
    assert (out / "old.txt").read_text() == "keep me"

    result = invoke(
        "run", str(corpus_jsonl), "--out", str(out), "--threads", "1", "-q", "--overwrite"
    )
    assert result.exit_code == 0, result.output
    assert not (out / "old.txt").exists()
    assert (out / "manifest.json").is_file()


@pytest.mark.parametrize(
    ("failure", "exit_code", "first_line"),
    [
        (OutputError("disk full"), 1, "Error: disk full"),
        (KeyboardInterrupt(), 130, "Interrupted."),
    ],
)
def test_a_run_stopped_after_a_stage_says_how_to_resume(
    tmp_path: Path,
    corpus_jsonl: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: BaseException,
    exit_code: int,
    first_line: str,
) -> None:
    import textreuse.pipeline as pipeline

    def broken(self: object) -> None:
        raise failure

    out = tmp_path / "out"
    args = ["run", str(corpus_jsonl), "--out", str(out), "--threads", "1", "-q"]
    with monkeypatch.context() as patch:
        patch.setattr(pipeline._Job, "cluster", broken)
        result = CliRunner().invoke(main, args)
    assert result.exit_code == exit_code, result.output
    lines = result.output.splitlines()
    assert lines[0] == first_line
    staging = tmp_path / ".out.partial"
    assert lines[1] == (
        f"The finished stages are kept in {staging}: run the same command with "
        "--resume to go on from them, or without it to start over."
    )
    assert staging.is_dir() and not out.exists()
    resumed = CliRunner().invoke(main, [*args, "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert (out / "manifest.json").is_file() and not staging.exists()


def test_a_run_failing_before_any_stage_leaves_nothing_and_no_hint(
    tmp_path: Path, corpus_jsonl: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import textreuse.pipeline as pipeline

    def broken(self: object) -> None:
        raise KeyboardInterrupt

    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        patch.setattr(pipeline._Job, "ingest", broken)
        result = CliRunner().invoke(main, ["run", str(corpus_jsonl), "--out", str(out), "-q"])
    assert result.exit_code == 130
    assert result.output == "Interrupted.\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_run_rejects_bad_option_values(tmp_path: Path, corpus_jsonl: Path) -> None:
    out = tmp_path / "out"
    for args in (["--threads", "0"], ["--on-error", "ignore"], ["--progress", "loud"]):
        result = CliRunner().invoke(main, ["run", str(corpus_jsonl), "--out", str(out), *args])
        assert result.exit_code == 2, (args, result.output)
        assert not out.exists()


def test_run_rejects_bad_engine_options(tmp_path: Path, corpus_jsonl: Path) -> None:
    out = tmp_path / "out"
    cases = [
        (["--engine", "flink"], 2, "flink"),
        (["--spark-conf", "no-equals-sign"], 2, "KEY=VALUE"),
        (["--spark-master", "local[2]"], 1, "need --engine spark"),
        (["--partitions", "4"], 1, "need --engine spark"),
    ]
    for args, code, message in cases:
        result = CliRunner().invoke(main, ["run", str(corpus_jsonl), "--out", str(out), *args])
        assert result.exit_code == code, (args, result.output)
        assert message in result.output, (args, result.output)
        assert not out.exists()


# --------------------------------------------------------------------------- compare


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_compare_json_passages_slice_the_files(tmp_path: Path) -> None:
    a = write(tmp_path / "orig.txt", FERRY)
    b = write(tmp_path / "quote.txt", SCHOOL)
    result = invoke("compare", str(a), str(b), "--json")
    assert result.exit_code == 0, result.output
    payload: dict[str, Any] = json.loads(result.output)
    assert (payload["a"], payload["b"]) == (str(a), str(b))
    assert 0.0 < payload["score"] <= 1.0
    assert payload["words_a"] > 100 and payload["words_b"] > 100
    assert payload["passages"], "the quoted paragraph must be found"
    text_a, text_b = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
    for p in payload["passages"]:
        assert 0 <= p["a_start"] < p["a_end"] <= len(text_a)
        assert 0 <= p["b_start"] < p["b_end"] <= len(text_b)
        assert p["a_text"] == text_a[p["a_start"] : p["a_end"]]
        assert p["b_text"] == text_b[p["b_start"] : p["b_end"]]
    longest = max(payload["passages"], key=lambda p: p["a_end"] - p["a_start"])
    assert longest["a_text"] == FERRY_P2 == longest["b_text"]


def test_compare_json_with_non_ascii_text(tmp_path: Path) -> None:
    prefix = "Überschrift — «Fähre» 🚢\n\n"
    a = write(tmp_path / "a.txt", FERRY)
    b = write(tmp_path / "b.txt", prefix + FERRY)
    payload = json.loads(invoke("compare", str(a), str(b), "--json").output)
    (p,) = payload["passages"]
    assert p["b_start"] == len(prefix)
    assert p["a_text"] == p["b_text"] == FERRY
    assert payload["score"] == pytest.approx(1.0, abs=0.05)


def test_compare_unrelated_files_has_no_passages(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", CHESS)
    b = write(tmp_path / "b.txt", ORCHARD)
    payload = json.loads(invoke("compare", str(a), str(b), "--json").output)
    assert payload["passages"] == [] and payload["passage_score"] == 0.0
    assert payload["score"] < 0.2  # short texts: only function words are shared


def test_compare_prints_side_by_side(tmp_path: Path) -> None:
    a = write(tmp_path / "orig.txt", FERRY)
    b = write(tmp_path / "copy.txt", FERRY_COPY)
    result = invoke("compare", str(a), str(b))
    assert result.exit_code == 0, result.output
    assert "1 passage(s)" in result.output
    assert "passage 1" in result.output


def test_compare_shows_a_whole_passage_written_without_spaces(tmp_path: Path) -> None:
    """Chinese has no spaces to wrap at: the side-by-side columns fold the text
    rather than cut it off with an ellipsis."""
    source = (
        "北京时间十一月二日，美国中央情报局局长威廉·伯恩斯飞往莫斯科，就俄罗斯在乌克兰边境"
        "集结军队一事与俄方当面对质。十一月十七日，美国情报官员与北约盟国分享了他们的调查结果。"
    )
    spun = (
        "十一月二日，中情局局长威廉·伯恩斯曾飞抵莫斯科，就俄罗斯在乌克兰边境集结部队一事与"
        "俄方对质。十一月十七日，美国情报官员同北约盟国分享了调查结果。"
    )
    a = write(tmp_path / "source.txt", source)
    b = write(tmp_path / "spun.txt", spun)
    result = invoke("compare", str(a), str(b))
    assert result.exit_code == 0, result.output
    assert "1 passage(s)" in result.output and "…" not in result.output
    shown = "".join(
        line.split("│")[2].strip() for line in result.output.splitlines() if line.count("│") == 3
    )
    assert shown == spun[:-1]  # the passage ends at its last word, before the full stop


def test_compare_non_utf8_file_is_a_clean_error(tmp_path: Path) -> None:
    a = write(tmp_path / "good.txt", FERRY)
    bad = tmp_path / "legacy.txt"
    bad.write_bytes("Caf\u00e9 society".encode("cp1252"))
    result = CliRunner().invoke(main, ["compare", str(a), str(bad)])
    assert result.exit_code not in (0, None)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert str(bad) in result.output
    assert "UTF-8" in result.output and "byte offset 3" in result.output
    assert "Traceback" not in result.output
    result = invoke("compare", str(a), str(bad), "--txt-fallback-encoding", "cp1252", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["words_b"] == 2
    result = invoke("compare", str(a), str(bad), "--txt-fallback-encoding", "nonsense")
    assert result.exit_code == 2
    assert "unknown text encoding 'nonsense'" in result.output


def test_compare_reads_files_as_run_does(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", FERRY)
    marked = tmp_path / "marked.txt"
    marked.write_bytes(b"\xef\xbb\xbf" + FERRY.encode("utf-8"))  # byte-order mark dropped
    payload = json.loads(invoke("compare", str(a), str(marked), "--json").output)
    (p,) = payload["passages"]
    assert (p["b_start"], p["b_end"]) == (p["a_start"], p["a_end"])
    assert p["b_text"] == FERRY
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"GIF89a\x00\x01")
    result = CliRunner().invoke(main, ["compare", str(a), str(binary)])
    assert result.exit_code == 1
    assert f"{binary}: binary file (NUL byte at offset 6)" in result.output


def test_compare_missing_file(tmp_path: Path) -> None:
    a = write(tmp_path / "good.txt", FERRY)
    result = CliRunner().invoke(main, ["compare", str(a), str(tmp_path / "nope.txt")])
    assert result.exit_code != 0
    assert "nope.txt" in result.output


# --------------------------------------------------------------------------- eval


def pan_case(susp: str, src: str, this: tuple[int, int], source: tuple[int, int]) -> str:
    return (
        f'<feature name="artificial-plagiarism" source_reference="{src}" '
        f'this_offset="{this[0]}" this_length="{this[1]}" '
        f'source_offset="{source[0]}" source_length="{source[1]}"/>'
    )


def test_eval_pan(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    write(docs / "susp1.txt", SCHOOL)
    write(docs / "susp2.txt", CHESS)
    write(docs / "src1.txt", FERRY)
    out = tmp_path / "out"
    run_quick([docs], out)

    truth = tmp_path / "pan" / "truth"
    truth.mkdir(parents=True)
    case = pan_case(
        "susp1.txt",
        "src1.txt",
        (SCHOOL.index(FERRY_P2), len(FERRY_P2)),
        (FERRY.index(FERRY_P2), len(FERRY_P2)),
    )
    (truth / "susp1-src1.xml").write_text(
        f'<document reference="susp1.txt">{case}</document>', encoding="utf-8"
    )
    # A negative pair: listed, no case.
    (truth / "susp2-src1.xml").write_text('<document reference="susp2.txt"/>', encoding="utf-8")

    result = invoke("eval", "pan", "--truth", str(truth), str(out))
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert set(scores) == {
        "precision",
        "recall",
        "granularity",
        "plagdet",
        "cases",
        "detections",
        "pairs",
        "unread",
    }
    assert scores["unread"] == {}
    assert (scores["cases"], scores["pairs"]) == (1, 2)
    assert scores["detections"] >= 1
    assert scores["granularity"] == 1.0
    assert scores["precision"] >= 0.9 and scores["recall"] >= 0.9
    assert scores["plagdet"] >= 0.9


def test_eval_pan_without_run_output(tmp_path: Path) -> None:
    truth = tmp_path / "truth"
    truth.mkdir()
    (truth / "a-b.xml").write_text('<document reference="a.txt"/>')
    empty = tmp_path / "out"
    empty.mkdir()
    result = CliRunner().invoke(main, ["eval", "pan", "--truth", str(truth), str(empty)])
    assert result.exit_code != 0
    assert "documents.parquet: not found; run `textreuse run" in result.output


def test_eval_labels(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    texts = {
        "orig_taska.txt": FERRY,
        "g0pA_taska.txt": FERRY_COPY,
        "g0pB_taska.txt": SCHOOL,
        "g0pC_taska.txt": CHESS,
        "g0pD_taska.txt": ORCHARD,
    }
    for name, text in texts.items():
        write(docs / name, text)
    out = tmp_path / "out"
    run_quick([docs], out)
    assert {d["doc_id"] for d in read_table(out, "documents")} == set(texts)

    labels = tmp_path / "labels.csv"
    with labels.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "task", "category"])
        writer.writerow(["orig_taska.txt", "a", "orig"])
        writer.writerow(["g0pA_taska.txt", "a", "cut"])
        writer.writerow(["g0pB_taska.txt", "a", "light"])
        writer.writerow(["g0pC_taska.txt", "a", "non"])
        writer.writerow(["g0pD_taska.txt", "a", "non"])

    result = invoke("eval", "labels", "--labels", str(labels), str(out))
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["counts"] == {"cut": 1, "light": 1, "non": 2}
    assert scores["auc"] == 1.0
    assert scores["auc_by_category"] == {"cut": 1.0, "light": 1.0}
    assert scores["mean_coverage"]["non"] == 0.0
    expected_cut = len(FERRY) / len(FERRY_COPY)
    assert scores["mean_coverage"]["cut"] == pytest.approx(expected_cut, abs=0.02)
    expected_light = len(FERRY_P2) / len(SCHOOL)
    assert scores["mean_coverage"]["light"] == pytest.approx(expected_light, abs=0.02)


def test_eval_labels_unknown_document(tmp_path: Path, corpus_run: tuple[Path, Any]) -> None:
    out, _ = corpus_run
    labels = tmp_path / "labels.csv"
    labels.write_text("file,category,source\nghost.txt,cut,ferry-orig\nchess,non,ferry-orig\n")
    result = CliRunner().invoke(main, ["eval", "labels", "--labels", str(labels), str(out)])
    assert result.exit_code != 0
    assert "ghost.txt" in result.output and "line 2" in result.output


# --------------------------------------------------------------------------- standard input


def _jsonl(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(record) + "\n" for record in records).encode("utf-8")


def test_run_reads_json_lines_from_standard_input(tmp_path: Path, corpus_jsonl: Path) -> None:
    piped = _jsonl([*CORPUS[:3], {"id": CORPUS[0]["id"], "text": "again"}]) + b"{oops\n"
    out = tmp_path / "out"
    args = ["run", "-", str(corpus_jsonl.parent / "extra.jsonl"), "--out", str(out), "-q"]
    (corpus_jsonl.parent / "extra.jsonl").write_bytes(_jsonl(CORPUS[3:]))
    result = CliRunner().invoke(main, [*args, "--threads", "1"], input=piped)
    assert result.exit_code == 0, result.output
    expected = run_quick([corpus_jsonl], tmp_path / "from-file")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["input_counts"]["ok"] == len(CORPUS)
    assert manifest["input_counts"]["rejected"] == 2
    assert manifest["output_counts"] == expected["output_counts"]
    rejects = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert [(r["source"], r["location"]) for r in rejects] == [
        ("<stdin>", "line 4"),
        ("<stdin>", "line 5"),
    ]
    assert (
        rejects[0]["reason"] == f"duplicate id '{CORPUS[0]['id']}': first seen in <stdin>, line 1"
    )


def test_standard_input_is_read_once_and_never_from_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    twice = CliRunner().invoke(main, ["run", "-", "-", "--out", str(tmp_path / "a")], input=b"")
    assert twice.exit_code == 1
    assert "input - (standard input) is given twice" in twice.output

    class Terminal(io.BytesIO):
        buffer = io.BytesIO()

        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    with pytest.raises(ConfigError, match=r"standard input, which is a terminal here; pipe"):
        textreuse.run(["-"], tmp_path / "b", progress="none")
    assert not (tmp_path / "b").exists()


def test_compare_and_clean_read_one_text_from_standard_input(tmp_path: Path) -> None:
    a = write(tmp_path / "a.txt", FERRY)
    result = CliRunner().invoke(main, ["compare", "-", str(a), "--json"], input=FERRY.encode())
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["a"] == "<stdin>" and payload["b"] == str(a)
    (passage,) = payload["passages"]
    assert passage["a_text"] == passage["b_text"] == FERRY
    both = CliRunner().invoke(main, ["compare", "-", "-"], input=FERRY.encode())
    assert both.exit_code == 2 and "can be only one of the two files" in both.output
    cleaned = CliRunner().invoke(main, ["clean", "-"], input=FERRY.encode())
    assert cleaned.exit_code == 0 and cleaned.stdout == FERRY
    binary = CliRunner().invoke(main, ["clean", "-"], input=b"x\x00y")
    assert binary.exit_code == 1 and "<stdin>: binary file (NUL byte at offset 1)" in binary.output
