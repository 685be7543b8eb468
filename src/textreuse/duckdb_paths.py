"""File paths inside DuckDB SQL: quoted as string literals and read literally.

DuckDB's file readers (``read_parquet``, ``read_json_auto``) treat ``*``, ``?`` and
``[`` in a path as glob patterns, so a folder named ``a[1]`` would read ``a1`` instead,
and ``a?b`` would read ``axb`` as well. A path is also spliced into SQL text, where a
``'`` ends the string. These helpers make any local path safe for both.
"""

from __future__ import annotations

import os

import duckdb

from textreuse.errors import OutputError

_GLOB_CHARACTERS = "*?["


def connect_quietly(database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that never prints DuckDB's own progress bar, which it
    writes on standard output for any query over two seconds, even under
    ``--quiet``, into files and into ``--json`` output: a run's progress is
    textreuse's to show. (The setting is made on the connection: DuckDB refuses it
    as a global option.)"""
    con = duckdb.connect(database)
    con.execute("SET enable_progress_bar_print = false")
    return con


def sql_string(text: str) -> str:
    """``text`` as a SQL string literal: in single quotes, with ``'`` doubled."""
    return "'" + text.replace("'", "''") + "'"


def literal_glob(path: str) -> str:
    """``path`` as a DuckDB glob pattern that matches only itself.

    Each glob character is put in a one-character class (``?`` becomes ``[?]``),
    the escape DuckDB's glob understands.
    """
    return "".join(f"[{c}]" if c in _GLOB_CHARACTERS else c for c in path)


def parquet_source(path: str) -> str:
    """What ``read_parquet`` reads for an output table: the file itself, or every
    ``*.parquet`` part in it when it is a folder (as the Spark engine writes it).
    Returned as a SQL string literal."""
    if os.path.isdir(path):
        return sql_string(literal_glob(path) + "/*.parquet")
    return sql_string(literal_glob(path))


def check_database_path(path: str) -> None:
    """Refuse a DuckDB database location that DuckDB cannot open.

    DuckDB (2.0) derives the database's write-ahead-log path wrongly when the path
    holds a ``?``, so the first commit fails with an unrelated-looking error.

    Raises:
        OutputError: naming the path and the character.
    """
    if "?" in path:
        raise OutputError(
            f"{path}: this path contains '?', and DuckDB cannot write its database "
            "under such a path; choose another output folder"
        )
