"""The output folder: built beside its final place, renamed into place when complete."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from textreuse.errors import OutputError
from textreuse.schema import (
    CLUSTERS_SCHEMA,
    DOCUMENTS_SCHEMA,
    DUPLICATES_SCHEMA,
    PASSAGES_SCHEMA,
    SITES_SCHEMA,
)

if TYPE_CHECKING:
    from textreuse.engine.local import DuckDBEngine
    from textreuse.io.readers import Reject

OUTPUT_FILES = (
    "documents.parquet",
    "passages.parquet",
    "clusters.parquet",
    "duplicates.parquet",
    "sites.parquet",
    "manifest.json",
    "textreuse.duckdb",
)


class OutputFolder:
    """A run's output, written into a hidden temporary folder next to ``path``.

    :meth:`commit` renames it to ``path`` in one step; if the run fails the
    temporary folder is removed, so ``path`` never holds a half-written result.
    """

    def __init__(self, path: Path, *, overwrite: bool = False, keep_work: bool = False) -> None:
        self.path = path.resolve()
        occupied = self.path.exists() and (not self.path.is_dir() or any(self.path.iterdir()))
        if occupied and not overwrite:
            raise OutputError(
                f"output folder {path} already exists and is not empty; "
                "choose another --out or pass --overwrite"
            )
        self.overwrite = overwrite
        self.keep_work = keep_work
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.path.name}.tmp-", dir=self.path.parent))
        umask = os.umask(0)
        os.umask(umask)
        self.tmp.chmod(0o777 & ~umask)  # mkdtemp makes 0700; the result is an ordinary folder
        self.work_dir = self.tmp / "_work"
        self.work_dir.mkdir()
        self._committed = False

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def file(self, name: str) -> Path:
        return self.tmp / name

    def write_text(self, name: str, content: str) -> None:
        """Write a file through a temporary name, then rename it."""
        target = self.tmp / name
        partial = target.with_name(target.name + ".partial")
        partial.write_text(content, encoding="utf-8")
        os.replace(partial, target)

    def write_rejects(self, rejects: list[Reject]) -> None:
        lines = [json.dumps(r.to_dict(), ensure_ascii=False) for r in rejects]
        self.write_text("rejects.jsonl", "".join(line + "\n" for line in lines))

    def commit(self) -> None:
        """Drop the work files (unless kept) and move the finished folder into place."""
        if not self.keep_work:
            shutil.rmtree(self.work_dir, ignore_errors=True)
        old = None
        if self.path.exists():
            old = self.path.with_name(f".{self.path.name}.old-{os.getpid()}")
            os.replace(self.path, old)
        os.replace(self.tmp, self.path)
        self._committed = True
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


_DOCUMENTS_SQL = """
    SELECT r.doc_id, r.text, r.site, r.date, r.title, r.url, r.author, r.status,
           coalesce(b.boilerplate, []::STRUCT("start" INTEGER, "end" INTEGER)[]) AS boilerplate,
           r.source, r.location, r.date_utc, r.date_status
    FROM records AS r
    LEFT JOIN (
        SELECT doc_id,
               list({'start': start_pos::INTEGER, 'end': end_pos::INTEGER} ORDER BY start_pos)
                   AS boilerplate
        FROM boilerplate_spans GROUP BY doc_id
    ) AS b ON b.doc_id = r.doc_id
    ORDER BY r.doc_id
"""

_PASSAGES_SQL = """
    SELECT p.pid::BIGINT AS passage_id, da.doc_id AS doc_a, p.a_start::INTEGER AS a_start,
           p.a_end::INTEGER AS a_end, db.doc_id AS doc_b, p.b_start::INTEGER AS b_start,
           p.b_end::INTEGER AS b_end, p.score::DOUBLE AS score, p.matches::INTEGER AS matches,
           p.substitutions::INTEGER AS substitutions, p.insertions::INTEGER AS insertions,
           p.deletions::INTEGER AS deletions, c.cluster_id,
           x.direction, x.direction_basis, x.rewrite_rate,
           CASE WHEN x.direction = 'b_to_a' THEN p.substitutions_ba
                ELSE p.substitutions_ab END AS substitution_pairs,
           x.clause_order_changed
    FROM passages_keyed AS p
    JOIN docs AS da ON da.doc_key = p.ka
    JOIN docs AS db ON db.doc_key = p.kb
    JOIN occurrence_clusters AS c ON c.pid = p.pid AND c.side = 0
    JOIN passage_direction AS x ON x.pid = p.pid
    ORDER BY p.pid
