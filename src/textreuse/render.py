"""Terminal rendering of comparisons and run summaries (rich)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow.compute as pc
import pyarrow.parquet as pq
from rich.console import Console
from rich.table import Table
from rich.text import Text

from textreuse.boilerplate.spans import Span
from textreuse.compare import Comparison
from textreuse.core.rewrite import RewriteProfile
from textreuse.core.tokenize import tokenize
from textreuse.core.word_diff import word_opcodes
from textreuse.io.input_files import is_uri


def _marked(text: str, start: int, end: int, changed: set[int]) -> Text:
    """The passage text with changed words (by token index) highlighted."""
    out = Text()
    tokens = tokenize(text[start:end])
    cursor = 0
    for index, (t_start, t_end) in enumerate(
        zip(tokens.starts.tolist(), tokens.ends.tolist(), strict=True)
    ):
        out.append(text[start + cursor : start + t_start])
        word = text[start + t_start : start + t_end]
        out.append(word, style="bold red" if index in changed else "")
        cursor = t_end
    out.append(text[start + cursor : end])
    return out


def _changed_words(words_a: list[str], words_b: list[str]) -> tuple[set[int], set[int]]:
    changed_a: set[int] = set()
    changed_b: set[int] = set()
    for tag, a0, a1, b0, b1 in word_opcodes(words_a, words_b):
        if tag != "equal":
            changed_a.update(range(a0, a1))
            changed_b.update(range(b0, b1))
    return changed_a, changed_b


def print_comparison(
    result: Comparison, text_a: str, text_b: str, name_a: str, name_b: str
) -> None:
    """Aligned passages side by side; words that differ are marked in red."""
    console = Console()
    console.print(
        f"[bold]{len(result.passages)} passage(s)[/bold], score {result.score:.3f} "
        f"({result.words_a} and {result.words_b} words)"
    )
    for number, (passage, rewrite) in enumerate(
        zip(result.passages, result.rewrites, strict=True), 1
    ):
        words_a = tokenize(text_a[passage.a_start : passage.a_end]).words
        words_b = tokenize(text_b[passage.b_start : passage.b_end]).words
        changed_a, changed_b = _changed_words(words_a, words_b)
        table = Table(
            title=(
                f"passage {number}: score {passage.score:.3f}, {passage.matches} matching, "
                f"{passage.substitutions} substituted, {passage.insertions} inserted, "
                f"{passage.deletions} deleted words"
            ),
            show_lines=True,
            expand=True,
        )
        # fold: a text without spaces (Chinese, Japanese) or a long URL wraps, not cut
        table.add_column(f"{name_a} [{passage.a_start}:{passage.a_end}]", ratio=1, overflow="fold")
        table.add_column(f"{name_b} [{passage.b_start}:{passage.b_end}]", ratio=1, overflow="fold")
        table.add_row(
            _marked(text_a, passage.a_start, passage.a_end, changed_a),
            _marked(text_b, passage.b_start, passage.b_end, changed_b),
        )
        console.print(table)
        _print_rewrite(console, rewrite)


def _print_rewrite(console: Console, rewrite: RewriteProfile) -> None:
    """One line on how the right-hand span rewrites the left-hand one."""
    pairs = "; ".join(f"{old} → {new}" for old, new in rewrite.substitutions[:12])
    order = ", clause order changed" if rewrite.reordered else ""
    console.print(
        f"rewrite rate {rewrite.rewrite_rate:.0%}{order}"
        + (f"; substitutions: {pairs}" if pairs else "")
    )


#: Kinds of rejection a run summary shows (most frequent first).
_REASONS_SHOWN = 3


def print_run_summary(manifest: dict[str, Any], out: str) -> None:
    """What a run read and found, in a few lines."""
    console = Console()
    counts = manifest["input_counts"]
    found = manifest["output_counts"]
    console.print(
        f"[bold]read[/bold] {counts['read']} records: {counts['ok']} ok, "
        f"{counts['empty']} empty, {counts['rejected']} rejected"
    )
    reasons = sorted(counts.get("rejected_by_reason", {}).items(), key=lambda kv: (-kv[1], kv[0]))
    for reason, count in reasons[:_REASONS_SHOWN]:
        console.print(Text.assemble(("  rejected", "bold"), f" {count}: {reason}"))
    if reasons:
        more = len(reasons) - _REASONS_SHOWN
        also = f" ({more} more reasons in the manifest)" if more > 0 else ""
        console.print(f"  each rejected record is listed with its reason in rejects.jsonl{also}")
    ignored = counts.get("ignored_files", [])
    if ignored:
        shown = ", ".join(ignored[:3]) + (", ..." if len(ignored) > 3 else "")
        what = "file or folder" if len(ignored) == 1 else "files or folders"
        note = f" {len(ignored)} {what} in the input folders (ignored_files in manifest.json): "
        console.print(Text.assemble(("ignored", "bold"), note + shown))
    console.print(
        f"[bold]found[/bold] {found['passages']} reused passages in {found['clusters']} clusters; "
        f"{found['documents_in_duplicate_groups']} documents in "
        f"{found['duplicate_groups']} near-duplicate groups"
    )
    console.print(f"[bold]took[/bold] {manifest['seconds']:.1f} s; output in {out}")
    if not is_uri(out):  # this process cannot read a Hadoop file system
        _print_top_passages(console, Path(out))


def _print_top_passages(console: Console, out: Path, limit: int = 8) -> None:
    """The longest passages, one line each, to show what was found."""
    table_in = pq.read_table(out / "passages.parquet")
    total = table_in.num_rows
    if not total:
        return
    length = pc.subtract(table_in["a_end"], table_in["a_start"])
    order = pc.sort_indices(
        table_in.append_column("length", length),
        sort_keys=[("length", "descending"), ("passage_id", "ascending")],
    )
    passages = table_in.take(order[:limit]).to_pylist()
    table = Table(title=f"longest passages (of {total})", expand=True)
    for name in ("doc a", "doc b", "words", "score", "cluster"):
        table.add_column(name, overflow="fold")
    for passage in passages:
        table.add_row(
            f"{passage['doc_a']} [{passage['a_start']}:{passage['a_end']}]",
            f"{passage['doc_b']} [{passage['b_start']}:{passage['b_end']}]",
            str(passage["matches"] + passage["substitutions"] + passage["deletions"]),
            f"{passage['score']:.2f}",
            str(passage["cluster_id"]),
        )
    console.print(table)


def print_report(report: dict[str, Any]) -> None:
    """The summary of :func:`textreuse.report.build_report` as tables."""
    console = Console()
    counts = report["counts"]
    docs = counts.get("documents", {})
    dates = report.get("dates", {})
    console.print(
        f"[bold]{report['out']}[/bold]: {docs.get('ok', 0)} documents ok "
        f"(dates: {dates.get('ok', 0)} ok, {dates.get('missing', 0)} missing, "
        f"{dates.get('unparseable', 0)} unparseable); {counts.get('passages', 0)} passages in "
        f"{counts.get('clusters', 0)} clusters"
    )
    by_direction = counts.get("passages_by_direction", {})
    directions = ", ".join(f"{k} {v}" for k, v in sorted(by_direction.items()))
    console.print("directions: " + (directions or "none"))
    if dates.get("note"):
        console.print(f"[yellow]{dates['note']}[/yellow]")
    sections = (
        ("largest clusters", "top_clusters"),
        ("copier → source sites", "top_site_pairs"),
        ("most rewritten copies", "most_rewritten"),
    )
    for title, key in sections:
        rows = report.get(key, [])
        if not rows:
            why = _why_none(key, counts)
            console.print(f"[dim]{title}: none{f' ({why})' if why else ''}[/dim]")
            continue
        table = Table(title=title, expand=True)
        names = [name for name in rows[0] if name not in _NOT_SHOWN]
        for name in names:
            table.add_column(name, overflow="fold", min_width=_min_width(name, rows))
        for row in rows:
            table.add_row(*(_cell(row[name]) for name in names))
        console.print(table)


#: Report columns left out of the tables (``--json`` has them): the copy and
#: source columns already say which way each passage goes.
_NOT_SHOWN = frozenset({"direction"})
#: Widest a column is kept from folding: ids and numbers up to this stay whole.
_WHOLE_CHARS = 24


def _min_width(name: str, rows: list[dict[str, Any]]) -> int | None:
    """Numbers, ids and their headers on one line where they fit; lists fold."""
    if any(isinstance(row[name], list) for row in rows):
        return None
    widest = max(len(name), *(len(str(row[name])) for row in rows))
    return min(widest, _WHOLE_CHARS)


#: Longest side of a substitution shown in a report table (``--json`` has them whole).
_SHOWN_CHARS = 20


def _cell(value: object) -> str:
    """A report value as table text: a list one item per line, each side of a
    substitution (``source → copy``) shortened."""
    if isinstance(value, list):
        return "\n".join(" → ".join(map(_shortened, str(item).split(" → "))) for item in value)
    return str(value)


def _shortened(text: str) -> str:
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def _why_none(key: str, counts: dict[str, Any]) -> str:
    """Why a report section is empty, where the counts tell."""
    if key == "top_site_pairs" and counts.get("documents_with_site") == 0:
        return "no document has a site or url"
    if key == "top_site_pairs":
        return "no passage of known direction joins two sites"
    return ""


def print_boilerplate(text: str, spans: Sequence[Span]) -> None:
    """The whole text with each boilerplate span dimmed and struck through, after its reason."""
    out = Text()
    cursor = 0
    for span in spans:
        out.append(text[cursor : span.start])
        out.append(f"[cut: {span.reason}]", style="bold magenta")
        out.append(text[span.start : span.end], style="dim strike")
        cursor = span.end
    out.append(text[cursor:])
    Console(highlight=False).print(out, end="", soft_wrap=True)
