"""The output folder: built beside its final place, renamed into place when complete."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

if sys.platform != "win32":
    import fcntl

import pyarrow as pa
import pyarrow.compute as pc

from textreuse.duckdb_paths import connect_quietly, literal_glob, parquet_source, sql_string
from textreuse.errors import OutputError
from textreuse.io.input_files import is_uri
from textreuse.io.storage import LocalStorage, Storage, child, parent_and_name
from textreuse.schema import (
    CLUSTERS_SCHEMA,
    DOCUMENTS_SCHEMA,
    DUPLICATES_SCHEMA,
    PASSAGES_SCHEMA,
    SITES_SCHEMA,
    SPAN,
)

if TYPE_CHECKING:
    from textreuse.engine.base import Engine
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


def check_output_spares_inputs(
    out: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str]]
) -> None:
    """Refuse an output location that would replace or delete a local input: ``out``
    naming an input itself, or a folder that holds one (``--overwrite`` would remove
    it when the run ends). URIs are not checked. Raises :class:`OutputError`.
    """
    if is_uri(out):
        return
    target = Path(out).resolve()
    for name in inputs:
        if is_uri(name):
            continue
        source = Path(name).resolve()
        if source == target:
            raise OutputError(f"--out {out} is the input {name}; choose another --out")
        if target in source.parents:
            raise OutputError(f"--out {out} holds the input {name}; choose another --out")


class _OutputLock:
    """An exclusive ``flock`` on ``.NAME.lock`` beside a local output folder, so that
    two runs never share its staging folder. The kernel drops it when the process
    dies, so a crash leaves no stale lock (only the empty file, reused next time).
    """

    def __init__(self, path: str, fd: int) -> None:
        self.path = path
        self.fd = fd

    @classmethod
    def take(cls, parent: str, name: str, location: str) -> _OutputLock | None:
        """The lock, or ``None`` where the platform or file system has no ``flock``."""
        if sys.platform == "win32":
            return None
        path = os.path.join(parent, f".{name}.lock")
        while True:
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError as error:
                raise OutputError(f"cannot create {path}: {error.strerror or error}") from error
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as error:
                os.close(fd)
                raise OutputError(
                    f"another textreuse run is writing to {location}; wait for it to end "
                    "or choose another --out"
                ) from error
            except OSError:  # a file system without locks (some network mounts)
                os.close(fd)
                return None
            if _same_file(fd, path):
                return cls(path, fd)
            os.close(fd)  # the run that held it removed it meanwhile: lock the new file

    def release(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(self.fd)


def _same_file(fd: int, path: str) -> bool:
    try:
        named = os.stat(path)
    except FileNotFoundError:
        return False
    held = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


class OutputFolder:
    """A run's output, written into a hidden staging folder next to ``location``
    (``.NAME.partial``).

    :meth:`commit` renames it to ``location`` in one step, so ``location`` never
    holds a half-written result. If the run fails after finishing a stage, the
    staging folder stays (its work files let ``resume`` skip the finished stages);
    otherwise it is removed. ``resume`` continues in the staging folder a failed
    run left; without it a left staging folder is cleared first.

    ``storage`` says where the folder lives: a local folder (the default), or a
    Hadoop file system URI (the Spark engine's
    :class:`~textreuse.engine.hadoop_storage.HadoopStorage`). Files this process
    writes before an engine reads them (the ingested records) are first written
    to ``scratch``, a local folder, and then :meth:`publish`-ed into the work
    folder; locally ``scratch`` is the work folder itself.
    """

    def __init__(
        self,
        location: str | Path,
        *,
        storage: Storage | None = None,
        scratch: Path | None = None,
        overwrite: bool = False,
        keep_work: bool = False,
        resume: bool = False,
    ) -> None:
        self.storage = fs = storage or LocalStorage()
        try:
            parent, name = parent_and_name(fs.absolute(str(location)))
        except ValueError as error:
            raise OutputError(f"cannot write the output there: {error}") from error
        self.path = child(parent, name)
        fs.make_dirs(parent)
        # taken before anything is checked or cleared, and held until __exit__
        self._lock = None if fs.remote else _OutputLock.take(parent, name, str(location))
        try:
            self._prepare(location, parent, name, scratch, overwrite, keep_work, resume)
        except BaseException:
            self._release_lock()
            raise

    def _prepare(
        self,
        location: str | Path,
        parent: str,
        name: str,
        scratch: Path | None,
        overwrite: bool,
        keep_work: bool,
        resume: bool,
    ) -> None:
        fs = self.storage
        if fs.exists(self.path) and not fs.is_dir(self.path):
            raise OutputError(f"--out {location} is a file, not a folder; choose another --out")
        here = Path.cwd().resolve()
        if not fs.remote and Path(self.path).resolve() in (here, *here.parents):
            raise OutputError(
                f"--out {location} is the current folder or holds it; the output folder is "
                "replaced as a whole when the run ends, so choose a folder below it"
            )
        if fs.exists(self.path) and fs.list_names(self.path) and not overwrite:
            raise OutputError(
                f"output folder {location} already exists and is not empty; "
                "choose another --out or pass --overwrite"
            )
        self.overwrite = overwrite
        self.keep_work = keep_work
        self.tmp = child(parent, f".{name}.partial")
        self.work_dir = child(self.tmp, "_work")
        self.resumed = resume and fs.is_dir(self.work_dir)
        if fs.exists(self.tmp) and not self.resumed:
            fs.delete(self.tmp)
        fs.make_dirs(self.work_dir)
        if fs.remote:
            if scratch is None:
                raise ValueError("an output folder on a remote file system needs a local scratch")
            self.scratch = scratch
        else:
            umask = os.umask(0)
            os.umask(umask)
            Path(self.tmp).chmod(0o777 & ~umask)
            self.scratch = Path(self.work_dir)
        self.keep_on_failure = self.resumed
        """Set once a stage is finished (or the folder holds finished stages): a failed
        run then leaves its work to resume."""
        self._committed = False

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None and not self._committed and self.keep_on_failure:
            exc.add_note(
                f"The finished stages are kept in {self.tmp}: run the same command with "
                "--resume to go on from them, or without it to start over."
            )
        try:
            if not self._committed and not self.keep_on_failure:
                try:
                    self.storage.delete(self.tmp)
                except Exception:  # a cleanup failure must not hide the run's own error
                    if exc is None:
                        raise
        finally:
            self._release_lock()

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def file(self, name: str) -> str:
        return child(self.tmp, name)

    def write_text(self, name: str, content: str) -> None:
        """Write a file through a temporary name, then rename it."""
        self.storage.write_text(self.file(name), content)

    def write_rejects(self, rejects: list[Reject]) -> None:
        lines = [json.dumps(r.to_dict(), ensure_ascii=False) for r in rejects]
        self.write_text("rejects.jsonl", "".join(line + "\n" for line in lines))

    def is_own(self, path: str) -> bool:
        """Whether a local ``path`` is this run's staging folder or lock file, which an
        input folder holding ``--out`` would otherwise list as ignored input."""
        if self.storage.remote:
            return False  # hidden names: Spark's listing leaves them out
        own = [self.tmp] + ([self._lock.path] if self._lock is not None else [])
        return os.path.realpath(path.rstrip(os.sep)) in {os.path.realpath(p) for p in own}

    def publish(self, name: str) -> str:
        """The work file ``name``, written to ``scratch``, where the engine reads it."""
        target = child(self.work_dir, name)
        self.storage.upload(self.scratch / name, target)
        return target

    def commit(self) -> None:
        """Drop the work files (unless kept) and move the finished folder into place."""
        fs = self.storage
        if not self.keep_work:
            fs.delete(self.work_dir)
        old = None
        if fs.exists(self.path):
            parent, name = parent_and_name(self.path)
            old = child(parent, f".{name}.old-{os.getpid()}")
            fs.rename(self.path, old)
        fs.rename(self.tmp, self.path)
        self._committed = True
        if old is not None:
            fs.delete(old)


# The output queries are plain SQL that both engines run; each batch of a query
# passes through a finish function (in the engine's workers) that gives it the
# output schema: columns by position, empty lists for missing ones.

_DOCUMENTS_SQL = """
    SELECT r.doc_id, r.text, r.site, r.date, r.title, r.url, r.author,
           CASE WHEN r.status = 'ok' AND b.all_boilerplate = 1 THEN 'empty'
                ELSE r.status END AS status,
           s.bp_starts, s.bp_ends, r.source, r.location, r.date_utc, r.date_status
    FROM records AS r
    LEFT JOIN doc_boilerplate AS b ON b.doc_id = r.doc_id
    LEFT JOIN doc_span_lists AS s ON s.doc_id = r.doc_id
    ORDER BY r.doc_id
