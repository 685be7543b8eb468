"""Input paths and files: what kind each is, and which files a folder holds.

Pure name rules (suffixes, URIs) and the folder scan shared by the local reader
(:class:`~textreuse.io.readers.RecordReader`) and the Spark engine's listing, so both
engines read the same files of a folder and ignore the same others.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal

from textreuse.errors import ConfigError, InputError
from textreuse.io.compression import with_compressions, without_compression
from textreuse.io.html import HTML_SUFFIXES

InputKind = Literal["jsonl", "parquet", "csv", "txt", "html", "warc", "folder", "stdin"]

#: The input that reads JSON Lines from standard input (``zcat x.jsonl.gz | textreuse run -``).
STDIN = "-"
#: The name standard input goes by in rejects, locations and messages.
STDIN_SOURCE = "<stdin>"

#: JSON Lines and CSV files, plain or compressed.
JSONL_SUFFIXES = with_compressions(".jsonl", ".ndjson")
CSV_SUFFIXES = with_compressions(".csv")
#: Tab-separated files, read as CSV with tabs and no quoting.
TSV_SUFFIXES = with_compressions(".tsv")
#: Text files, each one document, plain or compressed.
TXT_SUFFIXES = with_compressions(".txt")

_EXTENSIONS: tuple[tuple[str, InputKind], ...] = (
    *((suffix, "jsonl") for suffix in JSONL_SUFFIXES),
    (".parquet", "parquet"),
    *((suffix, "csv") for suffix in (*CSV_SUFFIXES, *TSV_SUFFIXES)),
    *((suffix, "txt") for suffix in TXT_SUFFIXES),
    *((suffix, "html") for suffix in HTML_SUFFIXES),
    (".warc", "warc"),
    (".warc.gz", "warc"),
)


#: A URI: a scheme, then ``://``. Plain paths (``data/x.jsonl``, ``C:\\x``) are not.
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def is_uri(path: object) -> bool:
    """Whether an input is a URI for Spark (``scheme://...``) rather than a local path."""
    return isinstance(path, str) and _URI.match(path) is not None


def input_kind(path: str) -> InputKind:
    """Classify an input path, raising :class:`InputError` if it cannot be read at all."""
    if path == STDIN:
        return "stdin"
    if os.path.isdir(path):
        return "folder"
    if not os.path.exists(path):
        raise InputError(path, "", "no such file or folder")
    name = os.path.basename(path).lower()
    for suffix, kind in _EXTENSIONS:
        if name.endswith(suffix):
            return kind
    _, ext = os.path.splitext(without_compression(name))
    hint = ""
    if ext == ".json":
        hint = (
            "; if it holds one JSON object per line, name it .jsonl (a .json file may be "
            "one JSON value, which is not read)"
        )
    raise InputError(
        path,
        "",
        f"unsupported input type '{ext}': expected .jsonl or .ndjson (JSON Lines), .csv or "
        ".tsv, .txt, .html or .htm (each optionally compressed: .gz, .bz2, .xz, .zst), "
        f".parquet, .warc, .warc.gz or a folder{hint}",
    )


def check_distinct_inputs(paths: Sequence[str]) -> None:
    """Refuse an input given twice, or one inside an input folder (symlinks followed):
    its records would be read twice, and each second copy rejected as a duplicate id.

    Raises:
        ConfigError: naming both inputs.
    """
    given: dict[Path, str] = {}
    if list(paths).count(STDIN) > 1:
        raise ConfigError(f"input {STDIN} (standard input) is given twice; it can be read once")
    for path in (path for path in paths if path != STDIN):
        resolved = Path(path).resolve()
        if resolved in given:
            raise ConfigError(
                f"input {path} is given twice (also as {given[resolved]}); "
                "its records would be read twice"
            )
        given[resolved] = path
    for resolved, path in given.items():
        folder = next((given[p] for p in resolved.parents if p in given), None)
        if folder is not None:
            raise ConfigError(
                f"input {path} is inside the input folder {folder}; its records would be read twice"
            )


def scan_folder(
    folder: str,
    rel: str,
    files: list[tuple[str, str]],
    ignored: list[str],
    unreadable: list[tuple[str, str]],
) -> None:
    """Collect ``(relative id, path)`` of every .txt, HTML, record and WARC file below
    ``folder``.

    Everything else is listed in ``ignored``, as is a folder holding a textreuse run's
    output (:func:`is_run_output`), which is not descended into.
    """
    here = os.path.join(folder, rel) if rel else folder
    try:
        with os.scandir(here) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as exc:
        unreadable.append((here, f"cannot read folder: {exc.strerror or exc}"))
        return
    if is_run_output(entry.name for entry in entries if entry.is_file()):
        ignored.append(os.path.join(here, ""))  # a run's output: not input (see is_run_output)
        return
    for entry in entries:
        entry_rel = f"{rel}/{entry.name}" if rel else entry.name
        path = os.path.join(folder, entry_rel)
        is_dir = entry.is_dir(follow_symlinks=False)
        if entry.name.startswith("."):
            ignored.append(path + os.sep if is_dir else path)
        elif is_dir:
            scan_folder(folder, entry_rel, files, ignored, unreadable)
        elif (
            entry.name.lower().endswith(TXT_SUFFIXES)
            or is_html(entry.name)
            or is_record_file(entry.name)
            or is_warc(entry.name)
        ) and entry.is_file():
            files.append((entry_rel, path))
        else:
            ignored.append(path)


#: Files that every run writes to its output folder (``textreuse.output.OUTPUT_FILES``).
RUN_OUTPUT_MARKERS = frozenset({"manifest.json", "documents.parquet", "passages.parquet"})


def is_run_output(names: Iterable[str]) -> bool:
    """Whether a folder holding files named ``names`` is a textreuse run's output.

    Found below an input folder (``textreuse run data --out data/results``, run twice),
    such a folder is not input: its documents would all be read a second time. It is
    skipped whole and listed as ignored; a run's documents are read when its
    ``documents.parquet`` is named as an input.
    """
    return set(names) >= RUN_OUTPUT_MARKERS


def run_output_folders(paths: Iterable[str]) -> list[str]:
    """The folders (each ending with ``/``) holding a run's output, among file paths
    with ``/`` separators (URIs listed by Spark); one inside another is left out, as
    the folder scan never descends into the outer one."""
    names: dict[str, set[str]] = {}
    for path in paths:
        folder, _, name = path.rpartition("/")
        names.setdefault(folder + "/", set()).add(name)
    found: list[str] = []
    for folder in sorted(folder for folder, held in names.items() if is_run_output(held)):
        if not (found and folder.startswith(found[-1])):
            found.append(folder)
    return found


#: Files of records (each with its own ``id``) that a folder may hold, like the
#: part files of a partitioned Parquet data set.
RECORD_FILE_SUFFIXES = (".parquet", *JSONL_SUFFIXES, *CSV_SUFFIXES, *TSV_SUFFIXES)


def is_record_file(name: str) -> bool:
    """Whether ``name`` is a file of records (JSON Lines, CSV or Parquet)."""
    return name.lower().endswith(RECORD_FILE_SUFFIXES)


#: WARC files (matched case-insensitively).
WARC_SUFFIXES = (".warc", ".warc.gz")

#: Files holding pages to extract, which need the ``textreuse[html]`` extra.
PAGE_FILE_SUFFIXES = (*HTML_SUFFIXES, *WARC_SUFFIXES)

#: Files the Spark engine's executors read from a URI: every kind a folder holds.
URI_FILE_SUFFIXES = (*RECORD_FILE_SUFFIXES, *TXT_SUFFIXES, *PAGE_FILE_SUFFIXES)


def is_uri_file(name: str) -> bool:
    """Whether the executors read ``name`` from a URI (records, text, pages or WARC)."""
    return name.lower().endswith(URI_FILE_SUFFIXES)


def is_page_file(name: str) -> bool:
    """Whether ``name`` is an HTML page or a WARC file (read with ``textreuse[html]``)."""
    return name.lower().endswith(PAGE_FILE_SUFFIXES)


def is_html(name: str) -> bool:
    return name.lower().endswith(HTML_SUFFIXES)


def is_warc(name: str) -> bool:
    return name.lower().endswith(WARC_SUFFIXES)