"""

_CLUSTERS_SQL = """
    SELECT DISTINCT c.cluster_id, d.doc_id, c.start_pos::INTEGER AS "start",
           c.end_pos::INTEGER AS "end", sd.doc_id AS source_doc,
           s.source_confidence::DOUBLE AS source_confidence
    FROM occurrence_clusters AS c JOIN docs AS d ON d.doc_key = c.doc_key
    JOIN cluster_sources AS s ON s.cluster_id = c.cluster_id
    JOIN docs AS sd ON sd.doc_key = s.source_key
    ORDER BY c.cluster_id, d.doc_id, "start", "end"
"""

_SITES_SQL = """
    SELECT copier_site, source_site, passages::BIGINT AS passages,
           copier_articles::BIGINT AS copier_articles, copier_share::DOUBLE AS copier_share,
           median_rewrite_rate::DOUBLE AS median_rewrite_rate
    FROM site_graph
    ORDER BY passages DESC, copier_site, source_site
"""

_DUPLICATES_SQL = """
    SELECT d.doc_id, (dense_rank() OVER (ORDER BY g.label) - 1)::BIGINT AS group_id
    FROM duplicate_components AS g JOIN docs AS d ON d.doc_key = g.node
    ORDER BY group_id, d.doc_id
"""


def write_outputs(engine: DuckDBEngine, folder: OutputFolder) -> dict[str, int]:
    """Write the Parquet outputs and the DuckDB database; returns output counts."""
    con = engine.con
    queries = {
        "documents.parquet": (_DOCUMENTS_SQL, DOCUMENTS_SCHEMA),
        "passages.parquet": (_PASSAGES_SQL, PASSAGES_SCHEMA),
        "clusters.parquet": (_CLUSTERS_SQL, CLUSTERS_SCHEMA),
        "duplicates.parquet": (_DUPLICATES_SQL, DUPLICATES_SCHEMA),
        "sites.parquet": (_SITES_SQL, SITES_SCHEMA),
    }
    for name, (query, schema) in queries.items():
        partial = folder.file(name + ".partial")
        with pq.ParquetWriter(partial, schema, compression="zstd") as writer:
            for batch in engine.arrow_reader(query, batch_size=8192):
                writer.write_table(pa.Table.from_batches([batch]).cast(schema))
        os.replace(partial, folder.file(name))
    _write_database(folder)
    return _output_counts(con)


def _output_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    def scalar(sql: str) -> int:
        row = con.execute(sql).fetchall()
        return int(row[0][0]) if row and row[0][0] is not None else 0

    return {
        "passages": scalar("SELECT count(*) FROM passages_keyed"),
        "clusters": scalar("SELECT count(DISTINCT cluster_id) FROM occurrence_clusters"),
        "duplicate_groups": scalar("SELECT count(DISTINCT label) FROM duplicate_components"),
        "documents_in_duplicate_groups": scalar("SELECT count(*) FROM duplicate_components"),
    }


def _write_database(folder: OutputFolder) -> None:
    """``textreuse.duckdb``: one table per Parquet output, ready for SQL, and the
    ``site_graph`` view (the ``sites`` table, largest edges first)."""
    partial = folder.file("textreuse.duckdb.partial")
    con = duckdb.connect(str(partial))
    try:
        for name in ("documents", "passages", "clusters", "duplicates", "sites"):
            source = folder.file(f"{name}.parquet")
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{source}')")
        con.execute(
            "CREATE VIEW site_graph AS SELECT * FROM sites "
            "ORDER BY passages DESC, copier_site, source_site"
        )
        rejects = folder.file("rejects.jsonl")
        if rejects.stat().st_size > 0:
            con.execute(f"CREATE TABLE rejects AS SELECT * FROM read_json_auto('{rejects}')")
    finally:
        con.close()
    os.replace(partial, folder.file("textreuse.duckdb"))