"""

_PASSAGES_SQL = """
    SELECT p.pid, da.doc_id AS doc_a, p.a_start, p.a_end, db.doc_id AS doc_b, p.b_start,
           p.b_end, p.score,
           p.matches, p.substitutions, p.insertions, p.deletions, c.cluster_id,
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
    SELECT DISTINCT c.cluster_id, d.doc_id, c.start_pos, c.end_pos,
           sd.doc_id AS source_doc, s.source_confidence
    FROM occurrence_clusters AS c JOIN docs AS d ON d.doc_key = c.doc_key
    JOIN cluster_sources AS s ON s.cluster_id = c.cluster_id
    JOIN docs AS sd ON sd.doc_key = s.source_key
    ORDER BY c.cluster_id, d.doc_id, c.start_pos, c.end_pos
"""

_SITES_SQL = """
    SELECT copier_site, source_site, passages, copier_articles, copier_share,
           median_rewrite_rate
    FROM site_graph
    ORDER BY passages DESC, copier_site, source_site
"""

_DUPLICATES_SQL = """
    SELECT d.doc_id, n.group_id
    FROM duplicate_components AS g JOIN docs AS d ON d.doc_key = g.node
    JOIN duplicate_groups AS n ON n.label = g.label
    ORDER BY n.group_id, d.doc_id
