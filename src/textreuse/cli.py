"""The ``textreuse`` command: a thin layer over the library."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from textreuse.compare import compare as compare_texts
from textreuse.config import RunConfig, default_threads
from textreuse.errors import ConfigError, TextReuseError
from textreuse.io.document import read_document
from textreuse.io.formats import check_text_encoding
from textreuse.io.input_files import STDIN, STDIN_SOURCE
from textreuse.render import print_comparison, print_run_summary

F = TypeVar("F", bound=Callable[..., Any])


def _threads_option(fn: F) -> F:
    return click.option(
        "--threads",
        type=click.IntRange(min=1),
        default=default_threads,
        show_default="all cores",
        help="Worker processes and DuckDB threads (at most the cores available).",
    )(fn)


def _page_timeout_option(fn: F) -> F:
    return click.option(
        "--page-timeout",
        type=click.FloatRange(min=0, min_open=True),
        help="Seconds one HTML page may take to extract; a page over it is rejected [30].",
    )(fn)


def _text_encoding_option(fn: F) -> F:
    return click.option(
        "--txt-fallback-encoding",
        help="Encoding for .txt files that are not valid UTF-8, e.g. cp1252 [none: reject].",
    )(fn)


def _reading_options(fn: F) -> F:
    """Options shared by every command that reads inputs."""
    options = [
        click.option(
            "--on-error",
            type=click.Choice(["skip", "fail"]),
            default="skip",
            show_default=True,
            help="Skip bad records (listed in the rejects file) or stop at the first.",
        ),
        click.option(
            "--max-doc-chars",
            type=click.IntRange(min=1),
            help="Reject documents longer than this many characters [5000000].",
        ),
        _text_encoding_option,
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _align_options(fn: F) -> F:
    options = [
        click.option("--ngram", type=click.IntRange(min=1), help="Words per seed n-gram [4]."),
        click.option(
            "--min-words",
            type=click.IntRange(min=1),
            help="Shortest passage reported, in words [15].",
        ),
        click.option(
            "--min-seeds", type=click.IntRange(min=1), help="Shared n-grams a passage needs [2]."
        ),
        click.option(
            "--max-gap",
            type=click.IntRange(min=0),
            help="Unmatched words allowed between two seeds of one passage [12].",
        ),
        click.option(
            "--sentence-similarity",
            type=click.FloatRange(0.0, 1.0),
            help="Also align heavily rewritten sentences sharing one n-gram whose words "
            "overlap this much (Dice), e.g. 0.5 [off].",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


def _read_text(path: Path, fallback_encoding: str | None = None) -> str:
    """Read a file as `textreuse run` reads a ``.txt`` input or an HTML page, so offsets
    agree (:func:`textreuse.io.document.read_document`)."""
    try:
        check_text_encoding(fallback_encoding)
    except ConfigError as error:
        raise click.BadParameter(str(error), param_hint="'--txt-fallback-encoding'") from error
    try:
        return read_document(path, RunConfig().max_doc_chars, fallback_encoding)
    except TextReuseError as error:
        raise click.ClickException(str(error)) from error


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="textreuse")
def main() -> None:
    """Find, align and cluster reused text across collections of news articles."""


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(path_type=str),
    help="Output folder (with --engine spark, also a URI: hdfs://, s3a://, file://, ...).",
)
@_threads_option
@_page_timeout_option
@_align_options
@click.option(
    "--max-df",
    type=click.IntRange(min=2),
    help="Ignore n-grams found in more than this many document groups [100].",
)
@click.option(
    "--min-shared",
    type=click.IntRange(min=1),
    help="Distinct n-grams two documents must share to be aligned [4].",
)
@click.option(
    "--boilerplate/--no-boilerplate",
    default=None,
    help="Detect page furniture and site templates and never report them as reuse [on].",
)
@click.option(
    "--boilerplate-min-docs",
    type=click.IntRange(min=2),
    help="A line in at least this many texts of one site is boilerplate [5].",
)
@click.option(
    "--boilerplate-min-share",
    type=click.FloatRange(min=0, max=1),
    help="... and in at least this share of the site's texts [0.05].",
)
@_reading_options
@click.option("--overwrite", is_flag=True, help="Replace an existing output folder.")
@click.option(
    "--resume",
    is_flag=True,
    help="Continue a run that failed: skip the stages it finished (same inputs and options).",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "spark"]),
    default="local",
    show_default=True,
    help="DuckDB on this machine, or Apache Spark (pip install 'textreuse[spark]').",
)
@click.option(
    "--spark-master",
    metavar="URL",
    help="Spark master, e.g. spark://host:7077 or yarn [local[THREADS]].",
)
@click.option(
    "--partitions",
    type=click.IntRange(min=1),
    help="Spark shuffle partitions [2 x threads in local mode, else Spark's default].",
)
@click.option(
    "--spark-conf",
    "spark_conf",
    multiple=True,
    metavar="KEY=VALUE",
    help="A Spark setting, e.g. spark.executor.memory=8g (repeatable).",
)
@click.option("--verbose", is_flag=True, help="Let Spark log warnings and show its progress.")
@click.option(
    "--keep-work", is_flag=True, help="Keep the intermediate tables in OUT/_work for inspection."
)
@click.option(
    "--progress",
    type=click.Choice(["auto", "bar", "log", "none"]),
    default="auto",
    show_default=True,
    help="Progress bars (terminal), log lines, or nothing.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def run(
    inputs: tuple[str, ...],
    out: str,
    overwrite: bool,
    progress: str,
    quiet: bool,
    spark_conf: tuple[str, ...],
    **options: Any,
) -> None:
    """Find reused passages in INPUTS (JSONL, Parquet, CSV, text, HTML, WARC) and write OUT.

    An INPUT of - reads JSON Lines from standard input.

    With --engine spark, INPUTS may instead be URIs of record files or folders of
    them (hdfs://, s3a://, file://, ...), read by Spark's executors, and OUT may be
    a URI too, written by them.

    Writes documents, passages, clusters and near-duplicate groups as Parquet,
    plus manifest.json and textreuse.duckdb (not for a URI).
    """
    from textreuse.pipeline import run as run_pipeline

    settings: dict[str, str] = {}
    for item in spark_conf:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{item!r} is not KEY=VALUE", param_hint="--spark-conf")
        settings[key.strip()] = value
    try:
        manifest = run_pipeline(
            list(inputs),
            out,
            overwrite=overwrite,
            progress="none" if quiet else progress,
            spark_conf=settings or None,
            **options,
        )
    except TextReuseError as error:
        raise click.ClickException(with_notes(str(error), error)) from error
    except KeyboardInterrupt as interrupt:
        stop_interrupted(interrupt)
    if not quiet:
        print_run_summary(manifest, out)


def stop_interrupted(interrupt: KeyboardInterrupt) -> NoReturn:
    """After Ctrl-C: say so (with the notes on what was kept) and exit with status 130,
    as a shell does for a command stopped by SIGINT."""
    click.echo(with_notes("Interrupted.", interrupt), err=True)
    raise SystemExit(130) from None


def with_notes(message: str, error: BaseException) -> str:
    """``message`` followed by the notes added to ``error`` on its way up (such as
    where a failed run's finished stages are kept)."""
    return "\n".join([message, *getattr(error, "__notes__", [])])


@main.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Corpus Parquet file to write; rejects go beside it in NAME.rejects.jsonl.",
)
@_threads_option
@_page_timeout_option
@_reading_options
@click.option("--overwrite", is_flag=True, help="Replace an existing corpus file.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def ingest(
    inputs: tuple[Path, ...], out: Path, overwrite: bool, quiet: bool, **options: Any
) -> None:
    """Read INPUTS (HTML pages, WARC archives, JSONL, ...) into one corpus Parquet file.

    Extracts the main text of HTML pages and WARC records, validates every record and
    writes them with their metadata and status, without looking for reuse. Prints the
    counts as JSON. An INPUT of - reads JSON Lines from standard input.
    """
    from textreuse.io.corpus import ingest_corpus

    try:
        summary = ingest_corpus(
            list(inputs),
            out,
            overwrite=overwrite,
            progress="none" if quiet else "auto",
            **options,
        )
    except TextReuseError as error:
        raise click.ClickException(str(error)) from error
    except KeyboardInterrupt as interrupt:
        stop_interrupted(interrupt)
    if not quiet:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False))


@main.command()
@click.argument("file_a", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.argument("file_b", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@_align_options
@_text_encoding_option
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option(
    "--semantic",
    is_flag=True,
    help="Add a sentence-embedding model to the score of short texts "
    "(needs pip install 'textreuse[semantic]').",
)
def compare(
    file_a: Path,
    file_b: Path,
    txt_fallback_encoding: str | None,
    as_json: bool,
    semantic: bool,
    **options: Any,
) -> None:
    """Align two text files and show their shared passages side by side.

    A saved HTML page is compared by its main text; - reads one of the two from
    standard input. The score blends passage coverage (documents) with a
    sentence-level similarity (short texts); see the README.
    """
    if str(file_a) == str(file_b) == STDIN:
        raise click.UsageError("standard input (-) can be only one of the two files")
    text_a = _read_text(file_a, txt_fallback_encoding)
    text_b = _read_text(file_b, txt_fallback_encoding)
    try:
        result = compare_texts(
            text_a,
            text_b,
            semantic=semantic,
            **{k: v for k, v in options.items() if v is not None},
        )
    except TextReuseError as error:
        raise click.ClickException(str(error)) from error
    name_a, name_b = (STDIN_SOURCE if str(f) == STDIN else str(f) for f in (file_a, file_b))
    if as_json:
        payload = result.to_dict()
        payload["a"], payload["b"] = name_a, name_b
        for passage in payload["passages"]:
            passage["a_text"] = text_a[passage["a_start"] : passage["a_end"]]
            passage["b_text"] = text_b[passage["b_start"] : passage["b_end"]]
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    else:
        print_comparison(result, text_a, text_b, name_a, name_b)


@main.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@click.option(
    "--show", is_flag=True, help="Print the whole text, boilerplate struck through with why."
)
@_text_encoding_option
def clean(file: Path, show: bool, txt_fallback_encoding: str | None) -> None:
    """Print FILE without its boilerplate (comment forms, teasers, author boxes, ...).

    Uses the known furniture patterns only: lines repeated across a site need a
    corpus, and are found by `textreuse run`.
    """
    from textreuse.boilerplate import find_boilerplate, remove_spans
    from textreuse.render import print_boilerplate

    text = _read_text(file, txt_fallback_encoding)
    spans = find_boilerplate(text)
    if show:
        print_boilerplate(text, spans)
    else:
        click.echo(remove_spans(text, [(span.start, span.end) for span in spans]), nl=False)


@main.command()
@click.argument("out", type=click.Path(path_type=str, file_okay=False))
@click.option(
    "--top", type=click.IntRange(min=1), default=10, show_default=True, help="Rows in each list."
)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def report(out: str, top: int, as_json: bool) -> None:
    """Summarise the run in OUT: counts, largest clusters and their sources, copier →
    source sites, most rewritten copies."""
    from textreuse.render import print_report
    from textreuse.report import build_report

    try:
        summary = build_report(out, top=top)
    except TextReuseError as error:
        raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(summary, indent=2, ensure_ascii=False, default=str))
    else:
        print_report(summary)


@main.group(name="eval")
def eval_group() -> None:
    """Score a run's output against labelled data."""


@eval_group.command(name="pan")
@click.option(
    "--truth",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="PAN truth folder.",
)
@click.option(
    "--pairs",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Pairs list (default: found beside the truth).",
)
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
def eval_pan(truth: Path, pairs: Path | None, out: Path) -> None:
    """Precision, recall, granularity and plagdet of OUT against PAN truth.

    OUT must be a run over every document of the pairs list (matched by id or
    file name); a run missing any is refused rather than scored as misses."""
    from textreuse.eval.pan import evaluate_pan

    try:
        scores = evaluate_pan(truth, out, pairs)
    except TextReuseError as error:
        raise click.ClickException(str(error)) from error
    _warn_unread(scores.unread, out, "have no passages, so their cases count as missed")
    click.echo(json.dumps(scores.to_dict(), indent=2))


@eval_group.command(name="labels")
@click.option(
    "--labels",
    "labels_csv",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="CSV of document labels.",
)
@click.option(
    "--source-pattern",
    default="orig_task{task}.txt",
    show_default=True,
    help="Source document id, formatted with the row's columns.",
)
@click.option(
    "--negative", default="non", show_default=True, help="Category of documents that do not reuse."
)
@click.argument("out", type=click.Path(path_type=Path, file_okay=False))
def eval_labels(labels_csv: Path, source_pattern: str, negative: str, out: Path) -> None:
    """ROC-AUC of passage coverage for document-level reuse labels."""
    from textreuse.eval.labels import evaluate_labels

    try:
        scores = evaluate_labels(labels_csv, out, source_pattern=source_pattern, negative=negative)
    except TextReuseError as error:
        raise click.ClickException(str(error)) from error
    _warn_unread(scores.unread, out, "score coverage 0")
    click.echo(json.dumps(scores.to_dict(), indent=2))


def _warn_unread(unread: dict[str, str], out: Path, consequence: str) -> None:
    """A warning on standard error naming scored documents the run did not read."""
    if not unread:
        return
    shown = ", ".join(f"{doc} ({status})" for doc, status in list(unread.items())[:3])
    more = f" and {len(unread) - 3} more" if len(unread) > 3 else ""
    click.echo(
        f"warning: the run did not read {len(unread)} of the scored documents: {shown}{more}. "
        f"They {consequence}. {out / 'rejects.jsonl'} gives each rejection's reason; "
        "'unread' in the scores lists them all.",
        err=True,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