"""


def conform(schema: pa.Schema, batch: pa.RecordBatch) -> pa.RecordBatch:
    """``batch``'s columns, by position, in ``schema``'s types; null lists become empty."""
    columns = []
    for column, field in zip(batch.columns, schema, strict=True):
        if pa.types.is_list(field.type) and column.null_count:
            column = pc.if_else(column.is_null(), pa.scalar([], column.type), column)
        columns.append(column.cast(field.type))
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def finish_documents(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Documents with their boilerplate spans as one list of ``{start, end}``."""
    starts = batch.column("bp_starts").to_pylist()
    ends = batch.column("bp_ends").to_pylist()
    spans = pa.array(
        [
            [{"start": s, "end": e} for s, e in zip(row_starts or [], row_ends or [], strict=True)]
            for row_starts, row_ends in zip(starts, ends, strict=True)
        ],
        pa.list_(SPAN),
    )
    at = batch.schema.get_field_index("bp_starts")
    columns = [*batch.columns[:at], spans, *batch.columns[at + 2 :]]
    return conform(DOCUMENTS_SCHEMA, pa.RecordBatch.from_arrays(columns, schema=DOCUMENTS_SCHEMA))


#: Output file, its query, its finish function and its schema.
OUTPUT_QUERIES: dict[str, tuple[str, Callable[[pa.RecordBatch], pa.RecordBatch], pa.Schema]] = {
    "documents": (_DOCUMENTS_SQL, finish_documents, DOCUMENTS_SCHEMA),
    "passages": (_PASSAGES_SQL, functools.partial(conform, PASSAGES_SCHEMA), PASSAGES_SCHEMA),
    "clusters": (_CLUSTERS_SQL, functools.partial(conform, CLUSTERS_SCHEMA), CLUSTERS_SCHEMA),
    "duplicates": (
        _DUPLICATES_SQL,
        functools.partial(conform, DUPLICATES_SCHEMA),
        DUPLICATES_SCHEMA,
    ),
    "sites": (_SITES_SQL, functools.partial(conform, SITES_SCHEMA), SITES_SCHEMA),
}


def write_outputs(engine: Engine, folder: OutputFolder) -> list[str]:
    """Write the Parquet outputs and the DuckDB database; returns the names written.

    The local engine writes each output as one file, the Spark engine as a folder
    of ``part-*.parquet`` files written by its executors; both read the same with
    ``pyarrow.parquet.read_table``, pandas, DuckDB or Spark. An output folder on a
    Hadoop file system gets no ``textreuse.duckdb``: DuckDB writes local files only.
    """
    written = []
    for name, (query, finish, schema) in OUTPUT_QUERIES.items():
        engine.write_output(query, finish, schema, folder.file(f"{name}.parquet"))
        written.append(f"{name}.parquet")
    if not folder.storage.remote:
        _write_database(folder)
        written.append("textreuse.duckdb")
    return written


def output_counts(engine: Engine) -> dict[str, int]:
    """Passages, clusters and near-duplicate groups found (the manifest's output counts)."""
    return {
        "passages": engine.count("passages_keyed"),
        "clusters": engine.count("cluster_labels"),
        "duplicate_groups": engine.count("duplicate_groups"),
        "documents_in_duplicate_groups": engine.count("duplicate_components"),
    }


def _write_database(folder: OutputFolder) -> None:
    """``textreuse.duckdb``: one table per Parquet output, ready for SQL, and the
    ``site_graph`` view (the ``sites`` table, largest edges first)."""
    partial = folder.file("textreuse.duckdb.partial")
    con = connect_quietly(str(partial))
    try:
        for name in ("documents", "passages", "clusters", "duplicates", "sites"):
            source = parquet_source(folder.file(f"{name}.parquet"))
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet({source})")
        con.execute(
            "CREATE VIEW site_graph AS SELECT * FROM sites "
            "ORDER BY passages DESC, copier_site, source_site"
        )
        rejects = folder.file("rejects.jsonl")
        if os.path.getsize(rejects) > 0:
            source = sql_string(literal_glob(rejects))
            con.execute(f"CREATE TABLE rejects AS SELECT * FROM read_json_auto({source})")
    finally:
        con.close()
    os.replace(partial, folder.file("textreuse.duckdb"))
